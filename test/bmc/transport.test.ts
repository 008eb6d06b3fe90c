/**
 * The HTTP layer against real local sockets: TLS verify/pin/insecure, certificate failures, refused,
 * reset, hung BMCs, keep-alive reuse, flavor detection and `hwctl trust`.
 */
import { unpatchHttp } from '../helpers/nock-harness.js';
import { describe, it, expect, afterAll, beforeAll } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createFlavorDetector, destroyAgents, trustNodes } from '../../src/bmc/index.js';
import { BmcTransport } from '../../src/bmc/http.js';
import { resetKnownBmcsCache } from '../../src/bmc/known-bmcs.js';
import { resolveSettings } from '../../src/bmc/options.js';
import type { NodeDef } from '../../src/core/types.js';
import { TestCa, fingerprint, selfSigned } from './certs.js';
import type { KeyCert } from './certs.js';
import { recordingServices, rejection, tempDir, testNode } from './helpers.js';

// A nock suite that ran earlier in this jest worker may have left its interceptor in node:http.
unpatchHttp();
import type { RecordingServices } from './helpers.js';
import { closer } from '../helpers/closer.js';

interface TestServer {
  port: number;
  requests: string[];
  connections: number;
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const json: Handler = (_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end('{"ok":true}');
};

const servers: Array<{ close(): Promise<void> }> = [];

async function listen(server: net.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function startHttps(kc: KeyCert, handler: Handler = json, port = 0): Promise<TestServer> {
  const requests: string[] = [];
  const s = https.createServer({ key: kc.key, cert: kc.cert }, (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  const t: TestServer = { port: 0, requests, connections: 0, close: closer(s) };
  s.on('secureConnection', () => t.connections++);
  t.port = await listen(s, port);
  servers.push(t);
  return t;
}

async function startHttp(handler: Handler): Promise<TestServer> {
  const requests: string[] = [];
  const s = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  const t: TestServer = { port: 0, requests, connections: 0, close: closer(s) };
  s.on('connection', () => t.connections++);
  t.port = await listen(s);
  servers.push(t);
  return t;
}

let ca: TestCa;
let caFile: string;
let dir: string;

beforeAll(async () => {
  ca = await TestCa.create();
  dir = tempDir();
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, ca.cert);
});

afterAll(async () => {
  destroyAgents();
  await Promise.all(servers.map((s) => s.close()));
});

function transport(
  node: NodeDef,
  options: Record<string, unknown> = {},
  services: RecordingServices = recordingServices(options),
) {
  return new BmcTransport({
    node,
    settings: resolveSettings(node, services.options),
    services,
    password: 'pw-secret',
  });
}

const get = (t: BmcTransport, path = '/redfish/v1/') => t.request({ method: 'GET', path });

describe('TLS verify', () => {
  it('verifies against a CA bundle (inventory tls.ca or --ca)', async () => {
    const srv = await startHttps(await ca.leaf(['127.0.0.1']));
    const bmc = `https://127.0.0.1:${srv.port}`;
    expect((await get(transport(testNode({ bmc, tls: { mode: 'verify', ca: caFile } })))).status).toBe(200);
    expect((await get(transport(testNode({ name: 'n2', bmc }), { ca: caFile }))).status).toBe(200);
  });

  it('unknown CA / self-signed: kind tls, says how to trust it, and nothing was sent', async () => {
    const srv = await startHttps(await ca.leaf(['127.0.0.1']));
    const e = await rejection(get(transport(testNode({ bmc: `https://127.0.0.1:${srv.port}` }))));
    expect(e.kind).toBe('tls');
    expect(e.message).toMatch(
      /is not trusted \(unknown certificate authority\)\. Give its CA with tls: \{ca: FILE\} or --ca FILE, or pin it .*hwctl trust node01/,
    );
    const self = await startHttps(await selfSigned(['127.0.0.1']));
    const e2 = await rejection(get(transport(testNode({ bmc: `https://127.0.0.1:${self.port}` }))));
    expect(e2.message).toContain('(self-signed certificate)');
    expect(srv.requests).toEqual([]);
    expect(self.requests).toEqual([]);
  });

  it("name mismatch names the certificate's names", async () => {
    const srv = await startHttps(await ca.leaf(['bmc-other.example', '192.0.2.1']));
    const e = await rejection(
      get(transport(testNode({ bmc: `https://127.0.0.1:${srv.port}` }), { ca: caFile })),
    );
    expect(e.kind).toBe('tls');
    expect(e.message).toMatch(
      /^TLS certificate name mismatch: the certificate of 127\.0\.0\.1:\d+ is for DNS:bmc-other\.example, IP Address:192\.0\.2\.1, not 127\.0\.0\.1/,
    );
    expect(srv.requests).toEqual([]);
  });

  it('an expired certificate says so', async () => {
    const srv = await startHttps(await ca.leaf(['127.0.0.1'], { expired: true }));
    const e = await rejection(
      get(transport(testNode({ bmc: `https://127.0.0.1:${srv.port}` }), { ca: caFile })),
    );
    expect(e.message).toMatch(/is expired/);
  });

  it('plain HTTP on an HTTPS URL is a TLS handshake failure, not a hang', async () => {
    const srv = await startHttp(json);
    const e = await rejection(get(transport(testNode({ bmc: `https://127.0.0.1:${srv.port}` }))));
    expect(e.kind).toBe('tls');
    expect(e.message).toMatch(/TLS handshake with 127\.0\.0\.1:\d+ failed/);
  });
});

describe('TLS pin (trust on first use, known_bmcs)', () => {
  it('pins on first use, refuses a changed certificate loudly without sending anything, and `trust` accepts it', async () => {
    const known = join(tempDir(), 'state', 'hwctl', 'known_bmcs');
    const first = await selfSigned(['127.0.0.1']);
    const srv = await startHttps(first);
    const port = srv.port;
    const node = testNode({ bmc: `https://127.0.0.1:${port}`, tls: { mode: 'pin' } });
    const services = recordingServices({ knownBmcs: known });
    expect((await get(transport(node, {}, services))).status).toBe(200);
    const fp1 = await fingerprint(first.cert);
    expect(readFileSync(known, 'utf8')).toContain(`127.0.0.1:${port} ${fp1} node01`);
    expect(services.warnings).toEqual([
      `Pinned the TLS certificate of 127.0.0.1:${port} (node01) on first use: SHA256 ${fp1} (${known})`,
    ]);

    // The BMC now presents another certificate on the same address.
    await srv.close();
    destroyAgents();
    const second = await selfSigned(['127.0.0.1']);
    const srv2 = await startHttps(second, json, port);
    const fp2 = await fingerprint(second.cert);
    const e = await rejection(get(transport(node, {}, recordingServices({ knownBmcs: known }))));
    expect(e.kind).toBe('tls');
    expect(e.message).toBe(
      `TLS certificate of 127.0.0.1:${port} has CHANGED since it was pinned (pinned SHA256 ${fp1}, now SHA256 ${fp2}): ` +
        `this is a man-in-the-middle or a regenerated certificate. If the change is expected, accept it with \`hwctl trust node01\` (${known})`,
    );
    expect(srv2.requests).toEqual([]); // not even the request line went to the impostor

    const results = await trustNodes([node], { services: recordingServices({ knownBmcs: known }) });
    expect(results).toEqual([
      {
        node: 'node01',
        ok: true,
        value: { host: `127.0.0.1:${port}`, fingerprint: fp2, previous: fp1, status: 'updated' },
        elapsedMs: expect.any(Number),
      },
    ]);
    expect((await get(transport(node, {}, recordingServices({ knownBmcs: known })))).status).toBe(200);
    // A new process reads the updated file.
    resetKnownBmcsCache();
    destroyAgents();
    expect((await get(transport(node, {}, recordingServices({ knownBmcs: known })))).status).toBe(200);
    const again = await trustNodes([node], { services: recordingServices({ knownBmcs: known }) });
    expect(again[0]).toMatchObject({ ok: true, value: { status: 'unchanged' } });
  });

  it('trust: one result per node, unreachable BMCs fail alone', async () => {
    const known = join(tempDir(), 'known_bmcs');
    const srv = await startHttps(await selfSigned(['127.0.0.1']));
    const closed = net.createServer();
    const deadPort = await listen(closed);
    await new Promise((r) => closed.close(r));
    const seen: string[] = [];
    const results = await trustNodes(
      [
        testNode({ name: 'a', bmc: `https://127.0.0.1:${srv.port}` }),
        testNode({ name: 'b', bmc: `https://127.0.0.1:${deadPort}` }),
      ],
      { services: recordingServices({ knownBmcs: known }), onResult: (r) => seen.push(r.node) },
    );
    expect(results[0]).toMatchObject({ node: 'a', ok: true, value: { status: 'added' } });
    expect(results[1]).toMatchObject({
      node: 'b',
      ok: false,
      error: { kind: 'unreachable', message: expect.stringContaining('connection refused') },
    });
    expect(seen.sort()).toEqual(['a', 'b']);
  });
});

describe('TLS insecure', () => {
  it('works with any certificate and warns once per run', async () => {
    const srv = await startHttps(await selfSigned(['somewhere.else']));
    const services = recordingServices({ insecure: true });
    for (const name of ['n1', 'n2', 'n3']) {
      expect(
        (await get(transport(testNode({ name, bmc: `https://127.0.0.1:${srv.port}` }), {}, services))).status,
      ).toBe(200);
    }
    expect(services.warnings).toHaveLength(1);
    expect(services.warnings[0]).toMatch(
      /^TLS certificate verification is disabled \(tls: insecure\) for n1 and possibly other nodes/,
    );
  });
});

describe('connections', () => {
  it('keep-alive: sequential requests to one BMC share one connection', async () => {
    const srv = await startHttps(await ca.leaf(['127.0.0.1']));
    const t = transport(testNode({ bmc: `https://127.0.0.1:${srv.port}` }), { ca: caFile });
    for (let i = 0; i < 5; i++) await get(t);
    expect(srv.requests).toHaveLength(5);
    expect(srv.connections).toBe(1);
  });

  it('connection refused: unreachable, xCAT wording, quickly', async () => {
    const s = net.createServer();
    const port = await listen(s);
    await new Promise((r) => s.close(r));
    const started = Date.now();
    const e = await rejection(get(transport(testNode({ bmc: `https://127.0.0.1:${port}` }))));
    expect(e).toEqual({
      kind: 'unreachable',
      message: `BMC did not respond. Validate BMC configuration and retry the command. (connection refused by 127.0.0.1:${port})`,
      status: undefined,
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('connection reset: a GET is tried 3 times, a POST once', async () => {
    const srv = await startHttp((req) => req.socket.destroy());
    const t = transport(testNode({ bmc: `http://127.0.0.1:${srv.port}`, tls: { mode: 'plaintext' } }));
    expect((await rejection(get(t))).message).toMatch(/\(connection reset by 127\.0\.0\.1:\d+\)$/);
    expect(srv.requests).toEqual(['GET /redfish/v1/', 'GET /redfish/v1/', 'GET /redfish/v1/']);
    srv.requests.length = 0;
    expect((await rejection(t.request({ method: 'POST', path: '/reset', json: {} }))).kind).toBe(
      'unreachable',
    );
    expect(srv.requests).toEqual(['POST /reset']);
  });

  it('connection reset then an answer: a GET is retried and succeeds; a login (rejected policy) is not resent', async () => {
    let n = 0;
    const srv = await startHttp((req, res) => {
      if (n++ === 0) return req.socket.destroy();
      json(req, res);
    });
    const t = transport(testNode({ bmc: `http://127.0.0.1:${srv.port}`, tls: { mode: 'plaintext' } }));
    expect((await get(t)).status).toBe(200);
    expect(srv.requests).toHaveLength(2);
    n = 0;
    srv.requests.length = 0;
    expect(
      (await rejection(t.request({ method: 'POST', path: '/login', json: {}, retry: 'rejected' }))).kind,
    ).toBe('unreachable');
    expect(srv.requests).toHaveLength(1);
  });

  it('connection refused is retried even for an action (provably never received)', async () => {
    const probe = net.createServer();
    const port = await listen(probe);
    await new Promise((r) => probe.close(r));
    const t = transport(testNode({ bmc: `http://127.0.0.1:${port}`, tls: { mode: 'plaintext' } }), {
      retryBaseMs: 300,
    });
    const pending = t.request({
      method: 'POST',
      path: '/redfish/v1/Systems/1/Actions/ComputerSystem.Reset',
      json: { ResetType: 'On' },
    });
    // The first try is refused at once; the BMC comes up before the retry.
    await new Promise((r) => setTimeout(r, 50));
    const requests: string[] = [];
    const late = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.statusCode = 204;
      res.end();
    });
    servers.push({ close: closer(late) });
    await listen(late, port);
    expect((await pending).status).toBe(204);
    expect(requests).toEqual(['POST /redfish/v1/Systems/1/Actions/ComputerSystem.Reset']);
  });

  it('DNS failure: unreachable, names the host and what to fix', async () => {
    const e = await rejection(get(transport(testNode({ bmc: 'https://no-such-bmc.invalid' }))));
    expect(e).toEqual({
      kind: 'unreachable',
      message:
        "Unable to resolve ip address for bmc: no-such-bmc.invalid (DNS lookup failed: check the node's bmc address in the inventory)",
      status: undefined,
    });
  });

  it('a BMC that accepts but never answers: request timeout, kind timeout', async () => {
    const srv = await startHttp(() => undefined);
    const started = Date.now();
    const e = await rejection(
      get(
        transport(testNode({ bmc: `http://127.0.0.1:${srv.port}`, tls: { mode: 'plaintext' } }), {
          requestTimeoutMs: 300,
        }),
      ),
    );
    expect(e).toEqual({
      kind: 'timeout',
      message:
        'BMC did not respond. Validate BMC configuration and retry the command. (no response within 0.3 s)',
      status: undefined,
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('a TLS handshake that never completes: connect timeout, separate from the request timeout', async () => {
    const s = net.createServer(() => undefined); // accepts TCP, never speaks TLS
    servers.push({ close: closer(s) });
    const port = await listen(s);
    const started = Date.now();
    const e = await rejection(
      get(
        transport(testNode({ bmc: `https://127.0.0.1:${port}` }), {
          connectTimeoutMs: 200,
          requestTimeoutMs: 10_000,
        }),
      ),
    );
    expect(e).toEqual({
      kind: 'timeout',
      message: `BMC did not respond. Validate BMC configuration and retry the command. (no connection to 127.0.0.1:${port} within 0.2 s)`,
      status: undefined,
    });
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('flavor detection (mgt: auto)', () => {
  const detect = createFlavorDetector(recordingServices({ insecure: true }));
  const signal = new AbortController().signal;

  it('Redfish service root → redfish (no credentials sent)', async () => {
    const srv = await startHttps(await selfSigned(['127.0.0.1']), (req, res) => {
      if (req.headers.authorization) res.statusCode = 400;
      res.end(req.url === '/redfish/v1/' ? '{"@odata.id":"/redfish/v1","RedfishVersion":"1.17.0"}' : '{}');
    });
    expect(await detect(testNode({ mgt: 'auto', bmc: `https://127.0.0.1:${srv.port}` }), signal)).toBe(
      'redfish',
    );
  });

  it('no Redfish, OpenBMC REST envelope (401 Login required) → openbmc', async () => {
    const srv = await startHttps(await selfSigned(['127.0.0.1']), (req, res) => {
      res.statusCode = req.url === '/xyz/openbmc_project/' ? 401 : 404;
      res.end(
        req.url === '/xyz/openbmc_project/'
          ? '{"data":{"description":"Login required"},"message":"401 Unauthorized","status":"error"}'
          : 'Not Found',
      );
    });
    expect(await detect(testNode({ mgt: 'auto', bmc: `https://127.0.0.1:${srv.port}` }), signal)).toBe(
      'openbmc',
    );
  });

  it('neither → unsupported, saying what each probe answered and what to set', async () => {
    const srv = await startHttps(await selfSigned(['127.0.0.1']), (_req, res) => {
      res.statusCode = 404;
      res.end('nope');
    });
    const e = await rejection(
      detect(testNode({ mgt: 'auto', bmc: `https://127.0.0.1:${srv.port}` }), signal),
    );
    expect(e).toEqual({
      kind: 'unsupported',
      message:
        'Cannot detect the BMC flavor: GET /redfish/v1/ answered 404 and GET /xyz/openbmc_project/ answered 404; set mgt: redfish or mgt: openbmc for this node',
      status: undefined,
    });
  });
});
