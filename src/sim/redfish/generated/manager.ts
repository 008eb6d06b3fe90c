/** Managers/<id> of a generated BMC: reset, BMC network interfaces and NetworkProtocol (NTP). */
import { NetworkConfigError, maskToPrefix, prefixToMask, type BmcInterface } from '../../network.js';
import { readResetType } from '../actions.js';
import { isString, patchArrayProperty } from '../array-patch.js';
import { isObject, isoTime, type Json, type JsonObject } from '../json.js';
import type { Router } from '../router.js';
import { parseJsonBody } from '../tree.js';
import { collection, derivedUuid, rejectProperty, ROOT, type Gen } from './context.js';

function resetAction(g: Gen): JsonObject {
  const action: JsonObject = { target: g.u(`${g.mgr}/Actions/Manager.Reset`) };
  if (g.p.resetVia === 'inline') action['ResetType@Redfish.AllowableValues'] = [...g.p.managerResetValues];
  else action['@Redfish.ActionInfo'] = g.u(`${g.mgr}/ResetActionInfo`);
  return action;
}

export function managerDoc(g: Gen): JsonObject {
  const id = g.m.identity;
  const doc: JsonObject = {
    '@odata.id': g.u(g.mgr),
    '@odata.type': '#Manager.v1_14_0.Manager',
    Id: g.p.ids.manager,
    Name: g.p.names.manager,
    Description: 'Baseboard Management Controller',
    ManagerType: 'BMC',
    Model: id.bmcModel,
    FirmwareVersion: id.bmcFirmwareVersion,
    UUID: derivedUuid(g.m, 'manager'),
    ServiceEntryPointUUID: derivedUuid(g.m, 'service'),
    DateTime: managerDateTime(g),
    DateTimeLocalOffset: g.local.dateTimeLocalOffset,
    PowerState: 'On',
    Status: { State: 'Enabled', Health: 'OK' },
    EthernetInterfaces: g.link(`${g.mgr}/EthernetInterfaces`),
    NetworkProtocol: g.link(`${g.mgr}/NetworkProtocol`),
    Links: {
      ManagerForServers: [g.link(g.sys)],
      ManagerForChassis: [g.link(g.ch)],
      ManagerInChassis: g.link(g.ch),
    },
    Actions: { '#Manager.Reset': resetAction(g) },
  };
  if (g.p.log.parent === 'manager' || g.p.dump) doc.LogServices = g.link(`${g.mgr}/LogServices`);
  if (g.p.features.vmedia) doc.VirtualMedia = g.link(`${g.mgr}/VirtualMedia`);
  if (g.p.ntp === 'hpeDateTime')
    doc.Oem = { Hpe: { Links: { DateTimeService: g.link(`${g.mgr}/DateTime`) } } };
  return doc;
}

// ---------------------------------------------------------------- Manager DateTime

/** The BMC's time as a client set it, written in its DateTimeLocalOffset zone. */
function managerDateTime(g: Gen): string {
  const zone = g.local.dateTimeLocalOffset;
  const sign = zone.startsWith('-') ? -1 : 1;
  const [h = 0, m = 0] = zone.slice(1).split(':').map(Number);
  const shift = sign * (h * 60 + m) * 60_000;
  const local = isoTime(g.m.clock.now() + g.local.clockOffsetMs + shift);
  return local.replace(/\+00:00$/, zone);
}

const ZONE = /^[+-](0\d|1[0-4]):[0-5]\d$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Manager PATCH: DateTime and DateTimeLocalOffset (the rest is read-only). */
function patchManager(g: Gen, body: JsonObject): undefined {
  const doc = managerDoc(g);
  const steps: (() => void)[] = [];
  for (const [k, v] of Object.entries(body)) {
    if (k === 'DateTime') {
      const at = typeof v === 'string' && DATE_TIME.test(v) ? Date.parse(v) : NaN;
      if (Number.isNaN(at))
        throw g.errors.error('PropertyValueFormatError', [JSON.stringify(v), k], { related: ['#/DateTime'] });
      steps.push(() => (g.local.clockOffsetMs = at - g.m.clock.now()));
    } else if (k === 'DateTimeLocalOffset') {
      if (typeof v !== 'string' || !ZONE.test(v))
        throw g.errors.error('PropertyValueFormatError', [JSON.stringify(v), k], {
          related: ['#/DateTimeLocalOffset'],
        });
      steps.push(() => (g.local.dateTimeLocalOffset = v));
    } else rejectProperty(g, doc, k);
  }
  for (const step of steps) step();
  return undefined;
}

// ---------------------------------------------------------------- HPE DateTime (NTP servers)

const HPE_NTP_SLOTS = 2;

