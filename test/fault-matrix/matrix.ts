/**
 * The fault matrix (docs/fault-matrix.md): every simulator fault × every request path × every flavor,
 * for one hwctl command per test file.
 *
 * One fleet per file, one BMC per cell: the cell's fault is set on that BMC alone (a rate fault aimed at
 * the path with pathPattern + methodPattern, or an event fired by the simulator's request log right after
 * the BMC answered the first request on the path), and the command runs ONCE over the whole fleet, all
 * nodes in parallel. Each cell is then its own test on its own node's result and BMC, so a known defect
 * marks one cell `it.failing`, not the file.
 *
 * Every cell asserts: exactly one result for its node, of a documented error kind; a bounded time; no
 * session left open on its BMC; at most one power action processed. Cells whose correct outcome is a
 * success (slow bodies, anything at logout, a full session table, an outage shorter than the retries,
 * expired sessions) assert that too.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import type { FaultSpec } from '../../src/sim/faults.js';
import type { Personality } from '../../src/sim/types.js';
import { ROOT } from '../helpers/cli.js';
import type { CommandRun, JsonResult, RunOpts } from '../helpers/sim-harness.js';
import { rpower } from '../power/harness.js';
import { rinv, rvitals } from '../inventory-cmd/harness.js';
import { reventlog } from '../eventlog/harness.js';

// ------------------------------------------------------------------------------------ the axes

export type Flavor = 'redfish' | 'idrac' | 'openbmc';
export type Path = 'login' | 'read' | 'action' | 'logout' | 'any';
export type Fault =
  | 'none'
  | 'hang'
  | '503'
  | 'reset'
  | 'malformed'
  | 'slow'
  | 'stall'
  | 'down'
  | 'gone'
  | '503-gone'
  | 'reboot'
  | 'expire'
  | 'expire-every'
  | 'full';
export type CommandName = 'rpower stat' | 'rpower on' | 'rinv all' | 'rvitals all' | 'reventlog';

/** Which requests a path is, per protocol (regular expressions on the path and on the method). */
export const PATHS: Record<
  'redfish' | 'openbmc',
  Record<Exclude<Path, 'any'>, { path: string; method: string }>
> = {
  redfish: {
    login: { path: '^/redfish/v1/SessionService/Sessions/?$', method: '^POST$' },
    logout: { path: '^/redfish/v1/SessionService/Sessions/[^/]+/?$', method: '^DELETE$' },
    read: { path: '^/redfish/v1/(Systems|Chassis|Managers)', method: '^GET$' },
    action: { path: '/Actions/ComputerSystem\\.Reset$', method: '^POST$' },
  },
  openbmc: {
    login: { path: '^/login$', method: '^POST$' },
    logout: { path: '^/logout$', method: '^POST$' },
    read: { path: '^/xyz/', method: '^GET$' },
    action: { path: '/attr/RequestedHostTransition$', method: '^PUT$' },
  },
};

const protocolOf = (f: Flavor): 'redfish' | 'openbmc' => (f === 'openbmc' ? 'openbmc' : 'redfish');

/** How long a BMC that goes down or reboots mid-run is away: less than the client's shortest retry window (250 + 500 ms). */
export const OUTAGE_MS = 250;

type Event = (sim: Simulator, node: string) => void;

interface FaultDef {
  /** The columns this fault has. */
  paths: readonly Path[];
  /** A rate fault aimed at the path's requests. */
  rate?: FaultSpec;
  /** A fault for the whole run (path `any`). */
  spec?: FaultSpec;
  /** Fired once, right after the BMC answered the first request on the path. */
  event?: Event;
  flavors?: readonly Flavor[];
  /** The correct outcome is a success (else: success or a clean node error). */
  succeeds: (path: Path, command: CommandName) => boolean;
}

const RATE_PATHS: readonly Path[] = ['login', 'read', 'action', 'logout'];
const EVENT_PATHS: readonly Path[] = ['login', 'read', 'action'];
/** Whatever fails at logout, the node's result stands: a logout is cleanup. */
const atLogout = (p: Path) => p === 'logout';

