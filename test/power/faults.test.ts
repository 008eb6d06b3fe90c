/**
 * rpower on a fleet where some BMCs misbehave: every failure ends as that node's error (with its kind),
 * the rest of the fleet is unaffected, hung BMCs cannot hold the run past the deadline, and no session is
 * left open anywhere.
 */
import { describe, it, expect, afterAll } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { rpower } from './harness.js';

const sims: Simulator[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.stop()));
});

describe('faults', () => {
  it('a fleet in which 10% of the BMCs hang finishes within the timeout; those nodes are timeouts', async () => {
    const sim = await startSimulator({
      nodes: 20,
      flavor: 'mixed',
      personality: 'mixed',
      transitionMs: 60,
      adminPort: false,
      // Logged in, then the state read never answers (so there is a session to close after the deadline).
      nodeFaults: { 'sim[007,014]': { hang: 1, pathPattern: '/Systems|/state/' } },
    });
    sims.push(sim);
    const hung = ['sim007', 'sim014'];
    const flavors = Object.fromEntries(sim.nodes.map((n) => [n.name, n.flavor]));
    expect(new Set(hung.map((n) => flavors[n]))).toEqual(new Set(['redfish', 'openbmc']));
    const started = Date.now();
    const r = await rpower(sim.inventory, 'all', ['stat'], { timeout: 1.5, output: 'json' });
    const took = Date.now() - started;
    expect(took).toBeLessThan(1500 + 1500);
    expect(r.code).toBe(1);
    for (const x of r.json!.results) {
      if (hung.includes(x.node)) {
        expect(x.error).toEqual({ kind: 'timeout', message: 'operation timed out after 1.5 s' });
      } else {
        expect(x).toMatchObject({ ok: true, value: { state: 'on' } });
      }
    }
    expect(sim.stats().openSessions).toBe(0);
    for (const n of hung) expect(sim.stats().perNode[n]!.faults.hang).toBeGreaterThan(0);
  });

  it('refused, reset, 500 with HTML, 503, malformed JSON, certificate mismatch, bad password: each its own node error', async () => {
    const systems = '/Systems';
    const sim = await startSimulator({
      nodes: 9,
      flavor: 'redfish',
      personality: 'generic',
      transitionMs: 60,
      adminPort: false,
      nodeFaults: {
        sim002: { reset: 1, pathPattern: systems },
        sim003: { error500Html: 1, pathPattern: systems },
        sim004: { error503: 1, pathPattern: systems },
        sim005: { malformedJson: 1, pathPattern: systems },
        sim006: { certMismatch: true },
      },
    });
    sims.push(sim);
    sim.admin.updateFaults({ down: true }, 'sim001'); // after start: a node down from the start has no port
    // sim007 gets a wrong password; sim008 and sim009 are healthy.
    const inventory = join(sim.stateDir, 'faults.yaml');
    const wrong = join(sim.stateDir, 'wrong-password');
    writeFileSync(wrong, 'not-the-password\n', { mode: 0o600 });
    const lines = [
      'defaults:',
      `  username: ${JSON.stringify(sim.username)}`,
      `  password: {file: ${JSON.stringify(sim.passwordFile)}}`,
      `  tls: {mode: verify, ca: ${JSON.stringify(sim.caFile)}}`,
      'nodes:',
      ...sim.nodes.map(
        (n) =>
          `  ${n.name}: {bmc: ${JSON.stringify(n.url)}, mgt: ${n.flavor}` +
          (n.name === 'sim007' ? `, password: {file: ${JSON.stringify(wrong)}}` : '') +
          '}',
      ),
    ];
    writeFileSync(inventory, lines.join('\n') + '\n', { mode: 0o600 });

    const r = await rpower(inventory, 'all', ['on'], { output: 'json', timeout: 20 });
    expect(r.code).toBe(1);
    const by = Object.fromEntries(r.json!.results.map((x) => [x.node, x]));
    const kinds = Object.fromEntries(r.json!.results.map((x) => [x.node, x.ok ? 'ok' : x.error!.kind]));
    expect(kinds).toEqual({
      sim001: 'unreachable',
      sim002: 'unreachable',
      sim003: 'http',
      sim004: 'http',
      sim005: 'protocol',
      sim006: 'tls',
      sim007: 'auth',
      sim008: 'ok',
      sim009: 'ok',
    });
    expect(by.sim001!.error!.message).toMatch(
      /^BMC did not respond\. Validate BMC configuration and retry the command\. \(connection refused/,
    );
    expect(by.sim002!.error!.message).toMatch(/connection reset/);
    expect(by.sim003!.error!.message).toMatch(/500/);
    expect(by.sim004!.error!.message).toMatch(/503/);
    expect(by.sim007!.error!.message).toMatch(/^\[401\]/);
    expect(by.sim008!.value).toMatchObject({ state: 'on', changed: false });
    // No power action reached a BMC whose state could not be read.
    for (const n of ['sim002', 'sim003', 'sim004', 'sim005']) {
      expect(Object.keys(sim.stats().perNode[n]!.endpoints).filter((k) => k.includes('Reset'))).toEqual([]);
    }
    expect(sim.stats().openSessions).toBe(0);
  });
});
