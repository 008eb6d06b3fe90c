/**
 * rinv/rvitals in-process against a simulator (test/helpers/sim-harness.ts), with stdout split into
 * lines and read per node. Shared by test/inventory-cmd and test/sensors.
 */
import {
  DEFAULT_INVENTORY_TIMEOUT_MS,
  inventoryRequest,
  inventoryView,
  parseInventoryArgs,
} from '../../src/managers/inventory.js';
import {
  DEFAULT_VITALS_TIMEOUT_MS,
  parseVitalsArgs,
  vitalsRequest,
  vitalsView,
} from '../../src/managers/sensors.js';
import { runCommand, type CommandRun, type RunOpts } from '../helpers/sim-harness.js';

export interface Captured extends CommandRun {
  /** stdout lines of one node, without the `node: ` prefix. */
  lines(node: string): string[];
  /** json value of one node. */
  value(node: string): Record<string, unknown>;
}

function perNode(run: CommandRun): Captured {
  const out = run.out.flatMap((t) => t.split('\n'));
  return {
    ...run,
    out,
    lines(node) {
      const p = `${node}: `;
      return out.filter((l) => l.startsWith(p)).map((l) => l.slice(p.length));
    },
    value(node) {
      const r = run.json?.results.find((x) => x.node === node);
      if (!r) throw new Error(`no json result for ${node}`);
      if (!r.ok) throw new Error(`${node} failed: ${JSON.stringify(r.error)}`);
      return r.value!;
    },
  };
}

export async function rinv(
  inventory: string,
  noderange: string,
  words: string[],
  o: RunOpts = {},
): Promise<Captured> {
  const args = parseInventoryArgs(words, o.verbose ?? false);
  const run = await runCommand(
    inventory,
    {
      command: ['rinv', noderange, ...words].join(' '),
      noderange,
      request: (nodes) => inventoryRequest(nodes, args),
      view: inventoryView,
      defaultTimeoutMs: DEFAULT_INVENTORY_TIMEOUT_MS,
    },
    o,
  );
  return perNode(run);
}

export async function rvitals(
  inventory: string,
  noderange: string,
  words: string[],
  o: RunOpts = {},
): Promise<Captured> {
  const args = parseVitalsArgs(words);
  const run = await runCommand(
    inventory,
    {
      command: ['rvitals', noderange, ...words].join(' '),
      noderange,
      request: (nodes) => vitalsRequest(nodes, args),
      view: vitalsView,
      defaultTimeoutMs: DEFAULT_VITALS_TIMEOUT_MS,
    },
    o,
  );
  return perNode(run);
}
