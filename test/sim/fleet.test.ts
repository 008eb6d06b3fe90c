import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { readFile, stat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { startSimulator, SimulatorError, type Simulator } from '../../src/sim/fleet.js';
import { planFleet } from '../../src/sim/plan.js';
import { portWalker, AUTO_PORT_CAPACITY } from '../../src/sim/ports.js';
import { renderInventory } from '../../src/sim/inventory-writer.js';
import { parseInventory } from '../../src/inventory/parse.js';
import type { Frontend, FrontendFactory } from '../../src/sim/types.js';
import { http, transportError } from './http.js';

/** A stand-in Redfish frontend, so these tests do not depend on src/sim/redfish. */
const fakeRedfish: FrontendFactory = (machine): Frontend => ({
  flavor: 'redfish',
  handle: (req) =>
    req.path === '/redfish/v1'
      ? { status: 200, body: { Id: 'RootService', Name: machine.name } }
      : { status: 404, body: { error: { code: 'Base.1.8.ResourceMissingAtURI' } } },
  openSessions: () => 0,
  expireSessions: () => undefined,
});

describe('fleet planning', () => {
  it('names, ports and personalities', () => {
    const p = planFleet({ nodes: 4, basePort: 40000, personality: 'mixed' });
    expect(p.map((n) => [n.name, n.port, n.personality])).toEqual([
      ['sim001', 40000, 'generic'],
      ['sim002', 40001, 'openbmc'],
      ['sim003', 40002, 'idrac'],
      ['sim004', 40003, 'ilo'],
    ]);
    expect(planFleet({ nodes: 1000 })[999]?.name).toBe('sim1000');
    expect(planFleet({ nodes: 5, flavor: 'mixed' }).map((n) => n.flavor)).toEqual([
      'redfish',
      'openbmc',
      'redfish',
      'redfish',
      'redfish',
    ]);
    expect(
      planFleet({ nodes: 4, flavor: 'mixed', personality: 'idrac' }).map(
        (n) => `${n.flavor}/${n.personality}`,
      ),
    ).toEqual(['redfish/idrac', 'openbmc/openbmc', 'redfish/idrac', 'openbmc/openbmc']);
    expect(planFleet({ nodes: 3, personality: { 'sim[002-003]': 'ilo' } }).map((n) => n.personality)).toEqual(
      ['generic', 'ilo', 'ilo'],
    );
    expect(planFleet({ nodes: 3, fromMockup: ['/a', '/b'] }).map((n) => n.mockupDir)).toEqual([
      '/a',
      '/b',
      '/a',
    ]);
    expect(() => planFleet({ nodes: 2, personality: 'dell' as never })).toThrow(/unknown personality/);
    expect(() => planFleet({ nodes: 10, basePort: 65530 })).toThrow(/does not fit/);
  });
});

describe('automatic ports', () => {
  it('walk 10000-32767 then 61000-65535, never the kernel ephemeral range', () => {
    const next = portWalker(32_766);
    expect([next(), next(), next()]).toEqual([32_766, 32_767, 61_000]);
    const wrap = portWalker(65_535);
    expect([wrap(), wrap()]).toEqual([65_535, 10_000]);
    expect(AUTO_PORT_CAPACITY).toBe(22_768 + 4_536);
  });
});

describe('inventory', () => {
  it('folds runs of consecutive ports into range entries that the inventory parser accepts', () => {
    const nodes = ['sim001', 'sim002', 'sim003', 'sim004'].map((name, i) => ({
      name,
      url: `https://127.0.0.1:${40000 + i}`,
      scheme: 'https' as const,
      host: '127.0.0.1',
      port: 40000 + i,
      mgt: i === 3 ? ('openbmc' as const) : ('redfish' as const),
      personality: i === 3 ? 'openbmc' : 'generic',
    }));
    const text = renderInventory({
      username: 'root',
      passwordFile: '/s/bmc-password',
      caFile: '/s/ca.pem',
      nodes,
    });
    expect(text).toContain('"sim[001-003]": {bmc: "https://127.0.0.1:{n+39999}", mgt: redfish');
    const inv = parseInventory(text, '/s/inventory.yaml');
    expect(inv.nodes.get('sim002')).toMatchObject({
      bmc: 'https://127.0.0.1:40001',
      mgt: 'redfish',
      username: 'root',
      password: { kind: 'file', path: '/s/bmc-password' },
      tls: { mode: 'verify', ca: '/s/ca.pem' },
      attrs: { personality: 'generic' },
    });
    expect(inv.nodes.get('sim004')).toMatchObject({ bmc: 'https://127.0.0.1:40003', mgt: 'openbmc' });
  });
});

describe('a running fleet', () => {
  let sim: Simulator;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hwctl-sim-test-'));
    sim = await startSimulator({
      nodes: 4,
      flavor: 'mixed',
      personality: 'generic',
      stateDir: join(dir, 'state'),
      inventoryOut: join(dir, 'out', 'inv.yaml'),
      frontends: { redfish: fakeRedfish },
      transitionMs: 100,
    });
  });
  afterAll(async () => {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a parseable inventory with credentials by reference, and a 0600 password file', async () => {
    const text = await readFile(join(dir, 'out', 'inv.yaml'), 'utf8');
    expect(text).toBe(await readFile(sim.inventory, 'utf8'));
    const password = (await readFile(sim.passwordFile, 'utf8')).trim();
    expect(text).not.toContain(password);
    expect((await stat(sim.passwordFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(sim.stateDir, 'ca-key.pem'))).mode & 0o777).toBe(0o600);
    const inv = parseInventory(text, sim.inventory);
    expect([...inv.nodes.keys()]).toEqual(['sim001', 'sim002', 'sim003', 'sim004']);
    for (const n of sim.nodes)
      expect(inv.nodes.get(n.name)).toMatchObject({
        bmc: n.url,
        mgt: n.flavor,
        tls: { mode: 'verify', ca: sim.caFile },
      });
  });

  it('serves each BMC on its own HTTPS port, verifiable with the generated CA only', async () => {
    const ca = await readFile(sim.caFile ?? '', 'utf8');
    const r = await http(`${sim.url('sim001')}/redfish/v1`, { ca });
    expect(r.json()).toEqual({ Id: 'RootService', Name: 'sim001' });
    expect(await transportError(`${sim.url('sim001')}/redfish/v1`)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const viaName = await http(`${sim.url('sim003').replace('127.0.0.1', 'localhost')}/redfish/v1`, { ca });
    expect(viaName.status).toBe(200);
    const openbmc = await http(`${sim.url('sim002')}/login`, {
      ca,
      method: 'POST',
      body: { data: ['root', 'x'] },
    });
    expect(openbmc.status).toBe(401);
    expect(new Set(sim.nodes.map((n) => n.port)).size).toBe(4);
  });

  it('counts requests per node and endpoint, and reports power states', async () => {
    sim.admin.resetStats();
    const ca = await readFile(sim.caFile ?? '', 'utf8');
    for (let i = 0; i < 3; i++) await http(`${sim.url('sim003')}/redfish/v1`, { ca });
    await http(`${sim.url('sim003')}/redfish/v1/Systems/17`, { ca });
    const s = sim.stats();
    expect(s.totalRequests).toBe(4);
    expect(s.perNode.sim003?.requests).toBe(4);
    expect(s.perNode.sim003?.endpoints).toEqual({ 'GET /redfish/v1': 3, 'GET /redfish/v1/Systems/{n}': 1 });
    expect(s.perNode.sim003?.statuses).toEqual({ '200': 3, '404': 1 });
    expect(s.perNode.sim001?.requests).toBe(0);
    expect(s.power).toEqual({ On: 4 });
    expect(s.requestRate).toBeGreaterThan(0);
    expect(s.openSessions).toBe(0);
  });

  it('admin API: readiness, stats, faults, actions, errors', async () => {
    const admin = sim.adminUrl ?? '';
    const root = await http(`${admin}/`);
    expect(root.json()).toMatchObject({ ready: true, nodes: 4, inventory: sim.inventory });
    const put = await http(`${admin}/faults?nodes=sim003`, { method: 'PUT', body: { error503: 1 } });
    expect(put.json()).toMatchObject({ nodes: ['sim003'], faults: { nodes: { sim003: { error503: 1 } } } });
    const ca = await readFile(sim.caFile ?? '', 'utf8');
    expect((await http(`${sim.url('sim003')}/redfish/v1`, { ca })).status).toBe(503);
    await http(`${admin}/faults`, { method: 'PATCH', body: { latencyMs: 1 } });
    expect((await http(`${admin}/faults`)).json()).toEqual({
      fleet: { latencyMs: 1 },
      nodes: { sim003: { error503: 1 } },
    });
    await http(`${admin}/faults`, { method: 'DELETE' });
    expect((await http(`${admin}/faults`)).json()).toEqual({ fleet: {}, nodes: {} });
    expect((await http(`${sim.url('sim003')}/redfish/v1`, { ca })).status).toBe(200);

    const power = await http(`${admin}/actions/power?nodes=sim00[1-2]`, {
      method: 'POST',
      body: { reset: 'ForceOff' },
    });
    expect(power.json()).toEqual({
      results: { sim001: { ok: true, changed: true }, sim002: { ok: true, changed: true } },
    });
    expect(sim.machine('sim001').powerState()).toBe('PoweringOff');
    const node = (await http(`${admin}/nodes/sim001`)).json<Record<string, unknown>>();
    expect(node).toMatchObject({ name: 'sim001', power: 'PoweringOff', flavor: 'redfish' });
    const stats = (await http(`${admin}/stats?nodes=openbmc`)).json<{ perNode: Record<string, unknown> }>();
    expect(Object.keys(stats.perNode)).toEqual(['sim002', 'sim004']);

    expect((await http(`${admin}/faults`, { method: 'PUT', body: { nonsense: 1 } })).status).toBe(400);
    expect((await http(`${admin}/faults`, { method: 'PUT', body: '{not json' })).status).toBe(400);
    expect((await http(`${admin}/faults?nodes=nosuch`, { method: 'PUT', body: {} })).status).toBe(400);
    expect(
      (await http(`${admin}/actions/power`, { method: 'POST', body: { reset: 'Explode' } })).status,
    ).toBe(400);
    expect((await http(`${admin}/nothing`)).status).toBe(404);
  });

  it('keeps the CA and password in the state dir across restarts', async () => {
    const caBefore = await readFile(sim.caFile ?? '', 'utf8');
    const pwBefore = await readFile(sim.passwordFile, 'utf8');
    const again = await startSimulator({
      nodes: 1,
      stateDir: sim.stateDir,
      frontends: { redfish: fakeRedfish },
      adminPort: false,
      inventoryOut: join(dir, 'again.yaml'),
    });
    try {
      expect(await readFile(again.caFile ?? '', 'utf8')).toBe(caBefore);
      expect(await readFile(again.passwordFile, 'utf8')).toBe(pwBefore);
      expect((await http(`${again.url('sim001')}/redfish/v1`, { ca: caBefore })).status).toBe(200);
    } finally {
      await again.stop();
    }
  });
});

