/** A NodeContext for manager tests: records progress, warnings and debug lines; runs deferred cleanups on demand. */
import type { NodeContext, RunServices } from '../../src/engine/executor.js';

export interface FakeContext extends NodeContext {
  progress: string[];
  warnings: string[];
  runCleanups(): Promise<void>;
}

export function fakeContext(
  name = 'node01',
  signal: AbortSignal = new AbortController().signal,
): FakeContext {
  const progress: string[] = [];
  const warnings: string[] = [];
  const cleanups: Array<() => unknown> = [];
  const shared = new Map<string, unknown>();
  const services: RunServices = {
    warn: (m) => void warnings.push(m),
    progress: (_node, state) => void progress.push(state),
    debug: () => undefined,
    options: {},
  };
  return {
    node: {
      name,
      bmc: 'https://127.0.0.1:1',
      mgt: 'redfish',
      groups: [],
      tls: { mode: 'insecure' },
      attrs: {},
    },
    flavor: 'redfish',
    signal,
    password: 'pw',
    services,
    defer: (fn) => void cleanups.push(fn),
    forget: (key: string) => void shared.delete(key),
    shared: <T>(key: string, create: () => T): T => {
      if (!shared.has(key)) shared.set(key, create());
      return shared.get(key) as T;
    },
    progress,
    warnings,
    async runCleanups() {
      while (cleanups.length) await cleanups.pop()!();
    },
  };
}
