/**
 * Vendor-true details of the personalities: what HPE's ilorest reads of an iLO 5 (root Oem.Hpe,
 * ResourceDirectory, `/rest/v1`, virtual media Oem actions) and what a stock bmcweb has (System
 * IndicatorLED, Journal, a Bios with only ResetBios), after the evidence in docs/vendors.md.
 */
import { describe, it, expect } from '@jest/globals';
import { makeBmc, messageId, type Body } from '../redfish/helpers.js';

describe('iLO 5 as ilorest sees it', () => {
  it('the root Oem.Hpe.Manager is an array with ManagerType and ManagerFirmwareVersion', () => {
    const b = makeBmc('ilo');
    const hpe = (b.doc('/redfish/v1/').Oem as Body).Hpe as Body;
    const mgr = (hpe.Manager as Body[])[0] as Body;
    expect(mgr.ManagerType).toBe('iLO 5');
    expect(mgr.ManagerFirmwareVersion).toMatch(/^\d+\.\d+$/);
    expect((hpe.Sessions as Body).LocalLoginEnabled).toBe(true);
    expect((hpe.Links as Body).ResourceDirectory).toEqual({ '@odata.id': '/redfish/v1/ResourceDirectory/' });
  });

  it('ResourceDirectory lists the instances with their types', () => {
    const b = makeBmc('ilo');
    const inst = b.doc('/redfish/v1/ResourceDirectory/').Instances as Body[];
    const byId = new Map(inst.map((i) => [i['@odata.id'], i]));
    expect(byId.get('/redfish/v1/Systems/1/')).toMatchObject({
      '@odata.type': '#ComputerSystem.v1_20_0.ComputerSystem',
    });
    expect(byId.get('/redfish/v1/Managers/1/VirtualMedia/2/')?.HttpMethods).toEqual(['GET', 'PATCH']);
    expect(inst.length).toBeGreaterThan(30);
  });

  it('/rest/v1 is an alias of /redfish/v1: the root is open, the rest needs credentials, login works', () => {
    const b = makeBmc('ilo');
    const root = b.call('GET', '/rest/v1', { auth: 'none' });
    expect(root.status).toBe(200);
    expect((root.body as Body).RedfishVersion).toBeDefined();
    expect(b.call('GET', '/rest/v1/Systems/1', { auth: 'none' }).status).toBe(401);
    expect((b.doc('/rest/v1/Systems/1/') as Body).Id).toBe('1');
    const login = b.call('POST', '/rest/v1/SessionService/Sessions', {
      auth: 'none',
      body: { UserName: 'root', Password: '0penBmc' },
    });
    expect(login.status).toBe(201);
    const token = login.headers?.['X-Auth-Token'] as string;
    expect(b.call('GET', '/redfish/v1/Systems/1/', { auth: { token } }).status).toBe(200);
    expect(b.call('DELETE', login.headers?.Location as string, { auth: { token } }).status).toBe(200);
    expect(b.call('GET', '/redfish/v1/Systems/1/', { auth: { token } }).status).toBe(401);
  });

  it('virtualmedia --bootnextreset: HpeiLOVirtualMedia.InsertVirtualMedia + BootOnNextServerReset boots the image once', () => {
    const b = makeBmc('ilo');
    const slot = '/redfish/v1/Managers/1/VirtualMedia/2/';
    const doc = b.doc(slot);
    expect(doc.MediaTypes).toEqual(['CD', 'DVD']);
    const hpe = (doc.Oem as Body).Hpe as Body;
    const insert = ((hpe.Actions as Body)['#HpeiLOVirtualMedia.InsertVirtualMedia'] as Body).target as string;
    // iLO answers success with its ExtendedInfo envelope (200), as for every action.
    expect(b.call('POST', insert, { body: { Image: 'http://x/spp.iso' } }).status).toBe(200);
    expect(b.call('PATCH', slot, { body: { Oem: { Hpe: { BootOnNextServerReset: true } } } }).status).toBe(
      200,
    );
    expect(((b.doc(slot).Oem as Body).Hpe as Body).BootOnNextServerReset).toBe(true);
    b.call('POST', '/redfish/v1/Systems/1/Actions/ComputerSystem.Reset', {
      body: { ResetType: 'ForceRestart' },
    });
    b.clock.advance(1000);
    const src = ((b.doc('/redfish/v1/Systems/1/').Oem as Body).HwctlSim as Body).LastBootSource as Body;
    expect(src).toMatchObject({ Via: 'BootOnNextServerReset', Target: 'Cd', Image: 'http://x/spp.iso' });
    expect(((b.doc(slot).Oem as Body).Hpe as Body).BootOnNextServerReset).toBe(false);
    expect(messageId(b.call('PATCH', slot, { body: { Oem: { Hpe: { Foo: 1 } } } }))).toMatch(
      /PropertyNotWritable$/,
    );
  });

  it('has the HPE BIOS attribute names', () => {
    const b = makeBmc('ilo');
    expect(b.doc('/redfish/v1/Systems/1/Bios/').Attributes).toMatchObject({
      WorkloadProfile: 'GeneralPowerEfficientCompute',
      ProcHyperthreading: 'Enabled',
    });
  });
});

