/**
 * The sushy-tools feature set on the generated personalities: virtual media (and booting from it),
 * BIOS settings applied at the next boot, Secure Boot, volumes, Chassis.Reset, boot options and order.
 * Every state change is checked by reading the resources back (and the machine's boot record).
 */
import { describe, it, expect } from '@jest/globals';
import { makeBmc, messageId, type Body, type TestBmc } from '../redfish/helpers.js';

const SYS = '/redfish/v1/Systems/1';
const VM = '/redfish/v1/Managers/1/VirtualMedia';
const ISO = 'http://images.example/ubuntu-24.04.iso';

function restart(b: TestBmc, sys = SYS): void {
  const r = b.call('POST', `${sys}/Actions/ComputerSystem.Reset`, { body: { ResetType: 'ForceRestart' } });
  expect(r.status).toBeLessThan(300);
  b.clock.advance(1000); // the PoweringOn phase ends: the host boots
}

const lastSource = (b: TestBmc, sys = SYS) =>
  ((b.doc(sys).Oem as Body | undefined)?.HwctlSim as Body | undefined)?.LastBootSource as Body | undefined;

describe('VirtualMedia', () => {
  it('lists the sushy-tools slots, linked from the Manager', () => {
    const b = makeBmc('generic');
    expect(b.doc('/redfish/v1/Managers/1').VirtualMedia).toEqual({ '@odata.id': VM });
    expect((b.doc(VM).Members as Body[]).map((m) => m['@odata.id'])).toEqual([`${VM}/Cd`, `${VM}/Floppy`]);
    expect(b.doc(`${VM}/Cd`)).toMatchObject({ Inserted: false, Image: null, ConnectedVia: 'NotConnected' });
  });

  it('InsertMedia then EjectMedia change Image/Inserted/WriteProtected; a second insert is 409', () => {
    const b = makeBmc('generic');
    const insert = `${VM}/Cd/Actions/VirtualMedia.InsertMedia`;
    expect(b.call('POST', insert, { body: { Image: ISO, WriteProtected: false } }).status).toBe(204);
    expect(b.doc(`${VM}/Cd`)).toMatchObject({
      Image: ISO,
      ImageName: 'ubuntu-24.04.iso',
      Inserted: true,
      WriteProtected: false,
      ConnectedVia: 'URI',
      TransferProtocolType: 'HTTP',
      Password: null,
    });
    const again = b.call('POST', insert, { body: { Image: ISO } });
    expect(again.status).toBe(409);
    expect(messageId(again)).toMatch(/ResourceInUse$/);
    expect(b.call('POST', `${VM}/Cd/Actions/VirtualMedia.EjectMedia`, { body: {} }).status).toBe(204);
    expect(b.doc(`${VM}/Cd`)).toMatchObject({ Image: null, Inserted: false, ConnectedVia: 'NotConnected' });
  });

  it('refuses a missing or malformed Image and unknown parameters before changing anything', () => {
    const b = makeBmc('generic');
    const insert = `${VM}/Cd/Actions/VirtualMedia.InsertMedia`;
    expect(messageId(b.call('POST', insert, { body: {} }))).toMatch(/ActionParameterMissing$/);
    expect(messageId(b.call('POST', insert, { body: { Image: 'not a url' } }))).toMatch(
      /ActionParameterValueFormatError$/,
    );
    expect(messageId(b.call('POST', insert, { body: { Image: ISO, Foo: 1 } }))).toMatch(
      /ActionParameterUnknown$/,
    );
    expect(
      messageId(b.call('POST', insert, { body: { Image: ISO, TransferProtocolType: 'GOPHER' } })),
    ).toMatch(/ActionParameterValueNotInList$/);
    expect(b.doc(`${VM}/Cd`).Inserted).toBe(false);
  });

  it('PATCH Image inserts, PATCH Image null ejects; other properties are refused', () => {
    const b = makeBmc('generic');
    expect(
      b.call('PATCH', `${VM}/Floppy`, { body: { Image: 'https://x/fw.img', Inserted: true } }).status,
    ).toBe(200);
    expect(b.doc(`${VM}/Floppy`)).toMatchObject({ Image: 'https://x/fw.img', Inserted: true });
    expect(messageId(b.call('PATCH', `${VM}/Floppy`, { body: { MediaTypes: ['CD'] } }))).toMatch(
      /PropertyNotWritable$/,
    );
    expect(b.call('PATCH', `${VM}/Floppy`, { body: { Image: null } }).status).toBe(200);
    expect(b.doc(`${VM}/Floppy`)).toMatchObject({ Image: null, Inserted: false });
  });

  it('a one-time Cd override with an ISO inserted boots the ISO; the next boot follows BootOrder', () => {
    const b = makeBmc('generic');
    b.call('POST', `${VM}/Cd/Actions/VirtualMedia.InsertMedia`, { body: { Image: ISO } });
    expect(
      b.call('PATCH', SYS, {
        body: { Boot: { BootSourceOverrideTarget: 'Cd', BootSourceOverrideEnabled: 'Once' } },
      }).status,
    ).toBe(200);
    restart(b);
    expect(lastSource(b)).toMatchObject({ Via: 'Override', Target: 'Cd', Image: ISO });
    expect(
      b.machine.log.list().some((e) => e.message === `Host booted from virtual media ${ISO} (Override)`),
    ).toBe(true);
    expect((b.doc(SYS).Boot as Body).BootSourceOverrideEnabled).toBe('Disabled');
    restart(b);
    expect(lastSource(b)).toMatchObject({ Via: 'BootOrder', Target: 'Hdd', BootOptionReference: 'Boot0000' });
  });

  it('a Cd override with nothing inserted falls through to the boot order', () => {
    const b = makeBmc('generic');
    b.call('PATCH', SYS, {
      body: { Boot: { BootSourceOverrideTarget: 'Cd', BootSourceOverrideEnabled: 'Once' } },
    });
    restart(b);
    expect(lastSource(b)).toMatchObject({ Via: 'BootOrder', Target: 'Hdd' });
  });
});

