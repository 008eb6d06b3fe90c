/**
 * `hwctl sim --from-mockup` of a capture with several Systems behind one BMC: the inventory it writes
 * has one node per System, each with `system:`, so every command works on each node (before, one node
 * and "This BMC has 4 systems" for every command). And the request budget of rvitals on a 4-node
 * enclosure with 760 sensors and no $expand (docs/performance.md).
 */
import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { requestsFor, useFleet } from '../../helpers/sim-harness.js';
import { rvitals } from '../../inventory-cmd/harness.js';
import { NODES, bigEnclosure, copyCapture, serveCapture } from './derived-captures.js';

describe('a capture with several Systems', () => {
  const f = useFleet(() => serveCapture(copyCapture('dmtf-public-bladed')));

  it('the inventory has a node per System, with system:, and each node reads its own System', async () => {
    const systems = f.copy.members('/redfish/v1/Systems').map((p) => f.copy.read(p));
    expect(systems).toHaveLength(4);
    const text = readFileSync(f.sim.inventory, 'utf8');
    for (const s of systems)
      expect(text).toContain(
        `"sim001-${s.Id as string}": {bmc: "${f.sim.nodes[0]!.url}", mgt: redfish, system: "${s.Id as string}"`,
      );
    const r = await rvitals(f.sim.inventory, 'all', ['temp']);
    expect(r.code).toBe(0);
    expect(r.err.join('')).not.toContain('systems');
    for (const s of systems) expect(r.lines(`sim001-${s.Id as string}`).length).toBeGreaterThan(0);
  });
});

describe('rvitals on a 4-node enclosure with 760 sensors, no $expand', () => {
  const f = useFleet(() => serveCapture(bigEnclosure(190)));

  it("one node's rvitals reads its own chassis and the enclosure, through Thermal/Power", async () => {
    const sensors = NODES.map((n) => f.copy.members(`/redfish/v1/Chassis/${n}/Sensors`).length);
    expect(sensors.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(760);
    const t0 = Date.now();
    const requests = await requestsFor(f.sim, 'sim001', () => rvitals(f.sim.inventory, 'sim001-Node1', []));
    const ms = Date.now() - t0;
    // Login, root, Systems (+4), Chassis (+5), Node1 and Enclosure Thermal/Power, the Sensors listing, logout.
    expect(requests).toBeLessThan(30);
    process.stdout.write(`rvitals on one node of the 760-sensor enclosure: ${requests} requests, ${ms} ms\n`);
  });
});
