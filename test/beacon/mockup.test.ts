/**
 * rbeacon against the two real captures served in mockup mode: DMTF rackmount1 (IndicatorLED on the
 * System) and OpenBMC bmcweb (IndicatorLED and LocationIndicatorActive on the System). The starting
 * states are read from the capture files.
 */
import { describe, it, expect } from '@jest/globals';
import {
  BMCWEB,
  DMTF_RACKMOUNT as DMTF,
  endpoints,
  fixture as read,
  startRackmountAndBmcweb,
  useFleet,
} from '../helpers/sim-harness.js';
import { rbeacon } from '../eventlog/harness.js';

/** What the captured values mean, written from the Redfish enums. */
const INDICATOR: Record<string, string> = { Off: 'off', Lit: 'on', Blinking: 'blink' };

const m = useFleet(startRackmountAndBmcweb);

describe('captures', () => {
  const dmtfSystem = read(DMTF, 'Systems/437XR1138R2');
  const bmcwebSystem = read(BMCWEB, 'Systems/system');

  it("stat shows each capture's own LED value, from the System", async () => {
    expect(dmtfSystem.LocationIndicatorActive).toBeUndefined();
    expect(typeof bmcwebSystem.LocationIndicatorActive).toBe('boolean');
    const r = await rbeacon(m.sim.inventory, 'all', ['stat'], { output: 'json' });
    const v = new Map(r.json!.results.map((x) => [x.node, x.value!]));
    expect(v.get(m.dmtf)).toMatchObject({
      state: INDICATOR[dmtfSystem.IndicatorLED as string],
      raw: dmtfSystem.IndicatorLED,
      source: '/redfish/v1/Systems/437XR1138R2 IndicatorLED',
    });
    // bmcweb has both: LocationIndicatorActive is the one read.
    expect(v.get(m.bmcweb)).toMatchObject({
      state: bmcwebSystem.LocationIndicatorActive ? 'on' : 'off',
      source: '/redfish/v1/Systems/system LocationIndicatorActive',
    });
  });

  it('on, then off: written where each capture has it, read back, one write each', async () => {
    m.sim.admin.resetStats();
    const on = await rbeacon(m.sim.inventory, 'all', ['on'], { output: 'json' });
    expect(on.code).toBe(0);
    const v = new Map(on.json!.results.map((x) => [x.node, x.value!]));
    expect(v.get(m.dmtf)).toMatchObject({ state: 'on', sent: 'IndicatorLED=Lit', active: true });
    expect(v.get(m.bmcweb)).toMatchObject({ sent: 'LocationIndicatorActive=true', active: true });
    expect(endpoints(m.sim, m.dmtf)['PATCH /redfish/v1/Systems/437XR1138R2']).toBe(1);
    expect(endpoints(m.sim, m.bmcweb)['PATCH /redfish/v1/Systems/system']).toBe(1);

    const off = await rbeacon(m.sim.inventory, 'all', ['off']);
    expect(off.code).toBe(0);
    expect(off.lines.get(m.dmtf)).toEqual(['off']);
    expect(off.lines.get(m.bmcweb)).toEqual(['off']);
  });
});