function peerCertificate(url: string, ca: string): Promise<{ cn: string; san: string; fingerprint: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: u.hostname, port: Number(u.port), ca, servername: undefined }, () => {
      const c = s.getPeerCertificate();
      resolve({ cn: String(c.subject.CN), san: String(c.subjectaltname), fingerprint: c.fingerprint256 });
      s.end();
    });
    s.on('error', reject);
  });
}

describe('certificates', () => {
  it('one shared leaf by default, one per BMC with certPerBmc; both chain to the CA', async () => {
    for (const certPerBmc of [false, true]) {
      const s = await startSimulator({
        nodes: 2,
        certPerBmc,
        frontends: { redfish: fakeRedfish },
        adminPort: false,
      });
      try {
        const ca = await readFile(s.caFile ?? '', 'utf8');
        const [a, b] = [
          await peerCertificate(s.url('sim001'), ca),
          await peerCertificate(s.url('sim002'), ca),
        ];
        expect(a.san).toBe('IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost');
        if (certPerBmc) {
          expect([a.cn, b.cn]).toEqual(['sim001', 'sim002']);
          expect(a.fingerprint).not.toBe(b.fingerprint);
        } else {
          expect([a.cn, b.cn]).toEqual(['hwctl simulator BMC', 'hwctl simulator BMC']);
          expect(a.fingerprint).toBe(b.fingerprint);
        }
      } finally {
        await s.stop();
      }
    }
  });
});

