/**
 * rspconfig network keys on OpenBMC REST, xCAT's calls (reference xcat-openbmc.md §2.8):
 *  - read: `network/enumerate` (config: HostName, DefaultGateway; `<nic>`: Id = VLAN, NTPServers,
 *    DHCPEnabled; `<nic>/ipv4/<id>`: Address, PrefixLength, Gateway, Origin); `time/sync_method`;
 *  - hostname: PUT `network/config/attr/HostName`; NTP: PUT `network/<nic>/attr/NTPServers` (refused by xCAT
 *    on a DHCP interface, whose servers DHCP gives); time sync: PUT `time/sync_method/attr/TimeSyncMethod`;
 *  - ip=: [POST `network/action/VLAN` [nic, id]] → POST `<nic>/action/IP` → re-read `<nic>/ipv4` (the old
 *    address still answers: this is the read-back) → drop the old address (DHCP off, or DELETE the old
 *    static object): from there the BMC is at the new address only, and the connection may drop;
 *  - ip=dhcp: POST `network/action/Reset` (the BMC then takes an address from DHCP).
 * The interface is the one whose address is the node's `bmc`, else the first with a routable address.
 */
import { NodeError, isNodeError } from '../../core/errors.js';
import { isLinkLocal, prefixToMask } from '../../core/ipv4.js';
import type { NodeContext } from '../../engine/executor.js';
import { openbmcClient, isRecord, type OpenBmcClient } from '../../bmc/index.js';
import type {
  AddressChangeOutcome,
  BmcNetworkInfo,
  IpSetting,
  NetworkExecutor,
  NetworkKey,
  NetworkSetOutcome,
  TimeSync,
} from '../../managers/bmcnetwork.js';

const BASE = '/xyz/openbmc_project';
const NET = `${BASE}/network`;
const SYNC = `${BASE}/time/sync_method`;
const SYNC_METHOD = 'xyz.openbmc_project.Time.Synchronization.Method';
const IPV4 = 'xyz.openbmc_project.Network.IP.Protocol.IPv4';

const last = (v: unknown) => (typeof v === 'string' ? (v.split('.').pop() ?? v) : undefined);

interface Addr {
  path: string;
  address: string;
  prefix?: number;
  gateway?: string;
  origin?: string;
}

interface Nic {
  id: string;
  props: Record<string, unknown>;
  addrs: Addr[];
}

interface Parsed {
  config: Record<string, unknown>;
  nics: Nic[];
}

/** `network/enumerate` as interfaces with their IPv4 objects. */
export function parseNetwork(data: unknown): Parsed {
  if (!isRecord(data))
    throw new NodeError('protocol', 'Received wrong format response: network/enumerate is not an object map');
  const nics = new Map<string, Nic>();
  const nic = (id: string) => {
    let n = nics.get(id);
    if (!n) nics.set(id, (n = { id, props: {}, addrs: [] }));
    return n;
  };
  let config: Record<string, unknown> = {};
  for (const [path, props] of Object.entries(data)) {
    if (!isRecord(props) || !path.startsWith(`${NET}/`)) continue;
    const rest = path.slice(NET.length + 1).split('/');
    if (rest[0] === 'config' && rest.length === 1) config = props;
    else if (rest.length === 1 && ('MACAddress' in props || 'DHCPEnabled' in props))
      nic(rest[0]!).props = props;
    else if (rest.length === 3 && rest[1] === 'ipv4' && typeof props.Address === 'string') {
      const a: Addr = { path, address: props.Address };
      if (typeof props.PrefixLength === 'number') a.prefix = props.PrefixLength;
      if (typeof props.Gateway === 'string') a.gateway = props.Gateway;
      const origin = last(props.Origin);
      if (origin !== undefined) a.origin = origin;
      nic(rest[0]!).addrs.push(a);
    }
  }
  return { config, nics: [...nics.values()].filter((n) => Object.keys(n.props).length > 0) };
}

const linkLocal = (a: Addr) => a.origin === 'LinkLocal' || isLinkLocal(a.address);
const routable = (n: Nic) => n.addrs.filter((a) => !linkLocal(a));

