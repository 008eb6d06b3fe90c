/**
 * A host that is powered but quiesced (crashed or halted OS): xCAT prints `quiesced` for OpenBMC's host
 * state Quiesced; Redfish shows it as PowerState On with Status.State Quiesced (bmcweb). Both flavors print
 * `quiesced`: every simulator personality, OpenBMC REST, and the bmcweb capture in mockup mode.
 */
import { describe, it, expect } from '@jest/globals';
import { BMCWEB, startKindFleet, startMockups, useFleet } from '../helpers/sim-harness.js';
import { rpower } from './harness.js';

const kinds = useFleet(() => startKindFleet({ initialPower: 'On' }));
const mockup = useFleet(() => startMockups([BMCWEB]));

const QUIESCED = { verb: 'stat', state: 'quiesced', changed: false, phase: 'other' };

describe('a quiesced host prints quiesced', () => {
  it('every personality and OpenBMC REST', async () => {
    const all = kinds.all.join(',');
    kinds.sim.admin.quiesce(all);
    const r = await rpower(kinds.sim.inventory, all, ['stat'], { output: 'json' });
    expect(r.code).toBe(0);
    expect(r.json!.results).toHaveLength(5);
    for (const res of r.json!.results) expect([res.node, res.value]).toEqual([res.node, QUIESCED]);
  });

  it('the bmcweb capture (mockup mode)', async () => {
    const n = mockup.node[BMCWEB]!;
    // The frontend loads the capture (host off) at its first request: then power the host on.
    expect((await rpower(mockup.sim.inventory, n, ['stat'])).byNode.get(n)).toBe('off');
    mockup.sim.machine(n).seedPower('On');
    mockup.sim.admin.quiesce(n);
    const r = await rpower(mockup.sim.inventory, n, ['stat']);
    expect(r.code).toBe(0);
    expect(r.byNode.get(n)).toBe('quiesced');
  });
});
