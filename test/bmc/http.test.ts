/** The HTTP layer with nock: retries only where safe, Retry-After, timeouts, per-BMC cap, --debug masking. */
import { describe, it, expect } from '@jest/globals';
import { useNock } from '../helpers/nock-harness.js';
import nock from 'nock';
import { getEventListeners } from 'node:events';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { BmcTransport } from '../../src/bmc/http.js';
import type { BmcRequest } from '../../src/bmc/http.js';
import { resolveSettings } from '../../src/bmc/options.js';
import { PASSWORD, recordingServices, rejection, testNode } from './helpers.js';
import type { RecordingServices } from './helpers.js';

const ORIGIN = 'https://bmc01.test:443';

function transport(
  options: Record<string, unknown> = {},
  services: RecordingServices = recordingServices(options),
  node = testNode(),
  signal?: AbortSignal,
) {
  return new BmcTransport({
    node,
    settings: resolveSettings(node, services.options),
    services,
    password: PASSWORD,
    ...(signal ? { signal } : {}),
  });
}

useNock();

describe('retries', () => {
  it('GET: 503 then 200 is retried; Retry-After is honoured', async () => {
    const scope = nock(ORIGIN)
      .get('/redfish/v1/')
      .reply(503, 'busy', { 'Retry-After': '1' })
      .get('/redfish/v1/')
      .reply(200, '{}');
    const started = Date.now();
    const res = await transport().request({ method: 'GET', path: '/redfish/v1/' });
    expect(res.status).toBe(200);
    expect(res.tries).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(scope.isDone()).toBe(true);
  });

  it.each([429, 502, 503, 504])(
    'GET: %i three times gives up after 3 tries and returns the last answer',
    async (status) => {
      const scope = nock(ORIGIN).get('/x').times(3).reply(status, 'no');
      const res = await transport().request({ method: 'GET', path: '/x' });
      expect([res.status, res.tries]).toEqual([status, 3]);
      expect(scope.isDone()).toBe(true);
    },
  );

  it('GET: a Retry-After longer than 30 s is not waited for', async () => {
    nock(ORIGIN).get('/x').reply(503, '', { 'Retry-After': '120' });
    const res = await transport().request({ method: 'GET', path: '/x' });
    expect([res.status, res.tries]).toEqual([503, 1]);
  });

  it.each([502, 503, 504])('POST/PATCH: %i is not retried', async (status) => {
    nock(ORIGIN).post('/a').reply(status, '').patch('/b').reply(status, '');
    const t = transport();
    expect((await t.request({ method: 'POST', path: '/a', json: {} })).tries).toBe(1);
    expect((await t.request({ method: 'PATCH', path: '/b', json: {} })).tries).toBe(1);
  });

  it('login policy: 503 (session table full) is retried', async () => {
    const scope = nock(ORIGIN).post('/s').reply(503, '').post('/s').reply(201, '{}');
    expect(
      (await transport().request({ method: 'POST', path: '/s', json: {}, retry: 'rejected' })).status,
    ).toBe(201);
    expect(scope.isDone()).toBe(true);
  });
});

