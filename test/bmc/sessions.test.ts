/**
 * No BMC session is ever leaked, against the real simulator over HTTPS: requests still running after
 * their node's logout, logins whose answer is malformed or stalls after its head, logouts that meet
 * 503/429/resets, a full OpenBMC session table, and sessions that the BMC keeps dropping.
 */
import { unpatchHttp } from '../helpers/nock-harness.js';
import '../../src/executors/registry.js';
import '../../src/executors/redfish/inventory.js';
import '../../src/executors/openbmc/inventory.js';
import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import {
  closeAllSessions,
  destroyAgents,
  openSessions,
  openbmcClient,
  redfishClient,
} from '../../src/bmc/index.js';
import type { NodeDef, NodeResult } from '../../src/core/types.js';
import { runOperation } from '../../src/engine/run.js';
import { registerBuiltinExecutors } from '../../src/executors/builtin.js';
import { loadInventory } from '../../src/inventory/index.js';
import { inventoryRequest, parseInventoryArgs } from '../../src/managers/inventory.js';
import type { FaultSpec } from '../../src/sim/faults.js';
import { startSimulator } from '../../src/sim/fleet.js';
import type { Simulator } from '../../src/sim/fleet.js';
import { FleetStats } from '../../src/sim/stats.js';
import { recordingServices, startMixedFleet, testContext } from './helpers.js';

unpatchHttp();
registerBuiltinExecutors();

let sim: Simulator;
let nodes: NodeDef[];
let passwords: Map<string, string>;

beforeAll(async () => {
  ({ sim, nodes, passwords } = await startMixedFleet({ transitionMs: 50, seed: 11 }));
});

afterEach(async () => {
  sim.admin.clearFaults();
  await closeAllSessions(2000);
});

afterAll(async () => {
  destroyAgents();
  await sim.stop();
});

/** `rinv all` through the engine, as the CLI runs it. */
function rinvAll(options: Record<string, unknown> = {}, only: NodeDef[] = nodes): Promise<NodeResult[]> {
  const services = recordingServices(options);
  return runOperation(inventoryRequest(only, parseInventoryArgs(['all'])), {
    services,
    passwords,
    timeoutMs: 20_000,
    fanout: 16,
  });
}

/**
 * Wait until the simulator has seen no request for `quietMs`: a request a node left running when it
 * finished (a sibling of a failed one) may still log in after the run returned.
 */
async function settled(quietMs = 150): Promise<void> {
  let last = -1;
  while (sim.stats().totalRequests !== last) {
    last = sim.stats().totalRequests;
    await new Promise((r) => setTimeout(r, quietMs));
  }
}

/** No session open on any BMC of the simulator, none in hwctl's ledger. */
function expectNoSessions(): void {
  expect(sim.stats().openSessions).toBe(0);
  expect(openSessions()).toEqual([]);
}

function nodeOf(flavor: 'redfish' | 'openbmc'): NodeDef {
  const s = sim.nodes.find(
    (n) => n.flavor === flavor && (flavor === 'openbmc' || n.personality === 'generic'),
  )!;
  return nodes.find((n) => n.name === s.name)!;
}

function requestsTo(node: string, re: RegExp): number {
  return Object.entries(sim.stats().perNode[node]?.endpoints ?? {})
    .filter(([k]) => re.test(k))
    .reduce((a, [, v]) => a + v, 0);
}

const LOGIN = '^/(redfish/v1/SessionService/Sessions|login)$';
const LOGOUT_PATH = '^/(redfish/v1/SessionService/Sessions/.+|logout)$';
const LOGOUT = /^(DELETE \/redfish\/v1\/SessionService\/Sessions\/|POST \/logout$)/;

/**
 * `spec` on `node`'s logouts, for its first `n` logouts only: the BMC fails a logout a given number of
 * times, deterministically. Returns the function that unhooks.
 */
function faultFirst(node: string, n: number, spec: FaultSpec): () => void {
  const count = FleetStats.prototype.request;
  let seen = 0;
  sim.admin.setFaults({ ...spec, pathPattern: LOGOUT_PATH }, node);
  FleetStats.prototype.request = function (name, method, path) {
    // Counted before the simulator decides the request's fault: clearing here spares this request.
    if (name === node && LOGOUT.test(`${method} ${path}`) && ++seen > n) sim.admin.clearFaults(node);
    return count.call(this, name, method, path);
  };
  return () => {
    FleetStats.prototype.request = count;
  };
}

