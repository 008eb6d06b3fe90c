/**
 * rspconfig in-process against a simulator (test/helpers/sim-harness.ts), through the same spec the command
 * handler builds (route → group → parse), with stdout lines and stderr errors by node.
 */
import '../../src/executors/redfish/network.js';
import '../../src/executors/redfish/policy.js';
import '../../src/executors/openbmc/network.js';
import '../../src/executors/openbmc/policy.js';
import '../../src/managers/bmcnetwork.js';
import '../../src/managers/bmcpolicy.js';
import { rspconfigSpec } from '../../src/commands/rspconfig-groups.js';
import { runCommand, type CommandRun, type RunOpts } from '../helpers/sim-harness.js';

export interface RspconfigRun extends CommandRun {
  /** stdout lines by node, in order (`node: text` → text). */
  lines: Map<string, string[]>;
  /** stderr `node: Error: ...` by node. */
  errors: Map<string, string>;
  /** json values by node (output json). */
  values: Map<string, Record<string, unknown>>;
}

export async function rspconfig(
  inventory: string,
  noderange: string,
  words: string[],
  o: RunOpts = {},
): Promise<RspconfigRun> {
  const spec = await rspconfigSpec(noderange, words);
  const run = await runCommand(inventory, spec, o);
  const lines = new Map<string, string[]>();
  const errors = new Map<string, string>();
  for (const t of run.out.flatMap((w) => w.split('\n'))) {
    const m = /^([^:\s]+): (.*)$/.exec(t);
    if (m) lines.set(m[1]!, [...(lines.get(m[1]!) ?? []), m[2]!]);
  }
  for (const t of run.err.flatMap((w) => w.split('\n'))) {
    const m = /^([^:\s]+): Error: (.*)$/.exec(t);
    if (m) errors.set(m[1]!, m[2]!);
  }
  const values = new Map<string, Record<string, unknown>>();
  for (const r of run.json?.results ?? []) if (r.value) values.set(r.node, r.value);
  return { ...run, lines, errors, values };
}
