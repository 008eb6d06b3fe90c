/**
 * rflash through the real executable (dist/, built by `npm test`) against a simulator: -c taken back from
 * --collate, ndjson progress events, Ctrl-C during an activation (exit 130, the resume command said), and
 * `--status` in a new process following the update to its end.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { writeImage } from './images.js';

let sim: Simulator;
let tmp: string;

/** A state directory of this file's own: other test files flash nodes of the same names meanwhile. */
const stateEnv = () => ({ XDG_STATE_HOME: join(tmp, 'state') });

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hwctl-rflash-bin-'));
  // A slow activation (3 s) leaves time to interrupt it.
  sim = await startSimulator({
    nodes: 2,
    flavor: 'mixed',
    personality: 'generic',
    adminPort: false,
    updateMs: 3000,
  });
});
afterAll(async () => {
  await sim?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('hwctl rflash (real executable)', () => {
  it('-c FILE is the check, not --collate', async () => {
    const img = writeImage(tmp, 'bmc-check.tar', '2.0.1', 'BMC');
    const r = await runCli(['-i', sim.inventory, 'rflash', 'sim001', '-c', img]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sim001: TAR BMC Firmware Product Version: 2\.0\.1$/m);
    // spelt out, and -c before the command is the global --collate again
    const long = await runCli(['-i', sim.inventory, 'rflash', 'sim001', '--check', img]);
    expect({ code: long.code, stdout: long.stdout }).toEqual({ code: 0, stdout: r.stdout });
    const collate = await runCli(['-c', '-i', sim.inventory, 'rflash', 'sim001', '-l']);
    expect(collate.code).toBe(0);
    expect(collate.stdout).toMatch(/^=+\nsim001 \(1\)\n=+\n/);
  });

  it.each(['sim001', 'sim002'])(
    '%s: Ctrl-C while activating says how to resume; --status in a new process finishes it',
    async (node) => {
      const img = writeImage(tmp, `bmc-int-${node}.tar`, `2.2.${node.slice(-1)}`, 'BMC');
      const child = spawn(
        process.execPath,
        [BIN, '-i', sim.inventory, 'rflash', node, '-a', img, '-o', 'ndjson', '--poll-interval', '0.1'],
        { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', HWCTL_INVENTORY: '', ...stateEnv() } },
      );
      let stdout = '';
      let stderr = '';
      let sent = false;
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.on('data', (d) => {
        stdout += d;
        if (!sent && /"state":"activating/.test(stdout)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect({ sent, stdout: sent ? '' : stdout, stderr: sent ? '' : stderr }).toEqual({
        sent: true,
        stdout: '',
        stderr: '',
      });
      expect(code).toBe(130);
      expect(stdout).toMatch(/"type":"progress".*"state":"uploading/);
      expect(stderr).toMatch(new RegExp(`their BMCs carry on\\. Follow them with: rflash ${node} --status`));
      const s = await runCli(['-i', sim.inventory, 'rflash', node, '--status', '--poll-interval', '0.1'], {
        env: stateEnv(),
      });
      // (stderr in the comparison: a failure shows what --status said)
      expect({ code: s.code, stdout: s.stdout, stderr: s.stderr }).toEqual({
        code: 0,
        stdout: `${node}: Firmware 2.2.${node.slice(-1)} activation successful.\n`,
        stderr: expect.any(String),
      });
    },
    30_000,
  );

  it('is installed under its own name', async () => {
    const r = await runCli(['-i', sim.inventory, 'rflash', 'sim001', '-l', '-u']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Multiple options are not supported\. Options specified: -l -u/);
  });
});
