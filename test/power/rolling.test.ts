/**
 * Rolling actions (--batch, --batch-delay, --stagger) through the real executable against the simulator:
 * when each node's first request reached its BMC, how the results come out, Ctrl-C between batches.
 * docs/commands/rpower.md, "Rolling actions".
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createRedfishFrontend } from '../../src/sim/redfish/index.js';
import type { FrontendFactory } from '../../src/sim/types.js';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { startFleet, type Fleet, type JsonDocument } from '../helpers/sim-harness.js';

/** Every request each BMC received, with the time it arrived (the simulator's request log). */
const seen: Array<{ node: string; at: number; method: string; path: string }> = [];
const logging: FrontendFactory = async (machine, opts) => {
  const f = await createRedfishFrontend(machine, opts);
  return Object.assign(Object.create(f) as typeof f, {
    handle: (req: Parameters<typeof f.handle>[0]) => {
      seen.push({ node: machine.name, at: Date.now(), method: req.method, path: req.path });
      return f.handle(req);
    },
  });
};

let fleet: Fleet;
let names: string[];
beforeAll(async () => {
  fleet = await startFleet({ nodes: 4, initialPower: 'Off', frontends: { redfish: logging } });
  names = fleet.sim.nodes.map((n) => n.name);
});
afterAll(async () => {
  await fleet?.sim.stop();
});
beforeEach(() => {
  fleet.sim.admin.power('all', 'ForceOff');
  seen.length = 0;
});

/** When each node's first and last request arrived, in node order. */
function spans(): Array<{ first: number; last: number }> {
  return names.map((n) => {
    const times = seen.filter((s) => s.node === n).map((s) => s.at);
    return { first: Math.min(...times), last: Math.max(...times) };
  });
}
const powerOns = () => seen.filter((s) => s.method === 'POST' && s.path.endsWith('ComputerSystem.Reset'));

const rpower = (...args: string[]) => runCli(['-i', fleet.inventory, 'rpower', 'all', ...args, '-o', 'json']);

describe('rpower on --batch / --stagger', () => {
  it('--batch 2 --batch-delay 0.2: two nodes at once, the next two 0.2 s after the first two finished', async () => {
    const r = await rpower('on', '--batch', '2', '--batch-delay', '0.2');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as JsonDocument;
    expect(doc.results.map((x) => [x.node, x.ok])).toEqual(names.map((n) => [n, true]));
    expect(powerOns()).toHaveLength(4);
    const [a, b, c, d] = spans();
    const firstBatchEnd = Math.max(a!.last, b!.last);
    // Batch 1 together; batch 2 after batch 1's last request plus the delay (timer slack: 20 ms).
    expect(Math.abs(a!.first - b!.first)).toBeLessThan(150);
    expect(c!.first - firstBatchEnd).toBeGreaterThanOrEqual(180);
    expect(d!.first - firstBatchEnd).toBeGreaterThanOrEqual(180);
    // Upper bounds only catch a wait far beyond the delay: loose, as CI's two cores may be busy.
    expect(c!.first - firstBatchEnd).toBeLessThan(2500);
  });

  it('--stagger 0.2: each node starts 0.2 s after the one before', async () => {
    const r = await rpower('on', '--stagger', '0.2');
    expect(r.code).toBe(0);
    const firsts = spans().map((s) => s.first);
    for (let i = 1; i < firsts.length; i++) {
      const gap = firsts[i]! - firsts[i - 1]!;
      expect(gap).toBeGreaterThanOrEqual(180);
      expect(gap).toBeLessThan(2000); // loose: a busy machine delays a start, never advances it
    }
  });

  it('reads are not paced: stat with --batch 1 --batch-delay 5 reads every node at once', async () => {
    const started = Date.now();
    const r = await rpower('stat', '--batch', '1', '--batch-delay', '5');
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(4000);
    const firsts = spans().map((s) => s.first);
    expect(Math.max(...firsts) - Math.min(...firsts)).toBeLessThan(1000);
  });

  it.each([
    [['--batch', '0'], '--batch must be a whole number >= 1, not 0'],
    [['--batch', '1.5'], '--batch must be a whole number >= 1, not 1.5'],
    [['--stagger', 'abc'], '--stagger must be a number of seconds >= 0 (the value given is not a number)'],
    [['--batch-delay', '-1', '--batch', '2'], '--batch-delay must be a number of seconds >= 0, not -1'],
    [['--batch-delay', '1'], '--batch-delay needs --batch N'],
  ])('%j is refused before any BMC is touched (exit 2)', async (flags, message) => {
    const r = await rpower('on', ...flags);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(seen).toHaveLength(0);
  });
});

it('Ctrl-C between batches: exit 130, the batches left are interrupted with nothing sent, at once', async () => {
  const child = spawn(
    process.execPath,
    [
      BIN,
      '-i',
      fleet.inventory,
      'rpower',
      'all',
      'on',
      '--batch',
      '2',
      '--batch-delay',
      '20',
      '-o',
      'ndjson',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', HWCTL_INVENTORY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  // The first batch's two results are out: the run now waits 20 s before the next batch.
  await new Promise<void>((resolve) => {
    const check = () =>
      stdout.split('\n').filter((l) => l.includes('"type":"result"')).length >= 2
        ? resolve()
        : setTimeout(check, 20);
    check();
  });
  const signalled = Date.now();
  child.kill('SIGINT');
  const code = await exited;
  // What the run said comes with a failure.
  expect({ code, stderr, stdout }).toMatchObject({ code: 130 });
  expect(Date.now() - signalled).toBeLessThan(2000);
  const results = stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { node?: string; ok: boolean; error?: { kind: string } })
    .filter((x) => x.node !== undefined);
  // ndjson writes each node as it finishes: the first batch's two may come in either order.
  const byNode = [...results].sort((x, y) => x.node!.localeCompare(y.node!));
  expect(byNode.map((x) => [x.node, x.ok ? 'ok' : x.error?.kind])).toEqual([
    [names[0], 'ok'],
    [names[1], 'ok'],
    [names[2], 'interrupted'],
    [names[3], 'interrupted'],
  ]);
  expect(seen.filter((s) => s.node === names[2] || s.node === names[3])).toEqual([]);
}, 20_000);