function hpeDateTimeDoc(g: Gen): JsonObject {
  const net = g.m.network.state;
  const slots = [...net.ntpServers];
  while (slots.length < HPE_NTP_SLOTS) slots.push('');
  return {
    '@odata.id': g.u(`${g.mgr}/DateTime`),
    '@odata.type': '#HpeiLODateTime.v2_0_0.HpeiLODateTime',
    Id: 'DateTime',
    Name: 'iLO Date and Time Settings',
    ConfigurationSettings: 'Current',
    DateTime: isoTime(g.m.clock.now()),
    NTPServers: [...slots],
    StaticNTPServers: slots,
    TimeZone: { Name: 'Coordinated Universal Time' },
  };
}

function patchHpeDateTime(g: Gen, body: JsonObject): undefined {
  const doc = hpeDateTimeDoc(g);
  for (const [k, v] of Object.entries(body)) {
    if (k !== 'StaticNTPServers') rejectProperty(g, doc, k);
    if (!Array.isArray(v) || v.length > HPE_NTP_SLOTS || v.some((s) => typeof s !== 'string'))
      throw g.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: [`#/${k}`] });
    try {
      g.m.network.setNtpServers(v as string[]);
    } catch (e) {
      if (e instanceof NetworkConfigError) throw g.errors.error('PropertyValueFormatError', [e.message, k]);
      throw e;
    }
  }
  return undefined;
}

function resetActionInfo(g: Gen): JsonObject {
  return {
    '@odata.id': g.u(`${g.mgr}/ResetActionInfo`),
    '@odata.type': '#ActionInfo.v1_1_2.ActionInfo',
    Id: 'ResetActionInfo',
    Name: 'Reset Action Info',
    Parameters: [
      { Name: 'ResetType', Required: true, DataType: 'String', AllowableValues: [...g.p.managerResetValues] },
    ],
  };
}

// ---------------------------------------------------------------- EthernetInterfaces

function ifaceIds(g: Gen): { ext: string; iface: BmcInterface }[] {
  return g.m.network.state.interfaces.map((iface, i) => ({ ext: g.p.ifaceId(iface.id, i), iface }));
}

function ifaceDoc(g: Gen, ext: string, i: BmcInterface): JsonObject {
  const net = g.m.network.state;
  const path = `${g.mgr}/EthernetInterfaces/${ext}`;
  const v4 = (origin?: string) =>
    i.ipv4
      .filter((a) => origin === undefined || a.origin === origin)
      .map((a) => ({
        Address: a.address,
        SubnetMask: prefixToMask(a.prefixLength),
        Gateway: a.gateway === '' ? net.defaultGateway : a.gateway,
        AddressOrigin: a.origin === 'LinkLocal' ? 'IPv4LinkLocal' : a.origin,
      }));
  const doc: JsonObject = {
    '@odata.id': g.u(path),
    '@odata.type': '#EthernetInterface.v1_9_0.EthernetInterface',
    Id: ext,
    Name: 'Manager Ethernet Interface',
    Description: 'Management Network Interface',
    InterfaceEnabled: true,
    LinkStatus: i.linkUp ? 'LinkUp' : 'LinkDown',
    MACAddress: i.macAddress,
    PermanentMACAddress: i.macAddress,
    SpeedMbps: i.speedMbps,
    HostName: net.hostName,
    FQDN: net.domainName ? `${net.hostName}.${net.domainName}` : net.hostName,
    DHCPv4: {
      DHCPEnabled: i.dhcpEnabled,
      UseDNSServers: i.dhcpEnabled,
      UseNTPServers: i.dhcpEnabled,
      UseDomainName: i.dhcpEnabled,
    },
    IPv4Addresses: v4(),
    IPv4StaticAddresses: v4('Static').map(({ AddressOrigin: _o, ...rest }) => rest),
    NameServers: [...net.nameServers],
    StaticNameServers: [...net.nameServers],
    VLAN: { VLANEnable: i.vlanId !== undefined, VLANId: i.vlanId ?? 0 },
    Status: { State: 'Enabled', Health: 'OK' },
  };
  return doc;
}

function field(
  g: Gen,
  o: JsonObject,
  key: string,
  type: 'string' | 'boolean' | 'number',
  where: string,
): Json | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== type)
    throw g.errors.error('PropertyValueTypeError', [JSON.stringify(v), key], { related: [where] });
  return v;
}

