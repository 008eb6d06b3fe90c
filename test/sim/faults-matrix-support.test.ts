/**
 * The faults added for the fault matrix (test/fault-matrix): methodPattern, stallBody, the body bombs
 * (hugeBody, endlessBody, gzipBomb) and sessionsFull, each checked on the wire with a raw client.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { gunzipSync } from 'node:zlib';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { decideFault, parseFaultArg, parseFaultSpec } from '../../src/sim/faults.js';
import { Prng } from '../../src/sim/prng.js';
import { http } from './http.js';

let sim: Simulator;
let ca: string;
let auth: { user: string; password: string };
/** sim001 Redfish iDRAC, sim002 OpenBMC REST. */
const IDRAC = 'sim001';
const REST = 'sim002';
const SESSIONS = '/redfish/v1/SessionService/Sessions';
const STATE = '/xyz/openbmc_project/state/host0';

beforeAll(async () => {
  sim = await startSimulator({
    nodes: 2,
    flavor: 'mixed',
    personality: 'idrac',
    adminPort: false,
    transitionMs: 50,
  });
  expect(sim.nodes.map((n) => [n.flavor, n.personality])).toEqual([
    ['redfish', 'idrac'],
    ['openbmc', 'openbmc'],
  ]);
  ca = await readFile(sim.caFile ?? '', 'utf8');
  auth = { user: sim.username, password: (await readFile(sim.passwordFile, 'utf8')).trim() };
});
afterAll(async () => {
  await sim.stop();
});
afterEach(() => {
  sim.admin.clearFaults();
});

const login = (node: string) =>
  node === REST
    ? http(`${sim.url(node)}/login`, { ca, method: 'POST', body: { data: [auth.user, auth.password] } })
    : http(`${sim.url(node)}${SESSIONS}`, {
        ca,
        method: 'POST',
        body: { UserName: auth.user, Password: auth.password },
      });

/** Raw GET: resolves with the status, headers and the bytes received once the body ends or `ms` pass. */
function rawGet(
  url: string,
  { ms = 1000, limit = Infinity, headers = {} as Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, unknown>; bytes: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const basic = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
    const req = httpsRequest(
      url,
      { ca, agent: false, headers: { Authorization: basic, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = (ended: boolean) => {
          clearTimeout(timer);
          res.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks), ended });
        };
        const timer = setTimeout(() => done(false), ms);
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= 8 * 1024 * 1024) chunks.push(c);
          if (size >= limit) done(false);
        });
        res.on('end', () => done(true));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('fault specs', () => {
  it('methodPattern and sessionsFull are validated fields; the new kinds parse from --fault', () => {
    expect(() => parseFaultSpec({ methodPattern: '(' })).toThrow(/"methodPattern" is not a valid regular/);
    expect(() => parseFaultSpec({ methodPattern: 3 })).toThrow(/"methodPattern" must be a string/);
    expect(() => parseFaultSpec({ sessionsFull: 1 })).toThrow(/"sessionsFull" must be true or false/);
    expect(() => parseFaultSpec({ gzipBomb: 2 })).toThrow(/rate/);
    expect(parseFaultArg('sim001:sessions-full')).toEqual({ nodes: 'sim001', spec: { sessionsFull: true } });
    expect(parseFaultArg('stall').spec).toEqual({ stallBody: 1 });
    expect(parseFaultArg('gzip-bomb=0.5').spec).toEqual({ gzipBomb: 0.5 });
    expect(parseFaultArg('endless').spec).toEqual({ endlessBody: 1 });
    expect(parseFaultArg('huge-body').spec).toEqual({ hugeBody: 1 });
  });

  it('methodPattern limits faults to matching methods, together with pathPattern', () => {
    const spec = { error503: 1, pathPattern: '^/s$', methodPattern: '^DELETE$' };
    const rng = new Prng(1);
    expect(decideFault(spec, rng, '/s', 'DELETE').fault).toBe('error503');
    expect(decideFault(spec, rng, '/s', 'POST').fault).toBeUndefined();
    expect(decideFault(spec, rng, '/t', 'DELETE').fault).toBeUndefined();
  });
});

