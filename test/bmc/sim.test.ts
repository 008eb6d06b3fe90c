/**
 * The BMC layer against the real simulator over HTTPS, through the fan-out engine: every flavor and
 * personality, TLS verify with the simulator CA, pinning, a wrong certificate, hung BMCs, expired
 * sessions, interrupts, flavor detection, and zero sessions left open on any BMC after every run.
 */
import { unpatchHttp } from '../helpers/nock-harness.js';
import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals';
import { join } from 'node:path';
import {
  closeAllSessions,
  createFlavorDetector,
  destroyAgents,
  openbmcClient,
  openSessions,
  redfishClient,
} from '../../src/bmc/index.js';
import type { NodeDef, NodeResult } from '../../src/core/types.js';
import type { Executor, NodeContext } from '../../src/engine/executor.js';
import { runOperation } from '../../src/engine/run.js';
import { registerExecutor } from '../../src/executors/registry.js';
import { FleetStats } from '../../src/sim/stats.js';
import type { Simulator } from '../../src/sim/fleet.js';
import { recordingServices, startMixedFleet, tempDir, testContext } from './helpers.js';

// A nock suite that ran earlier in this jest worker may have left its interceptor in node:http.
unpatchHttp();

interface Probe {
  power: string;
  allowed?: string[];
  manager?: string;
  chassis?: number;
  boot?: string;
}

/** Test executors (capability `inventory`, which no one else registers in this test file). */
const redfishProbe: Executor & Record<string, unknown> = {
  capability: 'inventory',
  flavor: 'redfish',
  async probe(_args: unknown, ctx: NodeContext): Promise<Probe> {
    const c = await redfishClient(ctx);
    const system = await c.system();
    const allowed = await c.allowableValues(system, 'ComputerSystem.Reset', 'ResetType');
    const manager = await c.manager();
    const chassis = await c.chassis();
    const out: Probe = {
      power: String(system.PowerState),
      manager: String(manager.Id),
      chassis: chassis.length,
    };
    if (allowed) out.allowed = allowed;
    return out;
  },
  async boot(_args: unknown, ctx: NodeContext): Promise<Probe> {
    const c = await redfishClient(ctx);
    const system = await c.system();
    await c.patch(String(system['@odata.id']), {
      Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' },
    });
    const after = await c.system();
    return {
      power: String(after.PowerState),
      boot: String((after.Boot as Record<string, unknown>).BootSourceOverrideTarget),
    };
  },
};

const openbmcProbe: Executor & Record<string, unknown> = {
  capability: 'inventory',
  flavor: 'openbmc',
  async probe(_args: unknown, ctx: NodeContext): Promise<Probe> {
    const c = await openbmcClient(ctx);
    const states = await c.get<Record<string, Record<string, unknown>>>(
      '/xyz/openbmc_project/state/enumerate',
    );
    return {
      power: String(states['/xyz/openbmc_project/state/chassis0']?.CurrentPowerState).split('.').pop()!,
    };
  },
  async boot(_args: unknown, ctx: NodeContext): Promise<Probe> {
    const c = await openbmcClient(ctx);
    await c.put('/xyz/openbmc_project/control/host0/boot/one_time/attr/Enabled', 1);
    await c.put(
      '/xyz/openbmc_project/control/host0/boot/one_time/attr/BootSource',
      'xyz.openbmc_project.Control.Boot.Source.Sources.Network',
    );
    const src = await c.get<string>('/xyz/openbmc_project/control/host0/boot/one_time/attr/BootSource');
    return { power: '?', boot: src.split('.').pop()! };
  },
};

registerExecutor('inventory', 'redfish', redfishProbe);
registerExecutor('inventory', 'openbmc', openbmcProbe);

let sim: Simulator;
let nodes: NodeDef[];
let passwords: Map<string, string>;

beforeAll(async () => {
  ({ sim, nodes, passwords } = await startMixedFleet({ transitionMs: 100, seed: 7 }));
});

afterEach(() => {
  sim.admin.clearFaults();
});

afterAll(async () => {
  destroyAgents();
  await sim.stop();
});