export const FAULTS: Record<Fault, FaultDef> = {
  none: { paths: ['any'], spec: {}, flavors: ['redfish', 'idrac', 'openbmc'], succeeds: () => true },
  hang: { paths: RATE_PATHS, rate: { hang: 1 }, succeeds: atLogout },
  '503': { paths: RATE_PATHS, rate: { error503: 1 }, succeeds: atLogout },
  reset: { paths: RATE_PATHS, rate: { reset: 1 }, succeeds: atLogout },
  malformed: { paths: RATE_PATHS, rate: { malformedJson: 1 }, succeeds: atLogout },
  slow: { paths: RATE_PATHS, rate: { slowBody: 1, slowBodyMs: 100 }, succeeds: () => true },
  stall: { paths: RATE_PATHS, rate: { stallBody: 1 }, succeeds: atLogout },
  // An outage shorter than the client's retries, so a correct client usually comes through; but whether
  // a request meets a reset (a pooled connection the BMC dropped: an action is never resent after one)
  // or a refusal, and whether the retries outlast the outage on a loaded machine, is timing: the node's
  // success is not asserted, only what must hold either way.
  down: {
    paths: EVENT_PATHS,
    event: (sim, node) => {
      sim.admin.setFaults({ down: true }, node);
      setTimeout(() => sim.admin.clearFaults(node), OUTAGE_MS).unref();
    },
    succeeds: () => false,
  },
  // Down for good: every retry is refused; the node fails cleanly (its session cannot be closed).
  gone: {
    paths: EVENT_PATHS,
    event: (sim, node) => sim.admin.setFaults({ down: true }, node),
    succeeds: () => false,
  },
  // A 503 the client retries, and the BMC gone (refusing) by the time the retry goes out.
  '503-gone': {
    paths: ['login', 'read'],
    rate: { error503: 1 },
    event: (sim, node) => sim.admin.setFaults({ down: true }, node),
    succeeds: () => false,
  },
  reboot: {
    paths: EVENT_PATHS,
    event: (sim, node) => sim.admin.bmcReboot(node, OUTAGE_MS),
    succeeds: () => false, // as `down`
  },
  expire: { paths: EVENT_PATHS, event: (sim, node) => sim.admin.expireSessions(node), succeeds: () => true },
  'expire-every': {
    paths: ['any'],
    spec: { expireSessionsEveryMs: 150 },
    succeeds: () => false,
  },
  full: {
    paths: ['login'],
    spec: { sessionsFull: true },
    flavors: ['redfish', 'idrac', 'openbmc'],
    succeeds: () => true,
  },
};

export interface Cell {
  fault: Fault;
  path: Path;
  flavor: Flavor;
  /** hwctl node name (the simulator's). */
  node: string;
  sim: Simulator;
}

export const cellName = (c: Pick<Cell, 'fault' | 'path' | 'flavor'>): string =>
  `${c.fault} at ${c.path} on ${c.flavor}`;

// ------------------------------------------------------------------------------------ known defects

/**
 * Cells that fail today because of a defect being fixed elsewhere: `it.failing`, so the suite is green
 * now and turns red when the fix lands (then change the entry's cells back to plain `it` by deleting it).
 * Keyed by cellName; `commands` limits an entry to some commands (default: all).
 */
export interface KnownFailure {
  cells: readonly string[];
  commands?: readonly CommandName[];
  defect: string;
  /**
   * The cell fails today only when a race goes one way (it.failing would then be flaky): `it.skip`
   * until the fix lands, after which the cell holds whichever way the race goes.
   */
  racy?: boolean;
}

export function knownFailure(
  known: readonly KnownFailure[],
  command: CommandName,
  cell: string,
): KnownFailure | undefined {
  return known.find((k) => k.cells.includes(cell) && (!k.commands || k.commands.includes(command)));
}

// ------------------------------------------------------------------------------------ the fleet

