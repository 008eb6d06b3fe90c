import { afterAll, describe, it, expect } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parsePersonality,
  runSimCommand,
  simCommandOptions,
  simulatorOptionsFrom,
} from '../../src/sim/cli.js';
import type { Simulator } from '../../src/sim/fleet.js';
import { HwctlUsageError } from '../../src/core/errors.js';
import { http } from './http.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('hwctl sim options', () => {
  it('parses personalities', () => {
    expect(parsePersonality('idrac')).toBe('idrac');
    expect(parsePersonality('mixed')).toBe('mixed');
    expect(parsePersonality('idrac,ilo')).toEqual(['idrac', 'ilo']);
    expect(parsePersonality('sim[001-003,007]=idrac,sim009=ilo')).toEqual({
      'sim[001-003,007]': 'idrac',
      sim009: 'ilo',
    });
    expect(() => parsePersonality('dell')).toThrow(HwctlUsageError);
  });

  it('turns flags into simulator options with faults fleet-wide and per node', () => {
    const o = simulatorOptionsFrom({
      nodes: 4,
      flavor: 'openbmc',
      latency: '50ms~10ms',
      fault: ['503=0.1', 'sim002:down', 'sim002:hang=0.5'],
      transition: '500ms',
      sessionTimeout: '2m',
      power: 'mixed',
    });
    expect(o).toMatchObject({
      nodes: 4,
      flavor: 'openbmc',
      faults: { latencyMs: 50, jitterMs: 10, error503: 0.1 },
      nodeFaults: { sim002: { down: true, hang: 0.5 } },
      transitionMs: 500,
      sessionTimeoutMs: 120_000,
      initialPower: 'mixed',
      stateDir: '.hwctl-sim',
      listen: '127.0.0.1',
    });
    expect(() => simulatorOptionsFrom({ flavor: 'ipmi' })).toThrow(/--flavor/);
    expect(() => simulatorOptionsFrom({ fault: ['boom'] })).toThrow(/unknown fault/);
    expect(() => simulatorOptionsFrom({ transition: 'soon' })).toThrow(/--transition/);
    expect(Object.keys(simCommandOptions)).toEqual(
      expect.arrayContaining([
        'nodes',
        'flavor',
        'personality',
        'from-mockup',
        'base-port',
        'listen',
        'http',
        'state-dir',
        'inventory-out',
        'latency',
        'seed',
        'fault',
        'verbose',
      ]),
    );
  });

  it('runs in the foreground: prints where it listens, one line per request with -v, stops on signal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hwctl-sim-cli-'));
    dirs.push(dir);
    const lines: string[] = [];
    const stop = new AbortController();
    let sim: Simulator | undefined;
    const done = runSimCommand({
      nodes: 2,
      flavor: 'openbmc',
      stateDir: join(dir, 'state'),
      inventoryOut: join(dir, 'inv.yaml'),
      verbose: true,
      out: (l) => lines.push(l),
      err: (l) => lines.push(`ERR ${l}`),
      stopSignal: stop.signal,
      onReady: (s) => (sim = s),
    });
    let finished = false;
    void done.then(() => (finished = true));
    while (!sim && !finished) await new Promise((r) => setTimeout(r, 10));
    if (!sim) throw new Error(`hwctl sim ended before it was ready:\n${lines.join('\n')}`);
    try {
      expect(lines.at(-1)).toBe('ready');
      expect(lines[0]).toMatch(/^hwctl sim: 2 virtual BMCs \(2 OpenBMC REST\) on 127\.0\.0\.1/);
      expect(lines.join('\n')).toContain(`inventory: ${join(dir, 'state', 'inventory.yaml')}`);
      const ca = await readFile(join(dir, 'state', 'ca.pem'), 'utf8');
      await http(`${sim.url('sim001')}/login`, { ca, method: 'POST', body: { data: ['root', 'wrong'] } });
      expect(lines.some((l) => /^sim001 POST \/login 401 [\d.]+ms$/.test(l))).toBe(true);
      expect(await readFile(join(dir, 'inv.yaml'), 'utf8')).toContain('sim[001-002]');
    } finally {
      stop.abort();
    }
    expect(await done).toBe(0);
    expect(lines.at(-1)).toBe('hwctl sim: stopped');
  });

  it('reports bad options as usage errors (exit 2)', async () => {
    const lines: string[] = [];
    const code = await runSimCommand({
      nodes: 2,
      basePort: 80,
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
    });
    expect(code).toBe(2);
    expect(lines).toEqual(['hwctl sim: base port 80 is privileged; use 1024 or above']);
  });
});
