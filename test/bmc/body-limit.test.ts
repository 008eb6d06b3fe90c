/**
 * The body cap (--max-body, default 32 MB), against real local HTTPS BMCs through the engine: a gzip
 * bomb, an endless chunked body and a Content-Length over the cap each fail their own node with kind
 * `protocol`, naming the limit and the path, while a healthy node beside them keeps its result; the
 * process's memory stays bounded.
 */
import { unpatchHttp } from '../helpers/nock-harness.js';
import { describe, it, expect, afterAll, beforeAll } from '@jest/globals';
import https from 'node:https';
import type http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { destroyAgents, redfishClient } from '../../src/bmc/index.js';
import { bmcOptionsFrom, globalOptions, type GlobalArgs } from '../../src/cli/global-options.js';
import { HwctlUsageError } from '../../src/core/errors.js';
import type { NodeDef, NodeResult } from '../../src/core/types.js';
import type { NodeContext } from '../../src/engine/executor.js';
import { runOperation } from '../../src/engine/run.js';
import { registerExecutor } from '../../src/executors/registry.js';
import { TestCa } from './certs.js';
import type { KeyCert } from './certs.js';
import { recordingServices, tempDir, testNode } from './helpers.js';

unpatchHttp();

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let leaf: KeyCert;
let caFile: string;
const servers: Array<{ server: https.Server; sockets: Set<net.Socket> }> = [];

beforeAll(async () => {
  const ca = await TestCa.create();
  leaf = await ca.leaf(['127.0.0.1']);
  caFile = join(tempDir(), 'ca.pem');
  writeFileSync(caFile, ca.cert);
  // The test executor: the service root, read through the client as every command does.
  registerExecutor('inventory', 'redfish', {
    capability: 'inventory',
    flavor: 'redfish',
    async root(_args: unknown, ctx: NodeContext) {
      return (await redfishClient(ctx)).root.RedfishVersion;
    },
  } as never);
});

afterAll(async () => {
  destroyAgents();
  for (const { server, sockets } of servers) {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  }
});

async function bmc(handler: Handler): Promise<string> {
  const server = https.createServer({ key: leaf.key, cert: leaf.cert }, handler);
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  servers.push({ server, sockets });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const healthy: Handler = (_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end('{"RedfishVersion":"1.6.0"}');
};

/** Write `chunk` again and again, minding back-pressure, until the client goes away. */
function flood(res: http.ServerResponse, chunk: Buffer): void {
  const more = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', more);
  };
  res.on('error', () => undefined);
  more();
}

/** 16 MB of zeros, gzipped (~16 KB): a gzip stream of many such members inflates without end. */
const BOMB_MEMBER = gzipSync(Buffer.alloc(16 * 2 ** 20));

async function run(bad: string, options: Record<string, unknown> = {}) {
  const nodes: NodeDef[] = [
    testNode({ name: 'good1', bmc: await bmc(healthy), tls: { mode: 'verify', ca: caFile } }),
    testNode({ name: 'bad', bmc: bad, tls: { mode: 'verify', ca: caFile } }),
    testNode({ name: 'good2', bmc: await bmc(healthy), tls: { mode: 'verify', ca: caFile } }),
  ];
  const services = recordingServices({ auth: 'basic', ...options });
  const results = await runOperation(
    { capability: 'inventory', op: 'root', args: {}, nodes },
    { services, passwords: new Map(nodes.map((n) => [n.name, 'pw'])), timeoutMs: 20_000, fanout: 8 },
  );
  return Object.fromEntries(results.map((r) => [r.node, r])) as Record<string, NodeResult>;
}

function expectGoodIntact(r: Record<string, NodeResult>): void {
  expect(r.good1).toMatchObject({ ok: true, value: '1.6.0' });
  expect(r.good2).toMatchObject({ ok: true, value: '1.6.0' });
}

describe('the body cap', () => {
  it('a gzip bomb fails its node at 32 MB inflated (default), memory stays bounded, others intact', async () => {
    const MEMBERS = 512;
    let sent = 0;
    const bad = await bmc((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.on('error', () => undefined);
      // 512 members: 8 GB once inflated, 8 MB on the wire.
      const more = () => {
        while (!res.destroyed && sent < MEMBERS && res.write(BOMB_MEMBER)) sent++;
        if (sent >= MEMBERS) res.end();
        else if (!res.destroyed) res.once('drain', more);
      };
      more();
    });
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const r = await run(bad);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(r.bad).toMatchObject({
      ok: false,
      error: {
        kind: 'protocol',
        message: expect.stringMatching(
          /^The BMC's answer to \/redfish\/v1\/ is larger than the 32 MB limit \(more than that\); stopped reading it\..*--max-body MB$/,
        ),
      },
    });
    expectGoodIntact(r);
    // Stopped at once: the BMC could not send it all (the rest of the wire is socket buffers), and memory
    // did not follow the inflation.
    expect(sent).toBeLessThan(MEMBERS / 2);
    expect(peak - before).toBeLessThan(200 * 2 ** 20);
  });

  it('an endless chunked body fails its node at the limit (--max-body 1)', async () => {
    const bad = await bmc((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      flood(res, Buffer.alloc(64 * 1024, 0x20));
    });
    const started = Date.now();
    const r = await run(bad, { maxBodyBytes: 2 ** 20 });
    expect(r.bad).toMatchObject({
      ok: false,
      error: { kind: 'protocol', message: expect.stringContaining('larger than the 1 MB limit') },
    });
    expectGoodIntact(r);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a Content-Length over the limit fails before the body is read', async () => {
    const bad = await bmc((_req, res) => {
      // Announces 300 MB, sends 1 KB and then nothing: a client that read on would wait for its timeout.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(300 * 2 ** 20) });
      res.write(Buffer.alloc(1024, 0x20));
    });
    const started = Date.now();
    const r = await run(bad, { requestTimeoutMs: 10_000 });
    expect(r.bad).toMatchObject({
      ok: false,
      error: {
        kind: 'protocol',
        message: expect.stringContaining(
          'larger than the 32 MB limit (Content-Length 300 MB); stopped reading it',
        ),
      },
    });
    expectGoodIntact(r);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a body just under the limit is read whole', async () => {
    const body = JSON.stringify({ RedfishVersion: '1.6.0', pad: ' '.repeat(2 ** 20 - 100) });
    const r = await run(await bmc((_req, res) => res.end(body)), { maxBodyBytes: 2 ** 20 });
    expect(r.bad).toMatchObject({ ok: true, value: '1.6.0' });
  });

  it('--max-body MB becomes bytes; zero, negative or not a number is a usage error', () => {
    const args = (maxBody?: number) => ({ debug: false, insecure: false, maxBody }) as GlobalArgs;
    expect(bmcOptionsFrom(args(0.5)).maxBodyBytes).toBe(2 ** 19);
    expect(bmcOptionsFrom(args()).maxBodyBytes).toBeUndefined();
    const coerce = globalOptions['max-body']!.coerce as (v: unknown) => unknown;
    for (const bad of [0, -1, NaN]) {
      expect(() => coerce(bad)).toThrow(HwctlUsageError);
      expect(() => coerce(bad)).toThrow(/^--max-body must be a number of MB > 0/);
    }
  });
});
