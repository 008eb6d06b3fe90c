import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:tls';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { decideFault, parseFaultArg, parseFaultSpec, FaultSpecError } from '../../src/sim/faults.js';
import { Prng } from '../../src/sim/prng.js';
import { http, transportError, sleep } from './http.js';

const STATE = '/xyz/openbmc_project/state/host0';
let sim: Simulator;
let ca: string;
let auth: { user: string; password: string };

beforeAll(async () => {
  sim = await startSimulator({ nodes: 2, flavor: 'openbmc', transitionMs: 100, seed: 3 });
  ca = await readFile(sim.caFile ?? '', 'utf8');
  auth = { user: 'root', password: (await readFile(sim.passwordFile, 'utf8')).trim() };
});
afterAll(async () => {
  await sim.stop();
});
afterEach(() => {
  sim.admin.clearFaults();
});

const get = (node = 'sim001', path = STATE, timeoutMs = 3000) =>
  http(`${sim.url(node)}${path}`, { ca, auth, timeoutMs });

describe('fault specs', () => {
  it('validates input', () => {
    expect(() => parseFaultSpec({ error503: 2 })).toThrow(FaultSpecError);
    expect(() => parseFaultSpec({ bogus: 1 })).toThrow(/unknown field "bogus"/);
    expect(() => parseFaultSpec({ reset: 0.6, hang: 0.6 })).toThrow(/add up to/);
    expect(() => parseFaultSpec({ pathPattern: '(' })).toThrow(/regular expression/);
    expect(parseFaultSpec({ down: true, latencyMs: 5 })).toEqual({ down: true, latencyMs: 5 });
  });

  it('parses --fault arguments', () => {
    expect(parseFaultArg('503=0.1')).toEqual({ nodes: undefined, spec: { error503: 0.1 } });
    expect(parseFaultArg('sim[001-002]:down')).toEqual({ nodes: 'sim[001-002]', spec: { down: true } });
    expect(parseFaultArg('reset=5%').spec).toEqual({ reset: 0.05 });
    expect(parseFaultArg('latency=50ms~20ms').spec).toEqual({ latencyMs: 50, jitterMs: 20 });
    expect(parseFaultArg('expire-sessions=2s').spec).toEqual({ expireSessionsEveryMs: 2000 });
    expect(() => parseFaultArg('explode')).toThrow(/unknown fault "explode"/);
  });

  it('decisions are deterministic for a seed and follow the rates', () => {
    const spec = { error503: 0.3, reset: 0.2, latencyMs: 100, jitterMs: 50 };
    const run = (seed: number) => {
      const rng = new Prng(seed);
      return Array.from({ length: 1000 }, () => decideFault(spec, rng, '/x'));
    };
    const a = run(42);
    expect(run(42)).toEqual(a);
    expect(run(43)).not.toEqual(a);
    const count = (k: string) => a.filter((d) => d.fault === k).length;
    expect(count('error503')).toBeGreaterThan(240);
    expect(count('error503')).toBeLessThan(360);
    expect(count('reset')).toBeGreaterThan(150);
    expect(count('reset')).toBeLessThan(250);
    expect(Math.min(...a.map((d) => d.delayMs))).toBeGreaterThanOrEqual(50);
    expect(Math.max(...a.map((d) => d.delayMs))).toBeLessThanOrEqual(150);
  });
});

