/**
 * `startSimulator()`: a fleet of virtual BMCs in one process.
 *
 * It plans the nodes (plan.ts), creates the CA (certs.ts), one SimMachine and one VirtualBmc per
 * node, binds every port, writes the password file and the inventory, and starts the admin API.
 * The returned `Simulator` gives URLs, stats, fault control and `stop()`.
 */
import { mkdtemp, mkdir, readFile, writeFile, chmod, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import pMap from 'p-map';
import { expandNoderange } from '../noderange/noderange.js';
import { SimCertificateAuthority } from './certs.js';
import { systemClock, type SimClock } from './clock.js';
import { FleetStats, summarizeCriticalPaths, type CriticalPathSummary } from './stats.js';
import { isEmptyFaultSpec, mergeFaults, parseFaultSpec, type FaultSpec } from './faults.js';
import { loadFrontendFactory } from './frontends.js';
import { writeInventory, type InventoryNode } from './inventory-writer.js';
import { loadCapture } from './redfish/mockup/capture.js';
import { isObject } from './redfish/json.js';
import {
  SimMachine,
  type BmcState,
  type HostState,
  type PowerResult,
  type PowerState,
  type ResetType,
} from './machine.js';
import { planFleet, type FleetFlavor, type PersonalitySpec, type PlannedNode } from './plan.js';
import { Prng, hashString, mix, seedNumber } from './prng.js';
import { VirtualBmc } from './virtual-bmc.js';
import { portWalker } from './ports.js';
import { startAdminServer, type AdminServer } from './admin.js';
import { ReplayError, createReplayFrontend, loadRecording, type RecordedNode } from './replay.js';
import type { SimSshServer } from './ssh.js';
import type { FrontendFactory, Personality, SimFlavor } from './types.js';

export interface SimulatorOptions {
  /** Number of virtual BMCs. Default 8, or one per mockup with `fromMockup`. */
  nodes?: number;
  /** Default `redfish`. */
  flavor?: FleetFlavor;
  /** Default `generic`. */
  personality?: PersonalitySpec;
  /** Redfish Mockup-Creator capture directories, cycled over the nodes (forces flavor redfish). */
  fromMockup?: string | string[];
  /**
   * First port; node i listens on basePort + i. 0 (default): free ports found from a random point
   * of 10000-32767 (ports.ts), consecutive where nobody else holds them.
   */
  basePort?: number;
  /** Listen address. Default 127.0.0.1; anything else must be asked for explicitly. */
  listen?: string;
  /** Plain HTTP instead of HTTPS. */
  http?: boolean;
  /**
   * One certificate per BMC (CN = node name) instead of one shared by all. Costs ~10 ms of CPU and
   * ~25 KiB per BMC at its first TLS connection.
   */
  certPerBmc?: boolean;
  /**
   * Keeps the CA, leaf key, password file and inventory. Default: a temporary directory removed at
   * stop (the CLI defaults to `.hwctl-sim`).
   */
  stateDir?: string;
  /** Also write the inventory here. */
  inventoryOut?: string;
  /** Makes identities, sensor drift and fault decisions reproducible. Default 0. */
  seed?: number | string;
  /** Fleet-wide faults from the start. */
  faults?: FaultSpec;
  /** Per-node faults from the start: noderange → spec. */
  nodeFaults?: Record<string, FaultSpec>;
  /** Duration of each PoweringOn/PoweringOff phase. Default 2000 ms. */
  transitionMs?: number;
  /** BMC reboot downtime. Default 5 × transitionMs. */
  bmcRebootMs?: number;
  /** Firmware activation time. Default 5 × transitionMs. */
  updateMs?: number;
  /** Session idle timeout. Default 30 minutes. */
  sessionTimeoutMs?: number;
  /** Sessions per BMC; default: the personality's (iDRAC-like BMCs have fewer). */
  sessionLimit?: number;
  /** BMC user. Default `root`. */
  username?: string;
  /** BMC password. Default: kept in the state dir, generated on first use. */
  password?: string;
  /** Initial host power. Default `On`; `mixed` = deterministic from the seed (about a third off). */
  initialPower?: 'On' | 'Off' | 'mixed';
  /** Routine entries pre-filled in every event log (paging tests). Default 3. */
  logEntries?: number;
  /** Node names are `<prefix>001`... Default `sim`. */
  nodePrefix?: string;
  /** Admin API port on 127.0.0.1. Default 0 (any free port); `false` = no admin server. */
  adminPort?: number | false;
  /** One line per request and lifecycle messages. */
  log?: (line: string) => void;
  /** Time source of the machines (tests). Default the system clock. */
  clock?: SimClock;
  /** Override frontend factories (tests). */
  frontends?: Partial<Record<SimFlavor, FrontendFactory>>;
  /** Serve a run recorded with `--record DIR` (replay.ts): one BMC per recorded node, named as it. */
  replay?: string;
  /** Redfish UpdateServices with HttpPushUri only (no MultipartHttpPushUri): FrontendOptions.updatePushOnly. */
  updatePushOnly?: boolean;
  /**
   * Give every BMC an SSH side too (ssh.ts: logins against its accounts, authorized_keys for
   * `rspconfig sshcfg`), on a port of its own written to the inventory as `attrs.sshport`.
   */
  ssh?: boolean;
}

export interface SimNodeInfo {
  name: string;
  url: string;
  port: number;
  flavor: SimFlavor;
  personality: Personality;
  mockupDir?: string;
  /** The BMC's SSH port (`ssh: true`). */
  sshPort?: number;
}

export interface NodeStats {
  flavor: SimFlavor;
  personality: Personality;
  url: string;
  listening: boolean;
  power: PowerState;
  host: HostState;
  bmc: BmcState;
  requests: number;
  /**
   * Requests on this node's critical path: the longest chain of its requests that did not overlap in
   * time (requests in flight together count once). Equals `requests` for a strictly sequential client.
   */
  criticalPath: number;
  sessions: number;
  statuses: Record<string, number>;
  faults: Record<string, number>;
  endpoints: Record<string, number>;
}

export interface SimStats {
  uptimeMs: number;
  nodes: number;
  totalRequests: number;
  /** Requests per second over the last (up to) 10 seconds. */
  requestRate: number;
  openSessions: number;
  power: Partial<Record<PowerState, number>>;
  faults: Record<string, number>;
  /** Fleet totals per endpoint (`GET /redfish/v1/Systems/{n}`). */
  endpoints: Record<string, number>;
  /** Per-node critical paths summed up over the fleet's nodes that served requests. */
  criticalPath: CriticalPathSummary;
  perNode: Record<string, NodeStats>;
}

/** Fault control and state pokes, the function form of the admin API. `nodes` is a noderange. */
export interface SimAdmin {
  faults(): { fleet: FaultSpec; nodes: Record<string, FaultSpec> };
  /** Replace the fleet-wide spec, or the spec of `nodes`. */
  setFaults(spec: FaultSpec, nodes?: string): string[];
  /** Merge into the fleet-wide spec, or into the spec of `nodes`. */
  updateFaults(spec: FaultSpec, nodes?: string): string[];
  /** Without `nodes`: clear everything (fleet and every node). */
  clearFaults(nodes?: string): string[];
  expireSessions(nodes?: string): string[];
  bmcReboot(nodes: string, ms?: number): string[];
  power(nodes: string, reset: ResetType): Record<string, PowerResult>;
  quiesce(nodes: string): string[];
  setSensor(nodes: string, sensorId: string, value: number | undefined): string[];
  fillLog(nodes: string, count: number): string[];
  clearLog(nodes: string): string[];
  resetStats(): void;
  /** Node names a noderange selects (groups: `all`, `redfish`, `openbmc`, personalities). */
  select(nodes: string): string[];
}

export interface Simulator {
  /** The inventory written in the state dir (and copied to `inventoryOut`). */
  inventory: string;
  stateDir: string;
  /** CA bundle to trust (HTTPS only). */
  caFile?: string;
  passwordFile: string;
  username: string;
  nodes: SimNodeInfo[];
  /** Admin API base URL (undefined when disabled). */
  adminUrl?: string;
  url(node: string): string;
  machine(node: string): SimMachine;
  stats(node?: string): SimStats;
  admin: SimAdmin;
  /** Open SSH connections over the fleet (`ssh: true`): like sessions, none may be left behind. */
  sshConnections(): number;
  stop(): Promise<void>;
}

export class SimulatorError extends Error {
  override name = 'SimulatorError';
}

const DEFAULT_SESSION_TIMEOUT_MS = 30 * 60_000;

async function ensurePassword(
  stateDir: string,
  explicit: string | undefined,
): Promise<{ file: string; password: string }> {
  const file = join(stateDir, 'bmc-password');
  let password = explicit;
  if (password === undefined) {
    try {
      password = (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  if (!password) password = randomBytes(12).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return { file, password };
}

/** The Ids of a capture's Systems (Id, else last path segment), in collection order. */
function captureSystems(dir: string): string[] {
  try {
    const capture = loadCapture(dir);
    const members = capture.doc('/redfish/v1/Systems')?.Members;
    if (!Array.isArray(members)) return [];
    return members.flatMap((m) => {
      const id = isObject(m) && typeof m['@odata.id'] === 'string' ? m['@odata.id'] : undefined;
      if (!id) return [];
      const path = id.replace(/\/+$/, '');
      const doc = capture.doc(path);
      const own = doc && typeof doc.Id === 'string' && doc.Id !== '' ? doc.Id : undefined;
      return [own ?? path.split('/').pop() ?? ''].filter((x) => x !== '');
    });
  } catch {
    return []; // a broken capture answers its errors to clients; the inventory keeps one node
  }
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const listen = options.listen ?? '127.0.0.1';
  if (!isIP(listen) && listen !== 'localhost')
    throw new SimulatorError(`listen address "${listen}" is not an IP address`);
  const mockups =
    options.fromMockup === undefined
      ? []
      : ([] as string[]).concat(options.fromMockup).map((d) => resolve(d));
  for (const dir of mockups) {
    try {
      await readFile(join(dir, 'index.json'));
    } catch {
      throw new SimulatorError(
        `--from-mockup ${dir}: no index.json there (expected a Redfish Mockup-Creator capture)`,
      );
    }
  }
  let recorded: RecordedNode[] = [];
  try {
    if (options.replay !== undefined) recorded = loadRecording(resolve(options.replay));
  } catch (e) {
    if (e instanceof ReplayError) throw new SimulatorError(e.message);
    throw e;
  }
  let plan: PlannedNode[];
  try {
    plan = planFleet({
      ...(options.nodes === undefined ? {} : { nodes: options.nodes }),
      ...(recorded.length > 0 ? { nodes: recorded.length } : {}),
      ...(options.flavor === undefined ? {} : { flavor: options.flavor }),
      ...(options.personality === undefined ? {} : { personality: options.personality }),
      fromMockup: mockups,
      ...(options.basePort === undefined ? {} : { basePort: options.basePort }),
      ...(options.nodePrefix === undefined ? {} : { nodePrefix: options.nodePrefix }),
    });
  } catch (e) {
    throw new SimulatorError((e as Error).message);
  }
  // A replayed node keeps its recorded name and flavor; its answers are the recording's.
  const replayed = new Map<string, RecordedNode>();
  plan = plan.map((p, i) => {
    const r = recorded[i];
    if (!r) return p;
    replayed.set(r.name, r);
    return { ...p, name: r.name, flavor: r.flavor, personality: 'mockup' };
  });

  const seed = seedNumber(options.seed);
  const clock = options.clock ?? systemClock;
  const log = options.log;
  const ownStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ? resolve(options.stateDir) : await mkdtemp(join(tmpdir(), 'hwctl-sim-'));
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const username = options.username ?? 'root';
  const { file: passwordFile, password } = await ensurePassword(stateDir, options.password);
  const ca = options.http
    ? undefined
    : await SimCertificateAuthority.open({ stateDir, names: [listen], perBmc: options.certPerBmc ?? false });
  const caFile = ca ? join(stateDir, 'ca.pem') : undefined;
  const stats = new FleetStats();

  // faults
  let fleetFaults: FaultSpec = parseFaultSpec(options.faults ?? {}, 'faults');
  const nodeFaults = new Map<string, FaultSpec>();

  const factories = new Map<SimFlavor, FrontendFactory>();
  for (const flavor of new Set(plan.filter((p) => !replayed.has(p.name)).map((p) => p.flavor)))
    factories.set(flavor, options.frontends?.[flavor] ?? (await loadFrontendFactory(flavor)));

  const transitionMs = options.transitionMs ?? 2000;
  const nextPort = portWalker();
  const bmcs = new Map<string, VirtualBmc>();
  for (const p of plan) {
    const initialPower =
      options.initialPower === 'mixed'
        ? mix(seed, hashString(p.name), 0x90) % 3 === 0
          ? 'Off'
          : 'On'
        : (options.initialPower ?? 'On');
    const machine = new SimMachine({
      name: p.name,
      index: p.index,
      seed,
      clock,
      vendor: p.vendor,
      transitionMs,
      ...(options.bmcRebootMs === undefined ? {} : { bmcRebootMs: options.bmcRebootMs }),
      ...(options.updateMs === undefined ? {} : { updateMs: options.updateMs }),
      initialPower,
      username,
      password,
      initialLogEntries: options.logEntries ?? 3,
    });
    const bmc = new VirtualBmc({
      name: p.name,
      index: p.index,
      flavor: p.flavor,
      personality: p.personality,
      machine,
      factory: replayed.has(p.name)
        ? () => createReplayFrontend(replayed.get(p.name)!)
        : (factories.get(p.flavor) as FrontendFactory),
      frontendOptions: {
        personality: p.personality,
        ...(p.mockupDir ? { mockupDir: p.mockupDir } : {}),
        clock,
        sessionTimeoutMs: options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
        ...(options.sessionLimit === undefined ? {} : { sessionLimit: options.sessionLimit }),
        sessionsFull: () => mergeFaults(fleetFaults, nodeFaults.get(p.name)).sessionsFull === true,
        seed,
        scheme: options.http ? 'http' : 'https',
        ...(options.updatePushOnly ? { updatePushOnly: true } : {}),
      },
      ca,
      listen,
      port: p.port,
      nextPort,
      faults: () => mergeFaults(fleetFaults, nodeFaults.get(p.name)),
      rng: new Prng(mix(seed, hashString(p.name), 0xfa17)),
      stats,
      clock,
      ...(log ? { log } : {}),
    });
    bmcs.set(p.name, bmc);
  }

  const nodeNames = plan.map((p) => p.name);
  const select = (expr: string): string[] =>
    expandNoderange(expr, {
      nodes: nodeNames,
      groupMembers: (g) => {
        if (g === 'redfish' || g === 'openbmc') return plan.filter((p) => p.flavor === g).map((p) => p.name);
        if (['generic', 'idrac', 'ilo', 'mockup'].includes(g))
          return plan.filter((p) => p.personality === g).map((p) => p.name);
        return undefined;
      },
      attribute: (node, attr) => {
        const p = plan.find((x) => x.name === node);
        if (!p) return undefined;
        if (attr === 'mgt' || attr === 'flavor') return p.flavor;
        if (attr === 'personality') return p.personality;
        if (attr === 'power') return bmcs.get(node)?.machine.powerState();
        return undefined;
      },
    });

  const bmcOf = (name: string): VirtualBmc => {
    const b = bmcs.get(name);
    if (!b) throw new SimulatorError(`no such node: ${name}`);
    return b;
  };

  const applyNodeFaults = (
    names: string[],
    update: (old: FaultSpec | undefined) => FaultSpec | undefined,
  ): void => {
    for (const n of names) {
      const bmc = bmcOf(n);
      const before = mergeFaults(fleetFaults, nodeFaults.get(n));
      const next = update(nodeFaults.get(n));
      if (next === undefined || isEmptyFaultSpec(next)) nodeFaults.delete(n);
      else nodeFaults.set(n, next);
      bmc.faultsChanged(before);
    }
  };
  const applyFleetFaults = (next: FaultSpec): void => {
    const before = [...bmcs.values()].map(
      (b) => [b, mergeFaults(fleetFaults, nodeFaults.get(b.name))] as const,
    );
    fleetFaults = next;
    for (const [b, prev] of before) b.faultsChanged(prev);
  };
  const forEach = (nodes: string, fn: (b: VirtualBmc) => void): string[] => {
    const names = select(nodes);
    for (const n of names) fn(bmcOf(n));
    return names;
  };

  const admin: SimAdmin = {
    faults: () => ({
      fleet: { ...fleetFaults },
      nodes: Object.fromEntries([...nodeFaults].map(([k, v]) => [k, { ...v }])),
    }),
    setFaults(spec, nodes) {
      const s = parseFaultSpec(spec);
      if (nodes === undefined) {
        applyFleetFaults(s);
        return nodeNames;
      }
      const names = select(nodes);
      applyNodeFaults(names, () => s);
      return names;
    },
    updateFaults(spec, nodes) {
      const s = parseFaultSpec(spec);
      if (nodes === undefined) {
        applyFleetFaults(parseFaultSpec({ ...fleetFaults, ...s }));
        return nodeNames;
      }
      const names = select(nodes);
      applyNodeFaults(names, (old) => parseFaultSpec({ ...old, ...s }));
      return names;
    },
    clearFaults(nodes) {
      if (nodes === undefined) {
        const all = [...nodeFaults.keys()];
        applyNodeFaults(all, () => undefined);
        applyFleetFaults({});
        return nodeNames;
      }
      const names = select(nodes);
      applyNodeFaults(names, () => undefined);
      return names;
    },
    expireSessions: (nodes = 'all') => forEach(nodes, (b) => b.expireSessions()),
    bmcReboot: (nodes, ms) => forEach(nodes, (b) => b.machine.bmcReboot(ms)),
    power(nodes, reset) {
      const out: Record<string, PowerResult> = {};
      forEach(nodes, (b) => (out[b.name] = b.machine.reset(reset)));
      return out;
    },
    quiesce: (nodes) => forEach(nodes, (b) => b.machine.quiesce()),
    setSensor: (nodes, id, value) => forEach(nodes, (b) => b.machine.overrideSensor(id, value)),
    fillLog: (nodes, count) => forEach(nodes, (b) => b.machine.log.fill(count)),
    clearLog: (nodes) => forEach(nodes, (b) => b.machine.clearLog()),
    resetStats: () => stats.reset(),
    select,
  };

  for (const [expr, spec] of Object.entries(options.nodeFaults ?? {})) admin.setFaults(spec, expr);

  const statsOf = (only?: string): SimStats => {
    const perNode: Record<string, NodeStats> = {};
    const endpoints: Record<string, number> = {};
    const power: Partial<Record<PowerState, number>> = {};
    let openSessions = 0;
    const wanted = only === undefined ? undefined : new Set(select(only));
    for (const b of bmcs.values()) {
      const c = stats.perNode.get(b.name);
      const sessions = b.openSessions();
      openSessions += sessions;
      const ps = b.machine.powerState();
      power[ps] = (power[ps] ?? 0) + 1;
      if (c) for (const [k, v] of c.endpoints) endpoints[k] = (endpoints[k] ?? 0) + v;
      if (wanted && !wanted.has(b.name)) continue;
      perNode[b.name] = {
        flavor: b.flavor,
        personality: b.personality,
        url: b.url,
        listening: b.listening,
        power: ps,
        host: b.machine.hostState(),
        bmc: b.machine.bmcState(),
        requests: c?.requests ?? 0,
        criticalPath: c?.criticalPath ?? 0,
        sessions,
        statuses: Object.fromEntries(c?.statuses ?? []),
        faults: Object.fromEntries(c?.faults ?? []),
        endpoints: Object.fromEntries(c?.endpoints ?? []),
      };
    }
    return {
      uptimeMs: Date.now() - stats.startedAt,
      nodes: bmcs.size,
      totalRequests: stats.total,
      requestRate: stats.rate(),
      openSessions,
      power,
      faults: Object.fromEntries(stats.faults),
      endpoints,
      criticalPath: summarizeCriticalPaths(stats.perNode.values()),
      perNode,
    };
  };

  // bind every port (bounded parallelism: thousands of listen() calls at once gain nothing)
  const all = [...bmcs.values()];
  const sshServers = new Map<string, SimSshServer>();
  let adminServer: AdminServer | undefined;
  try {
    await pMap(
      all,
      async (b) => {
        try {
          await b.start();
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          throw new SimulatorError(
            `${b.name}: cannot listen on ${listen}:${b.port}: ${code === 'EADDRINUSE' ? 'port already in use' : code === 'EMFILE' ? 'too many open files (raise ulimit -n)' : (e as Error).message}`,
          );
        }
      },
      { concurrency: 256 },
    );
    if (options.ssh) {
      // Loaded only here: ssh2 is not worth its load time to a fleet without SSH.
      const { SimSshServer, generateHostKey } = await import('./ssh.js');
      const hostKey = generateHostKey();
      await pMap(
        all,
        async (b) => {
          const server = new SimSshServer({ machine: b.machine, hostKey, listen, nextPort });
          sshServers.set(b.name, server);
          await server.start();
        },
        { concurrency: 256 },
      );
    }
  } catch (e) {
    await Promise.all([...all.map((b) => b.stop()), ...[...sshServers.values()].map((s) => s.stop())]);
    if (ownStateDir) await rm(stateDir, { recursive: true, force: true });
    throw e;
  }

  const nodes: SimNodeInfo[] = plan.map((p) => {
    const b = bmcs.get(p.name) as VirtualBmc;
    return {
      name: p.name,
      url: b.url,
      port: b.port,
      flavor: p.flavor,
      personality: p.personality,
      ...(p.mockupDir ? { mockupDir: p.mockupDir } : {}),
      ...(sshServers.has(p.name) ? { sshPort: sshServers.get(p.name)!.port } : {}),
    };
  });

  const sim: Simulator = {
    inventory: join(stateDir, 'inventory.yaml'),
    stateDir,
    ...(caFile ? { caFile } : {}),
    passwordFile,
    username,
    nodes,
    url: (node) => bmcOf(node).url,
    machine: (node) => bmcOf(node).machine,
    stats: statsOf,
    admin,
    sshConnections: () => [...sshServers.values()].reduce((n, s) => n + s.connections, 0),
    stop: async () => {
      await adminServer?.close();
      await Promise.all([...all.map((b) => b.stop()), ...[...sshServers.values()].map((s) => s.stop())]);
      if (ownStateDir) await rm(stateDir, { recursive: true, force: true });
    },
  };

  if (options.adminPort !== false) {
    adminServer = await startAdminServer(sim, options.adminPort ?? 0);
    sim.adminUrl = adminServer.url;
  }

  // A capture with several Systems (a blade enclosure) is one BMC but one inventory node per System.
  const invNodes: InventoryNode[] = nodes.flatMap((n) => {
    const node: InventoryNode = {
      name: n.name,
      url: n.url,
      scheme: ca ? 'https' : 'http',
      host: listen,
      port: n.port,
      mgt: n.flavor,
      personality: n.personality,
      ...(n.sshPort !== undefined ? { sshPort: n.sshPort } : {}),
    };
    const system = replayed.get(n.name)?.system;
    if (system) return [{ ...node, system }];
    const systems = n.mockupDir ? captureSystems(n.mockupDir) : [];
    if (systems.length < 2) return [node];
    return systems.map((id) => ({
      ...node,
      name: `${n.name}-${id.replace(/[^A-Za-z0-9_]/g, '_')}`,
      system: id,
    }));
  });
  const inv = {
    username,
    passwordFile,
    ...(caFile ? { caFile } : {}),
    nodes: invNodes,
    comment: `Written by hwctl sim: ${nodes.length} virtual BMCs${sim.adminUrl ? `; admin API ${sim.adminUrl}` : ''}.`,
  };
  // The inventory is written last: its appearance means every BMC is listening (CI readiness signal).
  if (options.inventoryOut) await writeInventory(resolve(options.inventoryOut), inv);
  await writeInventory(sim.inventory, inv);
  return sim;
}
