/**
 * rpower and rsetboot through the real executable (dist/, built by `npm test`) against a simulator:
 * exit codes, stdout/stderr, and a --help that loads no BMC code.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { HEAVY, ROOT, loadedSources, runCli } from '../helpers/cli.js';

let sim: Simulator;
let tmp: string;
const hw = (...args: string[]) => runCli(['-i', sim.inventory, ...args]);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hwctl-rpower-'));
  sim = await startSimulator({
    nodes: 3,
    flavor: 'mixed',
    personality: 'generic',
    transitionMs: 60,
    adminPort: false,
  });
});
afterAll(async () => {
  await sim?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('hwctl rpower / rsetboot (real executable)', () => {
  it('stat: xCAT lines on stdout, exit 0, summary on stderr', async () => {
    const r = await hw('rpower', 'all', 'stat');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('sim001: on\nsim002: on\nsim003: on\n');
    expect(r.stderr).toMatch(/^3 nodes: 3 ok, 0 failed \(\d+\.\d s\)\n$/);
  });

  it('--expect off on nodes that are on: exit 1, each node an error on stderr', async () => {
    const r = await hw('rpower', 'all', 'stat', '--expect', 'off', '-q');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      ['sim001', 'sim002', 'sim003'].map((n) => `${n}: Error: state is on, expected off`).join('\n') + '\n',
    );
  });

  it('off --wait with a table, then on --wait=N, then -o json', async () => {
    const off = await hw('rpower', 'sim00[1-3]', 'off', '--wait', '--interval', '0.05', '-o', 'table', '-q');
    expect(off.code).toBe(0);
    expect(off.stdout).toMatch(/NODE.*STATE.*ACTION.*TIME/);
    expect(off.stdout.match(/\boff\b/g)).toHaveLength(3);
    const on = await hw('rpower', 'all', 'on', '--wait=10', '--interval=0.05', '-o', 'json');
    expect(on.code).toBe(0);
    const doc = JSON.parse(on.stdout) as {
      command: string;
      results: Array<{ value: Record<string, unknown> }>;
    };
    expect(doc.command).toBe('rpower all on');
    for (const x of doc.results) expect(x.value).toMatchObject({ state: 'on', verb: 'on', changed: true });
  });

  it('usage errors exit 2 with xCAT wording and touch no BMC', async () => {
    sim.admin.resetStats();
    const cases: Array<[string[], string]> = [
      [['rpower', 'all', 'foo'], 'Error: Unsupported command: rpower foo'],
      [['rpower', 'all'], 'Error: No option specified for rpower'],
      [['rpower', 'all', 'on', 'off'], 'Error: Only one option is supported at the same time for rpower'],
      [['rpower', 'all', 'on', '--expect', 'on'], 'Error: --expect applies to rpower stat, not rpower on'],
      [['rsetboot', 'all', 'hd', 'net'], 'Error: Only one option is supported at the same time for rsetboot'],
      [['rsetboot', 'all', 'usb'], 'Error: Unsupported command: rsetboot usb'],
    ];
    for (const [args, message] of cases) {
      const r = await hw(...args);
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(r.stderr.startsWith(message)).toBe(true);
    }
    expect(sim.stats().totalRequests).toBe(0);
  });

  it('rsetboot sets, reads back and prints; json carries the details', async () => {
    const r = await hw('rsetboot', 'all', 'net', '-p', '-q');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('sim001: Network\nsim002: Network\nsim003: Network\n');
    const s = await hw('rsetboot', 'all', '-o', 'json');
    const doc = JSON.parse(s.stdout) as {
      command: string;
      results: Array<{ node: string; value: Record<string, unknown> }>;
    };
    expect(doc.command).toBe('rsetboot all stat');
    for (const x of doc.results)
      expect(x.value).toMatchObject({ boot: 'Network', device: 'net', persistent: true });
    expect(sim.stats().openSessions).toBe(0);
  });

  it('rpower --help loads no BMC, executor or manager code', async () => {
    const trace = join(tmp, 'imports.txt');
    writeFileSync(trace, '');
    const r = await runCli(['rpower', '--help'], {
      nodeArgs: ['--import', join(ROOT, 'test', 'helpers', 'trace-imports.mjs')],
      env: { HWCTL_TRACE_IMPORTS: trace },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--expect');
    const sources = loadedSources(readFileSync(trace, 'utf8'));
    expect(sources).toContain('src/commands/rpower.ts');
    expect(sources.filter((s) => HEAVY.test(s))).toEqual([]);
  });
});
