/**
 * rspconfig network keys on Redfish (reference redfish.md "BMC network"):
 *  - address, VLAN, DHCP, hostname: the Manager's EthernetInterface that faces hwctl (its address is the
 *    node's `bmc`; else the first with a routable address), PATCHed in place (`IPv4StaticAddresses`,
 *    `DHCPv4.DHCPEnabled`, `VLAN`, `HostName`);
 *  - NTP servers and the time sync method: `NetworkProtocol.NTP` (`NTPServers`, `ProtocolEnabled`). Dell's
 *    fixed slots (`["a","",""]`) are kept padded. A BMC without an NTP block (HPE iLO keeps its servers in
 *    an Oem DateTime resource) answers `unsupported`.
 * Writes go through patchSetting (Settings objects, If-Match, 202 tasks). A change of address is sent
 * once: the answer may never come (the BMC left the address the request went to), which is the change
 * working, not a failure; nothing more is sent to the old address.
 */
import { NodeError, isNodeError } from '../../core/errors.js';
import { isLinkLocal, maskToPrefix } from '../../core/ipv4.js';
import type { NodeContext } from '../../engine/executor.js';
import { redfishClient, isRecord, type RedfishClient, type RedfishResource } from '../../bmc/index.js';
import { odataIdOf } from '../../bmc/redfish-topology.js';
import type {
  AddressChangeOutcome,
  BmcNetworkInfo,
  IpSetting,
  NetworkExecutor,
  NetworkKey,
  NetworkSetOutcome,
  TimeSync,
} from '../../managers/bmcnetwork.js';
import { hpeDateTimeUri, redfishQuirks } from './quirks.js';
import { patchSetting } from './settings-write.js';

interface Doc {
  path: string;
  doc: RedfishResource;
}

interface V4 {
  address: string;
  mask?: string;
  gateway?: string;
  origin?: string;
}

function ipv4Of(doc: RedfishResource): V4[] {
  const list = Array.isArray(doc.IPv4Addresses) ? doc.IPv4Addresses : [];
  return list.filter(isRecord).flatMap((a) => {
    if (typeof a.Address !== 'string' || a.Address === '') return [];
    const v: V4 = { address: a.Address };
    if (typeof a.SubnetMask === 'string') v.mask = a.SubnetMask;
    if (typeof a.Gateway === 'string') v.gateway = a.Gateway;
    if (typeof a.AddressOrigin === 'string') v.origin = a.AddressOrigin;
    return [v];
  });
}

const linkLocal = (a: V4) => a.origin === 'IPv4LinkLocal' || isLinkLocal(a.address);
const routable = (doc: RedfishResource) => ipv4Of(doc).filter((a) => !linkLocal(a));

