/**
 * The plugin registries and the plugin API (docs/plugins.md).
 *
 * Executors are keyed by (capability, flavor). A *protocol* (the inventory's `mgt:`) is a flavor with
 * its executors: the built-ins (redfish, openbmc; builtin.ts) are registered as lazy loaders so that a
 * command only loads the modules of the flavors it actually meets. *Transports* (`transport:`) live in
 * src/bmc/transport.ts. A site plugin (the inventory's `plugins:`) is an ES module whose default export
 * is called with the PluginApi, which is how a vendor flavor or a way to reach BMCs is added without
 * forking hwctl.
 */
import { pathToFileURL } from 'node:url';
import { HwctlUsageError, NodeError } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import { CAPABILITIES } from '../engine/executor.js';
import type { Capability, Executor, NodeContext } from '../engine/executor.js';
import { foldNodes } from '../noderange/nodeset.js';
import { didYouMean } from '../inventory/suggest.js';
import { registerTransport, transportProblem } from '../bmc/transport.js';
import type { TransportDefinition } from '../bmc/transport.js';

type Loader = () => Promise<Executor>;

const loaders = new Map<string, Loader>();
const loaded = new Map<string, Promise<Executor>>();

const key = (capability: Capability, flavor: string) => `${capability}\u0000${flavor}`;

/** Register an executor (or a loader that imports it on first use) for one capability and flavor. */
export function registerExecutor(capability: Capability, flavor: string, executor: Executor | Loader): void {
  const k = key(capability, flavor);
  loaded.delete(k);
  loaders.set(k, typeof executor === 'function' ? executor : async () => executor);
}

/** The executor for (capability, flavor), or undefined when that flavor cannot do it. */
export async function findExecutor(capability: Capability, flavor: string): Promise<Executor | undefined> {
  const k = key(capability, flavor);
  const cached = loaded.get(k);
  if (cached) return cached;
  const loader = loaders.get(k);
  if (!loader) return undefined;
  const p = loader();
  loaded.set(k, p);
  return p;
}

