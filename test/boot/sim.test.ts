/**
 * rsetboot end to end against the simulator over HTTPS: both flavors, every Redfish personality, with
 * the machines' boot override checked after each set and no session left open.
 */
import { describe, it, expect } from '@jest/globals';
import { HwctlUsageError } from '../../src/core/errors.js';
import { countRequests, useFleet } from '../helpers/sim-harness.js';
import { fill, rsetboot, startKindFleet } from '../power/harness.js';

const f = useFleet(() => startKindFleet());

const inv = () => f.sim.inventory;
const rest = () => f.node['openbmc-rest'];
const override = (n: string) => f.sim.machine(n).bootOverride();

describe('rsetboot against every kind of BMC', () => {
  const cases = [
    { device: 'hd', redfish: 'Hard Drive', openbmc: 'Hard Drive', target: 'Hdd' },
    { device: 'net', redfish: 'Network', openbmc: 'Network', target: 'Pxe' },
    { device: 'cd', redfish: 'CD/DVD', openbmc: 'CD/DVD', target: 'Cd' },
  ] as const;

  for (const c of cases) {
    it(`${c.device}: next boot only, read back as ${c.redfish}`, async () => {
      const r = await rsetboot(inv(), 'all', [c.device]);
      expect(r.code).toBe(0);
      for (const n of f.all) {
        expect(r.byNode.get(n)).toBe(n === rest() ? c.openbmc : c.redfish);
        expect(override(n)).toMatchObject({ target: c.target, enabled: 'Once' });
      }
    });
  }

  it('default turns the override off (Redfish: boot override inactive; OpenBMC: Default)', async () => {
    const r = await rsetboot(inv(), 'all', ['def']);
    expect(r.code).toBe(0);
    for (const n of f.all) {
      expect(r.byNode.get(n)).toBe(n === rest() ? 'Default' : 'boot override inactive');
      // OpenBMC (xCAT): one_time enabled with source Default, i.e. the normal boot order
      if (n === rest()) expect(override(n).target).toBe('None');
      else expect(override(n).enabled).toBe('Disabled');
    }
  });

  it('-p keeps the device for every boot (Continuous / persistent BootSource)', async () => {
    const r = await rsetboot(inv(), 'all', ['hd'], { persistent: true, output: 'json' });
    expect(r.code).toBe(0);
    for (const x of r.json!.results) {
      expect(x.value).toMatchObject({
        boot: 'Hard Drive',
        device: 'hd',
        persistent: true,
        changed: true,
        requested: 'hd',
      });
      expect(override(x.node)).toMatchObject({ target: 'Hdd', enabled: 'Continuous' });
    }
    const s = await rsetboot(inv(), 'all', []);
    for (const n of f.all) expect(s.byNode.get(n)).toBe('Hard Drive');
  });

  it('stat shows what the BMC has, raw value when it is not an xCAT device', async () => {
    f.sim.machine(f.node.generic).setBootOverride({ target: 'BiosSetup', enabled: 'Once' });
    f.sim.machine(f.node.ilo).setBootOverride({ target: 'UefiHttp', enabled: 'Continuous' });
    f.sim.machine(f.node.idrac).setBootOverride({ target: 'Pxe', enabled: 'Disabled' });
    const r = await rsetboot(inv(), f.redfish.join(','), ['stat'], { output: 'json' });
    expect(r.code).toBe(0);
    const by = Object.fromEntries(r.json!.results.map((x) => [x.node, x.value]));
    expect(by[f.node.generic]).toMatchObject({
      boot: 'BIOS Setup',
      device: 'setup',
      persistent: false,
      changed: false,
    });
    expect(by[f.node.ilo]).toMatchObject({ boot: 'UefiHttp', raw: 'UefiHttp', persistent: true });
    expect(by[f.node.ilo]!.device).toBeUndefined();
    expect(by[f.node.idrac]).toMatchObject({ boot: 'boot override inactive', device: 'default' });
  });

  it('floppy where the BMC does not list it is refused naming what it allows; OpenBMC is never contacted', async () => {
    f.sim.admin.resetStats();
    const r = await rsetboot(inv(), 'all', ['floppy'], { output: 'json' });
    expect(r.code).toBe(1);
    const by = Object.fromEntries(r.json!.results.map((x) => [x.node, x]));
    expect(by[f.node.idrac]).toMatchObject({ ok: true, value: { boot: 'Floppy' } }); // iDRAC lists Floppy
    for (const n of [f.node.generic, f.node.ilo, f.node.bmcweb]) {
      expect(by[n]!.error!.kind).toBe('unsupported');
      expect(by[n]!.error!.message).toMatch(
        /^Unsupported option: floppy \(BootSourceOverrideTarget Floppy is not allowed by this BMC; it allows: None, .*Hdd/,
      );
      expect(override(n).target).not.toBe('Floppy');
    }
    expect(by[rest()]!.error).toEqual({
      kind: 'unsupported',
      message: 'Unsupported option: floppy (OpenBMC boot sources: hd, net, cd, default)',
    });
    expect(f.sim.stats().perNode[rest()]!.requests).toBe(0);
  });

  it('setup: BIOS Setup on Redfish; unsupported on OpenBMC REST', async () => {
    const r = await rsetboot(inv(), 'all', ['setup']);
    expect(r.code).toBe(1);
    for (const n of f.redfish) expect(r.byNode.get(n)).toBe('BIOS Setup');
    expect(r.byNode.get(rest())).toBe(
      'Error: Unsupported option: setup (OpenBMC boot sources: hd, net, cd, default)',
    );
  });

  it('-u sends BootSourceOverrideMode UEFI where writable; iLO (read-only mode) fails alone', async () => {
    for (const n of f.redfish) f.sim.machine(n).setBootOverride({ mode: 'Legacy' });
    const r = await rsetboot(inv(), 'all', ['net'], { uefi: true, output: 'json' });
    expect(r.code).toBe(1);
    const by = Object.fromEntries(r.json!.results.map((x) => [x.node, x]));
    for (const n of [f.node.generic, f.node.bmcweb, f.node.idrac]) {
      expect(by[n]).toMatchObject({ ok: true, value: { boot: 'Network' } });
      expect(override(n)).toMatchObject({ target: 'Pxe', mode: 'UEFI' });
    }
    expect(by[f.node.ilo]!.ok).toBe(false);
    expect(by[f.node.ilo]!.error!.message).toMatch(/BootSourceOverrideMode/);
    expect(override(f.node.ilo).mode).toBe('Legacy');
    expect(by[rest()]!.error).toEqual({
      kind: 'unsupported',
      message: '-u (UEFI) is not supported for OpenBMC',
    });
  });

  it('without -u the mode is left alone (iLO would refuse it)', async () => {
    const r = await rsetboot(inv(), f.node.ilo, ['cd']);
    expect(r.code).toBe(0);
    expect(r.byNode.get(f.node.ilo)).toBe('CD/DVD');
    expect(override(f.node.ilo)).toMatchObject({ target: 'Cd', mode: 'Legacy' });
  });

  it('usage errors stop before any BMC is contacted', async () => {
    f.sim.admin.resetStats();
    await expect(rsetboot(inv(), 'all', ['hd', 'net'])).rejects.toThrow(HwctlUsageError);
    await expect(rsetboot(inv(), 'all', ['usb'])).rejects.toThrow('Unsupported command: rsetboot usb');
    expect(countRequests(f.sim, /./)).toEqual(fill(f.all, 0));
  });
});