function run(
  op: string,
  options: Record<string, unknown> = {},
  opts: { nodes?: NodeDef[]; timeoutMs?: number; signal?: AbortSignal } = {},
) {
  const services = recordingServices(options);
  const p = runOperation(
    { capability: 'inventory', op, args: {}, nodes: opts.nodes ?? nodes },
    {
      services,
      passwords,
      timeoutMs: opts.timeoutMs ?? 20_000,
      fanout: 8,
      detectFlavor: createFlavorDetector(services),
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
  );
  return { services, results: p };
}

function expectNoSessions(): void {
  expect(sim.stats().openSessions).toBe(0);
  expect(openSessions()).toEqual([]);
}

const byNode = (results: NodeResult[]) => Object.fromEntries(results.map((r) => [r.node, r]));

describe('against the simulator', () => {
  it('the fleet has both flavors and every Redfish personality', () => {
    const kinds = new Set(sim.nodes.map((n) => `${n.flavor}/${n.personality}`));
    expect(kinds).toEqual(
      new Set(['redfish/generic', 'openbmc/openbmc', 'redfish/idrac', 'redfish/ilo', 'redfish/openbmc']),
    );
  });

  it('TLS verify with the simulator CA: every node answers, discovery works on every personality, no session left', async () => {
    const { results } = run('probe');
    const r = await results;
    for (const res of r) expect(res).toMatchObject({ ok: true });
    for (const res of r.filter(
      (x) => x.ok && sim.nodes.find((n) => n.name === x.node)!.flavor === 'redfish',
    )) {
      const v = (res as { value: Probe }).value;
      expect(['On', 'Off']).toContain(v.power);
      expect(v.allowed?.length).toBeGreaterThan(0);
      expect(v.chassis).toBeGreaterThan(0);
    }
    expectNoSessions();
  });

  it('PATCH with ETag (Redfish) and PUTs (OpenBMC) read back; no session left', async () => {
    const r = await run('boot').results;
    for (const res of r) {
      expect(res).toMatchObject({ ok: true });
      expect(['Pxe', 'Network']).toContain((res as { value: Probe }).value.boot);
    }
    expectNoSessions();
  });

  it('auth: basic and auth: session both work; basic opens no session at all', async () => {
    const redfishNodes = nodes.filter((n) => n.mgt === 'redfish');
    sim.admin.resetStats();
    expect((await run('probe', { auth: 'basic' }, { nodes: redfishNodes }).results).every((x) => x.ok)).toBe(
      true,
    );
    expect(sim.stats().endpoints['POST /redfish/v1/SessionService/Sessions'] ?? 0).toBe(0);
    expect(
      (await run('probe', { auth: 'session' }, { nodes: redfishNodes }).results).every((x) => x.ok),
    ).toBe(true);
    expectNoSessions();
  });

  it('mgt: auto detects each flavor', async () => {
    const auto = nodes.map((n) => ({ ...n, mgt: 'auto' }));
    const r = await run('probe', {}, { nodes: auto }).results;
    expect(r.every((x) => x.ok)).toBe(true);
    const services = recordingServices();
    const detect = createFlavorDetector(services);
    for (const n of auto) {
      expect(await detect(n, new AbortController().signal)).toBe(
        sim.nodes.find((s) => s.name === n.name)!.flavor,
      );
    }
    expectNoSessions();
  });

  it('pin mode: first run pins every BMC (one warning each), later runs are silent; a changed certificate fails only that node', async () => {
    const known = join(tempDir(), 'known_bmcs');
    const pinned = nodes.map((n) => ({ ...n, tls: { mode: 'pin' as const } }));
    const first = run('probe', { knownBmcs: known }, { nodes: pinned });
    expect((await first.results).every((x) => x.ok)).toBe(true);
    expect(first.services.warnings.filter((w) => w.startsWith('Pinned the TLS certificate'))).toHaveLength(
      nodes.length,
    );
    destroyAgents();
    const second = run('probe', { knownBmcs: known }, { nodes: pinned });
    expect((await second.results).every((x) => x.ok)).toBe(true);
    expect(second.services.warnings).toEqual([]);

    const victim = nodes[2]!.name;
    sim.admin.setFaults({ certMismatch: true }, victim);
    destroyAgents(); // new connections see the new certificate
    const r = byNode(await run('probe', { knownBmcs: known }, { nodes: pinned }).results);
    expect(r[victim]).toMatchObject({
      ok: false,
      error: { kind: 'tls', message: expect.stringContaining('has CHANGED since it was pinned') },
    });
    expect(Object.values(r).filter((x) => x.ok)).toHaveLength(nodes.length - 1);
    expect(sim.stats(victim).perNode[victim]!.requests).toBeGreaterThanOrEqual(0);
    expectNoSessions();
  });

  it('verify mode: a certificate that names another host is a tls error for that node only', async () => {
    const victim = nodes[1]!.name;
    sim.admin.setFaults({ certMismatch: true }, victim);
    destroyAgents();
    const r = byNode(await run('probe').results);
    expect(r[victim]).toMatchObject({
      ok: false,
      error: {
        kind: 'tls',
        message: expect.stringMatching(/^TLS certificate name mismatch: .*wrong-name\.invalid/),
      },
    });
    expect(Object.values(r).filter((x) => x.ok)).toHaveLength(nodes.length - 1);
    destroyAgents();
    expectNoSessions();
  });

  it('10% of BMCs hang after login: the run ends within the timeout, those nodes are timeouts, their sessions are closed', async () => {
    const victim = nodes.find((n) => n.mgt === 'redfish')!.name;
    sim.admin.setFaults({ hang: 1, pathPattern: '^/redfish/v1/Systems' }, victim);
    const started = Date.now();
    const r = byNode(await run('probe', { requestTimeoutMs: 400 }).results);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r[victim]).toMatchObject({
      ok: false,
      error: { kind: 'timeout', message: expect.stringContaining('(no response within 0.4 s)') },
    });
    expect(Object.values(r).filter((x) => x.ok)).toHaveLength(nodes.length - 1);
    expectNoSessions();
  });

  it('node deadline while a BMC hangs: the node is a timeout and its session is still closed', async () => {
    const victim = nodes.find((n) => n.mgt === 'redfish')!.name;
    sim.admin.setFaults({ hang: 1, pathPattern: '^/redfish/v1/Systems' }, victim);
    const started = Date.now();
    const r = byNode(await run('probe', {}, { timeoutMs: 600 }).results);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r[victim]).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expectNoSessions();
  });

  it('interrupt (SIGINT) mid-run: every node is interrupted or done, and no session is left', async () => {
    sim.admin.setFaults({ hang: 1, pathPattern: '^/(redfish/v1/Systems|xyz/openbmc_project/state)' });
    const ac = new AbortController();
    const pending = run('probe', {}, { signal: ac.signal }).results;
    setTimeout(() => ac.abort(new Error('SIGINT')), 300);
    const r = await pending;
    expect(r.every((x) => !x.ok && x.error.kind === 'interrupted')).toBe(true);
    expectNoSessions();
  });

  it('interrupt while logins are in flight: the sessions the BMCs opened are still closed', async () => {
    // The interrupt comes the moment each BMC receives the login, which it then carries out: a client that
    // dropped the login on the interrupt would never see the token that closes the session it opened.
    const target = [
      nodes.find((n) => n.mgt === 'redfish' && n.attrs.personality === 'generic')!,
      nodes.find((n) => n.mgt === 'openbmc')!,
    ];
    const ac = new AbortController();
    const logins = /^(\/redfish\/v1\/SessionService\/Sessions\/?|\/login)$/;
    const count = FleetStats.prototype.request;
    let seen = 0;
    FleetStats.prototype.request = function (node, method, path) {
      if (method === 'POST' && logins.test(path) && ++seen === target.length) ac.abort(new Error('SIGINT'));
      return count.call(this, node, method, path);
    };
    try {
      const r = await run('probe', {}, { nodes: target, signal: ac.signal }).results;
      expect(seen).toBe(2);
      expect(r.map((x) => (x.ok ? 'ok' : x.error.kind))).toEqual(['interrupted', 'interrupted']);
      expectNoSessions();
    } finally {
      FleetStats.prototype.request = count;
    }
  });

  it('sessions expired by the BMC mid-run: one re-login, the operation succeeds', async () => {
    const target = nodes.filter((n) => n.mgt === 'redfish').slice(0, 2);
    const services = recordingServices();
    for (const node of target) {
      const ctx = testContext(node, services, passwords.get(node.name));
      const c = await redfishClient(ctx);
      await c.system();
      sim.admin.expireSessions(node.name);
      expect((await c.system()).Id).toBeDefined();
      await ctx.cleanup();
    }
    expectNoSessions();
  });

  it('closeAllSessions() (the CLI on SIGTERM) closes sessions whose nodes never ran their cleanups', async () => {
    const services = recordingServices();
    for (const node of nodes) {
      const ctx = testContext(node, services, passwords.get(node.name));
      if (node.mgt === 'redfish') await redfishClient(ctx);
      else await openbmcClient(ctx);
    }
    expect(sim.stats().openSessions).toBe(nodes.length);
    expect(openSessions()).toHaveLength(nodes.length);
    await closeAllSessions(2000);
    expectNoSessions();
  });

  it('a full session table (iDRAC RAC0218): auth auto falls back to Basic at once; auth session reports the 503', async () => {
    const idrac = nodes.find((n) => sim.nodes.find((s) => s.name === n.name)!.personality === 'idrac')!;
    const services = recordingServices();
    for (let i = 0; sim.stats(idrac.name).perNode[idrac.name]!.sessions < 8 && i < 20; i++) {
      await redfishClient(testContext(idrac, services, passwords.get(idrac.name))).catch(() => undefined);
    }
    const held = openSessions().length;
    expect(held).toBeGreaterThan(0);
    const started = Date.now();
    const auto = await run('probe', { debug: true }, { nodes: [idrac] }).results;
    expect(auto[0]).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeLessThan(3000);
    const strict = await run('probe', { auth: 'session' }, { nodes: [idrac] }).results;
    expect(strict[0]).toMatchObject({
      ok: false,
      error: { kind: 'http', status: 503, message: expect.stringMatching(/^\[503\] .*(session|RAC0218)/i) },
    });
    expect(openSessions()).toHaveLength(held);
    await closeAllSessions(2000);
    expectNoSessions();
  });

  it('a BMC that is down: unreachable for that node, quickly', async () => {
    const victim = nodes[3]!.name;
    sim.admin.setFaults({ down: true }, victim);
    destroyAgents();
    const r = byNode(await run('probe').results);
    expect(r[victim]).toMatchObject({
      ok: false,
      error: { kind: 'unreachable', message: expect.stringContaining('connection refused') },
    });
    expectNoSessions();
  });
});