describe('sessions are never leaked', () => {
  it('requests still running after their node logged out (resets on reads) open no new session: four rinv all runs leave none', async () => {
    // Reads fail at random; a node fails at its first failed read while its other reads are still
    // retrying. Those meet the logout (401) and must not log in again.
    sim.admin.setFaults({
      reset: 0.3,
      pathPattern: '^/(redfish/v1/(Systems|Chassis|Managers|UpdateService)|xyz)',
    });
    let left = 0;
    for (let i = 0; i < 4; i++) {
      const r = await rinvAll({ retryBaseMs: 50 });
      expect(r.map((x) => x.node)).toEqual(nodes.map((n) => n.name));
      await settled();
      left += sim.stats().openSessions;
      sim.admin.expireSessions(); // each run counted on its own
    }
    expect(left).toBe(0);
    expect(openSessions()).toEqual([]);
  });

  it.each(['redfish', 'openbmc'] as const)(
    '%s: a client asked for after the node finished (an operation going on past its end) does not log in',
    async (flavor) => {
      const node = nodeOf(flavor);
      const ctx = testContext(node, recordingServices(), passwords.get(node.name));
      await (flavor === 'redfish' ? redfishClient(ctx) : openbmcClient(ctx));
      await ctx.cleanup();
      // What the engine does after a node's cleanups: its clients are let go.
      for (const key of ['bmc:transport', 'bmc:redfish', 'bmc:openbmc']) ctx.forget(key);
      sim.admin.resetStats();
      const late = flavor === 'redfish' ? redfishClient(ctx) : openbmcClient(ctx);
      await expect(late).rejects.toMatchObject({ kind: 'interrupted' });
      expect(sim.stats().totalRequests).toBe(0);
      await ctx.cleanup();
      expectNoSessions();
    },
  );

  it('OpenBMC /login answered 200 with a malformed body: the node fails, and its session (cookie in the head) is logged out', async () => {
    const node = nodeOf('openbmc');
    sim.admin.setFaults({ malformedJson: 1, pathPattern: '^/login$' }, node.name);
    sim.admin.resetStats();
    const [r] = await rinvAll({}, [node]);
    expect(r).toMatchObject({
      ok: false,
      error: { kind: 'protocol', message: expect.stringContaining('Received wrong format response') },
    });
    expect(requestsTo(node.name, /^POST \/logout$/)).toBe(1);
    expectNoSessions();
  });

  it.each(['redfish', 'openbmc'] as const)(
    '%s: a login whose head came but whose body stalls is still logged out with what the head gave',
    async (flavor) => {
      const node = nodeOf(flavor);
      sim.admin.setFaults({ slowBody: 1, slowBodyMs: 5000, pathPattern: LOGIN }, node.name);
      sim.admin.resetStats();
      const started = Date.now();
      const [r] = await rinvAll({ loginTimeoutMs: 300 }, [node]);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(r).toMatchObject({ ok: false, error: { kind: 'timeout' } });
      expect(requestsTo(node.name, LOGOUT)).toBe(1);
      expectNoSessions();
    },
  );

  it.each([
    ['redfish', 'reset twice', { reset: 1 }, 2],
    ['openbmc', 'reset twice', { reset: 1 }, 2],
    ['redfish', '503 (Retry-After: 1) once', { error503: 1 }, 1],
  ] as const)(
    '%s: a logout answered %s is sent again, within the logout timeout',
    async (flavor, _what, spec, n) => {
      const node = nodeOf(flavor);
      sim.admin.resetStats();
      const unhook = faultFirst(node.name, n, spec);
      try {
        const started = Date.now();
        const [r] = await rinvAll({}, [node]);
        expect(r).toMatchObject({ ok: true });
        expect(Date.now() - started).toBeLessThan(4000);
      } finally {
        unhook();
      }
      expect(requestsTo(node.name, LOGOUT)).toBe(n + 1);
      expectNoSessions();
    },
  );

  it('a logout is given up once its tries or its time are spent: bounded, never an error', async () => {
    const node = nodeOf('redfish');
    sim.admin.resetStats();
    const unhook = faultFirst(node.name, 99, { error503: 1 });
    try {
      const started = Date.now();
      const [r] = await rinvAll({ logoutTimeoutMs: 1500 }, [node]);
      expect(r).toMatchObject({ ok: true });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      unhook();
    }
    // Retry-After: 1 fits once in 1.5 s, not twice.
    expect(requestsTo(node.name, LOGOUT)).toBe(2);
    expect(sim.stats().openSessions).toBe(1); // what the BMC kept, nothing hwctl could do
    sim.admin.expireSessions();
  });

  it('a session the BMC drops again right after the re-login is said so, not reported as bad credentials', async () => {
    const node = nodeOf('redfish');
    sim.admin.setFaults({ expireSessionsEveryMs: 1 }, node.name);
    const [r] = await rinvAll({}, [node]);
    expect(r).toMatchObject({
      ok: false,
      error: {
        kind: 'auth',
        message: expect.stringMatching(/^The BMC session expired again after a new login/),
      },
    });
    sim.admin.clearFaults();
    expectNoSessions();
  });
});

describe('OpenBMC REST with a full session table', () => {
  let small: Simulator;
  let node: NodeDef;
  let password: string;
  beforeAll(async () => {
    small = await startSimulator({ nodes: 1, flavor: 'openbmc', sessionLimit: 1, adminPort: false, seed: 3 });
    node = [...(await loadInventory(small.inventory)).nodes.values()][0]!;
    password = (await readFile(small.passwordFile, 'utf8')).trim();
  });
  afterAll(async () => {
    await small.stop();
  });

  it('/login answers 503 (table full): the node falls back to Basic alone at once, opens and leaves nothing', async () => {
    const holder = testContext(node, recordingServices(), password);
    await openbmcClient(holder); // takes the only session
    expect(small.stats().openSessions).toBe(1);
    small.admin.resetStats();
    const started = Date.now();
    const [r] = await runOperation(inventoryRequest([node], parseInventoryArgs(['all'])), {
      services: recordingServices({ retryBaseMs: 500 }),
      passwords: new Map([[node.name, password]]),
      timeoutMs: 20_000,
    });
    expect(r).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(small.stats().perNode[node.name]!.endpoints['POST /login']).toBe(1);
    expect(small.stats().perNode[node.name]!.endpoints['POST /logout'] ?? 0).toBe(0);
    await holder.cleanup();
    expect(small.stats().openSessions).toBe(0);
    expect(openSessions()).toEqual([]);
  });
});
