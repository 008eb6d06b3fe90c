/**
 * reventlog/rbeacon in-process against a simulator (test/helpers/sim-harness.ts), with stdout lines and
 * stderr errors grouped by node.
 */
import {
  DEFAULT_EVENTLOG_TIMEOUT_MS,
  eventlogCommandWords,
  eventlogRequest,
  eventlogView,
  parseEventlogArgs,
  type EventlogCliInput,
} from '../../src/managers/eventlog.js';
import {
  beaconRequest,
  beaconView,
  parseBeaconArgs,
  DEFAULT_BEACON_TIMEOUT_MS,
} from '../../src/managers/beacon.js';
import { runCommand, type CommandRun, type RunOpts } from '../helpers/sim-harness.js';

export interface Captured extends CommandRun {
  /** stdout lines by node, in order (`node: text` → text). */
  lines: Map<string, string[]>;
  /** stderr `node: Error: ...` by node. */
  errors: Map<string, string>;
}

function byNode(run: CommandRun): Captured {
  const lines = new Map<string, string[]>();
  const errors = new Map<string, string>();
  for (const t of run.out) {
    const m = /^([^:\s]+): (.*)$/s.exec(t);
    if (m) lines.set(m[1]!, [...(lines.get(m[1]!) ?? []), m[2]!]);
  }
  for (const t of run.err) {
    const m = /^([^:\s]+): Error: (.*)$/s.exec(t);
    if (m) errors.set(m[1]!, m[2]!);
  }
  return { ...run, lines, errors };
}

export async function reventlog(
  inventory: string,
  noderange: string,
  words: string[],
  o: RunOpts & Omit<EventlogCliInput, 'options'> = {},
): Promise<Captured> {
  const input: EventlogCliInput = { options: words };
  if (o.sort !== undefined) input.sort = o.sort;
  if (o.log !== undefined) input.log = o.log;
  if (o.policyTable !== undefined) input.policyTable = o.policyTable;
  const args = parseEventlogArgs(input);
  const run = await runCommand(
    inventory,
    {
      command: ['reventlog', noderange, ...eventlogCommandWords(args)].join(' '),
      noderange,
      request: (nodes) => eventlogRequest(nodes, args),
      view: eventlogView,
      defaultTimeoutMs: DEFAULT_EVENTLOG_TIMEOUT_MS,
    },
    o,
  );
  return byNode(run);
}

export async function rbeacon(
  inventory: string,
  noderange: string,
  words: string[],
  o: RunOpts = {},
): Promise<Captured> {
  const args = parseBeaconArgs(words);
  const run = await runCommand(
    inventory,
    {
      command: `rbeacon ${noderange} ${args.verb}`,
      noderange,
      request: (nodes) => beaconRequest(nodes, args),
      view: beaconView,
      defaultTimeoutMs: DEFAULT_BEACON_TIMEOUT_MS,
    },
    o,
  );
  return byNode(run);
}
