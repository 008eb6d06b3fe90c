/**
 * A BMC that reboots in the middle of a run, through the real executable (dist/, built by `npm test`):
 * its pooled connections are reset while the node has reads waiting, and the retries meet a refused
 * port. The node fails; the process must not crash, and every other node keeps its result.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { FleetStats } from '../../src/sim/stats.js';
import { runCli } from '../helpers/cli.js';

let sim: Simulator;

beforeAll(async () => {
  // The BMC stays away longer than the node's retries (0.5 + 1 s): its requests end refused, not in a
  // re-login race with the BMC back (that is the sessions code's, not the transport's).
  // iLO has no $expand: rinv reads members two at a time with more waiting, which is what it takes.
  sim = await startSimulator({
    nodes: 3,
    personality: 'ilo',
    faults: { latencyMs: 100 },
    bmcRebootMs: 2500,
    transitionMs: 50,
    adminPort: false,
  });
});
afterAll(async () => {
  await sim?.stop();
});

/** Reboot `node`'s BMC as it receives its `nth` request (two reads in flight, more queued behind them). */
async function rebootAt<T>(node: string, nth: number, run: () => Promise<T>): Promise<T> {
  const count = FleetStats.prototype.request;
  let seen = 0;
  FleetStats.prototype.request = function (n, method, path) {
    if (n === node && ++seen === nth) setImmediate(() => sim.admin.bmcReboot(node, 2500));
    return count.call(this, n, method, path);
  };
  try {
    return await run();
  } finally {
    FleetStats.prototype.request = count;
  }
}

describe('a BMC reboot during rinv', () => {
  // Request 10 is the second of two reads in flight with member reads queued behind them (before the fix:
  // `Unhandled 'error' event ... on ClientRequest ... onSocketNT`, ECONNREFUSED, every result lost).
  it.each([10, 12])(
    'reboot at request %i: one result per node, that node unreachable, exit 1, no crash',
    async (nth) => {
      const target = sim.nodes[1]!.name;
      const r = await rebootAt(target, nth, () =>
        runCli(['-i', sim.inventory, 'rinv', 'all', 'all', '-o', 'json', '-q']),
      );
      expect(r.stderr).not.toMatch(/Unhandled|node:events/);
      expect(r.code).toBe(1);
      const doc = JSON.parse(r.stdout) as {
        results: Array<{ node: string; ok: boolean; error?: { kind: string } }>;
      };
      expect(doc.results.map((x) => [x.node, x.ok ? 'ok' : x.error!.kind])).toEqual(
        sim.nodes.map((n) => [n.name, n.name === target ? 'unreachable' : 'ok']),
      );
      expect(sim.stats().openSessions).toBe(0);
    },
    20000,
  );
});