/** Flavors that have an executor for a capability (for messages such as "supported: redfish, openbmc"). */
export function flavorsFor(capability: Capability): string[] {
  const prefix = `${capability}\u0000`;
  return [...loaders.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
}

/** Remove everything (tests only). */
export function clearRegistry(): void {
  loaders.clear();
  loaded.clear();
  protocols.clear();
}

// ------------------------------------------------------------------------------------ protocols

/** A protocol: the `mgt:` name and the executors that implement its capabilities. */
export interface ProtocolDefinition {
  name: string;
  summary?: string;
  executors: Partial<Record<Capability, Executor | Loader>>;
}

const FLAVOR = /^[a-z][a-z0-9_-]*$/;
const RESERVED_PROTOCOLS = new Set(['redfish', 'openbmc', 'auto']);
const protocols = new Map<string, string>();

function checkProtocol(def: ProtocolDefinition): void {
  const what = `registerProtocol(${JSON.stringify(def?.name)})`;
  if (typeof def !== 'object' || def === null) throw new Error('registerProtocol needs a definition object');
  if (typeof def.name !== 'string' || !FLAVOR.test(def.name))
    throw new Error(`${what}: the name must be lower-case letters, digits, '-' or '_'`);
  const caps = Object.keys(def.executors ?? {});
  if (caps.length === 0) throw new Error(`${what}: executors names no capability`);
  for (const c of caps) {
    if (!(CAPABILITIES as readonly string[]).includes(c))
      throw new Error(`${what}: '${c}' is not a capability (${CAPABILITIES.join(', ')})`);
  }
}

/** Register a protocol and its executors (built-ins; plugins go through the PluginApi's, which shields). */
export function registerProtocol(def: ProtocolDefinition, wrap: (e: Executor) => Executor = (e) => e): void {
  checkProtocol(def);
  protocols.set(def.name, def.summary ?? '');
  for (const [capability, executor] of Object.entries(def.executors) as Array<
    [Capability, Executor | Loader]
  >) {
    const load: Loader = typeof executor === 'function' ? executor : async () => executor;
    registerExecutor(capability, def.name, async () => wrap(await load()));
  }
}

/** Every protocol name `mgt:` may use: registered protocols and flavors with an executor (v1 plugins). */
export function protocolNames(): string[] {
  const names = new Set(protocols.keys());
  for (const k of loaders.keys()) names.add(k.slice(k.indexOf('\u0000') + 1));
  return [...names];
}

// ------------------------------------------------------------------------------------ validation

/**
 * Every selected node's `mgt:` and `transport:` against the registries, once plugins are loaded and
 * before any BMC is touched: an unknown name (or a transport's missing option) is one usage error that
 * names the nodes (folded) and the names that exist.
 */
export function validateNodes(nodes: readonly NodeDef[]): void {
  const problems = new Map<string, string[]>();
  const add = (message: string, node: string) => {
    const list = problems.get(message) ?? [];
    list.push(node);
    problems.set(message, list);
  };
  const known = protocolNames();
  const knownSet = new Set(known);
  for (const node of nodes) {
    if (node.mgt !== 'auto' && !knownSet.has(node.mgt)) {
      add(
        `mgt '${node.mgt}' is not a known protocol; known: ${[...known, 'auto'].join(', ')}` +
          `${didYouMean(node.mgt, known)} (a plugin adds one with registerProtocol)`,
        node.name,
      );
    }
    const t = transportProblem(node);
    if (t) add(t, node.name);
  }
  if (problems.size === 0) return;
  const lines = [...problems].map(([message, names]) => `${foldNodes(names)}: ${message}`);
  const shown = lines.slice(0, 10);
  if (lines.length > 10) shown.push(`... and ${lines.length - 10} more`);
  throw new HwctlUsageError(shown.join('\n'));
}

// ------------------------------------------------------------------------------------ the plugin API

/** One answer from a BMC, as a plugin sees it. HTTP error statuses are answers, not exceptions. */
export interface PluginResponse {
  status: number;
  statusText: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  text: string;
  /** The body as JSON; a body that is not JSON fails the node as xCAT does ("wrong format"). */
  json(): unknown;
}

/** A request a plugin may make; always to the node's own BMC (an absolute URL keeps only its path). */
export interface PluginRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  json?: unknown;
  headers?: Record<string, string>;
  /** Send the node's credentials as HTTP Basic: hwctl adds them; the plugin never holds them. */
  basic?: boolean;
  /** `idempotent` (default for GET/HEAD), `unsent` (default otherwise), `none`. */
  retry?: 'idempotent' | 'unsent' | 'none';
  timeoutMs?: number;
}

/** The node's BMC over its transport, with hwctl's TLS, limits, retries, --debug and --record. */
export interface PluginBmc {
  /** `https://host:port` of the node's BMC. */
  readonly origin: string;
  request(req: PluginRequest): Promise<PluginResponse>;
  /**
   * Mask a secret the plugin got from the BMC (a session token) in --debug and --record from now on.
   */
  addSecret(secret: string): void;
}

/**
 * The contexts plugin protocol executors are handed: the node's context without its password (and
 * without the node's password reference, which may be an inline value). The real context stays here,
 * for `api.bmc(ctx)`.
 */
const realContexts = new WeakMap<object, NodeContext>();
const shields = new WeakMap<NodeContext, NodeContext>();

function isNodeContext(v: unknown): v is NodeContext {
  return typeof v === 'object' && v !== null && 'signal' in v && 'shared' in v && 'node' in v;
}