export interface MatrixFleet {
  sims: Simulator[];
  inventory: string;
  cells: Cell[];
  /** Power actions the node's BMC accepted (answered 2xx). */
  actions(node: string): number;
  stop(): Promise<void>;
}

/** The cells of a command: every fault × its paths × its flavors (the action column only for actions). */
export function cellsOf(withAction: boolean): Array<Omit<Cell, 'node' | 'sim'>> {
  const out: Array<Omit<Cell, 'node' | 'sim'>> = [];
  for (const [fault, def] of Object.entries(FAULTS) as Array<[Fault, FaultDef]>)
    for (const path of def.paths) {
      if (path === 'action' && !withAction) continue;
      for (const flavor of def.flavors ?? ['redfish', 'openbmc']) out.push({ fault, path, flavor });
    }
  return out;
}

function specOf(cell: Omit<Cell, 'node' | 'sim'>): FaultSpec | undefined {
  const def = FAULTS[cell.fault];
  if (def.rate && cell.path !== 'any') {
    const p = PATHS[protocolOf(cell.flavor)][cell.path];
    return { ...def.rate, pathPattern: p.path, methodPattern: p.method };
  }
  return def.spec;
}

/**
 * Two simulators (Redfish with one node per Redfish cell, generic or iDRAC; OpenBMC REST with one per
 * OpenBMC cell), one inventory naming them all, each cell's fault set on its node, and the events armed
 * on the simulators' request logs.
 */
