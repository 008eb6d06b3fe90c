import type { NodeDef } from '../../src/core/types.js';

/** Minimal NodeDefs for unit tests that do not need an inventory file. */
export function fakeNodes(names: string[], mgt = 'fake'): NodeDef[] {
  return names.map((name) => ({
    name,
    bmc: `https://${name}.bmc.invalid`,
    mgt,
    groups: [],
    tls: { mode: 'verify' as const },
    attrs: {},
  }));
}
