#!/usr/bin/env node
// `npm run bench`: hwctl at fleet scale against the simulator (a benchmark, not a test: CI does not run it).
//
//   node bench/run.mjs [--nodes 100,1000,5000] [--latency 50] [--fanout 64] [--commands stat,on,rinv,rvitals,rspconfig-hostname]
//                      [--runs 1] [--startup-runs 30] [--skip-startup] [--skip-floor] [--skip-redfishtool]
//                      [--out bench/results/latest.json]
//
// For each fleet size N, the simulator (in this process) serves N BMCs with a per-request latency L, and
// each hwctl command runs as a child process exactly as an admin runs it: `bin/hwctl` executed directly,
// so its shebang decides node's flags (the CPU/RSS hook comes in through NODE_OPTIONS). Reported per
// command, over --runs K runs: the median wall time (every run's kept in the JSON), requests per node and
// requests on a node's critical path (simulator stats: the longest chain of a node's requests that did not
// overlap in time; rvitals and rinv overlap requests on one BMC, so it can be less than the requests;
// taken from a run on 4 nodes first, see calibrateCriticalPath), median CPU time and highest peak RSS of
// the hwctl process, the ideal time ceil(N / fanout) × (median critical path × L + the hardware's own time)
// and the efficiency ideal / median wall, and the simulator's request rate beside it. Start-up:
// `bin/hwctl --version` and `bin/hwctl rpower --help` against `node -e 0`. With Debian's redfishtool
// installed, the same `stat` is run with `xargs -P <fanout>` for comparison. The floor (bench/floor.mjs):
// `stat`'s very requests made without hwctl, with node's https and with got, same fan-out and TLS.
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
    commands: { type: 'string', default: 'stat-cold,stat,stat-session,on,rinv,rvitals,rspconfig-hostname' },
    runs: { type: 'string', default: '1' },
    'startup-runs': { type: 'string', default: '30' },
    'skip-startup': { type: 'boolean', default: false },
    // the platform's floor for `stat` (bench/floor.mjs): the same requests without hwctl's engine
    'skip-floor': { type: 'boolean', default: false },
    // redfishtool under xargs takes ~0.1 s a node: --skip-redfishtool for big fleets
    'skip-redfishtool': { type: 'boolean', default: false },
    // sushy (python3-sushy) in a 64-thread pool; skipped with a line when it is not importable
    'skip-sushy': { type: 'boolean', default: false },
    out: { type: 'string', default: join(root, 'bench', 'results', 'latest.json') },
  },
});
const sizes = opt.nodes.split(',').map(Number);
const latencyMs = Number(opt.latency);
const fanout = Number(opt.fanout);
const repetitions = Number(opt.runs);
for (const [name, v] of [
  ['--latency', latencyMs],
  ['--fanout', fanout],
  ['--runs', repetitions],
  ['--startup-runs', Number(opt['startup-runs'])],
  ...sizes.map((n) => ['--nodes', n]),
]) {
  if (!Number.isInteger(v) || v < (name === '--latency' ? 0 : 1)) {
    console.error(`bench: ${name} must be a whole number${name === '--latency' ? '' : ' >= 1'}`);
    process.exit(2);
  }
}

// The CPU/RSS hook rides on NODE_OPTIONS (after whatever the caller set), so that hwctl itself is started
// by its own shebang and with its own node flags. Quoted: NODE_OPTIONS splits on spaces.
const rusageHook = join(root, 'bench', 'rusage.mjs');
const hookedNodeOptions = [process.env.NODE_OPTIONS, `--import="${rusageHook}"`].filter(Boolean).join(' ');

const TRANSITION_MS = 1000;

