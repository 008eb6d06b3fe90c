/**
 * What an admin used to xCAT expects of the command line (through the real bin): unknown commands and
 * options in one line, `-v` for the version, `nodels` attributes spelled as in selectors, one
 * first-use pinning warning per run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { BIN, ROOT, runCli } from '../helpers/cli.js';

const EXAMPLE = join(ROOT, 'examples', 'hwctl.yaml');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'hwctl-habits-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('xCAT habits on the command line', () => {
  it('an unknown command is named with the list of commands, in one line', async () => {
    const r = await runCli(['foo', 'node01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'Error: unknown command foo; commands: nodels, trust, rpower, rsetboot, rinv, rvitals, reventlog, rbeacon, rspconfig, rflash, sim, config, completion (hwctl --help)\n',
    );
    expect(r.stdout).toBe('');
  });

  it('-v and --version print the version, for hwctl and under an xCAT name', async () => {
    const link = join(tmp, 'rpower');
    symlinkSync(BIN, link);
    for (const [args, bin] of [
      [['-v'], undefined],
      [['--version'], undefined],
      [['rpower', '-v'], undefined],
      [['rinv', 'node01', '--version'], undefined],
      [['-v'], link],
    ] as const) {
      const r = await runCli([...args], { bin });
      expect({ args, code: r.code, out: r.stdout }).toEqual({ args, code: 0, out: `${VERSION}\n` });
    }
  });

  it('a mistyped option or value prints one line and where to look, not the whole help', async () => {
    const a = await runCli(['rpower', 'node01', 'stat', '--bogus', '-i', EXAMPLE]);
    expect(a.code).toBe(2);
    expect(a.stderr).toBe('Error: Unknown argument: bogus (hwctl rpower --help lists the options)\n');
    const b = await runCli(['rinv', 'node01', '-o', 'yaml', '-i', EXAMPLE]);
    expect(b.code).toBe(2);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
    expect(b.stderr).toMatch(
      /^Error: Invalid values: Argument: output, Given: "yaml", Choices: .*hwctl rinv --help/,
    );
  });

  it('nodels takes xCAT attribute spellings as selectors do, and refuses an unknown attribute', async () => {
    const a = await runCli(['nodels', 'cn01', 'nodehm.mgt', '-i', EXAMPLE]);
    expect(a.stdout).toBe('cn01: openbmc\n');
    const b = await runCli(['nodels', 'cn01', 'nodehm.mgt', 'tags', '-i', EXAMPLE]);
    expect(b.stdout).toMatch(/^cn01: nodehm\.mgt: openbmc\ncn01: tags: \S*compute/);
    const c = await runCli(['nodels', 'all', 'rwo', '-i', EXAMPLE]);
    expect(c.code).toBe(2);
    expect(c.stdout).toBe('');
    expect(c.stderr).toMatch(/^Error: unknown attribute 'rwo': .*did you mean 'row'\?$/m);
  });
});

describe('first use of pinned certificates', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ nodes: 6, flavor: 'redfish', adminPort: false });
  });
  afterAll(() => sim.stop());

  it('gives one warning for the run, not one per BMC; a single pin keeps its fingerprint', async () => {
    const known = join(tmp, 'known_bmcs');
    const one = await runCli(['rpower', 'sim001', 'stat', '--tls', 'pin', '--known-bmcs', known], {
      env: { HWCTL_INVENTORY: sim.inventory },
    });
    expect(one.code).toBe(0);
    expect(one.stderr).toMatch(
      /^Warning: Pinned the TLS certificate of 127\.0\.0\.1:\d+ \(sim001\) on first use: SHA256 /,
    );
    const all = await runCli(['rpower', 'all', 'stat', '--tls', 'pin', '--known-bmcs', known], {
      env: { HWCTL_INVENTORY: sim.inventory },
    });
    expect(all.code).toBe(0);
    const warnings = all.stderr.split('\n').filter((l) => l.startsWith('Warning:'));
    expect(warnings).toEqual([
      `Warning: Pinned the TLS certificates of 5 BMCs on first use: sim[002-006] (fingerprints in ${known}; \`hwctl trust NODERANGE\` after a certificate change)`,
    ]);
  });
});
