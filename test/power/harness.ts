/**
 * rpower/rsetboot in-process against a simulator (test/helpers/sim-harness.ts), with each node's last
 * stdout line or stderr error; the kind fleet's power timing, and power-transition helpers.
 */
import { bootRequest, bootView, parseBootArgs, DEFAULT_BOOT_TIMEOUT_MS } from '../../src/managers/boot.js';
import { defaultPowerTimeoutMs, parsePowerArgs, powerRequest, powerView } from '../../src/managers/power.js';
import type { Simulator, SimulatorOptions } from '../../src/sim/fleet.js';
import {
  runCommand,
  startKindFleet as startAnyKindFleet,
  type CommandRun,
  type KindFleet,
  type RunOpts as SimRunOpts,
} from '../helpers/sim-harness.js';

export interface Captured extends CommandRun {
  /** Last line by node: stdout `node: text` → text, stderr `node: Error: ...` → `Error: ...`. */
  byNode: Map<string, string>;
}

export interface RunOpts extends SimRunOpts {
  wait?: string;
  expect?: string;
  interval?: number;
  persistent?: boolean;
  uefi?: boolean;
}

function byNode(run: CommandRun): Captured {
  const last = new Map<string, string>();
  for (const w of run.writes) {
    const m = (w.stream === 'out' ? /^([^:\s]+): (.*)$/ : /^([^:\s]+): (Error: .*)$/).exec(w.text);
    if (m) last.set(m[1]!, m[2]!);
  }
  return { ...run, byNode: last };
}

export async function rpower(
  inventory: string,
  noderange: string,
  words: string[],
  o: RunOpts = {},
): Promise<Captured> {
  const args = parsePowerArgs({
    actions: words,
    wait: o.wait,
    expect: o.expect,
    interval: o.interval ?? 0.05,
  });
  const run = await runCommand(
    inventory,
    {
      command: `rpower ${noderange} ${args.verb}`,
      noderange,
      request: (nodes) => powerRequest(nodes, args),
      view: powerView,
      defaultTimeoutMs: defaultPowerTimeoutMs(args),
    },
    o,
  );
  return byNode(run);
}

export async function rsetboot(
  inventory: string,
  noderange: string,
  words: string[],
  o: RunOpts = {},
): Promise<Captured> {
  const args = parseBootArgs({ actions: words, persistent: o.persistent, uefi: o.uefi });
  const run = await runCommand(
    inventory,
    {
      command: `rsetboot ${noderange} ${args.device ?? 'stat'}`,
      noderange,
      request: (nodes) => bootRequest(nodes, args),
      view: bootView,
      defaultTimeoutMs: DEFAULT_BOOT_TIMEOUT_MS,
    },
    o,
  );
  return byNode(run);
}

/** One BMC of each kind, with a BMC reboot longer than the BMC layer's GET retries (~1.5 s), so pollers see the BMC go down. */
export function startKindFleet(extra: SimulatorOptions = {}): Promise<KindFleet> {
  return startAnyKindFleet({ transitionMs: 60, bmcRebootMs: 2500, ...extra });
}

/** Wait until no machine is in a power transition. */
export async function settle(sim: Simulator, limitMs = 3000): Promise<void> {
  const end = Date.now() + limitMs;
  while (sim.nodes.some((n) => sim.machine(n.name).inTransition())) {
    if (Date.now() > end) throw new Error('machines did not settle');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Power actions: Redfish ComputerSystem.Reset POSTs and OpenBMC transition PUTs. */
export const POWER_ACTIONS = /^(POST .*ComputerSystem\.Reset|PUT .*Requested(Host|Power)Transition)/;

export function fill(nodes: readonly string[], v: number): Record<string, number> {
  return Object.fromEntries(nodes.map((n) => [n, v]));
}