/** The commands measured; `waitsMs`: time the node's state itself takes to change. */
const COMMANDS = {
  // Cold: discovery afresh (--no-cache). Warm (`stat`, `stat-session`): the discovery cache filled by a run
  // before the timed ones (`prime`), as for an admin's second command in a row. `stat` is the default auth
  // (auto: rpower stat prefers Basic, docs/performance.md); `stat-session` the same with a session.
  'stat-cold': { line: ['rpower', 'all', 'stat', '--no-cache'], power: 'On' },
  stat: { line: ['rpower', 'all', 'stat'], power: 'On', prime: true },
  // The session-vs-Basic trade-off (docs/performance.md): same command, Basic auth on every request.
  'stat-session': { line: ['rpower', 'all', 'stat', '--auth', 'session'], power: 'On', prime: true },
  // Polls every 0.5 s; the simulated power-on takes TRANSITION_MS, which is part of the ideal time.
  on: {
    line: ['rpower', 'all', 'on', '--wait=120', '--interval', '0.5'],
    power: 'Off',
    waitsMs: TRANSITION_MS,
  },
  rinv: { line: ['rinv', 'all', 'all'], power: 'On' },
  rvitals: { line: ['rvitals', 'all', 'all'], power: 'On' },
  // rspconfig's cheapest read: the Manager's facing EthernetInterface (Redfish), network/enumerate (OpenBMC).
  'rspconfig-hostname': { line: ['rspconfig', 'all', 'hostname'], power: 'On' },
  // rflash: the image list, and a 16 MB image streamed to every BMC (staged: -u, multipart OnReset);
  // --upload-fanout 8 uploads at once. Peak RSS across sizes shows whether memory stays flat with the fleet.
  'rflash-list': { line: ['rflash', 'all', '-l'], power: 'On' },
  'rflash-upload': {
    line: () => ['rflash', 'all', '-u', benchImage(), '--upload-fanout', '8'],
    power: 'On',
  },
};

