/**
 * The fault matrix's Ctrl-C row (docs/fault-matrix.md): SIGINT while every node is logged in and its
 * read hangs. The real executable in a child process (signals are the process's), the simulator here.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { startFleet, type Fleet, type JsonDocument } from '../helpers/sim-harness.js';
import { BIN, ROOT } from '../helpers/cli.js';
import { LOGOUT_TIMEOUT_MS, PATHS, SLACK_MS } from './matrix.js';
import { waitFor } from '../sim/http.js';

let fleet: Fleet;
beforeAll(async () => {
  // mixed + generic: sim001/sim003 Redfish, sim002/sim004 OpenBMC REST.
  fleet = await startFleet({ nodes: 4, flavor: 'mixed', personality: 'generic', initialPower: 'On' });
  for (const n of fleet.sim.nodes) {
    const read = PATHS[n.flavor].read;
    fleet.sim.admin.setFaults({ hang: 1, pathPattern: read.path, methodPattern: read.method }, n.name);
  }
});
afterAll(async () => {
  await fleet?.sim.stop();
});

it('Ctrl-C with every node logged in and hung: exit 130, one interrupted result per node, every session closed, quickly', async () => {
  const child = spawn(
    process.execPath,
    // --auth session: rpower stat prefers Basic (docs/performance.md); this row is about open sessions.
    [BIN, '-i', fleet.inventory, 'rpower', 'all', 'stat', '-o', 'json', '-t', '30', '--auth', 'session'],
    {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', HWCTL_INVENTORY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const names = fleet.sim.nodes.map((n) => n.name);
  // Every node holds a session and waits on its hung read.
  await waitFor(() => {
    const per = fleet.sim.stats().perNode;
    return names.every((n) => per[n]?.sessions === 1 && (per[n]?.faults.hang ?? 0) > 0);
  }, 15_000);
  const signalled = Date.now();
  child.kill('SIGINT');
  const code = await exited;
  const tookMs = Date.now() - signalled;

  expect({ code, stderr: code === 130 ? '' : stderr }).toEqual({ code: 130, stderr: '' });
  const doc = JSON.parse(stdout) as JsonDocument;
  expect(doc.results.map((r) => r.node)).toEqual(names);
  for (const r of doc.results) expect(r).toMatchObject({ ok: false, error: { kind: 'interrupted' } });
  expect(tookMs).toBeLessThan(LOGOUT_TIMEOUT_MS + SLACK_MS);
  expect(fleet.sim.stats().openSessions).toBe(0);
}, 30_000);
