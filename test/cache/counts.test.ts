/**
 * The discovery cache against the simulator over HTTPS: requests per node of a cold and a warm run
 * (Basic and sessions) for rpower stat/on, rinv and rvitals; --no-cache; a corrupt cache file; and
 * self-healing when the BMC behind an address changed (other ids: 404; other certificate).
 */
import { describe, it, expect, beforeAll, beforeEach, afterAll } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetDiscoveryCaches } from '../../src/bmc/discovery-cache.js';
import { destroyAgents } from '../../src/bmc/index.js';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import type { Personality } from '../../src/sim/types.js';
import { rinv, rvitals } from '../inventory-cmd/harness.js';
import { endpoints, requestCount } from '../helpers/sim-harness.js';
import { rpower, settle } from '../power/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'hwctl-cache-'));
const file = join(dir, 'state', 'hwctl', 'discovery_cache.json');
const xdg = process.env.XDG_STATE_HOME;
process.env.XDG_STATE_HOME = join(dir, 'state');

let sim: Simulator;
let inventory: string;
const NODE = 'sim001';

/** One BMC on `port` (0: any), its certificate from `stateDir`, with an inventory reaching it over `tls`. */
async function start(
  personality: Personality,
  o: { port?: number; stateDir?: string; tls?: 'verify' | 'insecure' | 'pin' } = {},
): Promise<void> {
  sim = await startSimulator({
    nodes: 1,
    personality,
    initialPower: 'On',
    transitionMs: 50,
    adminPort: false,
    ...(o.port ? { basePort: o.port } : {}),
    stateDir: o.stateDir ?? join(dir, 'sim-a'),
  });
  const n = sim.nodes[0]!;
  const tls =
    o.tls === 'insecure' || o.tls === 'pin' ? o.tls : `{mode: verify, ca: ${JSON.stringify(sim.caFile)}}`;
  inventory = join(dir, 'inventory.yaml');
  writeFileSync(
    inventory,
    [
      'defaults:',
      `  username: ${JSON.stringify(sim.username)}`,
      `  password: {file: ${JSON.stringify(sim.passwordFile)}}`,
      `  tls: ${tls}`,
      'nodes:',
      `  ${NODE}: {bmc: ${JSON.stringify(n.url)}, mgt: redfish}`,
    ].join('\n') + '\n',
  );
}

afterAll(async () => {
  await sim?.stop();
  destroyAgents();
  process.env.XDG_STATE_HOME = xdg;
  rmSync(dir, { recursive: true, force: true });
});

type Auth = 'basic' | 'session' | 'auto';
const opts = (auth: Auth, cache = true) => ({ extra: { cache, auth } as never });

/** Requests by endpoint of one run, as a new process would make it (nothing loaded from earlier runs). */
async function counted(run: () => Promise<{ code: number; err: string[] }>): Promise<{
  ep: Record<string, number>;
  total: number;
  err: string[];
}> {
  resetDiscoveryCaches();
  sim.admin.resetStats();
  const r = await run();
  expect(r.code).toBe(0);
  expect(sim.stats().openSessions).toBe(0);
  return { ep: endpoints(sim, NODE), total: requestCount(sim, NODE), err: r.err };
}

const stat = (auth: Auth, cache = true) =>
  counted(() => rpower(inventory, NODE, ['stat'], opts(auth, cache)));
const ROOT = 'GET /redfish/v1/';
const SYSTEM = 'GET /redfish/v1/Systems/{n}';
const LOGIN = 'POST /redfish/v1/SessionService/Sessions';
const LOGOUT = 'DELETE /redfish/v1/SessionService/Sessions/{id}';