let imageFile;
/** A 16 MB image with a phosphor MANIFEST (the simulator reads its version), written once per bench run. */
function benchImage() {
  if (!imageFile) {
    const dir = mkdtempSync(join(tmpdir(), 'hwctl-bench-image-'));
    imageFile = join(dir, 'bmc-bench.tar');
    const manifest = Buffer.from(
      'MANIFEST\0purpose=xyz.openbmc_project.Software.Version.VersionPurpose.BMC\nversion=bench-9.9\n',
    );
    writeFileSync(imageFile, Buffer.concat([manifest, Buffer.alloc(16 * 2 ** 20, 0x5a)]));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return imageFile;
}
const lineOf = (c) => (typeof c.line === 'function' ? c.line() : c.line);

const unknown = opt.commands.split(',').filter((name) => !Object.hasOwn(COMMANDS, name));
if (unknown.length) {
  console.error(`bench: unknown command ${unknown.join(', ')} (known: ${Object.keys(COMMANDS).join(', ')})`);
  process.exit(2);
}

/** The middle value; the mean of the two middle ones for an even count. */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** Median wall ms of `runs` runs of `file argv` (the file executed directly: a bin goes through its shebang). */
function timeRuns(file, argv, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(file, argv, { stdio: 'ignore' });
    if (r.error) throw new Error(`${file}: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`${[file, ...argv].join(' ')} exited ${r.status ?? r.signal}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

function startup() {
  const runs = Number(opt['startup-runs']);
  const baseline = timeRuns(process.execPath, ['-e', '0'], runs);
  const version = timeRuns(bin, ['--version'], runs);
  const help = timeRuns(bin, ['rpower', '--help'], runs);
  return {
    runs,
    shebang: readFileSync(bin, 'utf8').split('\n', 1)[0],
    nodeMs: +baseline.toFixed(1),
    versionMs: +version.toFixed(1),
    rpowerHelpMs: +help.toFixed(1),
    versionRatio: +(version / baseline).toFixed(2),
  };
}

/** Run `bin/hwctl args` as a child; returns wall ms, exit code, CPU and peak RSS of that process. */
function runHwctl(args, env) {
  const tmp = mkdtempSync(join(tmpdir(), 'hwctl-bench-'));
  const rusageFile = join(tmp, 'rusage.json');
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(bin, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env, NODE_OPTIONS: hookedNodeOptions, HWCTL_RUSAGE_OUT: rusageFile },
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

/**
 * `stat`'s requests without hwctl (bench/floor.mjs, a child process as hwctl is), with Node's https or
 * got used directly: the floor this machine and those libraries set. Efficiency against the same ideal.
 */
const FLOOR_CLIENTS = {
  https: "node's https",
  got: "got's promise interface",
  'got-stream': "got's stream interface (as hwctl)",
};

async function floorStat(sim, n, client, oneGet = false) {
  const tmp = mkdtempSync(join(tmpdir(), 'hwctl-floor-'));
  const fleet = fleetFile(sim, tmp);
  const rusageFile = join(tmp, 'rusage.json');
  sim.admin.power('all', 'On');
  sim.admin.resetStats();
  const t0 = process.hrtime.bigint();
  const code = await new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(root, 'bench', 'floor.mjs'),
        '--client',
        client,
        '--fanout',
        String(fanout),
        ...(oneGet ? ['--one-get'] : []),
      ],
      {
        stdio: 'ignore',
        env: {
          ...process.env,
          NODE_OPTIONS: hookedNodeOptions,
          HWCTL_RUSAGE_OUT: rusageFile,
          HWCTL_FLOOR_FLEET: fleet,
        },
      },
    );
    child.on('error', reject);
    child.on('close', resolve);
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const usage = JSON.parse(readFileSync(rusageFile, 'utf8'));
  rmSync(tmp, { recursive: true, force: true });
  const st = sim.stats();
  const idealMs = Math.ceil(n / fanout) * st.criticalPath.median * latencyMs;
  return {
    nodes: n,
    command: oneGet
      ? `floor: one connection, one GET per BMC with ${FLOOR_CLIENTS[client]}, no hwctl`
      : `floor: stat's requests with ${FLOOR_CLIENTS[client]}, no hwctl`,
    exit: code,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(usage.userMs + usage.systemMs),
    peakRssMB: +(usage.maxRssKb / 1024).toFixed(1),
    requestsPerNode: +(st.totalRequests / n).toFixed(2),
    criticalPathPerNode: st.criticalPath.median,
    idealMs: Math.round(idealMs),
    efficiency: +(idealMs / wallMs).toFixed(2),
  };
}

/** The fleet as floor.mjs and sushy-pool.py read it. */
function fleetFile(sim, dir) {
  const file = join(dir, 'fleet.json');
  writeFileSync(
    file,
    JSON.stringify({
      hosts: sim.nodes.map((x) => new URL(x.url).host),
      ca: sim.caFile,
      username: sim.username,
      passwordFile: sim.passwordFile,
      // the generic personality's System (floor.mjs --one-get)
      system: '/redfish/v1/Systems/1',
    }),
  );
  return file;
}

/**
 * The peer (issue 16): `rpower all stat` done by OpenStack's sushy in a 64-thread pool (bench/sushy-pool.py),
 * same fleet, same run; the ratio to hwctl's cold and warm stat. { skipped } when sushy is not importable.
 */
async function sushyStat(sim, n) {
  const tmp = mkdtempSync(join(tmpdir(), 'hwctl-sushy-'));
  const fleet = fleetFile(sim, tmp);
  sim.admin.power('all', 'On');
  sim.admin.resetStats();
  const t0 = process.hrtime.bigint();
  let out = '';
  // requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's own `verify` (its known
  // merge_environment_settings precedence), so with either set (as on this machine) sushy checked the
  // simulator's certificate against the system bundle and every node failed with SSLError.
  const env = { ...process.env, HWCTL_FLOOR_FLEET: fleet };
  delete env.REQUESTS_CA_BUNDLE;
  delete env.CURL_CA_BUNDLE;
  const code = await new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [join(root, 'bench', 'sushy-pool.py'), String(fanout)], {
      stdio: ['ignore', 'pipe', 'ignore'],
      env,
    });
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', resolve);
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  rmSync(tmp, { recursive: true, force: true });
  let report = {};
  try {
    report = JSON.parse(out.trim().split('\n').at(-1));
  } catch {
    report = { skipped: `sushy-pool.py exited ${code} without a report` };
  }
  if (report.skipped) return report;
  const st = sim.stats();
  const ratio = (cmd) => {
    // A pool whose nodes failed did less work: no ratio from it.
    if (report.ok !== n) return undefined;
    const ours = results.runs.find((x) => x.nodes === n && x.command === cmd);
    return ours ? +(wallMs / ours.wallMs).toFixed(2) : undefined;
  };
  return {
    nodes: n,
    command: `sushy ${fanout}-thread pool: Systems, member, PowerState (python3-sushy)`,
    exit: code,
    ok: report.ok,
    errors: report.errors,
    wallMs: Math.round(wallMs),
    requestsPerNode: +(st.totalRequests / n).toFixed(2),
    ratioVsHwctlCold: ratio(COMMANDS['stat-cold'].line.join(' ')),
    ratioVsHwctlWarm: ratio(COMMANDS.stat.line.join(' ')),
  };
}

/**
 * One run of command `c` on a fresh stats slate: wall, CPU, RSS and the simulator's view of it.
 * `noderange` replaces the command's `all` (the calibration runs on a few nodes).
 */
async function measureOnce(sim, c, n, env, noderange = 'all') {
  sim.admin.power('all', c.power === 'On' ? 'On' : 'ForceOff');
  if (c.power === 'Off') await new Promise((r) => setTimeout(r, 1200)); // let PoweringOff finish
  sim.admin.resetStats();
  const rateSamples = [];
  const sampler = setInterval(() => rateSamples.push(sim.stats().requestRate), 500);
  const full = lineOf(c);
  const line = [full[0], noderange, ...full.slice(2)]; // every line is `<command> all ...`
  const r = await runHwctl([...line, '-o', 'json', '-q', '-f', String(fanout)], env);
  clearInterval(sampler);
  const st = sim.stats();
  return {
    exit: r.code,
    wallMs: Math.round(r.wallMs),
    cpuMs: Math.round((r.userMs ?? 0) + (r.systemMs ?? 0)),
    peakRssMB: r.maxRssKb ? +(r.maxRssKb / 1024).toFixed(1) : undefined,
    requestsPerNode: +(st.totalRequests / n).toFixed(2),
    // median over the nodes that served requests: one slow or failed node does not move it
    criticalPathPerNode: st.criticalPath.median,
    criticalPathMax: st.criticalPath.max,
    simPeakRate: Math.round(Math.max(0, ...rateSamples)),
    simOpenSessionsAfter: st.openSessions,
    ...(r.code !== 0 ? { stderrTail: r.stderrTail } : {}),
  };
}

const CALIBRATION_NODES = 4;

/**
 * A node's critical path for command `c`, in requests: the median over a run on a few nodes, where hwctl
 * has CPU to spare and so overlaps on one BMC whatever the command overlaps by design. Measured inside
 * the timed run instead, it grows with the client's load (a node's second request reaches the BMC late,
 * behind the client's work for the other nodes, and the overlap vanishes): at 64 nodes `rvitals` measured
 * 5 of 5 and `rinv` 6 or 7 of 7 from one run to the next, against a steady 4 and 6 on 4 nodes. That would
 * move the ideal between runs and flatter the efficiency with the very slowness it is meant to expose;
 * the in-run figure is reported beside it (`criticalPathInRun`).
 */
async function calibrateCriticalPath(sim, c, env) {
  const few = sim.nodes.slice(0, CALIBRATION_NODES).map((x) => x.name);
  const r = await measureOnce(sim, c, few.length, env, few.join(','));
  if (r.exit !== 0)
    throw new Error(`calibration of ${lineOf(c).join(' ')} on ${few.join(',')} failed:\n${r.stderrTail}`);
  return r.criticalPathPerNode;
}

/**
 * One row per command and size: medians over the runs (the wall is what varies on a shared machine),
 * every run's wall kept. The ideal is what a perfect client would take at this fan-out: ceil(N / fanout)
 * waves, each as long as a node's critical path (its requests that cannot overlap, × L) plus the time the
 * hardware itself takes when the command waits for a state.
 */
function summarize(n, c, samples, criticalPathPerNode) {
  const wallMs = median(samples.map((x) => x.wallMs));
  const idealMs = Math.ceil(n / fanout) * (criticalPathPerNode * latencyMs + (c.waitsMs ?? 0));
  const failed = samples.find((x) => x.exit !== 0);
  const rss = samples.map((x) => x.peakRssMB).filter((x) => x !== undefined);
  return {
    nodes: n,
    command: lineOf(c).join(' '),
    exit: failed?.exit ?? 0,
    wallMs,
    wallsMs: samples.map((x) => x.wallMs),
    requestsPerNode: median(samples.map((x) => x.requestsPerNode)),
    criticalPathPerNode,
    // what hwctl achieved under this load: equal to criticalPathPerNode when its overlap held up
    criticalPathInRun: median(samples.map((x) => x.criticalPathPerNode)),
    criticalPathInRunMax: Math.max(...samples.map((x) => x.criticalPathMax)),
    cpuMs: median(samples.map((x) => x.cpuMs)),
    peakRssMB: rss.length ? Math.max(...rss) : undefined,
    idealMs: Math.round(idealMs),
    efficiency: +(idealMs / wallMs).toFixed(2),
    simPeakRate: Math.max(...samples.map((x) => x.simPeakRate)),
    simOpenSessionsAfter: Math.max(...samples.map((x) => x.simOpenSessionsAfter)),
    ...(failed ? { stderrTail: failed.stderrTail } : {}),
    ...(samples.length > 1 ? { samples } : {}),
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
  // each command runs this many times per size; `runs` holds one row per command and size
  repetitions,
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
  // A state directory of the bench's own: the discovery cache starts empty, the user's is not touched.
  const state = mkdtempSync(join(tmpdir(), 'hwctl-bench-state-'));
  const env = { HWCTL_INVENTORY: sim.inventory, XDG_STATE_HOME: state };
  try {
    for (const name of opt.commands.split(',')) {
      const c = COMMANDS[name];
      if (c.prime) await runHwctl(lineOf(c), env);
      const criticalPath = await calibrateCriticalPath(sim, c, env);
      const samples = [];
      for (let k = 0; k < repetitions; k++) samples.push(await measureOnce(sim, c, n, env));
      const row = summarize(n, c, samples, criticalPath);
      results.runs.push(row);
      console.log(JSON.stringify(row));
    }
    if (!opt['skip-floor'] && opt.commands.split(',').includes('stat')) {
      for (const client of Object.keys(FLOOR_CLIENTS)) {
        const row = await floorStat(sim, n, client);
        results.runs.push(row);
        console.log(JSON.stringify(row));
      }
      const one = await floorStat(sim, n, 'got-stream', true);
      const warm = results.runs.find((x) => x.nodes === n && x.command === COMMANDS.stat.line.join(' '));
      if (warm) one.warmBasicVsFloor = +(warm.wallMs / one.wallMs).toFixed(2);
      results.runs.push(one);
      console.log(JSON.stringify(one));
    }
    if (!opt['skip-sushy']) {
      const row = await sushyStat(sim, n);
      if (row.skipped) console.log(`sushy: comparison skipped (${row.skipped})`);
      else {
        results.runs.push(row);
        console.log(JSON.stringify(row));
      }
    }
    const rt = !opt['skip-redfishtool'] ? await redfishtoolStat(sim) : undefined;
    if (rt) {
      const ours = results.runs.find((x) => x.nodes === n && x.command.startsWith('rpower all stat'));
      results.runs.push({
        nodes: n,
        command: `redfishtool Systems get | xargs -P ${fanout}`,
        ...rt,
        ratioVsHwctl: ours ? +(rt.wallMs / ours.wallMs).toFixed(2) : undefined,
      });
      console.log(JSON.stringify(results.runs.at(-1)));
    } else if (!opt['skip-redfishtool']) {
      console.log('redfishtool not installed: comparison skipped (apt-get install redfishtool)');
    }
  } finally {
    await sim.stop();
    rmSync(state, { recursive: true, force: true });
  }
}
mkdirSync(dirname(opt.out), { recursive: true });
writeFileSync(opt.out, JSON.stringify(results, null, 2));
console.log(`written ${opt.out}`);
