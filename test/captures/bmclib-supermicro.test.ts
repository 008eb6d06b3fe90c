/**
 * Every command against a Supermicro AS -1015CS-TNR-EU (AMD, BMC Redfish 1.22.2) as bmclib's tests
 * hold it (test/fixtures/redfish/bmclib-supermicro): the service root, the Systems collection and
 * Systems/1, nothing else. So the System answers (power, boot override, LED) and everything it links
 * to (Managers/1, Chassis/1, Processors, LogServices, ResetActionInfo) is a 404: each command either
 * answers from the System or says clearly what is missing. Checked against the capture's own JSON.
 */
import { describe, it, expect } from '@jest/globals';
import { fixture, requestsMatching, startMockups, useFleet } from '../helpers/sim-harness.js';
import { rpower, rsetboot, settle } from '../power/harness.js';
import { rinv, rvitals } from '../inventory-cmd/harness.js';
import { rbeacon, reventlog } from '../eventlog/harness.js';

const CAPTURE = 'bmclib-supermicro';
type Doc = Record<string, unknown>;
const sys = fixture(CAPTURE, 'Systems/1');
const boot = sys.Boot as Doc;
const m = useFleet(() => startMockups([CAPTURE], { transitionMs: 40 }));
const node = () => m.sim.nodes[0]!.name;

/** Warnings on stderr, without the `Warning: node: ` prefix. */
function warnings(err: readonly string[]): string[] {
  return err
    .join('\n')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('Warning: '))
    .map((l) => l.replace(/^Warning: [^:]+: /, ''));
}

describe('Supermicro AS -1015CS-TNR-EU (bmclib fixture)', () => {
  it('one node, one System', async () => {
    expect(m.sim.nodes).toHaveLength(1);
    expect((fixture(CAPTURE, 'Systems').Members as Doc[]).length).toBe(1);
  });

  it("rinv: the System's model, serial, part, BIOS; each absent collection is one warning", async () => {
    const r = await rinv(m.sim.inventory, 'all', ['all'], { output: 'json' });
    expect(r.code).toBe(0);
    const res = r.json!.results[0]!;
    expect(res.ok).toBe(true);
    const text = JSON.stringify(res.value);
    for (const k of ['Model', 'SerialNumber', 'PartNumber', 'BiosVersion', 'Manufacturer', 'SKU'])
      expect(text).toContain(JSON.stringify(sys[k]));
    const plain = await rinv(m.sim.inventory, 'all', ['all']);
    const w = warnings(plain.err);
    for (const what of ['Processors', 'Memory', 'Manager', 'Managers'])
      expect(w.filter((x) => x.startsWith(`${what} /redfish/v1/`))).toHaveLength(1);
    // The Managers collection is absent (404, noted above), not "empty".
    expect(w).not.toContain('the Managers collection is empty');
  });

  it('rpower stat: the captured PowerState', async () => {
    const r = await rpower(m.sim.inventory, 'all', ['stat']);
    expect(r.byNode.get(node())).toBe((sys.PowerState as string).toLowerCase());
  });

  it('rpower bmcstate: an error naming the Manager the System links to, which the fixture lacks', async () => {
    expect(((sys.Links as Doc).ManagedBy as Doc[])[0]).toEqual({ '@odata.id': '/redfish/v1/Managers/1' });
    const r = await rpower(m.sim.inventory, 'all', ['bmcstate'], { output: 'json' });
    expect(r.code).toBe(1);
    expect(r.json!.results[0]!.error!.message).toMatch(/\[404\].*\/redfish\/v1\/Managers\/1/);
  });

  it("rvitals: only the System's identify LED; the absent Chassis collection is a warning", async () => {
    const r = await rvitals(m.sim.inventory, 'all', ['all'], { output: 'json' });
    expect(r.code).toBe(0);
    const v = r.json!.results[0]!.value as { sensors: unknown[]; leds: unknown[]; notes: string[] };
    expect(v.sensors).toEqual([]);
    expect(v.leds).toEqual([
      { name: 'System Identify', state: sys.IndicatorLED, path: '/redfish/v1/Systems/1' },
    ]);
    // One note: the collection is absent (404), not "empty".
    expect(v.notes).toEqual([expect.stringMatching(/^Chassis \/redfish\/v1\/Chassis skipped: \[404\]/)]);
  });

  it("reventlog: no entries, and why (the Manager and the System's LogServices are absent)", async () => {
    const r = await reventlog(m.sim.inventory, 'all', ['all']);
    expect(r.code).toBe(0);
    expect(r.lines.get(node())).toEqual(['No attributes returned from the BMC.']);
    expect(warnings(r.err)).toEqual([
      expect.stringMatching(/^Manager \/redfish\/v1\/Managers\/1 could not be read \(\[404\]/),
      '/redfish/v1/Systems/1/LogServices: 404 Not Found (a dangling LogServices link); left out',
      'neither the System nor its Manager offers a LogService',
    ]);
  });

  it("rsetboot stat: a stale Pxe target with BootSourceOverrideEnabled Disabled is 'inactive'", async () => {
    expect([boot.BootSourceOverrideEnabled, boot.BootSourceOverrideTarget]).toEqual(['Disabled', 'Pxe']);
    const r = await rsetboot(m.sim.inventory, 'all', ['stat']);
    expect(r.byNode.get(node())).toBe('boot override inactive');
  });

  it("rsetboot net: one PATCH sent with the body's @odata.etag as If-Match, accepted (no 412 and retry)", async () => {
    expect(sys['@odata.etag']).toMatch(/^"[0-9a-f]+"$/);
    m.sim.admin.resetStats();
    const r = await rsetboot(m.sim.inventory, 'all', ['net']);
    expect(r.byNode.get(node())).toBe('Network');
    expect(requestsMatching(m.sim, node(), /^PATCH .*Systems/)).toBe(1);
    expect(m.sim.stats().perNode[node()]!.statuses['412']).toBeUndefined();
    expect((await rsetboot(m.sim.inventory, 'all', ['stat'])).byNode.get(node())).toBe('Network');
  });

  it('rbeacon stat, on, off: the System has IndicatorLED and LocationIndicatorActive', async () => {
    expect([sys.IndicatorLED, sys.LocationIndicatorActive]).toEqual(['Off', false]);
    expect((await rbeacon(m.sim.inventory, 'all', ['stat'])).lines.get(node())).toEqual(['off']);
    expect((await rbeacon(m.sim.inventory, 'all', ['on'])).lines.get(node())).toEqual(['on']);
    expect((await rbeacon(m.sim.inventory, 'all', ['stat'])).lines.get(node())).toEqual(['on']);
    expect((await rbeacon(m.sim.inventory, 'all', ['off'])).lines.get(node())).toEqual(['off']);
  });

  it('rpower off then on: the Reset its inline AllowableValues offer, despite the absent ResetActionInfo', async () => {
    const reset = (sys.Actions as Doc)['#ComputerSystem.Reset'] as Doc;
    expect(reset['@Redfish.ActionInfo']).toBe('/redfish/v1/Systems/1/ResetActionInfo');
    m.sim.admin.resetStats();
    const off = await rpower(m.sim.inventory, 'all', ['off']);
    expect(off.byNode.get(node())).toBe('off');
    expect(requestsMatching(m.sim, node(), /^POST .*ComputerSystem\.Reset/)).toBe(1);
    await settle(m.sim);
    const on = await rpower(m.sim.inventory, 'all', ['on']);
    expect(on.byNode.get(node())).toBe('on');
    await settle(m.sim);
    expect((await rpower(m.sim.inventory, 'all', ['stat'])).byNode.get(node())).toBe('on');
  });
});