export async function startMatrixFleet(
  cells: ReadonlyArray<Omit<Cell, 'node' | 'sim'>>,
  initialPower: 'On' | 'Off',
): Promise<MatrixFleet> {
  const rf = cells.filter((c) => c.flavor !== 'openbmc');
  const ob = cells.filter((c) => c.flavor === 'openbmc');
  // Events by node, fed by the request log: `<node> <METHOD> <url> <status> <ms>ms`, written after the
  // answer (status `-` when there was none: hang, reset). The same log counts the power actions a BMC
  // accepted (2xx): one refused before processing (401, 503, reset, hang) is not an action.
  const events = new Map<string, (method: string, path: string) => void>();
  const actions = new Map<string, number>();
  const logFor = (protocol: 'redfish' | 'openbmc') => {
    const action = PATHS[protocol].action;
    const [am, ap] = [new RegExp(action.method), new RegExp(action.path)];
    return (line: string) => {
      const m = /^(\S+) (\S+) (\S+) (\S+) /.exec(line);
      if (!m) return;
      const [node, method, path, status] = [m[1]!, m[2]!, m[3]!.split('?')[0]!, m[4]!];
      if (am.test(method) && ap.test(path) && /^2\d\d$/.test(status))
        actions.set(node, (actions.get(node) ?? 0) + 1);
      events.get(node)?.(method, path);
    };
  };
  const common = { transitionMs: 50, adminPort: false as const, initialPower };
  const personality: Record<string, Personality> = {};
  rf.forEach((c, i) => {
    personality[`rf${String(i + 1).padStart(3, '0')}`] = c.flavor === 'idrac' ? 'idrac' : 'generic';
  });
  const redfish = await startSimulator({
    ...common,
    nodes: rf.length,
    nodePrefix: 'rf',
    personality,
    log: logFor('redfish'),
  });
  const openbmc = await startSimulator({
    ...common,
    nodes: ob.length,
    flavor: 'openbmc',
    nodePrefix: 'ob',
    log: logFor('openbmc'),
  });
  const placed: Cell[] = [
    ...rf.map((c, i) => ({ ...c, sim: redfish, node: redfish.nodes[i]!.name })),
    ...ob.map((c, i) => ({ ...c, sim: openbmc, node: openbmc.nodes[i]!.name })),
  ];
  for (const cell of placed) {
    const spec = specOf(cell);
    if (spec && Object.keys(spec).length > 0) cell.sim.admin.setFaults(spec, cell.node);
    const event = FAULTS[cell.fault].event;
    if (!event || cell.path === 'any') continue;
    const p = PATHS[protocolOf(cell.flavor)][cell.path];
    const [method, path] = [new RegExp(p.method), new RegExp(p.path)];
    let fired = false;
    events.set(cell.node, (m, u) => {
      if (fired || !method.test(m) || !path.test(u)) return;
      fired = true;
      event(cell.sim, cell.node);
    });
  }

  const dir = mkdtempSync(join(tmpdir(), 'hwctl-fault-matrix-'));
  const lines = ['defaults:', `  username: ${JSON.stringify(redfish.username)}`, 'nodes:'];
  for (const sim of [redfish, openbmc])
    for (const n of sim.nodes)
      lines.push(
        `  ${n.name}: {bmc: ${JSON.stringify(n.url)}, mgt: ${n.flavor}, ` +
          `password: {file: ${JSON.stringify(sim.passwordFile)}}, ` +
          `tls: {mode: verify, ca: ${JSON.stringify(sim.caFile)}}}`,
      );
  const inventory = join(dir, 'inventory.yaml');
  writeFileSync(inventory, lines.join('\n') + '\n', { mode: 0o600 });
  return {
    sims: [redfish, openbmc],
    inventory,
    cells: placed,
    actions: (node) => actions.get(node) ?? 0,
    stop: async () => {
      await Promise.all([redfish.stop(), openbmc.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------------------------------ running

/**
 * Short timeouts, so a case is quick: a request 3 s, the node 6 s (the logout has its own 3 s). Not
 * shorter: the simulator and hwctl share this process's event loop, and under load (2 cores, ~70 BMCs
 * per run) a 100 ms slow body or a TLS handshake can take over a second.
 */
export const TIMEOUT_S = 6;
export const REQUEST_TIMEOUT_S = 3;
/** hwctl's logout timeout (src/bmc/options.ts: not a flag), spent after the deadline by a hung logout. */
export const LOGOUT_TIMEOUT_MS = 3000;
/** Slack over the deadline for a node and for the run. */
export const SLACK_MS = 2000;

export const RUN_OPTS: RunOpts = {
  output: 'json',
  timeout: TIMEOUT_S,
  extra: {
    requestTimeout: REQUEST_TIMEOUT_S,
    connectTimeout: REQUEST_TIMEOUT_S,
    loginTimeout: REQUEST_TIMEOUT_S,
  },
};

const COMMANDS: Record<CommandName, (inventory: string) => Promise<CommandRun>> = {
  'rpower stat': (inv) => rpower(inv, 'all', ['stat'], RUN_OPTS),
  'rpower on': (inv) => rpower(inv, 'all', ['on'], RUN_OPTS),
  'rinv all': (inv) => rinv(inv, 'all', ['all'], RUN_OPTS),
  'rvitals all': (inv) => rvitals(inv, 'all', ['all'], RUN_OPTS),
  reventlog: (inv) => reventlog(inv, 'all', ['all'], RUN_OPTS),
};

/**
 * The error kinds documented in docs/output.md (its `| kind | meaning |` table): what a failed node may
 * say. Read from the page rather than from src/core/errors.ts, so a kind the code adds without
 * documenting it fails the matrix.
 */
export const ERROR_KINDS: readonly string[] = (() => {
  const page = readFileSync(join(ROOT, 'docs', 'output.md'), 'utf8');
  const table = page.split('| kind | meaning |')[1]!.split('\n\n')[0]!;
  return [...table.matchAll(/^\| `([a-z]+)` \|/gm)].map((m) => m[1]!);
})();

/**
 * Open sessions the client may leave: one only where no client could close it, a logout the BMC never
 * processed (it hung) or a BMC that went away for good.
 */
function sessionsAllowed(cell: Cell): number {
  return (cell.fault === 'hang' && cell.path === 'logout') ||
    refusesEveryLogout(cell) ||
    cell.fault.endsWith('gone')
    ? 1
    : 0;
}

/**
 * A BMC that answers every logout 503 or resets it: hwctl retries the logout within its bound
 * (docs/security.md, Sessions) and must be seen to, but no client can close that session.
 */
function refusesEveryLogout(cell: Cell): boolean {
  return cell.path === 'logout' && (cell.fault === '503' || cell.fault === 'reset');
}

/** Logout requests a node's BMC received (its flavor's logout path and method, from the simulator's counts). */
function logoutsOf(cell: Cell): number {
  const { path, method } = PATHS[protocolOf(cell.flavor)].logout;
  const endpoints = cell.sim.stats().perNode[cell.node]?.endpoints ?? {};
  let n = 0;
  for (const [key, count] of Object.entries(endpoints)) {
    const [m, p] = key.split(' ', 2) as [string, string];
    if (new RegExp(method).test(m) && new RegExp(path).test(p)) n += count;
  }
  return n;
}

/**
 * The matrix for one command: one fleet, one run, one test per cell (plus the run's own checks).
 * `known` marks the cells that fail today (it.failing).
 */
export function matrixSuite(command: CommandName, known: readonly KnownFailure[]): void {
  const withAction = command === 'rpower on';
  const layout = cellsOf(withAction);
  let fleet: MatrixFleet;
  let run: CommandRun;
  let wallMs = 0;
  let crash: unknown;
  const byNode = new Map<string, JsonResult[]>();
  let sessionsAfter = new Map<string, number>();

  beforeAll(async () => {
    fleet = await startMatrixFleet(layout, withAction ? 'Off' : 'On');
    const started = Date.now();
    try {
      run = await COMMANDS[command](fleet.inventory);
    } catch (e) {
      crash = e;
    }
    wallMs = Date.now() - started;
    // Sessions as the command left them (before the BMCs' idle timeouts or the next file could change them).
    sessionsAfter = new Map(
      fleet.cells.map((c) => [c.node, c.sim.stats().perNode[c.node]?.sessions ?? 0] as const),
    );
    for (const r of run?.json?.results ?? []) byNode.set(r.node, [...(byNode.get(r.node) ?? []), r]);
  }, 60_000);
  afterAll(async () => {
    await fleet?.stop();
  });

  describe(`${command}: the run`, () => {
    it('does not crash, gives every node one result, and exits 0 when all are ok, else 1', () => {
      expect(crash).toBeUndefined();
      expect(run.json!.results.map((r) => r.node).sort()).toEqual(fleet.cells.map((c) => c.node).sort());
      const allOk = run.json!.results.every((r) => r.ok);
      expect(run.code).toBe(allOk ? 0 : 1);
    });
    it(`ends within the deadline (${TIMEOUT_S} s) + a hung logout + ${SLACK_MS / 1000} s`, () => {
      expect(wallMs).toBeLessThan(TIMEOUT_S * 1000 + LOGOUT_TIMEOUT_MS + SLACK_MS);
    });
  });

  describe(`${command}: cells`, () => {
    for (const shape of layout) {
      const name = cellName(shape);
      const k = knownFailure(known, command, name);
      const test = k?.racy ? it.skip : k ? it.failing : it;
      test(k ? `${name} [known defect: ${k.defect}]` : name, () => {
        const cell = fleet.cells.find((c) => cellName(c) === name)!;
        const results = byNode.get(cell.node) ?? [];
        expect(results).toHaveLength(1);
        const r = results[0]!;
        if (!r.ok) expect(ERROR_KINDS).toContain(r.error?.kind);
        if (FAULTS[cell.fault].succeeds(cell.path, command))
          expect({ node: r.node, ok: r.ok, error: r.error }).toEqual({
            node: r.node,
            ok: true,
            error: undefined,
          });
        const elapsed = (r as { elapsedMs?: number }).elapsedMs ?? 0;
        expect(elapsed).toBeLessThan(TIMEOUT_S * 1000 + SLACK_MS);
        expect(sessionsAfter.get(cell.node)).toBeLessThanOrEqual(sessionsAllowed(cell));
        if (refusesEveryLogout(cell)) expect(logoutsOf(cell)).toBeGreaterThanOrEqual(2);
        expect(fleet.actions(cell.node)).toBeLessThanOrEqual(1);
      });
    }
  });
}
