import { describe, it, expect } from '@jest/globals';
import { makeBmc, messageId, type Body } from './helpers.js';

const MGR = '/redfish/v1/Managers/1';

describe('Managers', () => {
  it('shows FirmwareVersion, PowerState, DateTime from the clock and links', () => {
    const b = makeBmc('generic');
    const m = b.doc(MGR);
    expect(m).toMatchObject({
      Id: '1',
      ManagerType: 'BMC',
      PowerState: 'On',
      FirmwareVersion: b.machine.identity.bmcFirmwareVersion,
      DateTime: new Date(b.clock.now()).toISOString().replace('.000Z', '+00:00'),
      Links: { ManagerForServers: [{ '@odata.id': '/redfish/v1/Systems/1' }] },
    });
  });

  it('Manager.Reset answers, then the BMC is unreachable for the configured time and forgets sessions', () => {
    const b = makeBmc('generic');
    const s = b.login();
    const r = b.call('POST', `${MGR}/Actions/Manager.Reset`, { body: { ResetType: 'GracefulRestart' } });
    expect(r.status).toBe(204);
    expect(b.machine.bmcReady()).toBe(false);
    expect(b.get(MGR).status).toBe(503);
    b.clock.advance(b.machine.bmcRebootMs);
    expect(b.machine.bmcReady()).toBe(true);
    expect(b.get(MGR, { auth: { token: s.token } }).status).toBe(401);
    expect(b.get(MGR).status).toBe(200);
    expect(b.machine.powerState()).toBe('On'); // the host is not touched
  });

  it('Manager.Reset values per personality: iDRAC only GracefulRestart; OpenBMC via ActionInfo', () => {
    const idrac = makeBmc('idrac');
    const path = '/redfish/v1/Managers/iDRAC.Embedded.1/Actions/Manager.Reset';
    const bad = idrac.call('POST', path, { body: { ResetType: 'ForceRestart' } });
    expect([bad.status, messageId(bad)]).toEqual([400, 'Base.1.12.ActionParameterValueNotInList']);
    expect(idrac.machine.bmcReady()).toBe(true);
    const obmc = makeBmc('openbmc');
    const action = (obmc.doc('/redfish/v1/Managers/bmc').Actions as Record<string, Body>)[
      '#Manager.Reset'
    ] as Body;
    expect(action['@Redfish.ActionInfo']).toBe('/redfish/v1/Managers/bmc/ResetActionInfo');
    expect(obmc.doc('/redfish/v1/Managers/bmc/ResetActionInfo').Parameters).toEqual([
      {
        Name: 'ResetType',
        Required: true,
        DataType: 'String',
        AllowableValues: ['GracefulRestart', 'ForceRestart'],
      },
    ]);
  });

  it('EthernetInterfaces: IPv4, DHCP, VLAN and hostname, readable and writable', () => {
    const b = makeBmc('generic');
    const path = `${MGR}/EthernetInterfaces/eth0`;
    const eth = b.doc(path);
    const addr = b.machine.network.state.interfaces[0]?.ipv4[0];
    expect(eth).toMatchObject({
      HostName: 'node01-bmc',
      MACAddress: b.machine.identity.bmcMac,
      DHCPv4: { DHCPEnabled: false },
      IPv4Addresses: [{ Address: addr?.address, SubnetMask: '255.255.0.0', AddressOrigin: 'Static' }],
      VLAN: { VLANEnable: false },
    });
    const r = b.call('PATCH', path, {
      body: {
        HostName: 'bmc-a1',
        IPv4StaticAddresses: [
          { Address: '192.168.5.20', SubnetMask: '255.255.255.0', Gateway: '192.168.5.1' },
        ],
        VLAN: { VLANEnable: true, VLANId: 42 },
        StaticNameServers: ['192.168.5.2'],
      },
    });
    expect(r.status).toBe(200);
    const after = b.doc(path);
    expect(after).toMatchObject({
      HostName: 'bmc-a1',
      IPv4Addresses: [{ Address: '192.168.5.20', SubnetMask: '255.255.255.0', Gateway: '192.168.5.1' }],
      VLAN: { VLANEnable: true, VLANId: 42 },
      NameServers: ['192.168.5.2'],
    });
    b.call('PATCH', path, { body: { DHCPv4: { DHCPEnabled: true } } });
    expect(b.doc(path)).toMatchObject({
      DHCPv4: { DHCPEnabled: true },
      IPv4Addresses: [{ AddressOrigin: 'DHCP' }],
    });
  });

  it('a bad address or mask is a 400 and changes nothing', () => {
    const b = makeBmc('generic');
    const path = `${MGR}/EthernetInterfaces/eth0`;
    const before = b.doc(path);
    const mask = b.call('PATCH', path, {
      body: { IPv4StaticAddresses: [{ Address: '10.0.0.9', SubnetMask: '255.0.255.0' }] },
    });
    expect([mask.status, messageId(mask)]).toEqual([400, 'Base.1.16.PropertyValueFormatError']);
    const ip = b.call('PATCH', path, {
      body: {
        HostName: 'changed',
        IPv4StaticAddresses: [{ Address: '10.0.0.999', SubnetMask: '255.0.0.0' }],
      },
    });
    expect(ip.status).toBe(400);
    expect(b.doc(path)).toEqual(before);
    expect(messageId(b.call('PATCH', path, { body: { MACAddress: '00:11:22:33:44:55' } }))).toBe(
      'Base.1.16.PropertyNotWritable',
    );
  });

  it('NetworkProtocol NTP: a list (generic), three padded slots (iDRAC), absent on iLO', () => {
    const g = makeBmc('generic');
    const np = `${MGR}/NetworkProtocol`;
    expect(g.doc(np).NTP).toEqual({ ProtocolEnabled: true, NTPServers: ['10.100.0.3'] });
    expect(
      g.call('PATCH', np, { body: { NTP: { NTPServers: ['ntp1.lab', 'ntp2.lab'], ProtocolEnabled: true } } })
        .status,
    ).toBe(200);
    expect((g.doc(np).NTP as Body).NTPServers).toEqual(['ntp1.lab', 'ntp2.lab']);

    const d = makeBmc('idrac');
    const dnp = '/redfish/v1/Managers/iDRAC.Embedded.1/NetworkProtocol';
    expect(d.doc(dnp).NTP).toEqual({ ProtocolEnabled: true, NTPServers: ['10.100.0.3', '', ''] });
    const tag = d.get(dnp).headers?.ETag as string;
    d.call('PATCH', dnp, { headers: { 'If-Match': tag }, body: { NTP: { NTPServers: ['a.lab', '', ''] } } });
    expect((d.doc(dnp).NTP as Body).NTPServers).toEqual(['a.lab', '', '']);
    expect(d.doc('/redfish/v1/Managers/iDRAC.Embedded.1/EthernetInterfaces/NIC.1').Id).toBe('NIC.1');

    const h = makeBmc('ilo');
    const hnp = '/redfish/v1/Managers/1/NetworkProtocol/';
    expect(h.doc(hnp).NTP).toBeUndefined();
    const r = h.call('PATCH', hnp, { body: { NTP: { NTPServers: ['x'] } } });
    expect([r.status, messageId(r)]).toEqual([400, 'Base.1.4.PropertyUnknown']);
    expect(h.doc('/redfish/v1/Managers/1/EthernetInterfaces/1/')['@odata.id']).toBe(
      '/redfish/v1/Managers/1/EthernetInterfaces/1/',
    );
  });
});