describe('Bios', () => {
  const BIOS = `${SYS}/Bios`;

  it('shows Attributes, a Settings object and a registry reachable from Registries', () => {
    const b = makeBmc('generic');
    const bios = b.doc(BIOS);
    expect(bios.Attributes).toMatchObject({
      BootMode: 'Uefi',
      ProcTurboMode: 'Enabled',
      BootDelaySeconds: 5,
    });
    expect((bios['@Redfish.Settings'] as Body).SettingsObject).toEqual({ '@odata.id': `${BIOS}/Settings` });
    // listed with the service's own registries (Base, ResourceEvent)
    const files = b.doc('/redfish/v1/Registries').Members as Body[];
    const file = files
      .map((m) => b.doc(m['@odata.id'] as string))
      .find((d) => d.Registry === bios.AttributeRegistry)!;
    expect(file.Registry).toBe(bios.AttributeRegistry);
    const registry = b.doc(((file.Location as Body[])[0] as Body).Uri as string);
    const entries = (registry.RegistryEntries as Body).Attributes as Body[];
    expect(entries.find((a) => a.AttributeName === 'BootMode')).toMatchObject({
      Type: 'Enumeration',
      Value: [{ ValueName: 'Uefi' }, { ValueName: 'Bios' }].map((v) => ({
        ...v,
        ValueDisplayName: v.ValueName,
      })),
    });
  });

  it('checks PATCHes of Bios/Settings against the registry, all or nothing', () => {
    const b = makeBmc('generic');
    const patch = (Attributes: Body) => b.call('PATCH', `${BIOS}/Settings`, { body: { Attributes } });
    expect(messageId(patch({ BootMode: 'Floppy' }))).toMatch(/PropertyValueNotInList$/);
    expect(messageId(patch({ NoSuch: 'x' }))).toMatch(/PropertyUnknown$/);
    expect(messageId(patch({ SystemSerial: 'x' }))).toMatch(/PropertyNotWritable$/);
    expect(messageId(patch({ BootDelaySeconds: 99 }))).toMatch(/PropertyValueOutOfRange$/);
    expect(messageId(patch({ BootDelaySeconds: '9' }))).toMatch(/PropertyValueTypeError$/);
    expect(messageId(patch({ ProcTurboMode: 'Disabled', BootMode: 'x' }))).toMatch(/PropertyValueNotInList$/);
    expect(b.doc(`${BIOS}/Settings`).Attributes).toEqual({});
    // The current attributes take no PATCH: the Settings object is the way in.
    expect(b.call('PATCH', BIOS, { body: { Attributes: { BootMode: 'Bios' } } }).status).toBe(405);
  });

  it('pending settings become current at the next boot, not before', () => {
    const b = makeBmc('generic');
    expect(
      b.call('PATCH', `${BIOS}/Settings`, {
        body: { Attributes: { BootMode: 'Bios', BootDelaySeconds: 10 } },
      }).status,
    ).toBe(200);
    expect(b.doc(`${BIOS}/Settings`).Attributes).toEqual({ BootMode: 'Bios', BootDelaySeconds: 10 });
    expect((b.doc(BIOS).Attributes as Body).BootMode).toBe('Uefi');
    restart(b);
    const bios = b.doc(BIOS);
    expect(bios.Attributes).toMatchObject({ BootMode: 'Bios', BootDelaySeconds: 10 });
    expect(bios['@Redfish.Settings']).toMatchObject({ Time: expect.any(String) });
    expect(b.doc(`${BIOS}/Settings`).Attributes).toEqual({});
  });

  it('ResetBios makes the defaults pending; they apply at the next boot', () => {
    const b = makeBmc('generic');
    b.call('PATCH', `${BIOS}/Settings`, { body: { Attributes: { ProcTurboMode: 'Disabled' } } });
    restart(b);
    expect(b.call('POST', `${BIOS}/Actions/Bios.ResetBios`, { body: {} }).status).toBe(204);
    expect((b.doc(BIOS).Attributes as Body).ProcTurboMode).toBe('Disabled');
    restart(b);
    expect((b.doc(BIOS).Attributes as Body).ProcTurboMode).toBe('Enabled');
  });
});

