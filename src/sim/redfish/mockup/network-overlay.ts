/**
 * A capture's Manager network documents made writable: a Manager's EthernetInterface (HostName, DHCPv4,
 * IPv4StaticAddresses, VLAN) and its NetworkProtocol (HostName, NTP) take a PATCH of the properties the
 * capture shows, kept as an overlay per document (captures are shared and never mutated). Static addresses
 * replace IPv4Addresses, and DHCP on turns them into a lease, as a BMC shows them.
 */
import { maskToPrefix } from '../../network.js';
import { isString, patchArrayProperty } from '../array-patch.js';
import type { ErrorFactory } from '../errors.js';
import { isObject, type Json, type JsonObject } from '../json.js';
import type { ResourceNode } from '../tree.js';

const WRITABLE: Readonly<Record<'iface' | 'protocol', Readonly<Record<string, readonly string[] | true>>>> = {
  iface: {
    HostName: true,
    DHCPv4: ['DHCPEnabled', 'UseDNSServers', 'UseNTPServers', 'UseDomainName'],
    IPv4StaticAddresses: true,
    VLAN: ['VLANEnable', 'VLANId'],
  },
  protocol: { HostName: true, NTP: ['NTPServers', 'ProtocolEnabled'] },
};

/** Which kind of network document a captured path holds, if any. */
export function networkDocKind(path: string, doc: JsonObject): 'iface' | 'protocol' | undefined {
  const type = typeof doc['@odata.type'] === 'string' ? doc['@odata.type'] : '';
  if (!/\/Managers\/[^/]+\//.test(path)) return undefined;
  if (type.includes('#EthernetInterface.')) return 'iface';
  if (type.includes('#ManagerNetworkProtocol.')) return 'protocol';
  return undefined;
}

function badValue(errors: ErrorFactory, v: Json | undefined, key: string): never {
  throw errors.error('PropertyValueTypeError', [JSON.stringify(v), key], { related: [`#/${key}`] });
}

/** Check one PATCH against the document and return the document after it. */
function patched(
  kind: 'iface' | 'protocol',
  doc: JsonObject,
  body: JsonObject,
  errors: ErrorFactory,
): JsonObject {
  const out: JsonObject = { ...doc };
  for (const [k, v] of Object.entries(body)) {
    const rule = WRITABLE[kind][k];
    if (!rule || !(k in doc)) {
      if (k in doc) throw errors.error('PropertyNotWritable', [k], { related: [`#/${k}`] });
      throw errors.error('PropertyUnknown', [k], { related: [`#/${k}`] });
    }
    if (rule !== true) {
      if (!isObject(v)) badValue(errors, v, k);
      for (const sub of Object.keys(v))
        if (!rule.includes(sub))
          throw errors.error('PropertyUnknown', [`${k}/${sub}`], { related: [`#/${k}/${sub}`] });
      const current: JsonObject = isObject(doc[k]) ? doc[k] : {};
      const next: JsonObject = { ...current, ...v };
      // NTP.NTPServers: a DSP0266 array PATCH over the servers shown.
      if (k === 'NTP' && 'NTPServers' in v) {
        const shown = Array.isArray(current.NTPServers) ? current.NTPServers : [];
        next.NTPServers = patchArrayProperty(
          errors,
          'NTPServers',
          '#/NTP/NTPServers',
          shown,
          v.NTPServers,
          isString,
        );
      }
      out[k] = next;
    } else if (k === 'HostName') {
      if (typeof v !== 'string' || !/^[A-Za-z0-9]([A-Za-z0-9-]{0,62})$/.test(v)) badValue(errors, v, k);
      out[k] = v;
    } else {
      // IPv4StaticAddresses: a DSP0266 array PATCH over the static addresses shown.
      const shown = Array.isArray(doc[k]) ? doc[k] : [];
      const list = patchArrayProperty(errors, k, `#/${k}`, shown, v, isObject);
      for (const a of list)
        if (
          !isObject(a) ||
          typeof a.Address !== 'string' ||
          typeof a.SubnetMask !== 'string' ||
          maskToPrefix(a.SubnetMask) === undefined
        )
          badValue(errors, a, k);
      out[k] = list;
      out.IPv4Addresses = list.map((a) => ({ ...(a as JsonObject), AddressOrigin: 'Static' }));
      if (isObject(out.DHCPv4)) out.DHCPv4 = { ...out.DHCPv4, DHCPEnabled: false };
    }
  }
  if (
    kind === 'iface' &&
    isObject(body.DHCPv4) &&
    body.DHCPv4.DHCPEnabled === true &&
    Array.isArray(out.IPv4Addresses)
  )
    out.IPv4Addresses = out.IPv4Addresses.map((a) => (isObject(a) ? { ...a, AddressOrigin: 'DHCP' } : a));
  return out;
}

export class NetworkOverlay {
  private readonly docs = new Map<string, JsonObject>();

  constructor(private readonly errors: ErrorFactory) {}

  node(path: string, kind: 'iface' | 'protocol', captured: JsonObject): ResourceNode {
    const current = () => this.docs.get(path) ?? captured;
    return {
      get: current,
      patch: (body) => {
        this.docs.set(path, patched(kind, current(), body, this.errors));
        return undefined;
      },
    };
  }
}
