/**
 * Commands in-process against the simulator, shared by the command suites: run a manager's request
 * through the shared node-command pipeline (as the command handlers do) with output captured; start a
 * fleet (one BMC of each kind, or the real captures in mockup mode) for a test file; read the captures
 * and the simulator's request stats.
 */
// Loaded up front: jest's ESM loader fails on concurrent dynamic imports of modules that import node: builtins.
import '../../src/executors/registry.js';
import '../../src/executors/builtin.js';
import '../../src/executors/redfish/power.js';
import '../../src/executors/redfish/boot.js';
import '../../src/executors/redfish/inventory.js';
import '../../src/executors/redfish/sensors.js';
import '../../src/executors/redfish/eventlog.js';
import '../../src/executors/redfish/beacon.js';
import '../../src/executors/openbmc/power.js';
import '../../src/executors/openbmc/boot.js';
import '../../src/executors/openbmc/inventory.js';
import '../../src/executors/openbmc/sensors.js';
import '../../src/executors/openbmc/eventlog.js';
import '../../src/executors/openbmc/beacon.js';
import '../../src/bmc/index.js';
import '../../src/engine/run.js';
import { afterAll, afterEach, beforeAll, expect } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { GlobalArgs } from '../../src/cli/global-options.js';
import { runNodeCommand, type NodeCommandSpec } from '../../src/cli/node-command.js';
import type { OutputFormat } from '../../src/output/render.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/fleet.js';
import { unpatchHttp } from './nock-harness.js';
import { FIXTURES } from './fixtures.js';

// Real sockets to the simulator: no nock from an earlier test file of this worker may stay in node:http.
unpatchHttp();

// ------------------------------------------------------------------------------------ running

export interface RunOpts {
  output?: OutputFormat;
  timeout?: number;
  fanout?: number;
  verbose?: boolean;
  extra?: Partial<GlobalArgs>;
}

export interface JsonResult {
  node: string;
  ok: boolean;
  value?: Record<string, unknown>;
  error?: { kind: string; message: string };
}

export interface JsonDocument {
  command: string;
  results: JsonResult[];
}

/** What one command wrote: each write as it came, and the json document with output json. */
export interface CommandRun {
  code: number;
  /** stdout writes, in order (one write may hold several lines). */
  out: string[];
  err: string[];
  /** Both streams' writes interleaved as they happened. */
  writes: Array<{ stream: 'out' | 'err'; text: string }>;
  json?: JsonDocument;
}

/** The global options of a quiet, colourless run on `inventory`. */
export function globalArgs(inventory: string, o: RunOpts): GlobalArgs {
  return {
    inventory,
    output: o.output ?? 'text',
    fanout: o.fanout ?? 64,
    timeout: o.timeout,
    collate: false,
    quiet: true,
    color: false,
    debug: false,
    verbose: o.verbose ?? false,
    passwordStdin: false,
    insecure: false,
    // Request counts are of a first run: the discovery cache is on only in tests that ask for it.
    cache: false,
    ...o.extra,
  };
}

/** Run one node command through the CLI's shared pipeline, output captured. */
export async function runCommand<A, R>(
  inventory: string,
  spec: NodeCommandSpec<A, R>,
  o: RunOpts = {},
): Promise<CommandRun> {
  const run: CommandRun = { code: -1, out: [], err: [], writes: [] };
  run.code = await runNodeCommand(globalArgs(inventory, o), spec, {
    out: (text) => {
      run.out.push(text);
      run.writes.push({ stream: 'out', text });
    },
    err: (text) => {
      run.err.push(text);
      run.writes.push({ stream: 'err', text });
    },
  });
  if (o.output === 'json') run.json = JSON.parse(run.out.join('\n')) as JsonDocument;
  return run;
}

// ------------------------------------------------------------------------------------ fleets

/**
 * Start a fleet for this test file: started before its tests, stopped after them, and after each test
 * no BMC session may be left open. The returned object is filled in when the fleet has started: read
 * it inside tests and hooks only.
 */
export function useFleet<T extends { sim: Simulator }>(
  start: () => Promise<T>,
  { sessionsClosed = true }: { sessionsClosed?: boolean } = {},
): T {
  const fleet = {} as T;
  beforeAll(async () => {
    Object.assign(fleet, await start());
  });
  afterAll(async () => {
    await (fleet.sim as Simulator | undefined)?.stop();
  });
  if (sessionsClosed) {
    afterEach(() => {
      expect(fleet.sim.stats().openSessions).toBe(0);
    });
  }
  return fleet;
}

export type Kind = 'generic' | 'idrac' | 'ilo' | 'bmcweb' | 'openbmc-rest';
export const KINDS: readonly Kind[] = ['generic', 'idrac', 'ilo', 'bmcweb', 'openbmc-rest'];

