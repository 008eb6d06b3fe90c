/**
 * Re-running failures: every node command records its failed nodes in the state directory, `@failed`
 * selects them (combinable like any element), `--failed-to FILE` writes them one per line.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { writePowerPlugin } from '../helpers/power-plugin.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let inv: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwctl-failed-'));
  env = { XDG_STATE_HOME: join(dir, 'state') };
  // Nodes of a plugin flavor that answers at once (ok), and of flavors with no executor (fail at once):
  // no network needed. The plugin fails the nodes listed in $FAIL_NODES.
  writePowerPlugin(join(dir, 'ok.mjs'), 'okay', {
    getState: `if ((process.env.FAIL_NODES ?? '').split(',').includes(ctx.node.name)) throw new api.NodeError('unreachable', 'down');
      return { phase: 'on', display: 'on' };`,
  });
  inv = join(dir, 'hwctl.yaml');
  writeFileSync(
    inv,
    'plugins: [./ok.mjs]\ngroups:\n  rack: {}\nnodes:\n  n[1-6]: {bmc: "127.0.0.1:9", mgt: okay, groups: [rack]}\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], fail = '') =>
  runCli([...args, '-i', inv], { env: { ...env, FAIL_NODES: fail } });

describe('@failed and --failed-to', () => {
  it('selects the last run’s failed nodes, combinable; --failed-to writes them one per line', async () => {
    const none = await run(['nodels', '@failed']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/@failed: no run has recorded its failed nodes yet/);

    const out = join(dir, 'failed.txt');
    const first = await run(['rpower', 'all', 'stat', '--failed-to', out], 'n2,n3,n5');
    expect(first.code).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe('n2\nn3\nn5\n');
    expect(readFileSync(join(dir, 'state', 'hwctl', 'last_failed'), 'utf8')).toMatch(
      /^# hwctl: the nodes that failed in: rpower all stat .*\nn2\nn3\nn5\n$/,
    );

    expect((await run(['nodels', '@failed'])).stdout).toBe('n2\nn3\nn5\n');
    expect((await run(['nodels', '@failed,-n3'])).stdout).toBe('n2\nn5\n');
    expect((await run(['nodels', 'n1,-@failed'])).stdout).toBe('n1\n');
    expect((await run(['nodels', 'n[1-3]@@failed'])).stdout).toBe('n2\nn3\n');
    expect((await run(['nodels', '@failed@n[4-6],n1'])).stdout).toBe('n1\nn5\n');

    // The retry: only n5 still fails; it becomes @failed, and --failed-to is rewritten.
    const retry = await run(['rpower', '@failed', 'stat', '--failed-to', out], 'n5');
    expect(retry.stdout).toBe('n2: on\nn3: on\n');
    expect(readFileSync(out, 'utf8')).toBe('n5\n');
    expect((await run(['nodels', '@failed'])).stdout).toBe('n5\n');

    // A run with no failure leaves @failed empty and an empty --failed-to file.
    const clean = await run(['rpower', '@failed', 'stat', '--failed-to', out]);
    expect(clean.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('');
    const empty = await run(['rpower', '@failed', 'stat']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/noderange '@failed' selects no nodes/);
  });

  it('refuses --failed-to in a folder that cannot be written, before any node runs', async () => {
    const r = await run(['rpower', 'all', 'stat', '--failed-to', join(dir, 'no', 'such', 'dir', 'f')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: --failed-to .*: cannot write in .* \(ENOENT\)$/m);
    expect(r.stdout).toBe('');
  });

  it('a node of @failed the inventory no longer has is reported as such', async () => {
    mkdirSync(join(dir, 'state2', 'hwctl'), { recursive: true });
    writeFileSync(join(dir, 'state2', 'hwctl', 'last_failed'), '# x\nn1\ngone7\n');
    const r = await runCli(['nodels', '@failed', '-i', inv], {
      env: { XDG_STATE_HOME: join(dir, 'state2') },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Invalid nodes and\/or groups in noderange: gone7 \(@failed\)/);
  });
});
