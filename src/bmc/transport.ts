/**
 * Transports: how the bytes of a node's BMC requests reach its BMC (the inventory's `transport:`).
 *
 * A transport is a plugin kind (docs/plugins.md). Three shapes exist:
 *  - `stream`: `connect()` hands back a byte stream to the BMC's host:port (direct TCP, an HTTP CONNECT
 *    proxy, SOCKS, ...). hwctl runs TLS over that stream itself, so the BMC's certificate is checked
 *    (verify, pin) end to end and the transport only ever carries ciphertext for an https BMC.
 *    The only shape a plugin may register.
 *  - `agent`: the stream speaks plain HTTP to a local agent that reaches the BMC and does TLS (the
 *    built-in `unix`). The agent sees the requests, credentials included: its socket's permissions are
 *    the security boundary, so it is built in only.
 *  - `dispatch`: not a connection at all; the command is run elsewhere (the built-in `servicenode`, run
 *    by the hierarchy dispatcher before the BMC layer). Known here so the inventory validates.
 *
 * This module is light (node: built-ins only): the registry is read when the inventory is validated,
 * before any BMC code is loaded.
 */
import type { Duplex } from 'node:stream';
import { proxyConnect } from './transport-proxy.js';
import { unixConnect } from './transport-unix.js';

export type TransportKind = 'stream' | 'agent' | 'dispatch';

/** Where a connection goes: the BMC's host (no brackets for IPv6) and port. */
export interface TransportTarget {
  host: string;
  port: number;
}

/** What `connect()` is handed besides the target. Never credentials. */
export interface TransportContext {
  /** The node the connection is first opened for (connections are shared by nodes of one BMC). */
  node: string;
  /** The node's `transport: {name, ...options}` options, rendered (templates applied). */
  options: Readonly<Record<string, string>>;
  /** The node's `proxy:` URL, when it has one. */
  proxy?: string;
  /** Aborted when the node's deadline passes or the run is interrupted: stop connecting. */
  signal?: AbortSignal;
  /** The connect timeout (ms); hwctl enforces it too, around connect + TLS handshake. */
  connectMs: number;
}

/** A node as an up-front check sees it. */
export interface TransportNodeView {
  name: string;
  bmc: string;
  tls: string;
  options: Readonly<Record<string, string>>;
  proxy?: string;
  /** The node's `servicenode:` (docs/hierarchy.md). */
  servicenode?: string;
}

export interface TransportOption {
  required?: boolean;
  summary: string;
}

export interface TransportDefinition {
  name: string;
  summary: string;
  /** Default `stream`. */
  kind?: TransportKind;
  /** Option names accepted in `transport: {name: NAME, OPTION: VALUE}`; any other is an inventory error. */
  options?: Readonly<Record<string, TransportOption>>;
  /** Whether the node's `proxy:` setting is read (otherwise setting it is an error). */
  usesProxy?: boolean;
  /** An up-front check of one node's settings (before any BMC is touched): a problem, or undefined. */
  check?(node: TransportNodeView): string | undefined;
  /** Open a byte stream (`stream`) or an HTTP connection to the agent (`agent`). */
  connect?(target: TransportTarget, ctx: TransportContext): Duplex | Promise<Duplex>;
}

/** The name every node without `transport:` uses: straight TCP (+ TLS) to the BMC. */
export const DEFAULT_TRANSPORT = 'https';

const NAME = /^[a-z][a-z0-9_-]*$/;

const BUILTIN: readonly TransportDefinition[] = [
  {
    name: 'https',
    summary: 'direct: TCP to the BMC, TLS end to end (the default)',
  },
  {
    name: 'proxy',
    summary: 'through an HTTP(S) proxy (CONNECT), from the node’s proxy: URL; TLS end to end',
    usesProxy: true,
    check: (n) => (n.proxy === undefined ? 'transport proxy needs proxy: URL (http://HOST:PORT)' : undefined),
    connect: proxyConnect,
  },
  {
    name: 'unix',
    kind: 'agent',
    summary: 'HTTP over a Unix socket to a local agent that reaches the BMC (and does TLS)',
    options: { socket: { required: true, summary: 'path of the agent’s Unix socket' } },
    check: (n) =>
      n.tls === 'pin'
        ? 'tls: pin needs the BMC’s own certificate, which the agent behind transport unix terminates; use tls: verify (the agent checks the BMC)'
        : undefined,
    connect: unixConnect,
  },
  {
    name: 'servicenode',
    kind: 'dispatch',
    summary: 'the node’s command runs on its service node (hierarchy, docs/hierarchy.md)',
    // The dispatcher splits by the node's servicenode: key; the transport name only says so explicitly.
    check: (n) =>
      n.servicenode === undefined || n.servicenode === ''
        ? 'transport servicenode needs the node’s servicenode: (a name from servicenodes:, docs/hierarchy.md)'
        : undefined,
  },
];

const transports = new Map<string, TransportDefinition>();
const builtinNames = new Set(BUILTIN.map((t) => t.name));

function registerBuiltins(): void {
  if (transports.size > 0) return;
  for (const t of BUILTIN) transports.set(t.name, t);
}

/**
 * Register a transport (a plugin's `api.registerTransport`). Plugins may add `stream` transports only,
 * and may not replace a built-in: a site plugin silently rerouting `https` would be invisible in the
 * inventory.
 */
