/**
 * rinv/rvitals in-process against a simulator, as the command handlers run them (parse, then the
 * shared node-command pipeline), with output captured; fixture readers for the real captures; request
 * counts from the simulator's stats. Shared by test/inventory-cmd and test/sensors.
 */
// Loaded up front: jest's ESM loader fails on concurrent dynamic imports of modules that import node: builtins.
import '../../src/executors/registry.js';
import '../../src/executors/builtin.js';
import '../../src/executors/redfish/inventory.js';
import '../../src/executors/redfish/sensors.js';
import '../../src/executors/openbmc/inventory.js';
import '../../src/executors/openbmc/sensors.js';
import '../../src/bmc/index.js';
import '../../src/engine/run.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GlobalArgs } from '../../src/cli/global-options.js';
import { runNodeCommand } from '../../src/cli/node-command.js';
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
import type { OutputFormat } from '../../src/output/render.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/fleet.js';

export const FIXTURES = '/work/shared/fixtures/redfish';

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

export interface Captured {
  code: number;
  out: string[];
  err: string[];
  /** stdout lines of one node, without the `node: ` prefix. */
  lines(node: string): string[];
  json?: {
    results: Array<{
      node: string;
      ok: boolean;
      value?: Record<string, unknown>;
      error?: { kind: string; message: string };
    }>;
  };
  /** json value of one node. */
  value(node: string): Record<string, unknown>;
}

export interface RunOpts {
  output?: OutputFormat;
  verbose?: boolean;
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
    verbose: o.verbose ?? false,
    passwordStdin: false,
    insecure: false,
    ...o.extra,
  };
}

function capture(): { sink: { out(t: string): void; err(t: string): void }; c: Captured } {
  const c: Captured = {
    code: -1,
    out: [],
    err: [],
    lines(node) {
      const p = `${node}: `;
      return c.out.filter((l) => l.startsWith(p)).map((l) => l.slice(p.length));
    },
    value(node) {
      const r = c.json?.results.find((x) => x.node === node);
      if (!r) throw new Error(`no json result for ${node}`);
      if (!r.ok) throw new Error(`${node} failed: ${JSON.stringify(r.error)}`);
      return r.value!;
    },
  };
  return { c, sink: { out: (t) => void c.out.push(...t.split('\n')), err: (t) => void c.err.push(t) } };
}

function finish(c: Captured, code: number, o: RunOpts): Captured {
  c.code = code;
  if (o.output === 'json') c.json = JSON.parse(c.out.join('\n')) as Captured['json'];
  return c;
}

export async function rinv(
  inventory: string,
  noderange: string,
  words: string[],
  o: RunOpts = {},
): Promise<Captured> {
  const args = parseInventoryArgs(words, o.verbose ?? false);
  const { sink, c } = capture();
  const code = await runNodeCommand(
    globals(inventory, o),
    {
      command: ['rinv', noderange, ...words].join(' '),
      noderange,
      request: (nodes) => inventoryRequest(nodes, args),
      view: inventoryView,
      defaultTimeoutMs: DEFAULT_INVENTORY_TIMEOUT_MS,
    },
    sink,
  );
  return finish(c, code, o);
}

export async function rvitals(
  inventory: string,
  noderange: string,
  words: string[],
  o: RunOpts = {},
): Promise<Captured> {
  const args = parseVitalsArgs(words);
  const { sink, c } = capture();
  const code = await runNodeCommand(
    globals(inventory, o),
    {
      command: ['rvitals', noderange, ...words].join(' '),
      noderange,
      request: (nodes) => vitalsRequest(nodes, args),
      view: vitalsView,
      defaultTimeoutMs: DEFAULT_VITALS_TIMEOUT_MS,
    },
    sink,
  );
  return finish(c, code, o);
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
    ...(sim.caFile ? [`  tls: {mode: verify, ca: ${JSON.stringify(sim.caFile)}}`] : []),
    'nodes:',
  ];
  for (const n of sim.nodes) {
    const kind = n.mockupDir
      ? n.mockupDir.split('/').pop()!
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

/** Requests each node's BMC answered since the last resetStats. */
export function requestsPerNode(sim: Simulator): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, s] of Object.entries(sim.stats().perNode)) out[name] = s.requests;
  return out;
}

/** Endpoints (method + path template) each node's BMC answered since the last resetStats. */
export function endpointsOf(sim: Simulator, node: string): Record<string, number> {
  return sim.stats().perNode[node]?.endpoints ?? {};
}
