#!/usr/bin/env node
// `npm run bench`: hwctl at fleet scale against the simulator (a benchmark, not a test: CI does not run it).
//
//   node bench/run.mjs [--nodes 100,1000,5000] [--latency 50] [--fanout 64] [--commands stat,on,rinv,rvitals]
//                      [--startup-runs 30] [--skip-startup] [--out bench/results/latest.json]
//
// For each fleet size N, the simulator (in this process) serves N BMCs with a per-request latency L, and
// each hwctl command runs as a child process, exactly as an admin would run it. Reported per command:
// wall time, requests per node (simulator stats), CPU time and peak RSS of the hwctl process, the ideal
// time ceil(N / fanout) × requests-per-node × L and the efficiency ideal / measured, and the simulator's
// request rate beside it. Start-up: `hwctl --version` and `hwctl rpower --help` against `node -e 0`.
// With Debian's redfishtool installed, the same `stat` is run with `xargs -P <fanout>` for comparison.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulator } from '../dist/sim/fleet.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'hwctl');
const { values: opt } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100,1000,5000' },
    latency: { type: 'string', default: '50' },
    fanout: { type: 'string', default: '64' },
    commands: { type: 'string', default: 'stat,stat-basic,on,rinv,rvitals' },
    'startup-runs': { type: 'string', default: '30' },
    'skip-startup': { type: 'boolean', default: false },
    out: { type: 'string', default: join(root, 'bench', 'results', 'latest.json') },
  },
});
const sizes = opt.nodes.split(',').map(Number);
const latencyMs = Number(opt.latency);
const fanout = Number(opt.fanout);

const TRANSITION_MS = 1000;

/** The commands measured; `waitsMs`: time the node's state itself takes to change. */
const COMMANDS = {
  stat: { line: ['rpower', 'all', 'stat'], power: 'On' },
  // The session-vs-Basic trade-off (docs/performance.md): same command, Basic auth on every request.
  'stat-basic': { line: ['rpower', 'all', 'stat', '--auth', 'basic'], power: 'On' },
  // Polls every 0.5 s; the simulated power-on takes TRANSITION_MS, which is part of the ideal time.
  on: {
    line: ['rpower', 'all', 'on', '--wait=120', '--interval', '0.5'],
    power: 'Off',
    waitsMs: TRANSITION_MS,
  },
  rinv: { line: ['rinv', 'all', 'all'], power: 'On' },
  rvitals: { line: ['rvitals', 'all', 'all'], power: 'On' },
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

function timeRuns(argv, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, argv, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

function startup() {
  const runs = Number(opt['startup-runs']);
  const baseline = timeRuns(['-e', '0'], runs);
  const version = timeRuns([bin, '--version'], runs);
  const help = timeRuns([bin, 'rpower', '--help'], runs);
  return { runs, nodeMs: baseline, versionMs: version, rpowerHelpMs: help, versionRatio: version / baseline };
}

/** Run one hwctl command as a child; returns wall ms, exit code, CPU and peak RSS of that process. */
function runHwctl(args, env) {
  const tmp = mkdtempSync(join(tmpdir(), 'hwctl-bench-'));
  const rusageFile = join(tmp, 'rusage.json');
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--import', join(root, 'bench', 'rusage.mjs'), bin, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env, HWCTL_RUSAGE_OUT: rusageFile },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      let usage = {};
      try {
        usage = JSON.parse(readFileSync(rusageFile, 'utf8'));
      } catch {
        /* killed before exit */
      }
      rmSync(tmp, { recursive: true, force: true });
      resolve({ code, wallMs, ...usage, stderrTail: stderr.split('\n').slice(-3).join('\n') });
    });
  });
}