export function registerTransport(def: TransportDefinition): void {
  registerBuiltins();
  const what = `registerTransport(${JSON.stringify(def?.name)})`;
  if (typeof def !== 'object' || def === null) throw new Error('registerTransport needs a definition object');
  if (typeof def.name !== 'string' || !NAME.test(def.name))
    throw new Error(`${what}: the name must be lower-case letters, digits, '-' or '_'`);
  if (builtinNames.has(def.name)) throw new Error(`${what}: '${def.name}' is a built-in transport`);
  if ((def.kind ?? 'stream') !== 'stream')
    throw new Error(`${what}: a plugin transport is a stream (hwctl runs TLS over it)`);
  if (typeof def.connect !== 'function') throw new Error(`${what}: connect(target, ctx) is missing`);
  if (def.check !== undefined && typeof def.check !== 'function')
    throw new Error(`${what}: check must be a function`);
  for (const [opt, spec] of Object.entries(def.options ?? {})) {
    if (!NAME.test(opt) || typeof spec !== 'object' || spec === null)
      throw new Error(`${what}: option '${opt}' must be a lower-case name with {summary, required?}`);
  }
  transports.set(def.name, { ...def, kind: 'stream' });
}

export function findTransport(name: string): TransportDefinition | undefined {
  registerBuiltins();
  return transports.get(name);
}

export function transportNames(): string[] {
  registerBuiltins();
  return [...transports.keys()];
}

/** Forget plugin transports (tests). */
export function clearPluginTransports(): void {
  for (const name of [...transports.keys()]) if (!builtinNames.has(name)) transports.delete(name);
}

/** The settings of a node that choose its transport (NodeDef's `transport` and `proxy`). */
export interface NodeTransportChoice {
  name: string;
  bmc: string;
  tls: { mode: string };
  transport?: { name: string; options: Readonly<Record<string, string>> };
  proxy?: string;
  servicenode?: string;
}

/**
 * Why a node's transport settings cannot work, or undefined: an unknown name (with the known ones),
 * unknown or missing options, `proxy:` on a transport that ignores it, the transport's own check.
 */
export function transportProblem(node: NodeTransportChoice): string | undefined {
  const name = node.transport?.name ?? DEFAULT_TRANSPORT;
  const def = findTransport(name);
  if (!def) {
    return `transport '${name}' is not known; known transports: ${transportNames().join(', ')} (a plugin adds one with registerTransport)`;
  }
  const options = node.transport?.options ?? {};
  const accepted = def.options ?? {};
  const names = Object.keys(accepted);
  for (const opt of Object.keys(options)) {
    if (!Object.prototype.hasOwnProperty.call(accepted, opt)) {
      return `transport ${name} has no option '${opt}'; ${names.length ? `its options: ${names.join(', ')}` : 'it takes none'}`;
    }
  }
  for (const [opt, spec] of Object.entries(accepted)) {
    if (spec.required && options[opt] === undefined) {
      return `transport ${name} needs option '${opt}' (${spec.summary}): transport: {name: ${name}, ${opt}: ...}`;
    }
  }
  if (node.proxy !== undefined && !def.usesProxy) {
    return node.transport === undefined
      ? 'proxy: is set but the node has no transport: (direct); set transport: proxy to use it, or transport: https to go direct'
      : `proxy: is set but transport ${name} does not use it (set transport: proxy, or remove proxy:)`;
  }
  try {
    return def.check?.({
      name: node.name,
      bmc: node.bmc,
      tls: node.tls.mode,
      options,
      ...(node.proxy !== undefined ? { proxy: node.proxy } : {}),
      ...(node.servicenode !== undefined ? { servicenode: node.servicenode } : {}),
    });
  } catch (e) {
    return `transport ${name}: its check failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** How the BMC agent opens a node's connections when it is not straight TCP (agent.ts). */
export interface Dialer {
  /** Part of the agent's key: nodes with different routes never share a connection. */
  key: string;
  /** Whether hwctl runs TLS over the stream for an https BMC (`stream`) or not (`agent`). */
  tls: boolean;
  open(target: TransportTarget, signal: AbortSignal | undefined): Promise<Duplex>;
}

/** The error a node meets when its transport is one the BMC layer does not run itself (servicenode). */
export class TransportNotHere extends Error {
  constructor(readonly transport: string) {
    super(
      `transport ${transport} is run by the service-node dispatcher, not by a direct BMC connection (docs/hierarchy.md)`,
    );
  }
}

/** The node's dialer; undefined for the default direct transport. Throws TransportNotHere for `dispatch`. */
export function dialerFor(node: NodeTransportChoice, connectMs: number): Dialer | undefined {
  const name = node.transport?.name ?? DEFAULT_TRANSPORT;
  if (name === DEFAULT_TRANSPORT) return undefined;
  const def = findTransport(name);
  if (!def) throw new Error(transportProblem(node));
  if (def.kind === 'dispatch' || !def.connect) throw new TransportNotHere(name);
  const options = node.transport?.options ?? {};
  const connect = def.connect.bind(def);
  return {
    key: JSON.stringify([name, options, node.proxy ?? '']),
    tls: (def.kind ?? 'stream') === 'stream',
    open: async (target, signal) =>
      connect(target, {
        node: node.name,
        options,
        ...(node.proxy !== undefined ? { proxy: node.proxy } : {}),
        ...(signal ? { signal } : {}),
        connectMs,
      }),
  };
}