describe('SecureBoot', () => {
  const SB = `${SYS}/SecureBoot`;

  it('SecureBootEnable is enforced from the next boot; without a PK the host boots unenforced', () => {
    const b = makeBmc('generic');
    expect(b.doc(SYS).SecureBoot).toEqual({ '@odata.id': SB });
    expect(b.call('PATCH', SB, { body: { SecureBootEnable: true } }).status).toBe(200);
    expect(b.doc(SB)).toMatchObject({ SecureBootEnable: true, SecureBootCurrentBoot: 'Disabled' });
    restart(b);
    expect(b.doc(SB)).toMatchObject({ SecureBootCurrentBoot: 'Enabled', SecureBootMode: 'DeployedMode' });
    expect(
      b.call('POST', `${SB}/Actions/SecureBoot.ResetKeys`, { body: { ResetKeysType: 'DeletePK' } }).status,
    ).toBe(204);
    expect(b.doc(SB).SecureBootMode).toBe('SetupMode');
    restart(b);
    expect(b.doc(SB).SecureBootCurrentBoot).toBe('Disabled');
    expect(messageId(b.call('PATCH', SB, { body: { SecureBootEnable: 'yes' } }))).toMatch(
      /PropertyValueTypeError$/,
    );
    expect(messageId(b.call('PATCH', SB, { body: { SecureBootMode: 'UserMode' } }))).toMatch(
      /PropertyNotWritable$/,
    );
  });

  it('has the PK, KEK, db and dbx databases with ResetKeys', () => {
    const b = makeBmc('generic');
    const dbs = b.doc(`${SB}/SecureBootDatabases`).Members as Body[];
    expect(dbs.map((m) => String(m['@odata.id']).split('/').pop())).toEqual(['PK', 'KEK', 'db', 'dbx']);
    const db = `${SB}/SecureBootDatabases/db`;
    expect(
      b.call('POST', `${db}/Actions/SecureBootDatabase.ResetKeys`, {
        body: { ResetKeysType: 'DeleteAllKeys' },
      }).status,
    ).toBe(204);
    expect(b.doc(db).Description).toBe('0 key(s)');
    expect(
      messageId(
        b.call('POST', `${db}/Actions/SecureBootDatabase.ResetKeys`, { body: { ResetKeysType: 'DeletePK' } }),
      ),
    ).toMatch(/ActionParameterValueNotInList$/);
  });
});