describe('new faults over the wire', () => {
  it('methodPattern: a Redfish logout (DELETE) fails while the login (POST) on the same path works', async () => {
    sim.admin.setFaults({ error503: 1, pathPattern: '/Sessions', methodPattern: '^DELETE$' }, IDRAC);
    const r = await login(IDRAC);
    expect(r.status).toBe(201);
    const location = String(r.headers.location);
    const del = () =>
      http(`${sim.url(IDRAC)}${location}`, {
        ca,
        method: 'DELETE',
        headers: { 'X-Auth-Token': String(r.headers['x-auth-token']) },
      });
    expect((await del()).status).toBe(503);
    expect(sim.stats().perNode[IDRAC]!.sessions).toBe(1);
    sim.admin.clearFaults(IDRAC);
    expect((await del()).status).toBeLessThan(300);
    expect(sim.stats().perNode[IDRAC]!.sessions).toBe(0);
  });

  it('stallBody: the login opens its session and its headers arrive, its body never ends', async () => {
    sim.admin.setFaults({ stallBody: 1, pathPattern: '^/login$' }, REST);
    const got = await new Promise<{ status: number; ended: boolean; bytes: number }>((resolve, reject) => {
      const body = JSON.stringify({ data: [auth.user, auth.password] });
      const req = httpsRequest(
        `${sim.url(REST)}/login`,
        { ca, agent: false, method: 'POST', headers: { 'Content-Type': 'application/json' } },
        (res) => {
          let bytes = 0;
          let ended = false;
          res.on('data', (c: Buffer) => (bytes += c.length));
          res.on('end', () => (ended = true));
          setTimeout(() => {
            res.destroy();
            resolve({ status: res.statusCode ?? 0, ended, bytes });
          }, 300);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(got.status).toBe(200);
    expect(got.ended).toBe(false);
    expect(got.bytes).toBeGreaterThan(0);
    expect(sim.stats().perNode[REST]!.sessions).toBe(1);
    expect(sim.stats().perNode[REST]!.faults.stallBody).toBe(1);
    sim.admin.expireSessions(REST);
  });

  it('hugeBody: hugeBodyBytes of valid JSON with a Content-Length', async () => {
    const size = 3 * 1024 * 1024 + 7;
    sim.admin.setFaults({ hugeBody: 1, hugeBodyBytes: size }, REST);
    const r = await rawGet(`${sim.url(REST)}${STATE}`, { ms: 5000 });
    expect(r.ended).toBe(true);
    expect(r.headers['content-length']).toBe(String(size));
    expect(r.bytes.length).toBe(size);
    const doc = JSON.parse(r.bytes.toString('utf8')) as { Padding: string };
    expect(doc.Padding.length).toBe(size - '{"Id":"pad","Padding":""}'.length);
  });

  it('endlessBody: a chunked body that is still flowing after many megabytes', async () => {
    sim.admin.setFaults({ endlessBody: 1, hugeBodyBytes: 1024 }, IDRAC);
    const r = await rawGet(`${sim.url(IDRAC)}/redfish/v1/Systems`, { ms: 5000, limit: 20 * 1024 * 1024 });
    expect(r.status).toBe(200);
    expect(r.ended).toBe(false);
    expect(r.headers['content-length']).toBeUndefined();
    expect(r.bytes.subarray(0, 12).toString()).toBe('{"Id":"pad",');
  });

  it('gzipBomb: a small gzip body that inflates to hugeBodyBytes', async () => {
    const size = 16 * 1024 * 1024;
    sim.admin.setFaults({ gzipBomb: 1, hugeBodyBytes: size }, REST);
    const r = await rawGet(`${sim.url(REST)}${STATE}`, { ms: 5000 });
    expect(r.ended).toBe(true);
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.bytes.length).toBeLessThan(size / 100);
    const inflated = gunzipSync(r.bytes);
    expect(inflated.length).toBe(size);
    expect(inflated.subarray(inflated.length - 4).toString()).toBe('aa"}');
  });

  it('sessionsFull: iDRAC refuses logins with RAC0218 and OpenBMC REST with 503; Basic and open sessions work', async () => {
    const open = await login(IDRAC);
    expect(open.status).toBe(201);
    sim.admin.setFaults({ sessionsFull: true }, `${IDRAC},${REST}`);
    const refused = await login(IDRAC);
    expect(refused.status).toBe(503);
    expect(refused.text).toContain('IDRAC.2.8.RAC0218');
    expect((await login(REST)).status).toBe(503);
    const token = String(open.headers['x-auth-token']);
    const systems = `${sim.url(IDRAC)}/redfish/v1/Systems`;
    expect((await http(systems, { ca, headers: { 'X-Auth-Token': token } })).status).toBe(200);
    expect((await http(systems, { ca, auth })).status).toBe(200);
    expect((await http(`${sim.url(REST)}${STATE}`, { ca, auth })).status).toBe(200);
    sim.admin.clearFaults();
    expect((await login(REST)).status).toBe(200);
    sim.admin.expireSessions('all');
  });
});
