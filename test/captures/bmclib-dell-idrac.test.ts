/**
 * Every command against the Dell iDRAC pieces bmclib's tests hold (test/fixtures/redfish/bmclib-dell-idrac):
 * a service root, the Managers collection with an iDRAC 17G Manager and its SEL (two entries, both with
 * Id "1"; a LogServices collection counting 3 members and listing 1), the Chassis collection with a
 * PowerEdge R750 chassis and its Power, and no Systems collection. bmcstate answers from the Manager;
 * every command that needs the System fails with the 404 of the Systems collection, named.
 */
import { describe, it, expect } from '@jest/globals';
import { fixture, startMockups, useFleet } from '../helpers/sim-harness.js';
import { rpower, rsetboot } from '../power/harness.js';
import { rinv, rvitals } from '../inventory-cmd/harness.js';
import { rbeacon, reventlog } from '../eventlog/harness.js';

const CAPTURE = 'bmclib-dell-idrac';
const m = useFleet(() => startMockups([CAPTURE]));
const node = () => m.sim.nodes[0]!.name;
const SYSTEMS_404 = /^\[404\] .*\(GET \/redfish\/v1\/Systems(\?\$expand=\.)?: not found on this BMC/;

describe('Dell iDRAC (bmclib fixtures)', () => {
  it("rpower bmcstate: the iDRAC Manager's Status (Enabled) is BMC Ready", async () => {
    const mgr = fixture(CAPTURE, 'Managers/iDRAC.Embedded.1');
    expect(mgr.Status).toEqual({ State: 'Enabled', Health: 'OK' });
    const r = await rpower(m.sim.inventory, 'all', ['bmcstate']);
    expect(r.code).toBe(0);
    expect(r.byNode.get(node())).toBe('BMC Ready');
  });

  it('every command that needs the System: one error naming the absent Systems collection', async () => {
    expect(fixture(CAPTURE).Systems).toEqual({ '@odata.id': '/redfish/v1/Systems' });
    const runs = [
      () => rinv(m.sim.inventory, 'all', ['all'], { output: 'json' }),
      () => rvitals(m.sim.inventory, 'all', ['all'], { output: 'json' }),
      () => reventlog(m.sim.inventory, 'all', ['all'], { output: 'json' }),
      () => rpower(m.sim.inventory, 'all', ['stat'], { output: 'json' }),
      () => rpower(m.sim.inventory, 'all', ['off'], { output: 'json' }),
      () => rsetboot(m.sim.inventory, 'all', ['stat'], { output: 'json' }),
      () => rsetboot(m.sim.inventory, 'all', ['net'], { output: 'json' }),
      () => rbeacon(m.sim.inventory, 'all', ['stat'], { output: 'json' }),
      () => rbeacon(m.sim.inventory, 'all', ['on'], { output: 'json' }),
    ];
    for (const run of runs) {
      const r = await run();
      expect(r.code).toBe(1);
      expect(r.json!.results).toHaveLength(1);
      expect(r.json!.results[0]!.error!.message).toMatch(SYSTEMS_404);
    }
    // Nothing was changed on the way: no PATCH or action was sent.
    const sent = Object.keys(m.sim.stats().perNode[node()]!.endpoints).filter(
      (k) => /^(PATCH|POST) /.test(k) && !k.includes('SessionService'),
    );
    expect(sent).toEqual([]);
  });
});