describe('Storage Volumes', () => {
  const VOLS = `${SYS}/Storage/1/Volumes`;

  it('POST creates a volume (201 + Location), DELETE removes it', () => {
    const b = makeBmc('generic');
    expect(b.doc(`${SYS}/Storage/1`).Volumes).toEqual({ '@odata.id': VOLS });
    expect(b.doc(VOLS)['Members@odata.count']).toBe(1);
    const r = b.call('POST', VOLS, {
      body: {
        Name: 'scratch',
        CapacityBytes: 100_000_000_000,
        RAIDType: 'RAID1',
        Links: {
          Drives: [
            { '@odata.id': `${SYS}/Storage/1/Drives/disk0` },
            { '@odata.id': `${SYS}/Storage/1/Drives/disk1` },
          ],
        },
      },
    });
    expect(r.status).toBe(201);
    const location = r.headers?.Location as string;
    expect(location).toBe(`${VOLS}/2`);
    expect(b.doc(location)).toMatchObject({
      Name: 'scratch',
      RAIDType: 'RAID1',
      CapacityBytes: 100_000_000_000,
    });
    expect((b.doc(`${SYS}/Storage/1/Drives/disk1`).Links as Body).Volumes).toEqual([
      { '@odata.id': location },
    ]);
    expect(b.call('DELETE', location).status).toBe(204);
    expect(b.get(location).status).toBe(404);
    expect(b.doc(VOLS)['Members@odata.count']).toBe(1);
  });

  it('refuses a create that cannot fit or names unknown drives', () => {
    const b = makeBmc('generic');
    expect(messageId(b.call('POST', VOLS, { body: {} }))).toMatch(/PropertyMissing$/);
    expect(messageId(b.call('POST', VOLS, { body: { CapacityBytes: 1e15 } }))).toMatch(
      /PropertyValueOutOfRange$/,
    );
    expect(messageId(b.call('POST', VOLS, { body: { CapacityBytes: 1e9, RAIDType: 'RAID6' } }))).toMatch(
      /PropertyValueNotInList$/,
    );
    expect(
      b.call('POST', VOLS, { body: { CapacityBytes: 1e9, Links: { Drives: [{ '@odata.id': '/nope' }] } } })
        .status,
    ).toBe(404);
    expect(b.doc(VOLS)['Members@odata.count']).toBe(1);
  });
});

describe('Chassis.Reset', () => {
  it('generic: ForceOff and On act on the machine', () => {
    const b = makeBmc('generic');
    const target = '/redfish/v1/Chassis/1/Actions/Chassis.Reset';
    expect(((b.doc('/redfish/v1/Chassis/1').Actions as Body)['#Chassis.Reset'] as Body).target).toBe(target);
    expect(b.call('POST', target, { body: { ResetType: 'ForceOff' } }).status).toBe(204);
    b.clock.advance(1000);
    expect(b.machine.powerState()).toBe('Off');
    expect(messageId(b.call('POST', target, { body: { ResetType: 'Nmi' } }))).toMatch(
      /ActionParameterValueNotInList$/,
    );
  });

  it('bmcweb: PowerCycle through its ActionInfo; iLO has none', () => {
    const b = makeBmc('openbmc');
    const action = (b.doc('/redfish/v1/Chassis/chassis').Actions as Body)['#Chassis.Reset'] as Body;
    const info = b.doc(action['@Redfish.ActionInfo'] as string);
    expect((info.Parameters as Body[])[0]?.AllowableValues).toEqual(['PowerCycle']);
    expect(b.call('POST', action.target as string, { body: { ResetType: 'PowerCycle' } }).status).toBe(204);
    expect(b.machine.powerState()).toBe('PoweringOff');
    expect(makeBmc('ilo').doc('/redfish/v1/Chassis/1/').Actions).toBeUndefined();
  });
});

