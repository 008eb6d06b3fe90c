/**
 * One answer for one LED: on BMCs that have both LocationIndicatorActive and IndicatorLED (the generic
 * personality, and the bmcweb capture), where identify on shows IndicatorLED Blinking, `rbeacon on`,
 * `rbeacon stat` and `rvitals leds` all say on. xCAT prints `on` for `rbeacon on`.
 */
import { describe, it, expect } from '@jest/globals';
import { BMCWEB, startFleet, useFleet, FIXTURES } from '../helpers/sim-harness.js';
import { join } from 'node:path';
import { rbeacon } from '../eventlog/harness.js';
import { rvitals } from '../inventory-cmd/harness.js';

const f = useFleet(() =>
  startFleet({ nodes: 2, personality: 'generic', fromMockup: [join(FIXTURES, BMCWEB)] }),
);

describe('rbeacon on / stat and rvitals leds agree', () => {
  it('on prints on (read back), stat prints on, rvitals leds prints On', async () => {
    const nodes = Object.values(f.node).join(',');
    const on = await rbeacon(f.inventory, nodes, ['on']);
    expect(on.code).toBe(0);
    const stat = await rbeacon(f.inventory, nodes, ['stat']);
    const vitals = await rvitals(f.inventory, nodes, ['leds']);
    for (const n of Object.values(f.node)) {
      // what the BMC itself shows: identify blinks
      expect(f.sim.machine(n).indicatorLed()).toBe('Blinking');
      expect(on.lines.get(n)).toEqual(['on']);
      expect(stat.lines.get(n)).toEqual(['on']);
      expect(vitals.lines(n)).toContain('LEDs System Identify: On');
    }
  });
});
