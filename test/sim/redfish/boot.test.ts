import { describe, it, expect } from '@jest/globals';
import { makeBmc, messageId, type Body } from './helpers.js';

const SYS = '/redfish/v1/Systems/1';
const boot = (d: Body) => d.Boot as Record<string, unknown>;

describe('Boot override', () => {
  it('shows Target/Enabled/Mode with AllowableValues', () => {
    const b = makeBmc('generic');
    expect(boot(b.doc(SYS))).toMatchObject({
      BootSourceOverrideTarget: 'None',
      BootSourceOverrideEnabled: 'Disabled',
      BootSourceOverrideMode: 'UEFI',
      'BootSourceOverrideEnabled@Redfish.AllowableValues': ['Disabled', 'Once', 'Continuous'],
      'BootSourceOverrideMode@Redfish.AllowableValues': ['Legacy', 'UEFI'],
    });
    expect(boot(b.doc(SYS))['BootSourceOverrideTarget@Redfish.AllowableValues']).toContain('Pxe');
  });

  it('Once is used by the next boot and then goes back to Disabled', () => {
    const b = makeBmc('generic');
    const r = b.call('PATCH', SYS, {
      body: { Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' } },
    });
    expect(r.status).toBe(200);
    expect(boot(r.body as Body)).toMatchObject({
      BootSourceOverrideTarget: 'Pxe',
      BootSourceOverrideEnabled: 'Once',
    });
    b.call('POST', `${SYS}/Actions/ComputerSystem.Reset`, { body: { ResetType: 'ForceRestart' } });
    expect(boot(b.doc(SYS)).BootSourceOverrideEnabled).toBe('Once'); // still booting
    b.clock.advance(1000);
    expect(b.machine.lastBoot()?.target).toBe('Pxe');
    expect(boot(b.doc(SYS))).toMatchObject({
      BootSourceOverrideTarget: 'Pxe',
      BootSourceOverrideEnabled: 'Disabled',
    });
    b.call('POST', `${SYS}/Actions/ComputerSystem.Reset`, { body: { ResetType: 'ForceRestart' } });
    b.clock.advance(1000);
    expect(b.machine.lastBoot()?.target).toBe('None');
  });

  it('Continuous stays for every boot; Mode changes when writable', () => {
    const b = makeBmc('generic');
    b.call('PATCH', SYS, {
      body: {
        Boot: {
          BootSourceOverrideTarget: 'Hdd',
          BootSourceOverrideEnabled: 'Continuous',
          BootSourceOverrideMode: 'Legacy',
        },
      },
    });
    for (let i = 0; i < 2; i++) {
      b.call('POST', `${SYS}/Actions/ComputerSystem.Reset`, { body: { ResetType: 'PowerCycle' } });
      b.clock.advance(2000);
      expect(b.machine.lastBoot()).toMatchObject({ target: 'Hdd', mode: 'Legacy' });
    }
    expect(boot(b.doc(SYS)).BootSourceOverrideEnabled).toBe('Continuous');
  });

  it('refuses values outside the allowable lists and unknown Boot properties, changing nothing', () => {
    const b = makeBmc('generic');
    const bad = b.call('PATCH', SYS, {
      body: { Boot: { BootSourceOverrideTarget: 'Floppy', BootSourceOverrideEnabled: 'Once' } },
    });
    expect([bad.status, messageId(bad)]).toEqual([400, 'Base.1.16.PropertyValueNotInList']);
    const enabled = b.call('PATCH', SYS, { body: { Boot: { BootSourceOverrideEnabled: 'Sometimes' } } });
    expect(messageId(enabled)).toBe('Base.1.16.PropertyValueNotInList');
    const typed = b.call('PATCH', SYS, { body: { Boot: { BootSourceOverrideTarget: 7 } } });
    expect(messageId(typed)).toBe('Base.1.16.PropertyValueTypeError');
    const unknown = b.call('PATCH', SYS, { body: { Boot: { BootNext: 'Boot0001' } } });
    expect(messageId(unknown)).toBe('Base.1.16.PropertyUnknown');
    const ro = b.call('PATCH', SYS, {
      body: { Boot: { 'BootSourceOverrideTarget@Redfish.AllowableValues': [] } },
    });
    expect(messageId(ro)).toBe('Base.1.16.PropertyNotWritable');
    // one bad value in a PATCH with a good one changes nothing
    b.call('PATCH', SYS, { body: { Boot: { BootSourceOverrideTarget: 'Pxe' }, IndicatorLED: 'Dazzling' } });
    expect(boot(b.doc(SYS)).BootSourceOverrideTarget).toBe('None');
  });

  it('iLO: BootSourceOverrideMode is read-only (400 PropertyNotWritable) and no Enabled allowable list', () => {
    const b = makeBmc('ilo');
    const sys = b.doc('/redfish/v1/Systems/1/');
    expect(boot(sys)['BootSourceOverrideEnabled@Redfish.AllowableValues']).toBeUndefined();
    const r = b.call('PATCH', '/redfish/v1/Systems/1/', {
      body: { Boot: { BootSourceOverrideMode: 'Legacy' } },
    });
    expect([r.status, messageId(r)]).toEqual([400, 'Base.1.4.PropertyNotWritable']);
    const ok = b.call('PATCH', '/redfish/v1/Systems/1/', {
      body: { Boot: { BootSourceOverrideTarget: 'Cd', BootSourceOverrideEnabled: 'Once' } },
    });
    expect(ok.status).toBe(200);
    expect(b.machine.bootOverride()).toMatchObject({ target: 'Cd', enabled: 'Once' });
  });
});

describe('Identify LED', () => {
  it('generic has IndicatorLED and LocationIndicatorActive on System and Chassis, one state', () => {
    const b = makeBmc('generic');
    expect(b.call('PATCH', SYS, { body: { IndicatorLED: 'Lit' } }).status).toBe(200);
    expect(b.doc('/redfish/v1/Chassis/1')).toMatchObject({
      IndicatorLED: 'Lit',
      LocationIndicatorActive: true,
    });
    b.call('PATCH', '/redfish/v1/Chassis/1', { body: { LocationIndicatorActive: false } });
    expect(b.doc(SYS)).toMatchObject({ IndicatorLED: 'Off', LocationIndicatorActive: false });
    b.call('PATCH', SYS, { body: { LocationIndicatorActive: true } });
    expect(b.doc(SYS).IndicatorLED).toBe('Blinking');
    expect(messageId(b.call('PATCH', SYS, { body: { IndicatorLED: 'On' } }))).toBe(
      'Base.1.16.PropertyValueNotInList',
    );
    expect(messageId(b.call('PATCH', SYS, { body: { LocationIndicatorActive: 'yes' } }))).toBe(
      'Base.1.16.PropertyValueTypeError',
    );
  });

  it('OpenBMC has both on the System, as the bmcweb capture shows; one state', () => {
    const b = makeBmc('openbmc');
    const sys = b.doc('/redfish/v1/Systems/system');
    expect(sys.IndicatorLED).toBe('Off');
    expect(sys.LocationIndicatorActive).toBe(false);
    expect(
      b.call('PATCH', '/redfish/v1/Systems/system', { body: { LocationIndicatorActive: true } }).status,
    ).toBe(204);
    expect(b.doc('/redfish/v1/Chassis/chassis').LocationIndicatorActive).toBe(true);
    expect(b.doc('/redfish/v1/Systems/system').IndicatorLED).toBe('Blinking');
    const r = b.call('PATCH', '/redfish/v1/Systems/system', { body: { IndicatorLED: 'On' } });
    expect([r.status, messageId(r)]).toEqual([400, 'Base.1.16.0.PropertyValueNotInList']);
  });

  it('iDRAC and iLO have only IndicatorLED', () => {
    for (const [p, path] of [
      ['idrac', '/redfish/v1/Systems/System.Embedded.1'],
      ['ilo', '/redfish/v1/Systems/1/'],
    ] as const) {
      const b = makeBmc(p);
      const sys = b.doc(path);
      expect([p, sys.IndicatorLED, sys.LocationIndicatorActive]).toEqual([p, 'Off', undefined]);
    }
  });

  it('AssetTag is writable; read-only and unknown properties are refused', () => {
    const b = makeBmc('generic');
    b.call('PATCH', SYS, { body: { AssetTag: 'rack12-u07' } });
    expect(b.doc(SYS).AssetTag).toBe('rack12-u07');
    expect(messageId(b.call('PATCH', SYS, { body: { SerialNumber: 'X' } }))).toBe(
      'Base.1.16.PropertyNotWritable',
    );
    expect(messageId(b.call('PATCH', SYS, { body: { Flavor: 'X' } }))).toBe('Base.1.16.PropertyUnknown');
    expect(messageId(b.call('PATCH', SYS, { body: {} }))).toBe('Base.1.16.EmptyJSON');
    expect(messageId(b.call('PATCH', SYS, { body: [1] }))).toBe('Base.1.16.MalformedJSON');
  });
});
