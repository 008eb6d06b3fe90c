/**
 * rbeacon end to end against the simulator over HTTPS: every Redfish personality (generic: both LED
 * properties; idrac and ilo: IndicatorLED only; bmcweb-like openbmc: both, as the bmcweb capture) and the
 * OpenBMC REST flavor (LED groups). Each set is checked against the simulated machine's LED and the
 * requests against the simulator's stats; no session may stay open.
 */
import { describe, it, expect } from '@jest/globals';
import { rbeacon } from '../eventlog/harness.js';
import { endpoints, requestsMatching, startKindFleet, useFleet } from '../helpers/sim-harness.js';

const f = useFleet(() => startKindFleet());

const inv = () => f.sim.inventory;
const led = (n: string) => f.sim.machine(n).indicatorLed();
const count = (n: string, re: RegExp) => requestsMatching(f.sim, n, re);
const WRITES = /^(PATCH|PUT|POST (?!.*(Sessions|login|logout)))/;

describe('rbeacon on every kind of BMC', () => {
  it("stat: off everywhere at start, xCAT's Front/Rear line on OpenBMC REST; one read each", async () => {
    f.sim.admin.resetStats();
    const r = await rbeacon(inv(), 'all', ['stat']);
    expect(r.code).toBe(0);
    for (const n of f.redfish) expect(r.lines.get(n)).toEqual(['off']);
    expect(r.lines.get(f.node['openbmc-rest'])).toEqual(['Front:Off Rear:Off']);
    for (const n of f.redfish) expect(count(n, /^GET .*Systems\/[^/]+\/?$/)).toBe(1);
    expect(count(f.node['openbmc-rest'], /led\/physical\/enumerate/)).toBe(1);
    for (const n of f.all) expect(count(n, WRITES)).toBe(0);
  });

  it("on: each BMC's identify LED lights, read back; IndicatorLED BMCs get Lit, LocationIndicatorActive ones true", async () => {
    f.sim.admin.resetStats();
    const r = await rbeacon(inv(), 'all', ['on'], { output: 'json' });
    expect(r.code).toBe(0);
    const v = new Map(r.json!.results.map((x) => [x.node, x.value!]));
    expect(v.get(f.node.idrac)).toMatchObject({
      state: 'on',
      changed: true,
      sent: 'IndicatorLED=Lit',
      active: true,
    });
    expect(v.get(f.node.ilo)).toMatchObject({ state: 'on', changed: true, sent: 'IndicatorLED=Lit' });
    expect(v.get(f.node.bmcweb)).toMatchObject({
      state: 'on',
      changed: true,
      sent: 'LocationIndicatorActive=true',
    });
    // The generic BMC blinks for identify (IndicatorLED reads Blinking), but what was asked and read back is
    // LocationIndicatorActive true: `on`, as rvitals leds says (test/beacon/consistency.test.ts).
    expect(v.get(f.node.generic)).toMatchObject({
      state: 'on',
      sent: 'LocationIndicatorActive=true',
      active: true,
    });
    expect(v.get(f.node['openbmc-rest'])).toMatchObject({
      state: 'on',
      sent: 'enclosure_identify Asserted=true',
      raw: { enclosure_identify: true, enclosure_identify_blink: false },
    });
    for (const k of ['idrac', 'ilo'] as const) expect(led(f.node[k])).toBe('Lit');
    expect(led(f.node['openbmc-rest'])).toBe('Lit');
    for (const k of ['generic', 'bmcweb'] as const) expect(led(f.node[k])).toBe('Blinking');
    for (const n of f.all) expect(count(n, WRITES)).toBe(1);
    // The System: found, (ETag where the body has none,) read back: never more than three reads.
    for (const n of f.redfish) expect(count(n, /^GET .*Systems\/[^/]+\/?$/)).toBeLessThanOrEqual(3);
    expect(count(f.node['openbmc-rest'], /led\/groups\/enumerate/)).toBe(2);

    const stat = await rbeacon(inv(), 'all', ['stat']);
    expect(stat.lines.get(f.node.idrac)).toEqual(['on']);
    expect(stat.lines.get(f.node['openbmc-rest'])).toEqual(['Front:On Rear:On']);
  });

  it('on again sends nothing (the LED already is so)', async () => {
    f.sim.admin.resetStats();
    const r = await rbeacon(inv(), 'all', ['on'], { output: 'json' });
    expect(r.code).toBe(0);
    for (const res of r.json!.results) expect(res.value).toMatchObject({ changed: false });
    for (const n of f.all) expect(count(n, WRITES)).toBe(0);
  });

  // (A LocationIndicatorActive-only BMC, which stays `on` for blink, is covered with captures and nock in
  // test/beacon/quirks.test.ts and odd.test.ts: the bmcweb personality has IndicatorLED too, as bmcweb does.)
  it('blink: IndicatorLED=Blinking, the blink group on OpenBMC REST', async () => {
    f.sim.admin.resetStats();
    const r = await rbeacon(inv(), 'all', ['blink']);
    expect(r.code).toBe(0);
    for (const k of ['generic', 'idrac', 'ilo', 'bmcweb', 'openbmc-rest'] as const) {
      expect(r.lines.get(f.node[k])).toEqual(['blink']);
      expect(led(f.node[k])).toBe('Blinking');
    }
    // OpenBMC REST: the steady group is released first, then the blink group asserted.
    const rest = endpoints(f.sim, f.node['openbmc-rest']);
    expect(rest['PUT /xyz/openbmc_project/led/groups/enclosure_identify/attr/Asserted']).toBe(1);
    expect(rest['PUT /xyz/openbmc_project/led/groups/enclosure_identify_blink/attr/Asserted']).toBe(1);
    const stat = await rbeacon(inv(), f.node['openbmc-rest'], ['stat']);
    expect(stat.lines.get(f.node['openbmc-rest'])).toEqual(['Front:Blink Rear:Blink']);
  });

  it('off: every LED off and read back off', async () => {
    const r = await rbeacon(inv(), 'all', ['off']);
    expect(r.code).toBe(0);
    for (const n of f.all) {
      expect(r.lines.get(n)).toEqual(['off']);
      expect(led(n)).toBe('Off');
    }
    const stat = await rbeacon(inv(), 'all', ['stat']);
    for (const n of f.redfish) expect(stat.lines.get(n)).toEqual(['off']);
    expect(stat.lines.get(f.node['openbmc-rest'])).toEqual(['Front:Off Rear:Off']);
  });
});