describe('timeouts and errors', () => {
  it('a BMC that does not answer within the request timeout is a timeout, with the limit in the message', async () => {
    nock(ORIGIN).get('/slow').delay(2000).reply(200, '{}');
    const started = Date.now();
    const e = await rejection(
      transport({ requestTimeoutMs: 300 }).request({ method: 'GET', path: '/slow', retry: 'none' }),
    );
    expect(e.kind).toBe('timeout');
    expect(e.message).toBe(
      'BMC did not respond. Validate BMC configuration and retry the command. (no response within 0.3 s)',
    );
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('a per-call timeout (login) overrides the request timeout', async () => {
    nock(ORIGIN).post('/login').delay(2000).reply(200, '{}');
    const e = await rejection(
      transport().request({ method: 'POST', path: '/login', json: {}, timeoutMs: 200 }),
    );
    expect(e.message).toContain('(no response within 0.2 s)');
  });

  it('an aborted node signal ends the request at once with the signal reason', async () => {
    nock(ORIGIN).get('/slow').delay(5000).reply(200, '{}');
    const ac = new AbortController();
    const t = transport({}, undefined, undefined, ac.signal);
    const reason = new Error('deadline');
    setTimeout(() => ac.abort(reason), 50);
    const started = Date.now();
    await expect(t.request({ method: 'GET', path: '/slow' })).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a login (completeOnceSent) interrupted once sent still returns its answer; one not yet sent is not sent', async () => {
    const ac = new AbortController();
    const t = transport({}, undefined, undefined, ac.signal);
    const reason = new Error('SIGINT');
    nock(ORIGIN)
      .post('/login')
      .reply(function () {
        ac.abort(reason); // the interrupt arrives while the BMC is opening the session
        return [201, '{}', { 'x-auth-token': 'tok' }];
      });
    const login = { method: 'POST', path: '/login', json: {}, completeOnceSent: true } as const;
    const res = await t.request(login);
    expect([res.status, res.headers['x-auth-token']]).toEqual([201, 'tok']);
    // Any other request on the aborted signal stops, and a login not yet sent is not sent at all.
    const unsent = nock(ORIGIN).post('/login').reply(201, '{}');
    await expect(t.request(login)).rejects.toBe(reason);
    await expect(t.request({ method: 'GET', path: '/x' })).rejects.toBe(reason);
    expect(unsent.isDone()).toBe(false);
  });

  it('a login interrupted once sent waits for its answer no longer than the logout timeout', async () => {
    const ac = new AbortController();
    const t = transport({ logoutTimeoutMs: 300, loginTimeoutMs: 20_000 }, undefined, undefined, ac.signal);
    nock(ORIGIN).post('/login').delay(5000).reply(201, '{}');
    const reason = new Error('deadline');
    setTimeout(() => ac.abort(reason), 50);
    const started = Date.now();
    await expect(
      t.request({ method: 'POST', path: '/login', json: {}, completeOnceSent: true, retry: 'none' }),
    ).rejects.toBe(reason);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('malformed JSON on a 2xx is "Received wrong format response", kind protocol', async () => {
    nock(ORIGIN).get('/x').reply(200, '{"Id": "1", "Na');
    const t = transport();
    const res = await t.request({ method: 'GET', path: '/x' });
    let caught: unknown;
    try {
      t.json(res);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({
      kind: 'protocol',
      message: expect.stringMatching(/^Received wrong format response: '\{"Id": "1", "Na' from GET \/x/),
    });
  });

  it('an invalid bmc address is a node error, not a crash', () => {
    expect(() => transport({}, undefined, testNode({ bmc: 'ftp://x' }))).toThrow(/only https:\/\//);
  });

  it('an unreadable CA bundle is a tls error naming the file', () => {
    expect(() => transport({ ca: '/nonexistent/ca.pem' })).toThrow(
      /Cannot read the CA bundle \/nonexistent\/ca.pem \(ENOENT\)/,
    );
  });
});

describe('one exchange', () => {
  it('leaves nothing on the node signal once the answer is read (it lives as long as the run)', async () => {
    // got listens on the request's signal until its stream is destroyed; a stream whose GET side is
    // never ended by us is not destroyed by itself, and 1,000 nodes × 5 requests kept alive through
    // their signals doubled a run's memory.
    nock(ORIGIN)
      .get('/a')
      .times(3)
      .reply(200, '{"a":1}')
      .post('/b')
      .reply(201, '{}')
      .get('/c')
      .reply(404, 'no');
    nock(ORIGIN).get('/d').delay(1000).reply(200, '{}');
    const signal = new AbortController().signal;
    const t = transport({ requestTimeoutMs: 60_000 }, undefined, undefined, signal);
    await t.request({ method: 'GET', path: '/a' });
    await t.request({ method: 'POST', path: '/b', json: { x: 1 } });
    await t.request({ method: 'GET', path: '/c' });
    await expect(t.request({ method: 'GET', path: '/d', retry: 'none', timeoutMs: 100 })).rejects.toThrow(
      /no response within/,
    );
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    t.release();
  });

  it('a DELETE or POST without a body is sent complete and answered', async () => {
    const scope = nock(ORIGIN)
      .delete('/s/1')
      .reply(function () {
        return [204, '', { 'x-got-length': String(this.req.headers['content-length'] ?? 'none') }];
      })
      .post('/reset')
      .reply(200, '{}');
    const t = transport({ requestTimeoutMs: 2000 });
    const del = await t.request({ method: 'DELETE', path: '/s/1', retry: 'none' });
    expect([del.status, del.text]).toEqual([204, '']);
    expect((await t.request({ method: 'POST', path: '/reset' })).status).toBe(200);
    expect(scope.isDone()).toBe(true);
  });

  it('a gzip-encoded answer comes back decompressed (got asks for it)', async () => {
    const doc = JSON.stringify({ PowerState: 'On', Name: 'System' });
    let asked: string | undefined;
    nock(ORIGIN)
      .get('/z')
      .reply(function () {
        asked = String(this.req.headers['accept-encoding']);
        return [200, gzipSync(doc), { 'content-encoding': 'gzip', 'content-type': 'application/json' }];
      });
    const res = await transport().request({ method: 'GET', path: '/z' });
    expect(asked).toMatch(/gzip/);
    expect(res.text).toBe(doc);
  });

  it('a body sent in many chunks comes back whole, with status, reason and headers', async () => {
    const big = JSON.stringify({
      Members: Array.from({ length: 3000 }, (_, i) => ({ '@odata.id': `/m/${i}` })),
    });
    nock(ORIGIN)
      .get('/big')
      .reply(200, () => Readable.from([big.slice(0, 1000), big.slice(1000)]), {
        etag: 'W/"1"',
      });
    const res = await transport().request({ method: 'GET', path: '/big' });
    expect(res.text).toBe(big);
    expect([res.status, res.statusText, res.headers.etag]).toEqual([200, 'OK', 'W/"1"']);
  });
});

describe('per-BMC in-flight cap', () => {
  it('at most perBmc requests reach one BMC at once; another BMC is not held up', async () => {
    let inFlight = 0;
    let max = 0;
    const slow = () =>
      new Promise<[number, string]>((resolve) => {
        inFlight++;
        max = Math.max(max, inFlight);
        setTimeout(() => {
          inFlight--;
          resolve([200, '{}']);
        }, 50);
      });
    nock(ORIGIN).get('/x').times(8).reply(slow);
    nock('https://bmc02.test:443').get('/x').reply(200, '{}');
    const t = transport({ perBmc: 3 });
    const other = transport(
      { perBmc: 3 },
      undefined,
      testNode({ name: 'node02', bmc: 'https://bmc02.test' }),
    );
    const done: string[] = [];
    const all = Array.from({ length: 8 }, (_, i) =>
      t.request({ method: 'GET', path: '/x' }).then(() => done.push(`bmc01#${i}`)),
    );
    await other.request({ method: 'GET', path: '/x' });
    done.push('bmc02');
    await Promise.all(all);
    // bmc02 finished while most of bmc01's queue was still waiting for a slot.
    expect(done.indexOf('bmc02')).toBeLessThan(4);
    expect(max).toBe(3);
  });
});

describe('--debug', () => {
  it('prints each request as curl with status and latency; the password, Basic header and tokens never appear', async () => {
    nock(ORIGIN)
      .post('/redfish/v1/SessionService/Sessions')
      .reply(201, {}, { 'X-Auth-Token': 'tok-abcdef' })
      .get('/redfish/v1/Systems')
      .reply(200, '{}');
    const services = recordingServices({ debug: true });
    const t = transport({}, services);
    const login: BmcRequest = {
      method: 'POST',
      path: '/redfish/v1/SessionService/Sessions',
      json: { UserName: 'root', Password: PASSWORD },
    };
    await t.request(login);
    await t.request({
      method: 'GET',
      path: '/redfish/v1/Systems',
      headers: { 'x-auth-token': 'tok-abcdef' },
      basic: true,
    });
    const out = services.debugLines.join('\n');
    expect(services.debugLines[0]).toBe(
      `node01: curl -sS -X POST -H 'accept: application/json' -H 'user-agent: hwctl' -H 'content-type: application/json' https://bmc01.test:443/redfish/v1/SessionService/Sessions -d '{"UserName":"root","Password":"xxxxxx"}'`,
    );
    expect(services.debugLines[1]).toMatch(/^node01: -> 201 Created \(\d+ ms\)$/);
    expect(out).toContain(`-u root:xxxxxx`);
    expect(out).toContain(`-H 'x-auth-token: xxxxxx'`);
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toContain('tok-abcdef');
    expect(out).not.toContain(Buffer.from(`root:${PASSWORD}`).toString('base64'));
  });

  it('prints retries and is silent without the option', async () => {
    nock(ORIGIN).get('/x').reply(503, '').get('/x').reply(200, '{}');
    const services = recordingServices({ debug: true });
    await transport({}, services).request({ method: 'GET', path: '/x' });
    expect(services.debugLines.some((l) => /retry 2\/3 in \d+\.\d\d s \(503\)/.test(l))).toBe(true);
    nock(ORIGIN).get('/x').reply(200, '{}');
    const quiet = recordingServices();
    await transport({}, quiet).request({ method: 'GET', path: '/x' });
    expect(quiet.debugLines).toEqual([]);
  });
});