describe('faults over the wire', () => {
  it('latency delays the answer', async () => {
    sim.admin.setFaults({ latencyMs: 200 }, 'sim001');
    const t0 = Date.now();
    expect((await get()).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    const t1 = Date.now();
    await get('sim002');
    expect(Date.now() - t1).toBeLessThan(150);
  });

  it('503 in the protocol error shape with Retry-After', async () => {
    sim.admin.setFaults({ error503: 1 });
    const r = await get();
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.json()).toMatchObject({ message: '503 Service Unavailable', status: 'error' });
  });

  it('500 with an HTML body', async () => {
    sim.admin.setFaults({ error500Html: 1 }, 'sim002');
    const r = await get('sim002');
    expect(r.status).toBe(500);
    expect(r.headers['content-type']).toBe('text/html');
    expect(r.text).toContain('<title>500 Internal Server Error</title>');
  });

  it('connection reset', async () => {
    sim.admin.setFaults({ reset: 1 });
    expect(await transportError(`${sim.url('sim001')}${STATE}`, { ca, auth })).toBe('ECONNRESET');
  });

  it('hang: accepted, never answered', async () => {
    sim.admin.setFaults({ hang: 1 });
    expect(await transportError(`${sim.url('sim001')}${STATE}`, { ca, auth, timeoutMs: 300 })).toBe(
      'ETIMEDOUT',
    );
    expect(sim.stats().faults.hang).toBeGreaterThanOrEqual(1);
  });

  it('down: connections refused until the fault is cleared', async () => {
    sim.admin.setFaults({ down: true }, 'sim002');
    expect(await transportError(`${sim.url('sim002')}${STATE}`, { ca, auth })).toBe('ECONNREFUSED');
    expect((await get('sim001')).status).toBe(200);
    sim.admin.clearFaults('sim002');
    await sleep(50);
    expect((await get('sim002')).status).toBe(200);
  });

  it('slow body: the answer trickles in but is complete', async () => {
    sim.admin.setFaults({ slowBody: 1, slowBodyMs: 400 });
    const t0 = Date.now();
    const r = await get();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect(r.json()).toMatchObject({ status: 'ok' });
  });

  it('malformed JSON', async () => {
    sim.admin.setFaults({ malformedJson: 1 });
    const r = await get();
    expect(r.status).toBe(200);
    expect(() => r.json()).toThrow(SyntaxError);
  });

  it('pathPattern limits faults to matching requests', async () => {
    sim.admin.setFaults({ error503: 1, pathPattern: '^/login$' });
    expect(
      (
        await http(`${sim.url('sim001')}/login`, {
          ca,
          method: 'POST',
          body: { data: ['root', auth.password] },
        })
      ).status,
    ).toBe(503);
    expect((await get()).status).toBe(200);
  });

  it('expired sessions: sessions vanish every period', async () => {
    sim.admin.setFaults({ expireSessionsEveryMs: 100 }, 'sim001');
    const login = await http(`${sim.url('sim001')}/login`, {
      ca,
      method: 'POST',
      body: { data: ['root', auth.password] },
    });
    const cookie = String(login.headers['set-cookie']?.[0]).split(';')[0] ?? '';
    expect((await http(`${sim.url('sim001')}${STATE}`, { ca, headers: { Cookie: cookie } })).status).toBe(
      200,
    );
    await sleep(250);
    expect((await http(`${sim.url('sim001')}${STATE}`, { ca, headers: { Cookie: cookie } })).status).toBe(
      401,
    );
  });

  it('certificate mismatch: the chain is valid but the name is not', async () => {
    sim.admin.setFaults({ certMismatch: true }, 'sim001');
    expect(await transportError(`${sim.url('sim001')}${STATE}`, { ca, auth })).toBe(
      'ERR_TLS_CERT_ALTNAME_INVALID',
    );
    const names = await new Promise<string>((resolve, reject) => {
      const s = connect(
        { host: '127.0.0.1', port: Number(new URL(sim.url('sim001')).port), ca, rejectUnauthorized: false },
        () => {
          resolve(String(s.getPeerCertificate().subjectaltname));
          s.end();
        },
      );
      s.on('error', reject);
    });
    expect(names).toContain('wrong-name.invalid');
    sim.admin.clearFaults('sim001');
    expect((await get()).status).toBe(200);
  });

  it('the same seed gives the same faults for the same requests', async () => {
    const statuses = async (s: Simulator) => {
      const pw = (await readFile(s.passwordFile, 'utf8')).trim();
      const c = await readFile(s.caFile ?? '', 'utf8');
      const out: number[] = [];
      for (let i = 0; i < 20; i++)
        out.push(
          (await http(`${s.url('sim001')}${STATE}`, { ca: c, auth: { user: 'root', password: pw } })).status,
        );
      return out;
    };
    const runs: number[][] = [];
    for (let k = 0; k < 2; k++) {
      const s = await startSimulator({
        nodes: 1,
        flavor: 'openbmc',
        seed: 99,
        faults: { error503: 0.5 },
        adminPort: false,
      });
      try {
        runs.push(await statuses(s));
      } finally {
        await s.stop();
      }
    }
    expect(runs[0]).toEqual(runs[1]);
    expect(new Set(runs[0])).toEqual(new Set([200, 503]));
  });
});

describe('a BMC that starts down', () => {
  it('still has its port in the inventory: refused until the fault is cleared, then served there', async () => {
    const fleet = await startSimulator({
      nodes: 3,
      flavor: 'openbmc',
      seed: 4,
      nodeFaults: { sim002: { down: true } },
    });
    try {
      const ports = fleet.nodes.map((n) => Number(new URL(n.url).port));
      expect(ports.every((p) => p > 0)).toBe(true);
      expect(new Set(ports).size).toBe(3);
      const inventory = await readFile(fleet.inventory, 'utf8');
      expect(inventory).not.toMatch(/:0["}]/);
      const fleetCa = await readFile(fleet.caFile ?? '', 'utf8');
      const fleetAuth = { user: 'root', password: (await readFile(fleet.passwordFile, 'utf8')).trim() };
      const url = `${fleet.url('sim002')}${STATE}`;
      expect(await transportError(url, { ca: fleetCa, auth: fleetAuth })).toBe('ECONNREFUSED');
      fleet.admin.clearFaults('sim002');
      await sleep(50);
      expect(fleet.url('sim002')).toBe(`https://127.0.0.1:${ports[1]}`);
      expect((await http(url, { ca: fleetCa, auth: fleetAuth, timeoutMs: 3000 })).status).toBe(200);
    } finally {
      await fleet.stop();
    }
  });
});
