/**
 * rbeacon against the two real captures served in mockup mode: DMTF rackmount1 (IndicatorLED on the
 * System) and OpenBMC bmcweb (IndicatorLED and LocationIndicatorActive on the System). The starting
 * states are read from the capture files.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { endpoints, rbeacon } from '../eventlog/harness.js';

const FIXTURES = join(process.cwd(), '..', 'shared', 'fixtures', 'redfish');
const DMTF = join(FIXTURES, 'dmtf-public-rackmount1');
const BMCWEB = join(FIXTURES, 'openbmc-bmcweb');

type Doc = Record<string, unknown>;
const read = (dir: string, path: string): Doc =>
  JSON.parse(readFileSync(join(dir, path, 'index.json'), 'utf8')) as Doc;

/** What the captured values mean, written from the Redfish enums. */
const INDICATOR: Record<string, string> = { Off: 'off', Lit: 'on', Blinking: 'blink' };

let sim: Simulator;
let dmtf: string;
let bmcweb: string;

beforeAll(async () => {
  sim = await startSimulator({ fromMockup: [DMTF, BMCWEB], adminPort: false });
  dmtf = sim.nodes.find((n) => n.mockupDir === DMTF)!.name;
  bmcweb = sim.nodes.find((n) => n.mockupDir === BMCWEB)!.name;
});
afterAll(async () => {
  await sim?.stop();
});
afterEach(() => {
  expect(sim.stats().openSessions).toBe(0);
});

describe('captures', () => {
  const dmtfSystem = read(DMTF, 'Systems/437XR1138R2');
  const bmcwebSystem = read(BMCWEB, 'Systems/system');

  it("stat shows each capture's own LED value, from the System", async () => {
    expect(dmtfSystem.LocationIndicatorActive).toBeUndefined();
    expect(typeof bmcwebSystem.LocationIndicatorActive).toBe('boolean');
    const r = await rbeacon(sim.inventory, 'all', ['stat'], { output: 'json' });
    const v = new Map(r.json!.results.map((x) => [x.node, x.value!]));
    expect(v.get(dmtf)).toMatchObject({
      state: INDICATOR[dmtfSystem.IndicatorLED as string],
      raw: dmtfSystem.IndicatorLED,
      source: '/redfish/v1/Systems/437XR1138R2 IndicatorLED',
    });
    // bmcweb has both: LocationIndicatorActive is the one read.
    expect(v.get(bmcweb)).toMatchObject({
      state: bmcwebSystem.LocationIndicatorActive ? 'on' : 'off',
      source: '/redfish/v1/Systems/system LocationIndicatorActive',
    });
  });

  it('on, then off: written where each capture has it, read back, one write each', async () => {
    sim.admin.resetStats();
    const on = await rbeacon(sim.inventory, 'all', ['on'], { output: 'json' });
    expect(on.code).toBe(0);
    const v = new Map(on.json!.results.map((x) => [x.node, x.value!]));
    expect(v.get(dmtf)).toMatchObject({ state: 'on', sent: 'IndicatorLED=Lit', active: true });
    expect(v.get(bmcweb)).toMatchObject({ sent: 'LocationIndicatorActive=true', active: true });
    expect(endpoints(sim, dmtf)['PATCH /redfish/v1/Systems/437XR1138R2']).toBe(1);
    expect(endpoints(sim, bmcweb)['PATCH /redfish/v1/Systems/system']).toBe(1);

    const off = await rbeacon(sim.inventory, 'all', ['off']);
    expect(off.code).toBe(0);
    expect(off.lines.get(dmtf)).toEqual(['off']);
    expect(off.lines.get(bmcweb)).toEqual(['off']);
  });
});