function facing(p: Parsed, host: string | undefined): Nic {
  const n =
    p.nics.find((x) => x.addrs.some((a) => a.address === host)) ??
    p.nics.find((x) => routable(x).length > 0) ??
    p.nics[0];
  if (!n) throw new NodeError('unsupported', 'This BMC lists no network interface in network/enumerate');
  return n;
}

function bmcHost(ctx: NodeContext): string | undefined {
  try {
    return new URL(ctx.node.bmc).hostname;
  } catch {
    return undefined;
  }
}

function infoOf(p: Parsed, n: Nic): BmcNetworkInfo {
  const info: BmcNetworkInfo = { nic: n.id, source: 'network/enumerate' };
  const addrs = routable(n);
  const a = addrs[0];
  if (a) {
    info.ip = a.address;
    if (a.prefix !== undefined) info.netmask = prefixToMask(a.prefix);
    if (a.gateway !== undefined) info.gateway = a.gateway;
    if (a.origin !== undefined) info.ipsrc = a.origin;
  }
  if (addrs.length > 1) info.multipleIps = true;
  const zero = n.addrs.find(linkLocal);
  if (zero) info.zeroConfIp = zero.address;
  if (typeof p.config.DefaultGateway === 'string') info.defaultGateway = p.config.DefaultGateway;
  info.vlan = typeof n.props.Id === 'number' ? n.props.Id : null;
  if (typeof p.config.HostName === 'string') info.hostname = p.config.HostName;
  if (Array.isArray(n.props.NTPServers))
    info.ntpServers = n.props.NTPServers.filter((s): s is string => typeof s === 'string');
  else info.ntpUnsupported = `network/${n.id} has no NTPServers property`;
  return info;
}

async function readAll(client: OpenBmcClient, ctx: NodeContext) {
  const parsed = parseNetwork(await client.get(`${NET}/enumerate`));
  const nic = facing(parsed, bmcHost(ctx));
  return { parsed, nic, info: infoOf(parsed, nic) };
}

async function readTimeSync(client: OpenBmcClient, info: BmcNetworkInfo): Promise<void> {
  const data = await client.get(SYNC);
  const m = last(isRecord(data) ? data.TimeSyncMethod : undefined);
  if (m === 'NTP') info.timeSync = 'ntp';
  else if (m === 'Manual') info.timeSync = 'manual';
  else info.timeSyncUnsupported = `time/sync_method reads ${JSON.stringify(m ?? null)}`;
}