describe('bmcweb as captured', () => {
  const SYS = '/redfish/v1/Systems/system';

  it('the System has IndicatorLED and LocationIndicatorActive, one state', () => {
    const b = makeBmc('openbmc');
    expect(b.doc(SYS)).toMatchObject({ IndicatorLED: 'Off', LocationIndicatorActive: false });
    expect(b.call('PATCH', SYS, { body: { IndicatorLED: 'Blinking' } }).status).toBe(204);
    expect(b.doc(SYS)).toMatchObject({ IndicatorLED: 'Blinking', LocationIndicatorActive: true });
  });

  it('the Manager has the Journal log service; a BMC reboot adds its boot lines', () => {
    const b = makeBmc('openbmc');
    const services = b.doc('/redfish/v1/Managers/bmc/LogServices').Members as Body[];
    expect(services[0]).toEqual({ '@odata.id': '/redfish/v1/Managers/bmc/LogServices/Journal' });
    const entries = () => b.doc('/redfish/v1/Managers/bmc/LogServices/Journal/Entries').Members as Body[];
    expect(entries()[0]).toMatchObject({
      EntryType: 'Oem',
      OemRecordFormat: 'BMC Journal Entry',
      Message: 'kernel: Booting Linux on physical CPU 0x0',
    });
    const n = entries().length;
    b.machine.bmcReboot(100);
    b.clock.advance(200);
    expect(entries().length).toBe(2 * n);
    const id = entries()[n]?.Id as string;
    expect(b.doc(`/redfish/v1/Managers/bmc/LogServices/Journal/Entries/${id}`).Id).toBe(id);
  });

  it('Bios is bmcweb’s: Id BIOS, only ResetBios, no attributes; no VirtualMedia, SecureBoot or BootOptions', () => {
    const b = makeBmc('openbmc');
    const bios = b.doc(`${SYS}/Bios`);
    expect(bios).toMatchObject({ Id: 'BIOS', '@odata.type': '#Bios.v1_1_0.Bios' });
    expect(bios.Attributes).toBeUndefined();
    expect(b.call('POST', `${SYS}/Bios/Actions/Bios.ResetBios`, { body: {} }).status).toBe(204);
    expect(b.get(`${SYS}/Bios/Settings`).status).toBe(404);
    expect(b.get('/redfish/v1/Managers/bmc/VirtualMedia').status).toBe(404);
    expect(b.doc(SYS).SecureBoot).toBeUndefined();
    expect((b.doc(SYS).Boot as Body).BootOrder).toBeUndefined();
  });
});

describe('iDRAC', () => {
  it('has its VirtualMedia slot names and Dell BIOS attributes', () => {
    const b = makeBmc('idrac');
    const vm = b.doc('/redfish/v1/Managers/iDRAC.Embedded.1/VirtualMedia').Members as Body[];
    expect(vm.map((m) => String(m['@odata.id']).split('/').pop())).toEqual(['CD', 'RemovableDisk']);
    expect(b.doc('/redfish/v1/Systems/System.Embedded.1/Bios').Attributes).toMatchObject({
      SysProfile: 'PerfPerWattOptimizedDapc',
      SystemServiceTag: b.machine.identity.serialNumber,
    });
  });
});