describe('requests per node, cold then warm', () => {
  beforeAll(() => start('generic'));
  afterAll(() => sim.stop());
  beforeEach(() => rmSync(file, { force: true }));

  it('rpower stat with Basic: 3 cold (root, Systems, member), 1 warm (the System)', async () => {
    expect((await stat('basic')).total).toBe(3);
    expect((await stat('basic')).ep).toEqual({ [SYSTEM]: 1 });
    expect(JSON.stringify(JSON.parse(readFileSync(file, 'utf8')))).not.toMatch(/Token|Password|PowerState/i);
  });

  it('rpower stat with a session: 5 cold, 3 warm (login, the System, logout)', async () => {
    expect((await stat('session')).total).toBe(5);
    expect((await stat('session')).ep).toEqual({ [LOGIN]: 1, [SYSTEM]: 1, [LOGOUT]: 1 });
  });

  it('rpower on, warm with Basic: the state read and the action, nothing else', async () => {
    await stat('basic');
    sim.machine(NODE).forceOff();
    await settle(sim);
    const on = await counted(() => rpower(inventory, NODE, ['on'], opts('basic')));
    expect(on.ep).toEqual({ [SYSTEM]: 1, 'POST /redfish/v1/Systems/{n}/Actions/ComputerSystem.Reset': 1 });
    expect(sim.machine(NODE).powerState()).not.toBe('Off');
  });

  it.each([
    ['rinv', (o: ReturnType<typeof opts>) => rinv(inventory, NODE, ['all'], o)],
    ['rvitals', (o: ReturnType<typeof opts>) => rvitals(inventory, NODE, ['all'], o)],
  ] as const)('%s warm: no discovery request (the service root is not read again)', async (_, run) => {
    const cold = await counted(() => run(opts('basic')));
    expect(cold.ep[ROOT]).toBe(1);
    const warm = await counted(() => run(opts('basic')));
    expect(warm.ep[ROOT]).toBeUndefined();
    expect(warm.total).toBe(cold.total - 1);
  });

  it('--no-cache: discovers afresh and neither reads nor writes the file', async () => {
    await stat('basic');
    const before = readFileSync(file, 'utf8');
    const r = await stat('basic', false);
    expect(r.total).toBe(3);
    expect(r.ep[ROOT]).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('a corrupt file: one warning, a cold run, the file rewritten', async () => {
    writeFileSync(file, '{"version":1,"entries":{"https://x');
    const r = await stat('basic');
    expect(r.total).toBe(3);
    expect(r.err.filter((l) => /discovery cache .* is unreadable/.test(l))).toHaveLength(1);
    expect(Object.keys((JSON.parse(readFileSync(file, 'utf8')) as { entries: object }).entries)).toHaveLength(
      1,
    );
    expect((await stat('basic')).total).toBe(1);
  });
});

describe('self-healing: the cached facts are no longer the BMC’s', () => {
  beforeEach(() => rmSync(file, { force: true }));

  it('other ids at the same address (same certificate): the cached System answers 404, rediscovered in the same run', async () => {
    await start('generic'); // System '1'
    const port = sim.nodes[0]!.port;
    await stat('basic');
    await sim.stop();
    await start('openbmc', { port }); // System 'system', same CA and key
    const r = await counted(() => rpower(inventory, NODE, ['stat'], { ...opts('basic'), output: 'json' }));
    // The cached /Systems/1 (404), then discovery and the new System.
    expect(r.ep).toEqual({
      [SYSTEM]: 1,
      [ROOT]: 1,
      'GET /redfish/v1/Systems': 1,
      'GET /redfish/v1/Systems/system': 1,
    });
    expect(readFileSync(file, 'utf8')).toContain('/redfish/v1/Systems/system');
    expect((await stat('basic')).ep).toEqual({ 'GET /redfish/v1/Systems/system': 1 });
    await sim.stop();
  });

  it('another certificate at the same address: rediscovered before the cached facts are trusted', async () => {
    await start('generic', { tls: 'insecure' });
    const port = sim.nodes[0]!.port;
    await stat('session');
    await sim.stop();
    await start('generic', { port, tls: 'insecure', stateDir: join(dir, 'sim-b') }); // a new CA and key
    const r = await stat('session');
    expect(r.ep[ROOT]).toBe(1);
    expect(r.ep['GET /redfish/v1/Systems']).toBe(1);
    const fp = (JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, { fp: string }> })
      .entries;
    expect(Object.values(fp)[0]!.fp).toMatch(/^[0-9A-F:]{95}$/);
    expect((await stat('session')).ep).toEqual({ [LOGIN]: 1, [SYSTEM]: 1, [LOGOUT]: 1 });
    await sim.stop();
  });

  it('pinned (tls: pin): the fingerprint kept is the BMC certificate’s, the one pinned', async () => {
    // Node 20's getPeerX509Certificate() takes the leaf out of the chain: read twice (pin check, then
    // the cache), the second read was empty for a BMC that sends its leaf alone (src/bmc/tls-peer.ts).
    rmSync(file, { force: true });
    await start('generic', { tls: 'pin' });
    await stat('basic');
    const entries = (JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, { fp: string }> })
      .entries;
    const pinned = readFileSync(join(dir, 'state', 'hwctl', 'known_bmcs'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`127.0.0.1:${sim.nodes[0]!.port} `));
    expect(Object.values(entries)[0]!.fp).toMatch(/^[0-9A-F:]{95}$/);
    expect(pinned?.split(' ')[1]).toBe(Object.values(entries)[0]!.fp);
    await sim.stop();
  });
});
