/**
 * rsetboot's vendor quirks against the simulator's personalities over HTTPS: iLO's read-only
 * BootSourceOverrideMode, iDRAC's If-Match, the per-node `quirks` in json and --debug, and --no-quirks.
 */
import { describe, it, expect } from '@jest/globals';
import { endpoints, useFleet, type JsonResult } from '../helpers/sim-harness.js';
import { rsetboot, startKindFleet } from '../power/harness.js';

const f = useFleet(() => startKindFleet());

const inv = () => f.sim.inventory;
const override = (n: string) => f.sim.machine(n).bootOverride();
const patches = (n: string) =>
  Object.entries(endpoints(f.sim, n))
    .filter(([k]) => k.startsWith('PATCH '))
    .reduce((a, [, v]) => a + v, 0);
type WithQuirks = JsonResult & {
  quirks?: string[];
  error?: { kind: string; message: string; status?: number };
};

describe('rsetboot -u on HPE iLO (BootSourceOverrideMode read-only)', () => {
  it('mode already UEFI: the mode is not sent, the override is set', async () => {
    const ilo = f.node.ilo;
    f.sim.machine(ilo).setBootOverride({ target: 'None', enabled: 'Disabled', mode: 'UEFI' });
    f.sim.admin.resetStats();
    const r = await rsetboot(inv(), ilo, ['net'], { uefi: true });
    expect(r.byNode.get(ilo)).toBe('Network');
    expect(r.code).toBe(0);
    expect(override(ilo)).toMatchObject({ target: 'Pxe', enabled: 'Once', mode: 'UEFI' });
    expect(patches(ilo)).toBe(1);
  });

  it('mode Legacy: unsupported before any PATCH, saying the mode is read-only', async () => {
    const ilo = f.node.ilo;
    f.sim.machine(ilo).setBootOverride({ target: 'None', enabled: 'Disabled', mode: 'Legacy' });
    f.sim.admin.resetStats();
    const r = await rsetboot(inv(), ilo, ['net'], { uefi: true, output: 'json' });
    expect(r.code).toBe(1);
    const res = r.json!.results[0] as WithQuirks;
    expect(res.error).toMatchObject({ kind: 'unsupported' });
    expect(res.error!.message).toMatch(/BootSourceOverrideMode is read-only and reads Legacy/);
    expect(res.quirks).toEqual(['boot-mode-read-only']);
    expect(patches(ilo)).toBe(0);
    expect(override(ilo)).toMatchObject({ target: 'None', mode: 'Legacy' });
  });

  it('--no-quirks: generic Redfish sends the mode and gets the BMC’s own 400', async () => {
    const ilo = f.node.ilo;
    f.sim.machine(ilo).setBootOverride({ target: 'None', enabled: 'Disabled', mode: 'Legacy' });
    const r = await rsetboot(inv(), ilo, ['net'], { uefi: true, output: 'json', extra: { quirks: false } });
    expect(r.code).toBe(1);
    const res = r.json!.results[0] as WithQuirks;
    expect(res.error).toMatchObject({ kind: 'http', status: 400 });
    expect(res.quirks).toEqual([]);
  });
});

describe('quirks per node', () => {
  it('json lists each node’s quirks (Redfish only), --debug says why each is on', async () => {
    for (const n of f.all) f.sim.machine(n).setBootOverride({ mode: 'UEFI' });
    const debug: string[] = [];
    const r = await rsetboot(inv(), 'all', ['hd'], { output: 'json', extra: { debug: true } });
    expect(r.code).toBe(0);
    const q = Object.fromEntries(r.json!.results.map((x) => [x.node, (x as WithQuirks).quirks]));
    expect(q[f.node.ilo]).toEqual(['boot-mode-read-only']);
    expect(q[f.node.idrac]).toEqual(['etag-if-match-required']);
    expect(q[f.node.generic]).toEqual([]);
    expect(q[f.node.bmcweb]).toEqual([]);
    expect(q[f.node['openbmc-rest']]).toBeUndefined();
    for (const w of r.err) if (w.includes('[debug] quirk')) debug.push(w);
    expect(
      debug.some((l) => l.includes(`${f.node.ilo}: [debug] quirk boot-mode-read-only: HPE iLO (ServiceRoot`)),
    ).toBe(true);
    expect(
      debug.some((l) => l.includes(`${f.node.idrac}: [debug] quirk etag-if-match-required: Dell iDRAC`)),
    ).toBe(true);
  });

  it('iDRAC: the ETag is read before the PATCH (no 428); --no-quirks gets the 428 and retries once', async () => {
    const idrac = f.node.idrac;
    f.sim.admin.resetStats();
    expect((await rsetboot(inv(), idrac, ['cd'])).code).toBe(0);
    expect(patches(idrac)).toBe(1);
    f.sim.admin.resetStats();
    expect((await rsetboot(inv(), idrac, ['net'], { extra: { quirks: false } })).code).toBe(0);
    expect(patches(idrac)).toBe(2);
    expect(override(idrac)).toMatchObject({ target: 'Pxe', enabled: 'Once' });
  });

  it('no ETag read where the body has none and no quirk asks (bmcweb): one System read before the PATCH', async () => {
    const bmcweb = f.node.bmcweb;
    f.sim.admin.resetStats();
    expect((await rsetboot(inv(), bmcweb, ['hd'])).code).toBe(0);
    const e = endpoints(f.sim, bmcweb);
    // the set's read, then the read-back: no third read for an ETag
    expect(e['GET /redfish/v1/Systems/system']).toBe(2);
    expect(patches(bmcweb)).toBe(1);
  });
});