describe('BootOptions and BootOrder', () => {
  it('PATCH Boot.BootOrder changes what a normal boot uses', () => {
    const b = makeBmc('generic');
    const boot = b.doc(SYS).Boot as Body;
    expect(boot.BootOrder).toEqual(['Boot0000', 'Boot0001', 'Boot0002', 'Boot0003']);
    expect(b.doc(`${SYS}/BootOptions/Boot0001`)).toMatchObject({ Alias: 'Pxe', BootOptionEnabled: true });
    expect(b.call('PATCH', SYS, { body: { Boot: { BootOrder: ['Boot0001'] } } }).status).toBe(200);
    expect((b.doc(SYS).Boot as Body).BootOrder).toEqual(['Boot0001', 'Boot0000', 'Boot0002', 'Boot0003']);
    restart(b);
    expect(lastSource(b)).toMatchObject({ Via: 'BootOrder', Target: 'Pxe', BootOptionReference: 'Boot0001' });
    // A disabled option is skipped.
    expect(
      b.call('PATCH', `${SYS}/BootOptions/Boot0001`, { body: { BootOptionEnabled: false } }).status,
    ).toBe(200);
    restart(b);
    expect(lastSource(b)).toMatchObject({ Target: 'Hdd' });
  });

  it('refuses unknown or repeated references and leaves the order alone', () => {
    const b = makeBmc('generic');
    expect(messageId(b.call('PATCH', SYS, { body: { Boot: { BootOrder: ['Boot9999'] } } }))).toMatch(
      /PropertyValueNotInList$/,
    );
    expect(
      messageId(b.call('PATCH', SYS, { body: { Boot: { BootOrder: ['Boot0001', 'Boot0001'] } } })),
    ).toMatch(/PropertyValueFormatError$/);
    expect(
      messageId(
        b.call('PATCH', SYS, {
          body: { Boot: { BootOrder: ['Boot0001'], BootSourceOverrideTarget: 'Nope' } },
        }),
      ),
    ).toMatch(/PropertyValueNotInList$/);
    expect((b.doc(SYS).Boot as Body).BootOrder).toEqual(['Boot0000', 'Boot0001', 'Boot0002', 'Boot0003']);
  });
});

describe('the feature resources validate against the DMTF schemas, in use', () => {
  it('every personality, with media inserted, volumes made, settings pending and applied', async () => {
    const { RedfishSchemas } = await import('../redfish/schema.js');
    const schemas = new RedfishSchemas();
    const systems = {
      generic: SYS,
      idrac: '/redfish/v1/Systems/System.Embedded.1',
      ilo: '/redfish/v1/Systems/1/',
    };
    for (const [p, sys] of Object.entries(systems) as [keyof typeof systems, string][]) {
      const b = makeBmc(p);
      const mgr = (((b.doc(sys).Links as Body).ManagedBy as Body[])[0] as Body)['@odata.id'] as string;
      const slots = (b.doc(`${mgr.replace(/\/$/, '')}/VirtualMedia`).Members as Body[]).map(
        (m) => m['@odata.id'] as string,
      );
      const slot = slots[0] as string;
      const insert = ((b.doc(slot).Actions as Body)['#VirtualMedia.InsertMedia'] as Body).target as string;
      expect(b.call('POST', insert, { body: { Image: ISO } }).status).toBeLessThan(300);
      const s = sys.replace(/\/$/, '');
      b.call('POST', `${s}/Storage/1/Volumes`, { body: { CapacityBytes: 1e9 } });
      const bios = b.doc(`${s}/Bios`);
      const name = Object.keys(bios.Attributes as Body)[1] as string;
      const registry = b.doc(`${s}/Bios/BiosRegistry`);
      const def = ((registry.RegistryEntries as Body).Attributes as Body[]).find(
        (a) => a.AttributeName === name,
      );
      const value = ((def?.Value as Body[])[1] as Body).ValueName;
      expect(
        // iDRAC wants If-Match on every PATCH (428 without).
        b.call('PATCH', `${s}/Bios/Settings`, {
          body: { Attributes: { [name]: value } },
          headers: { 'If-Match': '*' },
        }).status,
      ).toBeLessThan(300);
      const paths = [
        slot,
        `${s}/Storage/1/Volumes`,
        `${s}/Storage/1/Volumes/2`,
        `${s}/Bios`,
        `${s}/Bios/Settings`,
        `${s}/Bios/BiosRegistry`,
        '/redfish/v1/Registries',
        ((b.doc('/redfish/v1/Registries').Members as Body[])[0] as Body)['@odata.id'] as string,
        `${s}/SecureBoot`,
        `${s}/SecureBoot/SecureBootDatabases/PK`,
        `${s}/BootOptions/Boot0002`,
      ];
      restart(b, s);
      paths.push(sys); // with Oem.HwctlSim.LastBootSource
      for (const path of paths) expect([p, path, await schemas.validate(b.doc(path))]).toEqual([p, path, []]);
      expect((b.doc(`${s}/Bios`).Attributes as Body)[name]).toBe(value);
    }
  });
});