function patchIface(g: Gen, ext: string, iface: BmcInterface, body: JsonObject): undefined {
  const doc = ifaceDoc(g, ext, iface);
  const net = g.m.network;
  const steps: (() => void)[] = [];
  for (const [k, v] of Object.entries(body)) {
    const where = `#/${k}`;
    if (k === 'HostName') {
      if (typeof v !== 'string')
        throw g.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: [where] });
      steps.push(() => net.setHostName(v));
    } else if (k === 'DHCPv4') {
      if (!isObject(v))
        throw g.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: [where] });
      for (const sub of Object.keys(v))
        if (!['DHCPEnabled', 'UseDNSServers', 'UseNTPServers', 'UseDomainName'].includes(sub))
          throw g.errors.error('PropertyUnknown', [`DHCPv4/${sub}`], { related: [`${where}/${sub}`] });
      const on = field(g, v, 'DHCPEnabled', 'boolean', `${where}/DHCPEnabled`);
      for (const sub of ['UseDNSServers', 'UseNTPServers', 'UseDomainName'])
        field(g, v, sub, 'boolean', `${where}/${sub}`);
      if (typeof on === 'boolean') steps.push(() => net.setDhcp(iface.id, on));
    } else if (k === 'IPv4StaticAddresses') {
      if (!Array.isArray(v))
        throw g.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: [where] });
      const addrs = v.map((a, n) => {
        const at = `${where}/${n}`;
        if (!isObject(a))
          throw g.errors.error('PropertyValueTypeError', [JSON.stringify(a), k], { related: [at] });
        const address = field(g, a, 'Address', 'string', `${at}/Address`);
        const mask = field(g, a, 'SubnetMask', 'string', `${at}/SubnetMask`);
        const gateway = field(g, a, 'Gateway', 'string', `${at}/Gateway`) ?? '';
        if (typeof address !== 'string')
          throw g.errors.error('PropertyMissing', [`${k}/${n}/Address`], { related: [at] });
        if (typeof mask !== 'string')
          throw g.errors.error('PropertyMissing', [`${k}/${n}/SubnetMask`], { related: [at] });
        const prefixLength = maskToPrefix(mask);
        if (prefixLength === undefined)
          throw g.errors.error('PropertyValueFormatError', [mask, 'SubnetMask'], {
            related: [`${at}/SubnetMask`],
          });
        return { address, prefixLength, gateway: String(gateway) };
      });
      steps.push(() => net.setStaticIpv4(iface.id, addrs));
    } else if (k === 'StaticNameServers') {
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))
        throw g.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: [where] });
      const list = (v as string[]).filter((s) => s !== '');
      steps.push(() => net.setNameServers(list));
    } else if (k === 'VLAN') {
      if (!isObject(v))
        throw g.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: [where] });
      for (const sub of Object.keys(v))
        if (sub !== 'VLANEnable' && sub !== 'VLANId')
          throw g.errors.error('PropertyUnknown', [`VLAN/${sub}`], { related: [`${where}/${sub}`] });
      const enable = field(g, v, 'VLANEnable', 'boolean', `${where}/VLANEnable`);
      const id = field(g, v, 'VLANId', 'number', `${where}/VLANId`);
      const target = enable === false ? undefined : typeof id === 'number' ? id : iface.vlanId;
      if (enable === true && target === undefined)
        throw g.errors.error('PropertyMissing', ['VLAN/VLANId'], { related: [`${where}/VLANId`] });
      steps.push(() => net.setVlanTag(iface.id, target));
    } else rejectProperty(g, doc, k);
  }
  // Validate against the network model on a copy first, so a bad value changes nothing.
  const snapshot = JSON.stringify(net.state);
  try {
    for (const step of steps) step();
  } catch (e) {
    Object.assign(net.state, JSON.parse(snapshot) as typeof net.state);
    if (e instanceof NetworkConfigError)
      throw g.errors.error('PropertyValueFormatError', [e.message, Object.keys(body).join(',')]);
    throw e;
  }
  return undefined;
}

// ---------------------------------------------------------------- NetworkProtocol

/** NTP in NetworkProtocol (not on HPE, which has it in its DateTime resource, or nowhere). */
const ntpInProtocol = (g: Gen) => g.p.ntp === 'list' || g.p.ntp === 'padded3';

function ntpBlock(g: Gen): JsonObject | undefined {
  const net = g.m.network.state;
  if (!ntpInProtocol(g)) return undefined;
  const servers: string[] = [...net.ntpServers];
  if (g.p.ntp === 'padded3') while (servers.length < 3) servers.push('');
  return { ProtocolEnabled: net.ntpEnabled, NTPServers: servers };
}

function networkProtocolDoc(g: Gen): JsonObject {
  const net = g.m.network.state;
  const doc: JsonObject = {
    '@odata.id': g.u(`${g.mgr}/NetworkProtocol`),
    '@odata.type': '#ManagerNetworkProtocol.v1_5_0.ManagerNetworkProtocol',
    Id: 'NetworkProtocol',
    Name: 'Manager Network Protocol',
    Description: 'Manager Network Service',
    HostName: net.hostName,
    FQDN: net.domainName ? `${net.hostName}.${net.domainName}` : net.hostName,
    HTTP: { ProtocolEnabled: false, Port: 80 },
    HTTPS: {
      ProtocolEnabled: true,
      Port: 443,
      Certificates: g.link(`${g.mgr}/NetworkProtocol/HTTPS/Certificates`),
    },
    SSH: { ProtocolEnabled: true, Port: 22 },
    IPMI: { ProtocolEnabled: true, Port: 623 },
    Status: { State: 'Enabled', Health: 'OK' },
  };
  const ntp = ntpBlock(g);
  if (ntp) doc.NTP = ntp;
  return doc;
}

