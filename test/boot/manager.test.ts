/**
 * rsetboot's flavor-neutral logic and the pure parts of both boot executors: argument checks, the
 * Redfish PATCH body against AllowableValues, xCAT's display words, read-back warnings.
 */
import { describe, it, expect } from '@jest/globals';
import { HwctlUsageError, NodeError } from '../../src/core/errors.js';
import {
  bootView,
  parseBootArgs,
  runBoot,
  type BootExecutor,
  type BootSetArgs,
  type BootSetting,
} from '../../src/managers/boot.js';
import { bootSettingOf, overridePatch } from '../../src/executors/redfish/boot.js';
import openbmcBoot, { openbmcBootSetting } from '../../src/executors/openbmc/boot.js';
import type { GroupContext } from '../../src/engine/executor.js';
import { fakeContext } from '../power/fake-context.js';

describe('rsetboot arguments', () => {
  it('no device is stat; def is default; -p/-u carried', () => {
    expect(parseBootArgs({ actions: [] })).toEqual({ persistent: false, uefi: false });
    expect(parseBootArgs({ actions: ['def'], persistent: true })).toEqual({
      device: 'default',
      persistent: true,
      uefi: false,
    });
    expect(parseBootArgs({ actions: ['net'], uefi: true })).toEqual({
      device: 'net',
      persistent: false,
      uefi: true,
    });
  });

  it('xCAT wording for several or unknown options, as usage errors', () => {
    expect(() => parseBootArgs({ actions: ['hd', 'net'] })).toThrow(
      new HwctlUsageError('Only one option is supported at the same time for rsetboot'),
    );
    expect(() => parseBootArgs({ actions: ['usb'] })).toThrow(
      /^Unsupported command: rsetboot usb \(valid: hd, net/,
    );
    expect(() => parseBootArgs({ actions: ['usb'] })).toThrow(HwctlUsageError);
  });
});

describe('Redfish boot override body', () => {
  const lenovo = {
    BootSourceOverrideTarget: 'None',
    BootSourceOverrideEnabled: 'Disabled',
    BootSourceOverrideMode: 'Legacy',
    'BootSourceOverrideTarget@Redfish.AllowableValues': ['None', 'Pxe', 'Cd', 'Hdd', 'BiosSetup'],
    'BootSourceOverrideEnabled@Redfish.AllowableValues': ['Once', 'Disabled'],
  };
  const set = (a: Partial<BootSetArgs>): BootSetArgs => ({
    device: 'net',
    persistent: false,
    uefi: false,
    ...a,
  });

  it('maps devices as xCAT; Once by default, Continuous with -p; mode only with -u', () => {
    expect(overridePatch(set({}), {})).toEqual({
      BootSourceOverrideEnabled: 'Once',
      BootSourceOverrideTarget: 'Pxe',
    });
    expect(overridePatch(set({ device: 'hd', persistent: true }), {})).toEqual({
      BootSourceOverrideEnabled: 'Continuous',
      BootSourceOverrideTarget: 'Hdd',
    });
    expect(overridePatch(set({ device: 'setup', uefi: true }), { BootSourceOverrideMode: 'Legacy' })).toEqual(
      {
        BootSourceOverrideEnabled: 'Once',
        BootSourceOverrideTarget: 'BiosSetup',
        BootSourceOverrideMode: 'UEFI',
      },
    );
    expect(overridePatch(set({ device: 'default' }), {})).toEqual({
      BootSourceOverrideEnabled: 'Disabled',
      BootSourceOverrideTarget: 'None',
    });
  });

  it('refuses a target this BMC does not list, naming what it allows', () => {
    const e = (() => {
      try {
        overridePatch(set({ device: 'floppy' }), lenovo);
      } catch (err) {
        return err as NodeError;
      }
      throw new Error('accepted');
    })();
    expect(e.kind).toBe('unsupported');
    expect(e.message).toBe(
      'Unsupported option: floppy (BootSourceOverrideTarget Floppy is not allowed by this BMC; it allows: None, Pxe, Cd, Hdd, BiosSetup)',
    );
  });

  it('refuses -p where the BMC has no Continuous (Lenovo), and -u where it has no UEFI mode', () => {
    expect(() => overridePatch(set({ persistent: true }), lenovo)).toThrow(
      'this BMC does not allow a persistent boot override (-p, Continuous); it allows: Once, Disabled',
    );
    expect(() =>
      overridePatch(set({ uefi: true }), { 'BootSourceOverrideMode@Redfish.AllowableValues': ['Legacy'] }),
    ).toThrow(/UEFI; it allows: Legacy/);
    expect(() => overridePatch(set({ uefi: true }), {})).toThrow(/no BootSourceOverrideMode/);
  });

  it('default still disables the override when None is not a listed target', () => {
    expect(
      overridePatch(set({ device: 'default' }), {
        'BootSourceOverrideTarget@Redfish.AllowableValues': ['Pxe', 'Hdd'],
      }),
    ).toEqual({
      BootSourceOverrideEnabled: 'Disabled',
    });
  });

  it('old services list targets in BootSourceOverrideSupported', () => {
    expect(() =>
      overridePatch(set({ device: 'cd' }), { BootSourceOverrideSupported: ['Pxe', 'Hdd'] }),
    ).toThrow(/it allows: Pxe, Hdd/);
  });
});

describe('display words (xCAT)', () => {
  it('Redfish', () => {
    const show = (t: string, e: string) =>
      bootSettingOf({ BootSourceOverrideTarget: t, BootSourceOverrideEnabled: e }).display;
    expect(show('Hdd', 'Once')).toBe('Hard Drive');
    expect(show('Pxe', 'Continuous')).toBe('Network');
    expect(show('Cd', 'Once')).toBe('CD/DVD');
    expect(show('Floppy', 'Once')).toBe('Floppy');
    expect(show('BiosSetup', 'Once')).toBe('BIOS Setup');
    expect(show('Pxe', 'Disabled')).toBe('boot override inactive');
    expect(show('None', 'Once')).toBe('boot override inactive');
    expect(show('UefiHttp', 'Once')).toBe('UefiHttp');
    expect(
      bootSettingOf({
        BootSourceOverrideTarget: 'Pxe',
        BootSourceOverrideEnabled: 'Continuous',
        BootSourceOverrideMode: 'UEFI',
      }),
    ).toEqual({
      display: 'Network',
      device: 'net',
      persistent: true,
      mode: 'UEFI',
      raw: 'Pxe',
    });
  });

  it('OpenBMC: one_time when enabled, else the persistent source', () => {
    const src = (s: string) => `xyz.openbmc_project.Control.Boot.Source.Sources.${s}`;
    const data = (enabled: unknown, once: string, persistent: string) => ({
      '/xyz/openbmc_project/control/host0/boot/one_time': { Enabled: enabled, BootSource: src(once) },
      '/xyz/openbmc_project/control/host0/boot': { BootSource: src(persistent), BootMode: 'x.Regular' },
    });
    expect(openbmcBootSetting(data(1, 'Network', 'Disk'))).toMatchObject({
      display: 'Network',
      device: 'net',
      persistent: false,
    });
    expect(openbmcBootSetting(data(true, 'ExternalMedia', 'Disk'))).toMatchObject({
      display: 'CD/DVD',
      device: 'cd',
    });
    expect(openbmcBootSetting(data(0, 'Network', 'Disk'))).toMatchObject({
      display: 'Hard Drive',
      device: 'hd',
      persistent: true,
    });
    expect(openbmcBootSetting(data(false, 'Network', 'Default'))).toMatchObject({
      display: 'Default',
      device: 'default',
    });
    expect(openbmcBootSetting(data(0, 'Network', 'RemovableMedia')).display).toBe(
      'Can not get valid rsetboot status, the data is RemovableMedia',
    );
    expect(() => openbmcBootSetting({})).toThrow(/wrong format/);
  });

  it('OpenBMC refuses setup, floppy and -u in validate (before any BMC is touched)', () => {
    const group = {} as GroupContext;
    expect(() =>
      openbmcBoot.validate!('setBoot', { device: 'setup', persistent: false, uefi: false }, group),
    ).toThrow('Unsupported option: setup (OpenBMC boot sources: hd, net, cd, default)');
    expect(() =>
      openbmcBoot.validate!('setBoot', { device: 'net', persistent: false, uefi: true }, group),
    ).toThrow(/UEFI/);
    expect(() => openbmcBoot.validate!('getBoot', { persistent: false, uefi: true }, group)).not.toThrow();
  });
});

describe('runBoot', () => {
  class FakeBoot implements BootExecutor {
    readonly capability = 'boot' as const;
    readonly flavor = 'fake';
    calls: string[] = [];
    constructor(public now: BootSetting) {}
    async getBoot(): Promise<BootSetting> {
      this.calls.push('get');
      return this.now;
    }
    async setBoot(a: BootSetArgs): Promise<void> {
      this.calls.push(`set:${a.device}`);
    }
  }

  it('stat reads once; a set writes then reads back what the BMC says', async () => {
    const net: BootSetting = { display: 'Network', device: 'net', persistent: false, raw: 'Pxe' };
    const ex = new FakeBoot(net);
    expect(await runBoot(ex, { persistent: false, uefi: false }, fakeContext())).toMatchObject({
      display: 'Network',
      changed: false,
    });
    expect(ex.calls).toEqual(['get']);
    const ctx = fakeContext();
    const r = await runBoot(ex, { device: 'net', persistent: false, uefi: false }, ctx);
    expect(ex.calls).toEqual(['get', 'set:net', 'get']);
    expect(r).toMatchObject({ display: 'Network', changed: true, requested: 'net' });
    expect(ctx.warnings).toEqual([]);
    expect(bootView.json!(r)).toEqual({
      boot: 'Network',
      raw: 'Pxe',
      changed: true,
      device: 'net',
      persistent: false,
      requested: 'net',
    });
  });

  it('a read-back that differs from the request is printed as read, with a warning', async () => {
    const ex = new FakeBoot({ display: 'Hard Drive', device: 'hd', persistent: true, raw: 'Hdd' });
    const ctx = fakeContext();
    const r = await runBoot(ex, { device: 'net', persistent: false, uefi: false }, ctx);
    expect(r.display).toBe('Hard Drive');
    expect(ctx.warnings).toEqual([
      "node01: asked for net, the BMC reads back 'Hard Drive'; it may apply the change at the next reboot (check with rsetboot stat)",
    ]);
  });
});
