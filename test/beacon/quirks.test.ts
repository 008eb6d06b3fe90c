/**
 * rbeacon's LED quirks against the simulator: IndicatorLED-only BMCs (iDRAC, iLO) are driven through
 * IndicatorLED with quirk led-indicator-only listed in json; --no-quirks (generic Redfish) wants
 * LocationIndicatorActive and says unsupported there, touching nothing.
 */
import { describe, it, expect } from '@jest/globals';
import { endpoints, startKindFleet, useFleet, type JsonResult } from '../helpers/sim-harness.js';
import { rbeacon } from '../eventlog/harness.js';

const f = useFleet(() => startKindFleet());
type WithQuirks = JsonResult & { quirks?: string[]; error?: { kind: string; message: string } };

describe('led-indicator-only', () => {
  it('on: IndicatorLED=Lit where it is the only property, and the quirk is listed', async () => {
    const nodes = [f.node.idrac, f.node.ilo, f.node.bmcweb].join(',');
    const r = await rbeacon(f.sim.inventory, nodes, ['on'], { output: 'json' });
    expect(r.code).toBe(0);
    const by = Object.fromEntries(r.json!.results.map((x) => [x.node, x as WithQuirks]));
    for (const n of [f.node.idrac, f.node.ilo]) {
      expect(by[n]!.value).toMatchObject({ state: 'on', sent: 'IndicatorLED=Lit' });
      expect(by[n]!.quirks).toContain('led-indicator-only');
    }
    expect(by[f.node.bmcweb]!.quirks).toEqual([]);
  });

  it('--no-quirks: unsupported where only IndicatorLED exists, nothing written', async () => {
    f.sim.admin.resetStats();
    const r = await rbeacon(f.sim.inventory, [f.node.ilo, f.node.bmcweb].join(','), ['off'], {
      output: 'json',
      extra: { quirks: false },
    });
    expect(r.code).toBe(1);
    const by = Object.fromEntries(r.json!.results.map((x) => [x.node, x as WithQuirks]));
    expect(by[f.node.ilo]!.error).toEqual({
      kind: 'unsupported',
      message:
        '/redfish/v1/Systems/1/ has no LocationIndicatorActive, only the deprecated IndicatorLED (used unless --no-quirks)',
    });
    expect(Object.keys(endpoints(f.sim, f.node.ilo)).filter((k) => k.startsWith('PATCH'))).toEqual([]);
    expect(by[f.node.bmcweb]!.value).toMatchObject({ state: 'off' });
  });
});
