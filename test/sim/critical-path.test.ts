/**
 * The per-node critical path in the simulator's stats: the longest chain of a node's requests that did
 * not overlap in time, measured over real HTTP (the injected latency is what makes requests overlap).
 */
import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { FleetStats, summarizeCriticalPaths, NodeCounters } from '../../src/sim/stats.js';
import { http } from './http.js';

// Long enough that two requests fired together are both in flight at once even on a loaded machine.
const LATENCY_MS = 150;

let sim: Simulator;
let auth: { user: string; password: string };

beforeAll(async () => {
  sim = await startSimulator({
    nodes: 3,
    flavor: 'redfish',
    http: true,
    adminPort: false,
    faults: { latencyMs: LATENCY_MS },
    seed: 'critical-path',
  });
  auth = { user: sim.username, password: (await readFile(sim.passwordFile, 'utf8')).trim() };
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  sim.admin.resetStats();
});

const get = async (node: string, path = '/redfish/v1/Systems/1'): Promise<void> => {
  const r = await http(`${sim.url(node)}${path}`, { auth, timeoutMs: 5000 });
  expect(r.status).toBe(200);
};

const nodeStats = (node: string) => {
  const s = sim.stats(node).perNode[node];
  if (!s) throw new Error(`no stats for ${node}`);
  return s;
};

describe('critical path over HTTP', () => {
  it('counts every request of a strictly sequential client', async () => {
    for (let i = 0; i < 4; i++) await get('sim001');
    expect(nodeStats('sim001')).toMatchObject({ requests: 4, criticalPath: 4 });
  });

  it('counts two requests in flight together once', async () => {
    await Promise.all([get('sim001'), get('sim001', '/redfish/v1/Chassis/1')]);
    await get('sim001');
    expect(nodeStats('sim001')).toMatchObject({ requests: 3, criticalPath: 2 });
  });

  it('keeps nodes apart and sums them up over the nodes that served requests', async () => {
    await Promise.all([
      (async () => {
        for (let i = 0; i < 3; i++) await get('sim001');
      })(),
      get('sim002'),
    ]);
    expect(nodeStats('sim001').criticalPath).toBe(3);
    expect(nodeStats('sim002').criticalPath).toBe(1);
    expect(nodeStats('sim003')).toMatchObject({ requests: 0, criticalPath: 0 });
    // sim003 served nothing: left out of the summary
    expect(sim.stats().criticalPath).toEqual({ nodes: 2, median: 2, max: 3, mean: 2 });
  });

  it('resetStats clears it, and a request in flight across the reset does not count after it', async () => {
    await get('sim001');
    await get('sim001');
    expect(nodeStats('sim001').criticalPath).toBe(2);
    sim.admin.resetStats();
    expect(nodeStats('sim001')).toMatchObject({ requests: 0, criticalPath: 0 });
    expect(sim.stats().criticalPath).toEqual({ nodes: 0, median: 0, max: 0, mean: 0 });

    const inFlight = get('sim002');
    await new Promise((r) => setTimeout(r, LATENCY_MS / 2)); // arrived, still in its latency
    sim.admin.resetStats();
    await inFlight;
    expect(nodeStats('sim002')).toMatchObject({ requests: 0, criticalPath: 0 });
    await get('sim002');
    expect(nodeStats('sim002')).toMatchObject({ requests: 1, criticalPath: 1 });
  });
});

describe('FleetStats.finished (the greedy, fed in finish order)', () => {
  it('finds the longest chain when a long request spans short ones', () => {
    const s = new FleetStats();
    const t = (node: string) => s.request(node, 'GET', '/x');
    // A [0,100] spans B [10,20] and C [30,40]; finish order B, C, A: the chain is B, C
    const a = t('n');
    const b = t('n');
    const c = t('n');
    s.finished('n', b, 10, 20);
    s.finished('n', c, 30, 40);
    s.finished('n', a, 0, 100);
    expect(s.node('n').criticalPath).toBe(2);
    // a request starting exactly when the chain's last one ended still follows it
    s.finished('n', t('n'), 100, 150);
    expect(s.node('n').criticalPath).toBe(3);
  });

  it('summarizes with the median of an odd and an even count', () => {
    const counters = (chains: number[]) =>
      chains.map((k) => Object.assign(new NodeCounters(), { requests: k, criticalPath: k }));
    expect(summarizeCriticalPaths(counters([5, 1, 3]))).toEqual({ nodes: 3, median: 3, max: 5, mean: 3 });
    expect(summarizeCriticalPaths(counters([4, 1, 2, 5]))).toEqual({ nodes: 4, median: 3, max: 5, mean: 3 });
  });
});
