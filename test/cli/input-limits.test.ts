/**
 * Noderanges and inventories that ask for too much, through the real executable: exit 2 with a message
 * naming the limit, at once, before any BMC is contacted. And the regex engine loads only for a regex.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { runCli } from '../helpers/cli.js';

let sim: Simulator;
let dir = '';
beforeAll(async () => {
  sim = await startSimulator({ nodes: 2, flavor: 'redfish', adminPort: false });
  dir = mkdtempSync(join(tmpdir(), 'hwctl-input-limits-'));
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  const bomb = [
    'version: 1',
    'nodes:',
    '  n0: &a0 {bmc: 10.0.0.1, mgt: redfish, username: root, password: x}',
  ];
  for (let l = 1; l <= 8; l++)
    bomb.push(
      `  n${l}: &a${l} {<<: [${Array(10)
        .fill(`*a${l - 1}`)
        .join(', ')}]}`,
    );
  writeFileSync(join(dir, 'bomb.yaml'), bomb.join('\n') + '\n', { mode: 0o600 });
  // A 40-character name: V8's backtracking tried 2^39 ways to match /(a+)+$ on it.
  writeFileSync(
    join(dir, 'long.yaml'),
    `version: 1\nnodes:\n  ${'a'.repeat(39)}b: {bmc: bmc-${'a'.repeat(34)}.lab, password: x}\n`,
    { mode: 0o600 },
  );
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

const node = () => sim.admin.select('all')[0]!;

describe('input limits through the executable', () => {
  it('refuses each blow-up with exit 2 and the limit, quickly, contacting no BMC', async () => {
    const cases: Array<[string, RegExp]> = [
      ['('.repeat(2000) + node() + ')'.repeat(2000), /parentheses nested more than 100 deep/],
      ['/' + 'a'.repeat(100_000), /characters long \(limit 65536\)/],
      [Array.from({ length: 20 }, (_, i) => `n${i}[1-999999]`).join(','), /more than 1,000,000 names/],
      [Array(1000).fill('node[1-99999]').join(','), /more than 1,000,000 names/],
      ['^/dev/zero', /\(it is a character device, not a regular file\)/],
      [`^${join(dir, 'fifo')}`, /\(it is a FIFO, not a regular file\)/],
      ['^/proc/self/environ', /\(it is not a text file \(it contains NUL bytes\)\)/],
    ];
    sim.admin.resetStats();
    const started = Date.now();
    const runs = await Promise.all(
      cases.map(([noderange]) =>
        runCli(['rpower', noderange, 'stat'], { env: { HWCTL_INVENTORY: sim.inventory } }),
      ),
    );
    expect(Date.now() - started).toBeLessThan(8000); // each was minutes, or a hang, or a stack trace
    runs.forEach((r, i) => {
      expect({ i, code: r.code }).toEqual({ i, code: 2 });
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
      expect(r.stderr.length).toBeLessThan(400);
    });
    expect(sim.stats().totalRequests).toBe(0);
  });

  it('quotes no more than the start of a noderange that selects nothing', async () => {
    const r = await runCli(['rpower', `/${'q'.repeat(3000)}`, 'stat'], {
      env: { HWCTL_INVENTORY: sim.inventory },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/noderange '\/q{38}…' selects no nodes/);
    expect(r.stderr.length).toBeLessThan(200);
  });

  it('runs catastrophic regexes in linear time', async () => {
    const started = Date.now();
    const [nodes, selector] = await Promise.all([
      runCli(['nodels', '-i', join(dir, 'long.yaml'), '/(a+)+$']),
      runCli(['nodels', '-i', join(dir, 'long.yaml'), 'bmc=~(a*a*)*x']),
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect([nodes.code, nodes.stdout, selector.code, selector.stdout]).toEqual([0, '', 0, '']);
  });

  it('refuses a YAML merge-key bomb with exit 2 and the file, in under a second', async () => {
    const started = Date.now();
    const r = await runCli(['nodels', '-i', join(dir, 'bomb.yaml')]);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /bomb\.yaml:8:\d+: node 'n5': merge keys \(<<\) expand to more than 100,000 entries/,
    );
  });

  it('loads the regex engine only when the noderange has a regex', async () => {
    const env = { HWCTL_INVENTORY: sim.inventory, NODE_DEBUG: 'module' };
    const [plain, regex] = await Promise.all([
      runCli(['nodels', node()], { env }),
      runCli(['nodels', `/${node()}`], { env }),
    ]);
    expect(plain.stdout.trim()).toBe(node());
    expect(regex.stdout.trim()).toBe(node());
    expect(plain.stderr).not.toMatch(/re2js/);
    expect(regex.stderr).toMatch(/load "[^"]*node_modules\/re2js\//);
  });
});