function shieldContext(ctx: NodeContext): NodeContext {
  if (realContexts.has(ctx)) return ctx;
  let view = shields.get(ctx);
  if (!view) {
    const { password: _secretRef, ...node } = ctx.node;
    const safeNode = Object.freeze(node) as NodeDef;
    view = new Proxy(ctx, {
      get: (target, prop) => {
        if (prop === 'password') return undefined;
        if (prop === 'node') return safeNode;
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
      has: (target, prop) => prop !== 'password' && Reflect.has(target, prop),
    });
    shields.set(ctx, view);
    realContexts.set(view, ctx);
  }
  return view;
}

/** A plugin protocol's executor as the engine calls it: every NodeContext argument shielded. */
function shieldExecutor(executor: Executor): Executor {
  return new Proxy(executor, {
    get: (target, prop) => {
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      const fn = v as (...a: unknown[]) => unknown;
      return (...args: unknown[]) =>
        fn.apply(
          target,
          args.map((a) => (isNodeContext(a) ? shieldContext(a) : a)),
        );
    },
  });
}

function pluginBmc(ctx: NodeContext): PluginBmc {
  const real = realContexts.get(ctx) ?? ctx;
  if (!isNodeContext(real))
    throw new TypeError('api.bmc(ctx) needs the node context an operation was handed');
  const transport = import('../bmc/index.js').then((m) => m.nodeTransport(real));
  let origin = '';
  void transport.then(
    (t) => (origin = t.origin),
    () => undefined,
  );
  return {
    get origin() {
      return origin;
    },
    async request(req) {
      const t = await transport;
      origin = t.origin;
      const res = await t.request({
        method: req.method,
        path: req.path,
        ...(req.json !== undefined ? { json: req.json } : {}),
        ...(req.headers ? { headers: { ...req.headers } } : {}),
        ...(req.basic ? { basic: true } : {}),
        ...(req.retry ? { retry: req.retry } : {}),
        ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {}),
      });
      return {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
        text: res.text,
        json: () => t.json(res, req.method),
      };
    },
    addSecret(secret) {
      void transport.then((t) => t.addSecret(secret));
    },
  };
}

/**
 * What a plugin is handed. Plugins receive the registries rather than importing them, because the
 * installed hwctl is a bundle: a plugin importing hwctl's modules by path would get a second, unused
 * registry. Version 1; `registerTransport`, `registerProtocol`, `bmc` and `capabilities` were added
 * compatibly (feature-test them: `typeof api.registerTransport === 'function'`).
 */
export interface PluginApi {
  /** The plugin API version; bumped only when this interface changes incompatibly. */
  version: 1;
  /** v1's original call: executors registered so are handed the node's password (ctx.password). */
  registerExecutor: typeof registerExecutor;
  NodeError: typeof NodeError;
  /** A protocol (`mgt:` name) and its executors; their contexts carry no password (use `bmc(ctx)`). */
  registerProtocol(def: ProtocolDefinition): void;
  /** A transport (`transport:` name): a byte stream to the BMC that hwctl runs TLS over. */
  registerTransport(def: TransportDefinition): void;
  /** The node's BMC, for a protocol executor's operation (pass the ctx the operation was handed). */
  bmc(ctx: NodeContext): PluginBmc;
  capabilities: readonly Capability[];
}

function pluginApi(): PluginApi {
  return Object.freeze({
    version: 1 as const,
    registerExecutor,
    NodeError,
    registerProtocol: (def: ProtocolDefinition) => {
      if (RESERVED_PROTOCOLS.has(def?.name))
        throw new Error(`registerProtocol: '${def.name}' is built in (extend it with registerExecutor)`);
      registerProtocol(def, shieldExecutor);
    },
    registerTransport,
    bmc: pluginBmc,
    capabilities: CAPABILITIES,
  });
}

/**
 * Import site plugins named in the inventory and call each one's default export (or `register`) with the
 * PluginApi. A plugin that fails to load is a usage error: running a command with half the site's
 * executors missing would give misleading `unsupported` results.
 */
export async function loadPlugins(paths: readonly string[]): Promise<void> {
  const api = pluginApi();
  for (const p of paths) {
    try {
      const mod = (await import(pathToFileURL(p).href)) as { default?: unknown; register?: unknown };
      const register = typeof mod.default === 'function' ? mod.default : mod.register;
      if (typeof register !== 'function') {
        throw new Error(
          'it exports no function (export default function (api) { api.registerProtocol(...) })',
        );
      }
      await (register as (api: PluginApi) => unknown)(api);
    } catch (e) {
      throw new HwctlUsageError(`cannot load plugin ${p}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