function bmcHost(ctx: NodeContext): string | undefined {
  try {
    return new URL(ctx.node.bmc).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

async function managerNics(client: RedfishClient, manager: RedfishResource): Promise<Doc[]> {
  const collection = odataIdOf(manager.EthernetInterfaces);
  const where = manager['@odata.id'] ?? 'the Manager';
  if (!collection) throw new NodeError('unsupported', `${where} has no EthernetInterfaces`);
  const paths = await client.members(collection);
  const nics = await Promise.all(paths.map(async (path) => ({ path, doc: await client.get(path) })));
  if (nics.length === 0) throw new NodeError('unsupported', `${collection} lists no interface`);
  return nics;
}

/** The interface hwctl talks to: the one holding the node's bmc address, else the first with a routable one. */
export function facingNic<T extends { doc: RedfishResource }>(
  nics: readonly T[],
  host: string | undefined,
): T {
  return (
    nics.find((n) => ipv4Of(n.doc).some((a) => a.address === host)) ??
    nics.find((n) => routable(n.doc).length > 0) ??
    nics[0]!
  );
}

function dhcpEnabled(doc: RedfishResource): boolean | undefined {
  const d = doc.DHCPv4;
  return isRecord(d) && typeof d.DHCPEnabled === 'boolean' ? d.DHCPEnabled : undefined;
}

function vlanOf(doc: RedfishResource): number | null {
  const v = doc.VLAN;
  return isRecord(v) && v.VLANEnable === true && typeof v.VLANId === 'number' ? v.VLANId : null;
}

function nicInfo(nic: Doc, into: BmcNetworkInfo): void {
  const addrs = routable(nic.doc);
  const first = addrs[0];
  into.nic = nic.doc.Id ?? nic.path;
  if (first) {
    into.ip = first.address;
    if (first.mask !== undefined) into.netmask = first.mask;
    if (first.gateway !== undefined) into.gateway = first.gateway;
    if (first.origin !== undefined) into.ipsrc = first.origin;
  }
  if (dhcpEnabled(nic.doc) === true) into.ipsrc = 'DHCP';
  if (addrs.length > 1) into.multipleIps = true;
  const zero = ipv4Of(nic.doc).find(linkLocal);
  if (zero) into.zeroConfIp = zero.address;
  into.vlan = vlanOf(nic.doc);
  if (typeof nic.doc.HostName === 'string') into.hostname = nic.doc.HostName;
}

function ntpBlock(doc: RedfishResource): Record<string, unknown> | undefined {
  return isRecord(doc.NTP) ? doc.NTP : undefined;
}

function protocolInfo(p: Doc, into: BmcNetworkInfo): void {
  const ntp = ntpBlock(p.doc);
  if (into.hostname === undefined && typeof p.doc.HostName === 'string') into.hostname = p.doc.HostName;
  const why = `${p.path} has no NTP settings: this BMC does not offer them through standard Redfish`;
  if (ntp && Array.isArray(ntp.NTPServers))
    into.ntpServers = ntp.NTPServers.filter((s): s is string => typeof s === 'string');
  else into.ntpUnsupported = why;
  if (ntp && typeof ntp.ProtocolEnabled === 'boolean') into.timeSync = ntp.ProtocolEnabled ? 'ntp' : 'manual';
  else into.timeSyncUnsupported = why;
}

async function protocolOf(client: RedfishClient, manager: RedfishResource): Promise<Doc> {
  const path = odataIdOf(manager.NetworkProtocol);
  if (!path)
    throw new NodeError('unsupported', `${manager['@odata.id'] ?? 'the Manager'} has no NetworkProtocol`);
  return { path, doc: await client.get(path) };
}

const PROTOCOL_KEYS: readonly NetworkKey[] = ['ntpservers', 'timesyncmethod'];

/** Where this node's documents are, once found: a read back after a set GETs them and nothing else. */
interface Spots {
  nic?: string;
  protocol?: string;
  /** HPE's DateTime resource, where its NTP servers are (quirk ntp-hpe-datetime). */
  dateTime?: string;
}

interface Reading {
  client: RedfishClient;
  /** The facing interface; read unless every key is NetworkProtocol's. */
  nic: Doc | undefined;
  protocol: Doc | undefined;
  /** HPE's DateTime resource, read in place of NetworkProtocol.NTP (quirk ntp-hpe-datetime). */
  dateTime: Doc | undefined;
  info: BmcNetworkInfo;
}

/** The network as the keys need it: the facing interface, NetworkProtocol (NTP; hostname without one). */
async function read(ctx: NodeContext, keys: readonly NetworkKey[]): Promise<Reading> {
  const client = await redfishClient(ctx);
  const spots = ctx.shared<Spots>('rspconfig:redfish-spots', () => ({}));
  let manager: RedfishResource | undefined;
  const managerDoc = async () => (manager ??= await client.manager());
  let nic: Doc | undefined;
  const info: BmcNetworkInfo = { source: '' };
  if (keys.length === 0 || keys.some((k) => !PROTOCOL_KEYS.includes(k))) {
    if (spots.nic) nic = { path: spots.nic, doc: await client.get(spots.nic) };
    else {
      nic = facingNic(await managerNics(client, await managerDoc()), bmcHost(ctx));
      spots.nic = nic.path;
    }
    info.source = nic.path;
    nicInfo(nic, info);
  }
  let protocol: Doc | undefined;
  if (
    keys.some((k) => PROTOCOL_KEYS.includes(k)) ||
    (keys.includes('hostname') && info.hostname === undefined)
  ) {
    protocol = spots.protocol
      ? { path: spots.protocol, doc: await client.get(spots.protocol) }
      : await protocolOf(client, await managerDoc());
    spots.protocol = protocol.path;
    protocolInfo(protocol, info);
    if (!nic) info.source = protocol.path;
  }
  let dateTime: Doc | undefined;
  if (protocol && !ntpBlock(protocol.doc) && keys.includes('ntpservers')) {
    dateTime = await hpeDateTime(ctx, client, spots, managerDoc);
    if (dateTime) {
      const slots = dateTime.doc.StaticNTPServers;
      info.ntpServers = Array.isArray(slots) ? slots.filter((x): x is string => typeof x === 'string') : [];
      delete info.ntpUnsupported;
      if (!nic) info.source = dateTime.path;
    }
  }
  return { client, nic, protocol, dateTime, info };
}

/** HPE's DateTime resource when the quirk applies (its path kept per node), else undefined. */
async function hpeDateTime(
  ctx: NodeContext,
  client: RedfishClient,
  spots: Spots,
  managerDoc: () => Promise<RedfishResource>,
): Promise<Doc | undefined> {
  if (spots.dateTime) return { path: spots.dateTime, doc: await client.get(spots.dateTime) };
  const manager = await managerDoc();
  const path = hpeDateTimeUri(manager);
  if (!path || !(await redfishQuirks(ctx).has('ntp-hpe-datetime', { manager }))) return undefined;
  spots.dateTime = path;
  return { path, doc: await client.get(path) };
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** A transport failure with no HTTP answer: after an address change, the BMC leaving the old address. */
function connectionDropped(e: unknown): boolean {
  return isNodeError(e) && e.status === undefined && (e.kind === 'unreachable' || e.kind === 'timeout');
}

function withPending(sent: string, pending: string | undefined): NetworkSetOutcome {
  return pending === undefined ? { sent } : { sent, pending };
}

class RedfishNetworkExecutor implements NetworkExecutor {
  readonly capability = 'bmcconfig' as const;
  readonly flavor = 'redfish';

  async readNetwork(args: { keys: readonly NetworkKey[] }, ctx: NodeContext): Promise<BmcNetworkInfo> {
    return (await read(ctx, args.keys)).info;
  }

  async setHostname(args: { hostname: string }, ctx: NodeContext): Promise<NetworkSetOutcome> {
    const { client, nic, info } = await read(ctx, []);
    if (!nic) throw new NodeError('unsupported', 'This BMC has no Manager EthernetInterface');
    if (nic.doc.HostName === args.hostname) return { current: info };
    const w = await patchSetting(client, nic.path, nic.doc, { HostName: args.hostname }, redfishQuirks(ctx));
    return withPending(`HostName=${args.hostname}`, w.pending);
  }

  async setNtpServers(args: { servers: string[] }, ctx: NodeContext): Promise<NetworkSetOutcome> {
    const { client, protocol, dateTime, info } = await read(ctx, ['ntpservers']);
    if (!protocol || info.ntpServers === undefined)
      throw new NodeError('unsupported', info.ntpUnsupported ?? 'This BMC has no NTP settings');
    const now = info.ntpServers;
    const list = [...args.servers];
    // Fixed slots (Dell: three, shown with empty ones ""; HPE's StaticNTPServers: always its two): fill
    // them, so that servers no longer wanted are cleared.
    const slots = dateTime || now.includes('') ? now.length : undefined;
    if (slots !== undefined) {
      if (list.length > slots)
        throw new NodeError('unsupported', `This BMC holds at most ${slots} NTP servers`);
      while (list.length < slots) list.push('');
    }
    if (sameList(now, list)) return { current: info };
    if (dateTime) {
      const w = await patchSetting(
        client,
        dateTime.path,
        dateTime.doc,
        { StaticNTPServers: list },
        redfishQuirks(ctx),
      );
      return withPending(`StaticNTPServers=${JSON.stringify(list)}`, w.pending);
    }
    const w = await patchSetting(
      client,
      protocol.path,
      protocol.doc,
      { NTP: { NTPServers: list } },
      redfishQuirks(ctx),
    );
    return withPending(`NTP.NTPServers=${JSON.stringify(list)}`, w.pending);
  }

  async setTimeSync(args: { method: TimeSync }, ctx: NodeContext): Promise<NetworkSetOutcome> {
    const { client, protocol, info } = await read(ctx, ['timesyncmethod']);
    if (!protocol || info.timeSync === undefined)
      throw new NodeError('unsupported', info.timeSyncUnsupported ?? 'This BMC has no NTP settings');
    if (info.timeSync === args.method) return { current: info };
    const enabled = args.method === 'ntp';
    const w = await patchSetting(
      client,
      protocol.path,
      protocol.doc,
      { NTP: { ProtocolEnabled: enabled } },
      redfishQuirks(ctx),
    );
    return withPending(`NTP.ProtocolEnabled=${enabled}`, w.pending);
  }

  async setIp(args: IpSetting, ctx: NodeContext): Promise<AddressChangeOutcome> {
    const { client, nic, info } = await read(ctx, []);
    if (!nic) throw new NodeError('unsupported', 'This BMC has no Manager EthernetInterface');
    const same =
      info.ip === args.ip &&
      info.netmask !== undefined &&
      maskToPrefix(info.netmask) === args.prefix &&
      info.gateway === args.gateway &&
      info.ipsrc === 'Static' &&
      (args.vlan === undefined || info.vlan === args.vlan);
    if (same) return { moved: false, readBack: info };
    if (args.vlan !== undefined && !isRecord(nic.doc.VLAN))
      throw new NodeError(
        'unsupported',
        `${nic.path} has no VLAN property: vlan= is not possible on this BMC`,
      );
    // DHCP off first: the BMC then holds its lease as a static address, which the new list replaces.
    const body: Record<string, unknown> = {};
    if (dhcpEnabled(nic.doc) !== undefined) body.DHCPv4 = { DHCPEnabled: false };
    body.IPv4StaticAddresses = [{ Address: args.ip, SubnetMask: args.netmask, Gateway: args.gateway }];
    if (args.vlan !== undefined) body.VLAN = { VLANEnable: true, VLANId: args.vlan };
    const sent = `IPv4StaticAddresses=${args.ip}/${args.netmask} gw ${args.gateway}${args.vlan === undefined ? '' : ` VLAN ${args.vlan}`}`;
    const moved = info.ip !== args.ip || args.vlan !== undefined;
    try {
      const w = await patchSetting(client, nic.path, nic.doc, body, redfishQuirks(ctx));
      const out: AddressChangeOutcome = { sent, moved, address: args.ip };
      // The answer carried the interface: that is the read-back (asking the old address again is not).
      if (w.response.body && Array.isArray(w.response.body.IPv4Addresses)) {
        const readBack: BmcNetworkInfo = { source: nic.path };
        nicInfo({ path: nic.path, doc: w.response.body }, readBack);
        out.readBack = readBack;
      }
      return out;
    } catch (e) {
      if (moved && connectionDropped(e)) return { sent, moved, address: args.ip };
      throw e;
    }
  }

  async setDhcp(_args: undefined, ctx: NodeContext): Promise<AddressChangeOutcome> {
    const { client, nic, info } = await read(ctx, []);
    if (!nic) throw new NodeError('unsupported', 'This BMC has no Manager EthernetInterface');
    const dhcp = dhcpEnabled(nic.doc);
    if (dhcp === undefined)
      throw new NodeError(
        'unsupported',
        `${nic.path} has no DHCPv4 settings: ip=dhcp is not possible on this BMC`,
      );
    if (dhcp) return { moved: false, readBack: info };
    const sent = 'DHCPv4.DHCPEnabled=true';
    try {
      await patchSetting(client, nic.path, nic.doc, { DHCPv4: { DHCPEnabled: true } }, redfishQuirks(ctx));
    } catch (e) {
      if (!connectionDropped(e)) throw e;
    }
    return { sent, moved: true };
  }
}

const executor: NetworkExecutor = new RedfishNetworkExecutor();
export default executor;
