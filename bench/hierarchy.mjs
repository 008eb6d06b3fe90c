#!/usr/bin/env node
// Service nodes at scale (docs/hierarchy.md, docs/performance.md): 2 service nodes × N BMCs each against
// running the same 2N BMCs locally. A benchmark, not a test (CI does not run it); needs sshd
// (scripts/install-sshd.sh) and a build (npm run build).
//
//   node bench/hierarchy.mjs [--nodes 1000] [--latency 50] [--fanout 64] [--runs 3]
//
// One sshd on loopback, two Host aliases (sn01, sn02) for it, two simulators of N BMCs (in this process)
// with a per-request latency L. `rpower all stat` is run with the flat inventory (every node here) at
// --fanout F and 2F, and with the service-node inventory at F (each service node runs its N nodes at F,
// so 2F in flight in all). The service nodes run this checkout's bin/hwctl: on this one machine they share
// its CPUs with the control host and the simulators, so the figures are an upper bound of the overhead.
// Reported: median wall time over --runs, the control host hwctl's CPU time and peak RSS (bench/rusage.mjs).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { startSimulator } from '../dist/sim/fleet.js';
import { startSshd } from '../scripts/loopback-sshd.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'hwctl');
const { values: opt } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '50' },
    fanout: { type: 'string', default: '64' },
    runs: { type: 'string', default: '3' },
  },
});
const n = Number(opt.nodes);
const latencyMs = Number(opt.latency);
const fanout = Number(opt.fanout);
const runs = Number(opt.runs);

const dir = mkdtempSync(join(tmpdir(), 'hwctl-bench-hier-'));
// Asynchronous: the simulators live in this process, and a blocking call would stop them answering.
async function run(args, state) {
  const rusage = join(dir, 'rusage.json');
  const started = performance.now();
  const child = spawn(bin, args, {
    env: {
      ...process.env,
      XDG_STATE_HOME: state,
      NODE_OPTIONS: `--import="${join(root, 'bench', 'rusage.mjs')}"`,
      HWCTL_RUSAGE_OUT: rusage,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await new Promise((res) => child.on('close', res));
  const wallMs = performance.now() - started;
  const u = JSON.parse(readFileSync(rusage, 'utf8'));
  const lines = out.trim().split('\n');
  if (lines.length !== 2 * n || lines.some((l) => !/: (on|off)$/.test(l))) {
    throw new Error(
      `expected ${2 * n} results, all ok; got ${lines.length}: ${lines.slice(0, 3).join(' | ')}`,
    );
  }
  return { wallMs, cpuMs: u.userMs + u.systemMs, rssMb: u.maxRssKb / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sshd = await startSshd(['sn01', 'sn02']);
const { config } = sshd;
const sims = [];
try {
  const base = {
    nodes: n,
    flavor: 'redfish',
    personality: 'generic',
    faults: { latencyMs },
    adminPort: false,
  };
  sims.push(await startSimulator({ ...base, nodePrefix: 'a', seed: 'a' }));
  sims.push(await startSimulator({ ...base, nodePrefix: 'b', seed: 'b' }));
  const inventory = (withSn) => {
    const lines = ['defaults: {username: root, mgt: redfish}', 'groups:'];
    sims.forEach((s, i) => {
      const sn = withSn ? `, servicenode: sn0${i + 1}` : '';
      lines.push(
        `  rack${i}: {tls: {mode: verify, ca: ${JSON.stringify(s.caFile)}}, password: {file: ${JSON.stringify(s.passwordFile)}}${sn}}`,
      );
    });
    lines.push('servicenodes:');
    for (const sn of ['sn01', 'sn02']) {
      mkdirSync(join(dir, sn), { recursive: true });
      lines.push(`  ${sn}: {config: ${config}, hwctl: 'XDG_STATE_HOME=${join(dir, sn)} ${bin}'}`);
    }
    lines.push('nodes:');
    sims.forEach((s, i) => {
      for (const node of s.nodes) lines.push(`  ${node.name}: {bmc: '${node.url}', groups: [rack${i}]}`);
    });
    const file = join(dir, withSn ? 'hier.yaml' : 'flat.yaml');
    writeFileSync(file, lines.join('\n') + '\n');
    return file;
  };
  const flat = inventory(false);
  const hier = inventory(true);
  const cases = [
    [`local, --fanout ${fanout}`, ['rpower', 'all', 'stat', '-i', flat, '-f', String(fanout), '-q']],
    [`local, --fanout ${2 * fanout}`, ['rpower', 'all', 'stat', '-i', flat, '-f', String(2 * fanout), '-q']],
    [
      `2 service nodes, --fanout ${fanout} each`,
      ['rpower', 'all', 'stat', '-i', hier, '-f', String(fanout), '-q'],
    ],
  ];
  console.log(`${2 * n} BMCs (2 × ${n}), L = ${latencyMs} ms, ${runs} runs each, median`);
  console.log('| how | wall | control host CPU | control host peak RSS |');
  console.log('|---|---|---|---|');
  for (const [name, args] of cases) {
    const state = mkdtempSync(join(dir, 'state-'));
    await run(args, state); // warm: discovery cache filled, ssh master up
    const rs = [];
    for (let i = 0; i < runs; i++) rs.push(await run(args, state));
    const wall = median(rs.map((r) => r.wallMs));
    console.log(
      `| ${name} | ${(wall / 1000).toFixed(2)} s [${rs.map((r) => (r.wallMs / 1000).toFixed(2)).join(', ')}] | ` +
        `${(median(rs.map((r) => r.cpuMs)) / 1000).toFixed(2)} s | ${Math.max(...rs.map((r) => r.rssMb)).toFixed(0)} MB |`,
    );
  }
} finally {
  for (const sn of ['sn01', 'sn02']) {
    try {
      execFileSync('ssh', ['-F', config, '-O', 'exit', sn], { stdio: 'ignore' });
    } catch {
      /* no master */
    }
  }
  await Promise.all(sims.map((s) => s.stop()));
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
}
