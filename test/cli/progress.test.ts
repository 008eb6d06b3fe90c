/**
 * The live status line, under a real pseudo-terminal (util-linux `script`): shown while slow nodes hold
 * the node order, erased before every result and at the end; absent on a pipe, with -q and with ndjson.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProgressLine, ERASE_LINE } from '../../src/output/progress.js';
import { BIN, runCli } from '../helpers/cli.js';
import { writePowerPlugin } from '../helpers/power-plugin.js';

let dir: string;
let inv: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwctl-progress-'));
  // n1 answers after 0.9 s, the others at once: n2..n4 wait behind n1 in the node order.
  writePowerPlugin(join(dir, 'slow.mjs'), 'slow', {
    getState: `if (ctx.node.name === 'n1') await new Promise((r) => setTimeout(r, 900));
      if (ctx.node.name === 'n3') throw new api.NodeError('unreachable', 'down');
      return { phase: 'on', display: 'on' };`,
  });
  inv = join(dir, 'hwctl.yaml');
  writeFileSync(inv, 'plugins: [./slow.mjs]\nnodes:\n  n[1-4]: {bmc: "127.0.0.1:9", mgt: slow}\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Run the bin with stdin, stdout and stderr on a pseudo-terminal; everything it printed, raw. */
function underPty(args: string[]): Promise<{ code: number | null; raw: string }> {
  // A pseudo-terminal made by script has no size: give it one, as a terminal window has.
  const command = `stty cols 100 rows 40; ${[process.execPath, BIN, ...args].map(quote).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, NO_COLOR: '1', HWCTL_INVENTORY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let raw = '';
    child.stdout.on('data', (d) => (raw += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, raw }));
  });
}

/** What the terminal shows at the end: each line after its last erase. */
const screen = (raw: string) =>
  raw
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .map((l) => l.slice(l.lastIndexOf(ERASE_LINE) < 0 ? 0 : l.lastIndexOf(ERASE_LINE) + ERASE_LINE.length))
    .filter((l) => l !== '');

describe('progress line', () => {
  it('on a terminal, shows done/total, failures and the slowest node, and leaves only the results', async () => {
    const r = await underPty(['rpower', 'all', 'stat', '-i', inv]);
    expect(r.code).toBe(1);
    // Drawn while n1 held the others: n2..n4 done (n3 failed), n1 in flight.
    expect(r.raw).toMatch(/\[3\/4\] 1 failed, 1 in flight, slowest: n1 \ds; ETA \ds/);
    expect(screen(r.raw)).toEqual([
      'n1: on',
      'n2: on',
      'n3: Error: down',
      'n4: on',
      expect.stringMatching(/^4 nodes: 3 ok, 1 failed: n3 \(\d+\.\d s\)$/),
    ]);
    // Every status line is erased before anything else is written: nothing follows one but an erase.
    const statuses = r.raw.split(ERASE_LINE).filter((segment) => segment.startsWith('['));
    expect(statuses.length).toBeGreaterThan(0);
    for (const segment of statuses) expect(segment).toMatch(/^\[\d\/4\][^\n]*$/);
  });

  it('not with -q, not with ndjson, not on a pipe', async () => {
    const quiet = await underPty(['rpower', 'all', 'stat', '-q', '-i', inv]);
    expect(quiet.raw).not.toContain('in flight');
    const nd = await underPty(['rpower', 'all', 'stat', '-o', 'ndjson', '-i', inv]);
    expect(nd.raw).not.toContain('in flight');
    const piped = await runCli(['rpower', 'all', 'stat', '-i', inv]);
    expect(piped.stderr).not.toContain('in flight');
    expect(piped.stderr).not.toContain('\u001b[K');
  });
});

describe('ProgressLine', () => {
  it('is drawn at most every 100 ms, not before 500 ms, and cut to the terminal width', () => {
    let now = 0;
    const written: string[] = [];
    const p = new ProgressLine({ write: (t) => written.push(t), columns: 40 }, { now: () => now });
    p.begin(960);
    p.stop(); // no timer in this test: ticks are driven by hand
    p.started('node001');
    now = 400;
    p.tick();
    expect(written).toEqual([]);
    now = 61_000;
    for (let i = 2; i <= 100; i++) p.started(`node${String(i).padStart(3, '0')}`);
    p.finished('node002', false);
    p.tick();
    expect(written).toHaveLength(1);
    expect(written[0]).toBe(`${ERASE_LINE}[1/960] 1 failed, 99 in flight, slowes…`);
    expect(written[0]!.length - ERASE_LINE.length).toBe(39);
    p.tick(); // nothing new, less than a second later: not redrawn
    expect(written).toHaveLength(1);
  });
});
