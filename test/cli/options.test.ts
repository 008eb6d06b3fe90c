/**
 * Global option values are checked when the command line is parsed: a bad one ends the run with exit 2
 * and a message naming the option, before the inventory is read or any BMC is contacted.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { runCli } from '../helpers/cli.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ nodes: 2, flavor: 'redfish', adminPort: false });
});
afterAll(() => sim.stop());

const CASES: Array<[string[], RegExp]> = [
  [['--connect-timeout', '0'], /^Error: --connect-timeout must be a number of seconds > 0, not 0$/m],
  [
    ['--connect-timeout', 'abc'],
    /^Error: --connect-timeout must be a number of seconds > 0 \(.*not a number\)$/m,
  ],
  [['--connect-timeout'], /^Error: Not enough arguments following: connect-timeout$/m],
  [
    ['--request-timeout', 'abc'],
    /^Error: --request-timeout must be a number of seconds > 0 \(.*not a number\)$/m,
  ],
  [['--login-timeout', '-1'], /^Error: --login-timeout must be a number of seconds > 0, not -1$/m],
  [['--per-bmc', '0'], /^Error: --per-bmc must be a whole number >= 1, not 0$/m],
  [['--per-bmc', 'abc'], /^Error: --per-bmc must be a whole number >= 1 \(.*not a number\)$/m],
  [['--per-bmc', '1.5'], /^Error: --per-bmc must be a whole number >= 1, not 1.5$/m],
  [['--fanout', '0'], /^Error: --fanout must be a whole number >= 1, not 0$/m],
  [['-f', 'abc'], /^Error: --fanout must be a whole number >= 1 \(.*not a number\)$/m],
  [['-t', '0'], /^Error: --timeout must be a number of seconds > 0, not 0$/m],
  [['-t', 'Infinity'], /^Error: --timeout must be a number of seconds > 0, not Infinity$/m],
  [['-i'], /^Error: --inventory needs a file name$/m],
  [['-i', ''], /^Error: --inventory needs a file name$/m],
  [['--ca'], /^Error: --ca needs a PEM file name$/m],
  [['--known-bmcs'], /^Error: --known-bmcs needs a file name$/m],
];

describe('global option values', () => {
  it('are refused with exit 2 and a message naming the option; no BMC is contacted', async () => {
    sim.admin.resetStats();
    // The inventory is found through the environment, so `-i` without a value would silently have
    // fallen back to it (and a bad number reached the BMC layer).
    const runs = await Promise.all(
      CASES.map(([opts]) =>
        runCli(['rpower', 'all', 'stat', ...opts], { env: { HWCTL_INVENTORY: sim.inventory } }),
      ),
    );
    runs.forEach((r, i) => {
      const [opts, message] = CASES[i]!;
      expect({ opts, code: r.code, stdout: r.stdout }).toEqual({ opts, code: 2, stdout: '' });
      expect({ opts, stderr: r.stderr }).toEqual({ opts, stderr: expect.stringMatching(message) });
      expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
    });
    expect(sim.stats().totalRequests).toBe(0);
  });

  it('accepts good values, the last of a repeated one winning', async () => {
    sim.admin.resetStats();
    const r = await runCli(
      [
        'rpower',
        'all',
        'stat',
        '-f',
        '1',
        '-f',
        '2',
        '-t',
        '0.5',
        '-t',
        '30',
        '--per-bmc',
        '1',
        '--connect-timeout',
        '2.5',
      ],
      { env: { HWCTL_INVENTORY: sim.inventory } },
    );
    expect(r.stderr).toMatch(/^2 nodes: 2 ok, 0 failed/);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(sim.stats().totalRequests).toBeGreaterThan(0);
  });
});