function connectionDropped(e: unknown): boolean {
  return isNodeError(e) && e.status === undefined && (e.kind === 'unreachable' || e.kind === 'timeout');
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

class OpenBmcNetworkExecutor implements NetworkExecutor {
  readonly capability = 'bmcconfig' as const;
  readonly flavor = 'openbmc';

  async readNetwork(args: { keys: readonly NetworkKey[] }, ctx: NodeContext): Promise<BmcNetworkInfo> {
    const client = await openbmcClient(ctx);
    const keys = args.keys;
    const needNet = keys.some((k) => k !== 'timesyncmethod');
    const info: BmcNetworkInfo = needNet ? (await readAll(client, ctx)).info : { source: 'time/sync_method' };
    if (keys.includes('timesyncmethod')) await readTimeSync(client, info);
    return info;
  }

  async setHostname(args: { hostname: string }, ctx: NodeContext): Promise<NetworkSetOutcome> {
    const client = await openbmcClient(ctx);
    const { info } = await readAll(client, ctx);
    if (info.hostname === args.hostname) return { current: info };
    await client.put(`${NET}/config/attr/HostName`, args.hostname);
    return { sent: `HostName=${args.hostname}` };
  }

  async setNtpServers(args: { servers: string[] }, ctx: NodeContext): Promise<NetworkSetOutcome> {
    const client = await openbmcClient(ctx);
    const { nic, info } = await readAll(client, ctx);
    if (info.ntpServers === undefined) throw new NodeError('unsupported', info.ntpUnsupported!);
    if (sameList(info.ntpServers, args.servers)) return { current: info };
    // xCAT's rule: a DHCP interface takes its NTP servers from DHCP.
    if (nic.props.DHCPEnabled === true || nic.props.DHCPEnabled === 1)
      throw new NodeError('failed', 'BMC IP source is DHCP, could not set NTPServers');
    await client.put(`${NET}/${nic.id}/attr/NTPServers`, args.servers);
    return { sent: `network/${nic.id} NTPServers=${args.servers.join(',')}` };
  }

  async setTimeSync(args: { method: TimeSync }, ctx: NodeContext): Promise<NetworkSetOutcome> {
    const client = await openbmcClient(ctx);
    const info: BmcNetworkInfo = { source: 'time/sync_method' };
    await readTimeSync(client, info);
    if (info.timeSync === undefined) throw new NodeError('unsupported', info.timeSyncUnsupported!);
    if (info.timeSync === args.method) return { current: info };
    const value = `${SYNC_METHOD}.${args.method === 'ntp' ? 'NTP' : 'Manual'}`;
    await client.put(`${SYNC}/attr/TimeSyncMethod`, value);
    return { sent: `TimeSyncMethod=${value}` };
  }

  async setIp(args: IpSetting, ctx: NodeContext): Promise<AddressChangeOutcome> {
    const client = await openbmcClient(ctx);
    const { nic, info } = await readAll(client, ctx);
    const old = routable(nic)[0];
    const targetNic = args.vlan === undefined ? nic.id : `${nic.id}_${args.vlan}`;
    if (
      old &&
      old.address === args.ip &&
      old.prefix === args.prefix &&
      old.gateway === args.gateway &&
      old.origin === 'Static' &&
      (args.vlan === undefined || info.vlan === args.vlan)
    )
      return { moved: false, readBack: info };
    const sent: string[] = [];
    if (args.vlan !== undefined && info.vlan !== args.vlan) {
      const exists = parseNetwork(await client.get(`${NET}/enumerate`)).nics.some((n) => n.id === targetNic);
      if (!exists) {
        await client.post(`${NET}/action/VLAN`, [nic.id, args.vlan]);
        sent.push(`VLAN ${targetNic}`);
      }
    }
    await client.post(`${NET}/${targetNic}/action/IP`, [IPV4, args.ip, args.prefix, args.gateway]);
    sent.push(`network/${targetNic} IP ${args.ip}/${args.prefix} gw ${args.gateway}`);
    // The old address still answers: read the new one back before letting the old go.
    const after = parseNetwork(await client.get(`${NET}/enumerate`));
    const now = after.nics.find((n) => n.id === targetNic);
    const added = now?.addrs.find((a) => a.address === args.ip);
    if (!now || !added)
      throw new NodeError(
        'failed',
        `Setting BMC IP configuration failed. [Zero Config IP: ${info.zeroConfIp ?? 'Unknown'}]`,
      );
    const readBack = infoOf(after, { ...now, addrs: [added] });
    readBack.source = `network/${targetNic}/ipv4`;
    try {
      if (old && old.address !== args.ip) {
        if (old.origin === 'DHCP') await client.put(`${NET}/${nic.id}/attr/DHCPEnabled`, 0);
        else await client.delete(old.path);
        sent.push(`removed ${old.address}`);
      }
    } catch (e) {
      // The BMC left the old address under this request: that is the change done.
      if (!connectionDropped(e)) throw e;
    }
    return { sent: sent.join(', '), moved: old?.address !== args.ip, address: args.ip, readBack };
  }

  async setDhcp(_args: undefined, ctx: NodeContext): Promise<AddressChangeOutcome> {
    const client = await openbmcClient(ctx);
    const { nic, info } = await readAll(client, ctx);
    if (nic.props.DHCPEnabled === true || nic.props.DHCPEnabled === 1)
      return { moved: false, readBack: info };
    try {
      await client.post(`${NET}/action/Reset`, []);
    } catch (e) {
      if (!connectionDropped(e)) throw e;
    }
    return { sent: 'network/action/Reset', moved: true };
  }
}

const executor: NetworkExecutor = new OpenBmcNetworkExecutor();
export default executor;
