/**
 * The executor registry: which code implements a capability for a BMC flavor.
 *
 * Executors are keyed by (capability, flavor). Built-in executors are registered as lazy loaders
 * (see builtin.ts) so that a command only loads the modules of the flavors it actually meets; a site
 * plugin (the inventory's `plugins:`) is an ES module that calls `registerExecutor()` when imported,
 * which is how a vendor flavor is added without forking hwctl.
 */
import { pathToFileURL } from 'node:url';
import { HwctlUsageError, NodeError } from '../core/errors.js';
import type { Capability, Executor } from '../engine/executor.js';

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
}

/**
 * What a plugin is handed. Plugins receive the registry rather than importing it, because the installed
 * hwctl is a bundle: a plugin importing hwctl's modules by path would get a second, unused registry.
 */
export interface PluginApi {
  registerExecutor: typeof registerExecutor;
  NodeError: typeof NodeError;
  /** The plugin API version; bumped only when this interface changes incompatibly. */
  version: 1;
}

/**
 * Import site plugins named in the inventory and call each one's default export (or `register`) with the
 * PluginApi. A plugin that fails to load is a usage error: running a command with half the site's
 * executors missing would give misleading `unsupported` results.
 */
export async function loadPlugins(paths: readonly string[]): Promise<void> {
  const api: PluginApi = { registerExecutor, NodeError, version: 1 };
  for (const p of paths) {
    try {
      const mod = (await import(pathToFileURL(p).href)) as { default?: unknown; register?: unknown };
      const register = typeof mod.default === 'function' ? mod.default : mod.register;
      if (typeof register !== 'function') {
        throw new Error(
          'it exports no function (export default function (api) { api.registerExecutor(...) })',
        );
      }
      await (register as (api: PluginApi) => unknown)(api);
    } catch (e) {
      throw new HwctlUsageError(`cannot load plugin ${p}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