async function redfishtoolStat(sim) {
  if (spawnSync('sh', ['-c', 'command -v redfishtool'], { stdio: 'ignore' }).status !== 0) return undefined;
  const list = sim.nodes.filter((n) => n.flavor === 'redfish').map((n) => new URL(n.url).host);
  const password = readFileSync(sim.passwordFile, 'utf8').trim();
  const before = sim.stats().totalRequests;
  const t0 = process.hrtime.bigint();
  // redfishtool takes the password on its command line: acceptable only against the simulator. Spawned
  // asynchronously: the simulator answers from this very process.
  const exit = await new Promise((resolve, reject) => {
    const child = spawn(
      'sh',
      [
        '-c',
        `xargs -P ${fanout} -I{} redfishtool -r {} -S Always -u ${sim.username} -p "$PW" Systems -1 get >/dev/null`,
      ],
      {
        env: { ...process.env, PW: password, REQUESTS_CA_BUNDLE: sim.caFile ?? '' },
        stdio: ['pipe', 'ignore', 'ignore'],
      },
    );
    child.on('error', reject);
    child.on('close', resolve);
    child.stdin.end(list.join('\n'));
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return {
    exit,
    wallMs: Math.round(wallMs),
    requestsPerNode: (sim.stats().totalRequests - before) / list.length,
  };
}

const results = {
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memGiB: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
  },
  latencyMs,
  fanout,
  runs: [],
};
if (!opt['skip-startup']) {
  results.startup = startup();
  console.log('startup', results.startup);
}

for (const n of sizes) {
  const sim = await startSimulator({
    nodes: n,
    flavor: 'redfish',
    personality: 'generic',
    faults: { latencyMs },
    transitionMs: TRANSITION_MS,
    adminPort: false,
    seed: 'bench',
  });
  const env = { HWCTL_INVENTORY: sim.inventory };
  try {
    for (const name of opt.commands.split(',')) {
      const c = COMMANDS[name];
      if (!c) throw new Error(`unknown command ${name}`);
      sim.admin.power('all', c.power === 'On' ? 'On' : 'ForceOff');
      if (c.power === 'Off') await new Promise((r) => setTimeout(r, 1200)); // let PoweringOff finish
      sim.admin.resetStats();
      const rateSamples = [];
      const sampler = setInterval(() => rateSamples.push(sim.stats().requestRate), 500);
      const r = await runHwctl([...c.line, '-o', 'json', '-q', '-f', String(fanout)], env);
      clearInterval(sampler);
      const st = sim.stats();
      const requestsPerNode = st.totalRequests / n;
      // A node's critical path: its requests in sequence (these commands do not overlap requests on one
      // BMC), plus the time the hardware itself takes when the command waits for a state.
      const idealMs = Math.ceil(n / fanout) * (requestsPerNode * latencyMs + (c.waitsMs ?? 0));
      const row = {
        nodes: n,
        command: [...c.line].join(' '),
        exit: r.code,
        wallMs: Math.round(r.wallMs),
        requestsPerNode: +requestsPerNode.toFixed(2),
        cpuMs: Math.round((r.userMs ?? 0) + (r.systemMs ?? 0)),
        peakRssMB: r.maxRssKb ? +(r.maxRssKb / 1024).toFixed(1) : undefined,
        idealMs: Math.round(idealMs),
        efficiency: +(idealMs / r.wallMs).toFixed(2),
        simPeakRate: Math.round(Math.max(0, ...rateSamples)),
        simOpenSessionsAfter: st.openSessions,
      };
      if (r.code !== 0) row.stderrTail = r.stderrTail;
      results.runs.push(row);
      console.log(JSON.stringify(row));
    }
    const rt = await redfishtoolStat(sim);
    if (rt) {
      const ours = results.runs.find((x) => x.nodes === n && x.command.startsWith('rpower all stat'));
      results.runs.push({
        nodes: n,
        command: `redfishtool Systems get | xargs -P ${fanout}`,
        ...rt,
        ratioVsHwctl: ours ? +(rt.wallMs / ours.wallMs).toFixed(2) : undefined,
      });
      console.log(JSON.stringify(results.runs.at(-1)));
    } else {
      console.log('redfishtool not installed: comparison skipped (apt-get install redfishtool)');
    }
  } finally {
    await sim.stop();
  }
}
mkdirSync(dirname(opt.out), { recursive: true });
writeFileSync(opt.out, JSON.stringify(results, null, 2));
console.log(`written ${opt.out}`);
