/**
 * The client's own Manager and Chassis choice (rbeacon, rpower bmcstate) on a link-less Node0..Node3
 * enclosure (test/sim/redfish/derived-captures.ts), with the Systems' LED properties taken away so the
 * LED is the chassis' (the `led-on-chassis` quirk, as on XCC or BlueField). A blade's LED is its own
 * chassis', never the first chassis of the collection (another blade's or the enclosure's); its BMC
 * state is the enclosure manager's, not the auxiliary controller the Managers collection lists first.
 */
import { describe, it, expect } from '@jest/globals';
import { endpoints, useFleet } from '../helpers/sim-harness.js';
import { rbeacon } from '../eventlog/harness.js';
import { rpower } from '../power/harness.js';
import { NODES, linklessEnclosure, serveCapture } from '../sim/redfish/derived-captures.js';

const f = useFleet(() => {
  const c = linklessEnclosure();
  for (const n of NODES)
    c.edit(`/redfish/v1/Systems/${n}`, (d) => {
      delete d.IndicatorLED;
      delete d.LocationIndicatorActive;
    });
  return serveCapture(c);
});
const node = (n: string) => `sim001-${n}`;
const C = '/redfish/v1/Chassis';

describe('link-less enclosure: the client picks each blade’s own chassis and the real manager', () => {
  it('rbeacon on a blade lights its own chassis and no other', async () => {
    f.sim.admin.resetStats();
    const on = await rbeacon(f.sim.inventory, node('Node2'), ['on'], { output: 'json' });
    expect(on.code).toBe(0);
    expect(on.json!.results[0]!.value).toMatchObject({ state: 'on' });
    const patches = Object.keys(endpoints(f.sim, 'sim001')).filter((k) => k.startsWith('PATCH '));
    expect(patches).toEqual([`PATCH ${C}/Node2`]);

    // Each blade reads its own LED back: only Node2's is on.
    const stat = await rbeacon(f.sim.inventory, 'all', ['stat'], { output: 'json' });
    expect(stat.code).toBe(0);
    const states = Object.fromEntries(
      stat.json!.results.map((r) => [r.node, [r.value!.state, r.value!.source]]),
    );
    for (const n of NODES)
      expect(states[node(n)]).toEqual([
        n === 'Node2' ? 'on' : 'off',
        expect.stringMatching(new RegExp(`^${C}/${n} `)),
      ]);
    await rbeacon(f.sim.inventory, node('Node2'), ['off']);
  });

  it('rpower bmcstate reads the enclosure manager, not the auxiliary controller listed first', async () => {
    f.sim.admin.resetStats();
    const r = await rpower(f.sim.inventory, node('Node1'), ['bmcstate'], { extra: { debug: true } });
    expect(r.code).toBe(0);
    expect(r.byNode.get(node('Node1'))).toBe('BMC Ready'); // its Status.State is blank: not NotReady
    expect(r.err.join('\n')).toMatch(
      /Manager \/redfish\/v1\/Managers\/MultiBladeBMC used \(of 2; the System has no Links\.ManagedBy\): ManagerType EnclosureManager/,
    );
  });
});
