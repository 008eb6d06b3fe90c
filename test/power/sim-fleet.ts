/**
 * A simulated fleet with one node of each kind: Redfish generic, idrac, ilo and openbmc (bmcweb-like)
 * personalities, and one OpenBMC REST node. Shared by the power and boot integration tests.
 */
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/fleet.js';

export interface KindFleet {
  sim: Simulator;
  /** node name by kind */
  node: Record<Kind, string>;
  /** every node, and the Redfish ones */
  all: string[];
  redfish: string[];
}

export type Kind = 'generic' | 'idrac' | 'ilo' | 'bmcweb' | 'openbmc-rest';

export async function startKindFleet(extra: SimulatorOptions = {}): Promise<KindFleet> {
  const sim = await startSimulator({
    nodes: 5,
    flavor: 'mixed',
    personality: 'mixed',
    transitionMs: 60,
    // Longer than the BMC layer's GET retries (~1.5 s), so pollers see the BMC go down.
    bmcRebootMs: 2500,
    initialPower: 'On',
    adminPort: false,
    ...extra,
  });
  const node = {} as Record<Kind, string>;
  for (const n of sim.nodes) {
    const kind: Kind =
      n.flavor === 'openbmc'
        ? 'openbmc-rest'
        : n.personality === 'openbmc'
          ? 'bmcweb'
          : (n.personality as Kind);
    node[kind] = n.name;
  }
  for (const k of ['generic', 'idrac', 'ilo', 'bmcweb', 'openbmc-rest'] as const) {
    if (!node[k])
      throw new Error(`the simulator's mixed fleet has no ${k} node: ${JSON.stringify(sim.nodes)}`);
  }
  const all = sim.nodes.map((n) => n.name);
  return { sim, node, all, redfish: all.filter((n) => n !== node['openbmc-rest']) };
}

/** Wait until no machine is in a power transition. */
export async function settle(sim: Simulator, limitMs = 3000): Promise<void> {
  const end = Date.now() + limitMs;
  while (sim.nodes.some((n) => sim.machine(n.name).inTransition())) {
    if (Date.now() > end) throw new Error('machines did not settle');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Requests per node whose endpoint (method + path template) matches `re`, since the last resetStats. */
export function countRequests(sim: Simulator, re: RegExp): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, s] of Object.entries(sim.stats().perNode)) {
    out[name] = Object.entries(s.endpoints)
      .filter(([k]) => re.test(k))
      .reduce((a, [, v]) => a + v, 0);
  }
  return out;
}

/** Power actions: Redfish ComputerSystem.Reset POSTs and OpenBMC transition PUTs. */
export const POWER_ACTIONS = /^(POST .*ComputerSystem\.Reset|PUT .*Requested(Host|Power)Transition)/;

export function fill(nodes: readonly string[], v: number): Record<string, number> {
  return Object.fromEntries(nodes.map((n) => [n, v]));
}
