/**
 * Auth chosen per command (issue 16), through the real executable against the simulator: with `auth: auto`
 * (the default) the commands of one or two requests per node (rpower without --wait, rbeacon, rsetboot,
 * rvitals) use Basic, so a warm `rpower stat` is one request; the others (rinv, rpower --wait) log in; and
 * --auth or the inventory's auth override the command's preference.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { runCli } from '../helpers/cli.js';

const LOGIN = 'POST /redfish/v1/SessionService/Sessions';
let sim: Simulator;
let state: string;

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), 'hwctl-auth-'));
  sim = await startSimulator({ nodes: 3, personality: 'generic', transitionMs: 50, adminPort: false });
});
afterAll(async () => {
  await sim?.stop();
  rmSync(state, { recursive: true, force: true });
});

/** Requests per node of one warm run (a first run fills the discovery cache), and the login count. */
async function warm(...args: string[]): Promise<{ perNode: number; logins: number; stdout: string }> {
  const run = () =>
    runCli(['-i', sim.inventory, ...args], { env: { XDG_STATE_HOME: state }, timeoutMs: 60_000 });
  expect((await run()).code).toBe(0);
  sim.admin.resetStats();
  const r = await run();
  expect(r.code).toBe(0);
  const stats = sim.stats();
  expect(stats.openSessions).toBe(0);
  return {
    perNode: stats.totalRequests / sim.nodes.length,
    logins: stats.endpoints[LOGIN] ?? 0,
    stdout: r.stdout,
  };
}

describe('auth chosen per command (auth: auto)', () => {
  it('rpower stat: Basic, one request per node warm; --auth session: login, System, logout', async () => {
    const basic = await warm('rpower', 'all', 'stat');
    expect(basic).toMatchObject({ perNode: 1, logins: 0 });
    expect(basic.stdout).toBe('sim001: on\nsim002: on\nsim003: on\n');
    expect(await warm('rpower', 'all', 'stat', '--auth', 'session')).toMatchObject({ perNode: 3, logins: 3 });
  });

  it('rbeacon stat, rsetboot stat, rvitals: Basic (no login)', async () => {
    for (const cmd of [
      ['rbeacon', 'all', 'stat'],
      ['rsetboot', 'all', 'stat'],
      ['rvitals', 'all', 'temp'],
    ])
      expect((await warm(...cmd)).logins).toBe(0);
  });

  it('rinv and rpower --wait: a session per node', async () => {
    expect((await warm('rinv', 'all', 'model')).logins).toBe(3);
    expect((await warm('rpower', 'all', 'on', '--wait=5')).logins).toBe(3);
  });
});
