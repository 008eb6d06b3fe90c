/**
 * Ctrl-C on the control host reaches the service nodes: hwctl closes each service node's stdin, the
 * service node stops as on Ctrl-C and logs out of every BMC session, and every node still gets exactly
 * one result (`interrupted`). Checked on the simulators: no session left open on either fleet.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { hwctl, startTwoServiceNodes, type TwoServiceNodes } from './harness.js';

let t: TwoServiceNodes;
beforeAll(async () => {
  // Power transitions of a minute: `rpower on --wait` holds its sessions while it polls.
  t = await startTwoServiceNodes({ transitionMs: 60_000, initialPower: 'Off' });
}, 60_000);
afterAll(async () => {
  for (const sn of ['sn01', 'sn02']) {
    const args = ['-F', t.sshd.config, '-o', `ControlPath=${join(t.control, 'cm-%C')}`, '-O', 'exit', sn];
    try {
      execFileSync('ssh', args, { stdio: 'ignore' });
    } catch {
      // no master
    }
  }
  await t?.stop();
});

async function until(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('SIGINT: every node interrupted, exit 130, no BMC session left on either service node', async () => {
  const run = hwctl(['rpower', 'rackA,rackB', 'on', '--wait', '120', '-i', t.hier, '-o', 'json'], (child) => {
    void until(
      'sessions open on both fleets',
      () => t.simA.stats().openSessions > 0 && t.simB.stats().openSessions > 0,
    )
      .then(() => child.kill('SIGINT'))
      .catch(() => child.kill('SIGKILL'));
  });
  const { code, stdout, stderr } = await run;
  expect(stderr).toContain('SIGINT: stopping');
  expect(code).toBe(130);
  const doc = JSON.parse(stdout) as {
    results: Array<{ node: string; ok: boolean; error?: { kind: string } }>;
  };
  expect(doc.results.map((r) => r.node)).toEqual(['a001', 'a002', 'a003', 'b001', 'b002', 'b003']);
  for (const r of doc.results) expect(r).toMatchObject({ ok: false, error: { kind: 'interrupted' } });
  // The service nodes logged out before answering: nothing is left once hwctl has exited.
  expect(t.simA.stats().openSessions).toBe(0);
  expect(t.simB.stats().openSessions).toBe(0);
});

test('the control host killed outright (SIGKILL): the service nodes still log out', async () => {
  const { signal } = await hwctl(['rpower', 'rackA,rackB', 'on', '--wait', '120', '-i', t.hier], (child) => {
    void until(
      'sessions open on both fleets',
      () => t.simA.stats().openSessions > 0 && t.simB.stats().openSessions > 0,
    )
      .then(() => child.kill('SIGKILL'))
      .catch(() => child.kill('SIGKILL'));
  });
  expect(signal).toBe('SIGKILL');
  // Its ssh sees stdin close, the service node sees its stdin close: it stops and logs out.
  await until(
    'every session closed',
    () => t.simA.stats().openSessions === 0 && t.simB.stats().openSessions === 0,
  );
});