function patchNetworkProtocol(g: Gen, body: JsonObject): undefined {
  const doc = networkProtocolDoc(g);
  const net = g.m.network;
  const steps: (() => void)[] = [];
  for (const [k, v] of Object.entries(body)) {
    if (k === 'NTP' && ntpInProtocol(g)) {
      if (!isObject(v))
        throw g.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: ['#/NTP'] });
      for (const sub of Object.keys(v))
        if (sub !== 'NTPServers' && sub !== 'ProtocolEnabled')
          throw g.errors.error('PropertyUnknown', [`NTP/${sub}`], { related: [`#/NTP/${sub}`] });
      const enabled = field(g, v, 'ProtocolEnabled', 'boolean', '#/NTP/ProtocolEnabled');
      const servers = v.NTPServers;
      if (servers !== undefined) {
        // DSP0266 array PATCH over the list as shown (Dell's padded slots included): null removes, {} keeps.
        const shown = (ntpBlock(g)?.NTPServers ?? []) as string[];
        const patched = patchArrayProperty(
          g.errors,
          'NTPServers',
          '#/NTP/NTPServers',
          shown,
          servers,
          isString,
        );
        const list = patched.filter((s) => s !== '');
        if (g.p.ntp === 'padded3' && Array.isArray(servers) && servers.length > 3)
          throw g.errors.error('PropertyValueOutOfRange', [JSON.stringify(servers), 'NTPServers'], {
            related: ['#/NTP/NTPServers'],
          });
        steps.push(() => net.setNtpServers(list));
      }
      if (typeof enabled === 'boolean') steps.push(() => net.setNtpEnabled(enabled));
    } else if (k === 'HostName') {
      if (typeof v !== 'string')
        throw g.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: ['#/HostName'] });
      steps.push(() => net.setHostName(v));
    } else rejectProperty(g, doc, k);
  }
  try {
    for (const step of steps) step();
  } catch (e) {
    if (e instanceof NetworkConfigError)
      throw g.errors.error('PropertyValueFormatError', [e.message, Object.keys(body).join(',')]);
    throw e;
  }
  return undefined;
}

export function addManagerRoutes(r: Router, g: Gen): void {
  r.node(`${ROOT}/Managers`, () => ({
    get: () => collection(g, `${ROOT}/Managers`, 'ManagerCollection', 'Manager Collection', [g.mgr]),
  }));
  r.node(g.mgr, () => ({ get: () => managerDoc(g), patch: (body) => patchManager(g, body) }));
  r.node(`${g.mgr}/Actions/Manager.Reset`, () => ({
    post: (ctx) => {
      readResetType(parseJsonBody(ctx), g.p.managerResetValues, '#Manager.Reset', g.errors, {
        required: false,
      });
      // This request still gets its 2xx; the BMC then stays unreachable for the reboot time.
      g.m.bmcReboot();
      return undefined;
    },
  }));
  if (g.p.resetVia === 'actionInfo')
    r.node(`${g.mgr}/ResetActionInfo`, () => ({ get: () => resetActionInfo(g) }));
  r.node(`${g.mgr}/EthernetInterfaces`, () => ({
    get: () =>
      collection(
        g,
        `${g.mgr}/EthernetInterfaces`,
        'EthernetInterfaceCollection',
        'Ethernet Network Interface Collection',
        ifaceIds(g).map((x) => `${g.mgr}/EthernetInterfaces/${x.ext}`),
      ),
  }));
  r.add(`${g.mgr}/EthernetInterfaces/:id`, ({ id }) => {
    const found = ifaceIds(g).find((x) => x.ext === id);
    if (!found) return undefined;
    return {
      get: () => ifaceDoc(g, found.ext, found.iface),
      patch: (body) => patchIface(g, found.ext, found.iface, body),
    };
  });
  if (g.p.ntp === 'hpeDateTime')
    r.node(`${g.mgr}/DateTime`, () => ({
      get: () => hpeDateTimeDoc(g),
      patch: (body) => patchHpeDateTime(g, body),
    }));
  r.node(`${g.mgr}/NetworkProtocol`, () => ({
    get: () => networkProtocolDoc(g),
    patch: (body) => patchNetworkProtocol(g, body),
  }));
}
