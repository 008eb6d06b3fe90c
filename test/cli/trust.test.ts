/**
 * `hwctl trust` as a real process (built bin) against 200 simulated BMCs: two runs at once keep every
 * pin (the store is locked and merged on write), and a run over many nodes prints no listener-leak
 * warning.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { runCli } from '../helpers/cli.js';

let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ nodes: 200, adminPort: false, transitionMs: 50 });
  dir = mkdtempSync(join(tmpdir(), 'hwctl-trust-'));
}, 30_000);
afterAll(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The BMC addresses pinned in a known_bmcs file (one line each, comments aside). */
function pinned(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(' ')[0]!);
}

const trust = (range: string, known: string) =>
  runCli(['-i', sim.inventory, 'trust', range, '--known-bmcs', known, '-q'], {
    env: { XDG_STATE_HOME: join(dir, 'state') },
  });

describe('hwctl trust (real processes)', () => {
  it('two runs at once over 2 x 100 BMCs keep all 200 pins', async () => {
    const known = join(dir, 'known_bmcs-concurrent');
    const [a, b] = await Promise.all([trust('sim[001-100]', known), trust('sim[101-200]', known)]);
    const hosts = pinned(known);
    expect(hosts).toHaveLength(200);
    expect(new Set(hosts)).toEqual(new Set(sim.nodes.map((n) => new URL(n.url).host)));
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stderr).toBe('');
    expect(b.stderr).toBe('');
    // Each run reports its own 100 BMCs as added.
    for (const r of [a, b]) expect(r.stdout.match(/^sim\d+: added /gm)).toHaveLength(100);
  }, 60_000);

  it('two runs at once that both rewrite the file (every pin changed) keep every update', async () => {
    const known = join(dir, 'known_bmcs-updates');
    const stale = `${'0A:'.repeat(31)}0A`;
    writeFileSync(known, sim.nodes.map((n) => `${new URL(n.url).host} ${stale} ${n.name}`).join('\n') + '\n');
    const [a, b] = await Promise.all([trust('sim[001-100]', known), trust('sim[101-200]', known)]);
    const text = readFileSync(known, 'utf8');
    expect(text).not.toContain(stale);
    expect(pinned(known)).toHaveLength(200);
    expect([a.code, b.code]).toEqual([0, 0]);
    for (const r of [a, b]) expect(r.stdout.match(/^sim\d+: updated /gm)).toHaveLength(100);
  }, 60_000);

  it('50 nodes: no MaxListenersExceededWarning (or any other) on stderr', async () => {
    const known = join(dir, 'known_bmcs-50');
    const r = await trust('sim[001-050]', known);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(50);
  }, 30_000);
});
