/**
 * Running reventlog/rbeacon in-process against a simulator, as the command handlers do (parse, then the
 * shared node-command pipeline), with output captured; and a fleet with one BMC of each kind.
 */
// Loaded up front: jest's ESM loader fails on concurrent dynamic imports of modules that import node: builtins.
import '../../src/executors/registry.js';
import '../../src/executors/builtin.js';
import '../../src/executors/redfish/eventlog.js';
import '../../src/executors/openbmc/eventlog.js';
import '../../src/executors/redfish/beacon.js';
import '../../src/executors/openbmc/beacon.js';
import '../../src/bmc/index.js';
import '../../src/engine/run.js';
import nock from 'nock';
import type { GlobalArgs } from '../../src/cli/global-options.js';
import { runNodeCommand } from '../../src/cli/node-command.js';
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
import type { OutputFormat } from '../../src/output/render.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/fleet.js';

// A nock test file that ran earlier in this jest worker may have left its interceptor in node:http (jest
// shares core modules across test files): real sockets to the simulator need it gone.
nock.restore();

export interface JsonResult {
  node: string;
  ok: boolean;
  value?: Record<string, unknown>;
  error?: { kind: string; message: string };
}

export interface Captured {
  code: number;
  out: string[];
  err: string[];
  /** stdout lines by node, in order (`node: text` → text). */
  lines: Map<string, string[]>;
  /** stderr `node: Error: ...` by node. */
  errors: Map<string, string>;
  json?: { command: string; results: JsonResult[] };
}

export interface RunOpts {
  output?: OutputFormat;
  timeout?: number;
  extra?: Partial<GlobalArgs>;
}

function globals(inventory: string, o: RunOpts): GlobalArgs {
  return {
    inventory,
    output: o.output ?? 'text',
    fanout: 64,
    timeout: o.timeout,
    collate: false,
    quiet: true,
    color: false,
    debug: false,
    verbose: false,
    passwordStdin: false,
    insecure: false,
    ...o.extra,
  };
}

function capture(): { sink: { out(t: string): void; err(t: string): void }; c: Captured } {
  const c: Captured = { code: -1, out: [], err: [], lines: new Map(), errors: new Map() };
  return {
    c,
    sink: {
      out: (t) => {
        c.out.push(t);
        const m = /^([^:\s]+): (.*)$/s.exec(t);
        if (m) c.lines.set(m[1]!, [...(c.lines.get(m[1]!) ?? []), m[2]!]);
      },
      err: (t) => {
        c.err.push(t);
        const m = /^([^:\s]+): Error: (.*)$/s.exec(t);
        if (m) c.errors.set(m[1]!, m[2]!);
      },
    },
  };
}

function finish(c: Captured, code: number, o: RunOpts): Captured {
  c.code = code;
  if (o.output === 'json') c.json = JSON.parse(c.out.join('\n')) as Captured['json'];
  return c;
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
  const { sink, c } = capture();
  const code = await runNodeCommand(
    globals(inventory, o),
    {
      command: ['reventlog', noderange, ...eventlogCommandWords(args)].join(' '),
      noderange,
      request: (nodes) => eventlogRequest(nodes, args),
      view: eventlogView,
      defaultTimeoutMs: DEFAULT_EVENTLOG_TIMEOUT_MS,
    },
    sink,
  );
  return finish(c, code, o);
}

export async function rbeacon(
  inventory: string,
  noderange: string,
  words: string[],
  o: RunOpts = {},
): Promise<Captured> {
  const args = parseBeaconArgs(words);
  const { sink, c } = capture();
  const code = await runNodeCommand(
    globals(inventory, o),
    {
      command: `rbeacon ${noderange} ${args.verb}`,
      noderange,
      request: (nodes) => beaconRequest(nodes, args),
      view: beaconView,
      defaultTimeoutMs: DEFAULT_BEACON_TIMEOUT_MS,
    },
    sink,
  );
  return finish(c, code, o);
}

// ------------------------------------------------------------------------------------------ fleet

export type Kind = 'generic' | 'idrac' | 'ilo' | 'bmcweb' | 'openbmc-rest';
export const KINDS: readonly Kind[] = ['generic', 'idrac', 'ilo', 'bmcweb', 'openbmc-rest'];

export interface KindFleet {
  sim: Simulator;
  node: Record<Kind, string>;
  all: string[];
  redfish: string[];
}

/** One BMC of each kind: Redfish generic, idrac, ilo, openbmc (bmcweb-like) and one OpenBMC REST. */
export async function startKindFleet(extra: SimulatorOptions = {}): Promise<KindFleet> {
  const sim = await startSimulator({
    nodes: 5,
    flavor: 'mixed',
    personality: 'mixed',
    transitionMs: 50,
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
  for (const k of KINDS) {
    if (!node[k])
      throw new Error(`the simulator's mixed fleet has no ${k} node: ${JSON.stringify(sim.nodes)}`);
  }
  const all = sim.nodes.map((n) => n.name);
  return { sim, node, all, redfish: all.filter((n) => n !== node['openbmc-rest']) };
}

/** Requests per node, by endpoint (method + path template), since the last resetStats. */
export function endpoints(sim: Simulator, node: string): Record<string, number> {
  return sim.stats().perNode[node]!.endpoints;
}

/** Total requests one node received since the last resetStats. */
export function requestCount(sim: Simulator, node: string): number {
  return Object.values(endpoints(sim, node)).reduce((a, b) => a + b, 0);
}

export { localStamp } from './stamp.js';