export interface KindFleet {
  sim: Simulator;
  /** Node name by kind. */
  node: Record<Kind, string>;
  /** Every node, and the Redfish ones. */
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

export interface Fleet {
  sim: Simulator;
  /** Our inventory (the simulator's, plus `system:` for captures with several systems). */
  inventory: string;
  /** Node name by kind: personality for generated Redfish nodes, `openbmc-rest`, or the capture dir name. */
  node: Record<string, string>;
}

/** Start a simulator and write an inventory for it; `systems` gives `system:` per node kind. */
export async function startFleet(
  options: SimulatorOptions,
  systems: Record<string, string> = {},
): Promise<Fleet> {
  const sim = await startSimulator({ adminPort: false, transitionMs: 50, ...options });
  const node: Record<string, string> = {};
  const lines = [
    'defaults:',
    `  username: ${JSON.stringify(sim.username)}`,
    `  password: {file: ${JSON.stringify(sim.passwordFile)}}`,
    // No CA: a plain-HTTP fleet, which hwctl reaches only with tls: plaintext.
    `  tls: ${sim.caFile ? `{mode: verify, ca: ${JSON.stringify(sim.caFile)}}` : 'plaintext'}`,
    'nodes:',
  ];
  for (const n of sim.nodes) {
    const kind = n.mockupDir
      ? basename(n.mockupDir)
      : n.flavor === 'openbmc'
        ? 'openbmc-rest'
        : n.personality;
    node[kind] = n.name;
    const system = systems[kind] ? `, system: ${JSON.stringify(systems[kind])}` : '';
    lines.push(`  ${n.name}: {bmc: ${JSON.stringify(n.url)}, mgt: ${n.flavor}${system}}`);
  }
  const inventory = join(sim.stateDir, 'inventory-test.yaml');
  writeFileSync(inventory, lines.join('\n') + '\n');
  return { sim, inventory, node };
}

// ------------------------------------------------------------------------------------ captures

export { FIXTURES };
export const DMTF_RACKMOUNT = 'dmtf-public-rackmount1';
export const BMCWEB = 'openbmc-bmcweb';

/** Serve captures (directory names under FIXTURES) in mockup mode, with the simulator's own inventory. */
export async function startMockups(
  captures: readonly string[],
  extra: SimulatorOptions = {},
): Promise<{ sim: Simulator; node: Record<string, string> }> {
  const sim = await startSimulator({
    fromMockup: captures.map((c) => resolve(FIXTURES, c)),
    adminPort: false,
    ...extra,
  });
  const node: Record<string, string> = {};
  for (const n of sim.nodes) if (n.mockupDir) node[basename(n.mockupDir)] = n.name;
  return { sim, node };
}

/** DMTF rackmount1 and OpenBMC bmcweb in mockup mode, with their node names. */
export async function startRackmountAndBmcweb(): Promise<{ sim: Simulator; dmtf: string; bmcweb: string }> {
  const { sim, node } = await startMockups([DMTF_RACKMOUNT, BMCWEB]);
  return { sim, dmtf: node[DMTF_RACKMOUNT]!, bmcweb: node[BMCWEB]! };
}

/** Every real capture: DMTF rackmount, tower and bladed (several systems), and OpenBMC bmcweb. */
export const CAPTURES = [DMTF_RACKMOUNT, 'dmtf-public-tower', 'dmtf-public-bladed', BMCWEB] as const;
export type Capture = (typeof CAPTURES)[number];
/** The bladed capture has four systems: its node is the first blade. */
export const BLADE = '529QB9450R6';

/** Every capture served in mockup mode, with an inventory that picks BLADE on the bladed one. */
export function startCaptureFleet(): Promise<Fleet> {
  return startFleet({ fromMockup: CAPTURES.map((c) => join(FIXTURES, c)) }, { 'dmtf-public-bladed': BLADE });
}

/** A captured document: `<capture>/<path>/index.json` (path relative to /redfish/v1, '' = root). */
export function fixture(capture: string, path = ''): Record<string, unknown> {
  const file = join(FIXTURES, capture, path, 'index.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The fixture behind an @odata.id (`/redfish/v1/Systems/1` → `Systems/1`). */
export function fixtureAt(capture: string, odataId: string): Record<string, unknown> {
  return fixture(capture, odataId.replace(/^\/redfish\/v1\/?/, '').replace(/\/+$/, ''));
}

/** Member ids of a captured collection. */
export function memberIds(doc: Record<string, unknown>): string[] {
  const m = doc.Members;
  return Array.isArray(m) ? m.map((x) => (x as { '@odata.id': string })['@odata.id']) : [];
}

// ------------------------------------------------------------------------------------ stats

/** Requests per endpoint (method + path template) one node's BMC answered since the last resetStats. */
export function endpoints(sim: Simulator, node: string): Record<string, number> {
  return sim.stats().perNode[node]?.endpoints ?? {};
}

/** Total requests one node's BMC answered since the last resetStats. */
export function requestCount(sim: Simulator, node: string): number {
  return Object.values(endpoints(sim, node)).reduce((a, b) => a + b, 0);
}

/** Requests of one node whose endpoint matches `re`, since the last resetStats. */
export function requestsMatching(sim: Simulator, node: string, re: RegExp): number {
  return Object.entries(endpoints(sim, node))
    .filter(([k]) => re.test(k))
    .reduce((a, [, v]) => a + v, 0);
}

/** Requests one node's BMC answered for `run` (stats reset first): login and logout included. */
export async function requestsFor(
  sim: Simulator,
  node: string,
  run: () => Promise<unknown>,
): Promise<number> {
  sim.admin.resetStats();
  await run();
  return sim.stats().perNode[node]?.requests ?? 0;
}

/** Requests each node's BMC answered since the last resetStats. */
export function requestsPerNode(sim: Simulator): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, s] of Object.entries(sim.stats().perNode)) out[name] = s.requests;
  return out;
}

/** Requests per node whose endpoint matches `re`, since the last resetStats. */
export function countRequests(sim: Simulator, re: RegExp): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(sim.stats().perNode)) out[name] = requestsMatching(sim, name, re);
  return out;
}