describe('start-up errors and plain HTTP', () => {
  it('refuses a port that is taken, and serves plain HTTP with --http', async () => {
    const a = await startSimulator({
      nodes: 2,
      http: true,
      frontends: { redfish: fakeRedfish },
      adminPort: false,
    });
    try {
      expect(a.url('sim001')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(a.caFile).toBeUndefined();
      expect(await readFile(a.inventory, 'utf8')).toContain('\n  tls: plaintext\n');
      expect((await http(`${a.url('sim002')}/redfish/v1`)).status).toBe(200);
      const port = Number(new URL(a.url('sim001')).port);
      await expect(
        startSimulator({
          nodes: 1,
          basePort: port,
          http: true,
          frontends: { redfish: fakeRedfish },
          adminPort: false,
        }),
      ).rejects.toThrow(/sim001: cannot listen on 127\.0\.0\.1:\d+: port already in use/);
    } finally {
      await a.stop();
    }
    await expect(startSimulator({ fromMockup: '/nonexistent' })).rejects.toThrow(SimulatorError);
  });

  it('starts and stops 1,000 BMCs quickly', async () => {
    const t0 = Date.now();
    const big = await startSimulator({ nodes: 1000, flavor: 'openbmc', adminPort: false });
    const started = Date.now() - t0;
    try {
      expect(big.nodes).toHaveLength(1000);
      // automatic ports are consecutive unless taken: a few range entries, not 1,000 lines
      expect((await readFile(big.inventory, 'utf8')).split('\n').length).toBeLessThan(40);
      const ca = await readFile(big.caFile ?? '', 'utf8');
      expect(
        (await http(`${big.url('sim1000')}/login`, { ca, method: 'POST', body: { data: ['root', 'x'] } }))
          .status,
      ).toBe(401);
    } finally {
      await big.stop();
    }
    expect(started).toBeLessThan(10_000);
    expect(await transportError(`${big.url('sim0500')}/login`)).toBe('ECONNREFUSED');
  });
});
