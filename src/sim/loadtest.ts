#!/usr/bin/env node
/**
 * Load generator for the simulator: how many requests per second a fleet sustains, and how much
 * memory it takes. Runs the simulator in a child process (`dist/sim/main.js`) so that the client
 * and the server do not share one event loop, then hammers every BMC round-robin over keep-alive
 * connections with Basic auth.
 *
 *   node dist/sim/loadtest.js --nodes 1000 --flavor redfish --duration 10 --concurrency 128
 *   node dist/sim/loadtest.js --nodes 10000 --duration 0 --touch      # memory: idle and after one request per BMC
 *
 * Prints one JSON object with the figures (docs/simulator.md records them).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseInventory } from '../inventory/parse.js';

const { values: a } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    flavor: { type: 'string', default: 'redfish' },
    personality: { type: 'string', default: 'generic' },
    duration: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '128' },
    http: { type: 'boolean', default: false },
    touch: { type: 'boolean', default: false },
    path: { type: 'string' },
  },
});

interface Node {
  name: string;
  url: string;
}

function rssMiB(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then(
    (t) => Number(/VmRSS:\s+(\d+)/.exec(t)?.[1] ?? 0) / 1024,
  );
}

let simulator: ReturnType<typeof spawn> | undefined;

async function main(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = await mkdtemp(join(tmpdir(), 'hwctl-sim-load-'));
  const args = [
    join(here, 'main.js'),
    '--nodes',
    a.nodes ?? '1000',
    '--flavor',
    a.flavor ?? 'redfish',
    '--personality',
    a.personality ?? 'generic',
    '--state-dir',
    dir,
    '--log-entries',
    '3',
    ...(a.http ? ['--http'] : []),
  ];
  const t0 = Date.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  simulator = child;
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      if (/^ready$/m.test(buf)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}: ${buf}`)));
  });
  const startMs = Date.now() - t0;
  const pid = child.pid ?? 0;
  const idleRss = await rssMiB(pid);

  // read the written inventory with hwctl's own parser (range entries with port templates)
  const invFile = join(dir, 'inventory.yaml');
  const inv = parseInventory(await readFile(invFile, 'utf8'), invFile);
  const nodes: Node[] = [...inv.nodes.values()].map((n) => ({ name: n.name, url: n.bmc }));
  const password = (await readFile(join(dir, 'bmc-password'), 'utf8')).trim();
  const ca = a.http ? undefined : await readFile(join(dir, 'ca.pem'), 'utf8');
  const auth = `Basic ${Buffer.from(`root:${password}`).toString('base64')}`;
  const path =
    a.path ?? (a.flavor === 'openbmc' ? '/xyz/openbmc_project/state/host0' : '/redfish/v1/Systems');
  const agent = a.http
    ? new HttpAgent({ keepAlive: true, maxSockets: 2 })
    : new HttpsAgent({ keepAlive: true, maxSockets: 2, ca });
  const request = a.http ? httpRequest : httpsRequest;

  // The first pass closes its connections: with 10,000 BMCs, 10,000 idle keep-alive sockets plus
  // 10,000 listeners would exceed the usual 20,000 open-file limit of the simulator process.
  const oneShot = a.http ? new HttpAgent({ keepAlive: false }) : new HttpsAgent({ keepAlive: false, ca });
  const once = (node: Node, via = agent): Promise<number> =>
    new Promise((resolve) => {
      const req = request(`${node.url}${path}`, { agent: via, headers: { Authorization: auth } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(-1));
      req.end();
    });

  let touchedRss: number | undefined;
  let touchMs: number | undefined;
  if (a.touch) {
    const t = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < nodes.length) await once(nodes[next++] as Node, oneShot);
      }),
    );
    touchMs = Date.now() - t;
    touchedRss = await rssMiB(pid);
  }

  const seconds = Number(a.duration);
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let done = 0;
  if (seconds > 0) {
    const end = Date.now() + seconds * 1000;
    let i = 0;
    await Promise.all(
      Array.from({ length: Number(a.concurrency) }, async () => {
        while (Date.now() < end) {
          const node = nodes[i++ % nodes.length] as Node;
          const s = performance.now();
          const status = await once(node);
          latencies.push(performance.now() - s);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          done++;
        }
      }),
    );
  }
  const loadedRss = await rssMiB(pid);
  latencies.sort((x, y) => x - y);
  const pct = (p: number): number =>
    Math.round((latencies[Math.floor((latencies.length - 1) * p)] ?? 0) * 10) / 10;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  agent.destroy();
  await rm(dir, { recursive: true, force: true });
  console.log(
    JSON.stringify(
      {
        nodes: nodes.length,
        flavor: a.flavor,
        scheme: a.http ? 'http' : 'https',
        path,
        startMs,
        rssIdleMiB: Math.round(idleRss),
        ...(touchedRss === undefined ? {} : { rssAfterOneRequestEachMiB: Math.round(touchedRss), touchMs }),
        ...(seconds > 0
          ? {
              durationS: seconds,
              concurrency: Number(a.concurrency),
              requests: done,
              requestsPerSecond: Math.round(done / seconds),
              latencyMs: { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99) },
              statuses: Object.fromEntries(statuses),
              rssAfterLoadMiB: Math.round(loadedRss),
            }
          : {}),
      },
      null,
      2,
    ),
  );
}

try {
  await main();
} catch (e) {
  simulator?.kill('SIGTERM');
  throw e;
}
