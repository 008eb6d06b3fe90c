/**
 * rspconfig's network group: the BMC's address (ip, netmask, gateway, vlan, ipsrc), hostname, NTP servers
 * and time sync method. Reference xcat-openbmc.md §1.9 (keys, lines, messages).
 *
 * Executors (src/executors/<flavor>/network.ts) read the BMC's network and make one change each. This
 * module checks the words with xCAT's messages, refuses a static address on more than one node before any
 * BMC is touched, verifies every set by reading it back, and words the result. A change that moves the
 * BMC's address (ip=, ip=dhcp) is the exception: the connection to the old address goes with it, so the
 * result says where the BMC now is and nothing more is asked of the old address.
 */
import { NETWORK_KEYS, type RspconfigGroupModule } from '../commands/rspconfig-groups.js';
import { HwctlUsageError, NodeError } from '../core/errors.js';
import { isHostLabel, isHostName, isIpv4, maskToPrefix } from '../core/ipv4.js';
import type { NodeDef } from '../core/types.js';
import type { Executor, NodeContext } from '../engine/executor.js';
import type { RunRequest } from '../engine/run.js';
import type { ResultView } from '../output/view.js';
import { requireOps } from './executor-ops.js';

export type NetworkKey = (typeof NETWORK_KEYS)[number];
export type TimeSync = 'ntp' | 'manual';
export const TIME_SYNC: readonly TimeSync[] = ['manual', 'ntp'];

export interface IpSetting {
  ip: string;
  netmask: string;
  prefix: number;
  gateway: string;
  vlan?: number;
}

export type NetworkArgs =
  | { op: 'query'; keys: NetworkKey[] }
  | ({ op: 'setIp' } & IpSetting)
  | { op: 'setDhcp' }
  /** `*`: each node's own name. */
  | { op: 'setHostname'; hostname: string }
  | { op: 'setNtp'; servers: string[] }
  | { op: 'setTimeSync'; method: TimeSync };

/** The BMC's network as read from it. */
export interface BmcNetworkInfo {
  /** The interface described: the one whose address is the node's `bmc`, else the first with an address. */
  nic?: string;
  ip?: string;
  netmask?: string;
  gateway?: string;
  /** The BMC's default gateway, when it keeps one apart from the interface's. */
  defaultGateway?: string;
  /** The VLAN id; null: no VLAN. */
  vlan?: number | null;
  /** `Static`, `DHCP`... as the BMC says it. */
  ipsrc?: string;
  /** The link-local (169.254/16) address the BMC gave itself, if any. */
  zeroConfIp?: string;
  /** The interface has more than one (non link-local) address: xCAT does not describe those. */
  multipleIps?: boolean;
  hostname?: string;
  /** undefined: this BMC has no NTP server setting; `ntpUnsupported` says why. */
  ntpServers?: string[];
  ntpUnsupported?: string;
  timeSync?: TimeSync;
  timeSyncUnsupported?: string;
  /** Where it was read (`/redfish/v1/Managers/1/EthernetInterfaces/eth0`, `network/enumerate`). */
  source: string;
}

export interface NetworkSetOutcome {
  /** What was sent; undefined when the BMC already had the value. */
  sent?: string;
  /** Sent to a Settings object, applied by the BMC later (e.g. at its next reset). */
  pending?: string;
  /** Nothing sent (the BMC had the value): the network as just read, so no read back is needed. */
  current?: BmcNetworkInfo;
}

export interface AddressChangeOutcome {
  sent?: string;
  /** The BMC's address changed: the connection to the old one is gone (or going). */
  moved: boolean;
  /** The address it is at now, when known (a DHCP server chooses otherwise). */
  address?: string;
  /** What the BMC said before the connection went, when it said anything. */
  readBack?: BmcNetworkInfo;
}

/** The primitives a network executor provides. Each set leaves the reading back to the manager. */
export interface NetworkExecutor extends Executor {
  /** The network as the keys need it (an executor may skip reads that none of them needs). */
  readNetwork(args: { keys: readonly NetworkKey[] }, ctx: NodeContext): Promise<BmcNetworkInfo>;
  setHostname(args: { hostname: string }, ctx: NodeContext): Promise<NetworkSetOutcome>;
  setNtpServers(args: { servers: string[] }, ctx: NodeContext): Promise<NetworkSetOutcome>;
  setTimeSync(args: { method: TimeSync }, ctx: NodeContext): Promise<NetworkSetOutcome>;
  /** Static address: never read back from the old address once it changed. */
  setIp(args: IpSetting, ctx: NodeContext): Promise<AddressChangeOutcome>;
  setDhcp(args: undefined, ctx: NodeContext): Promise<AddressChangeOutcome>;
}

export interface NetworkResult {
  op: NetworkArgs['op'];
  /** xCAT's lines, without the `node: ` prefix. */
  lines: string[];
  /** The keys asked or set, typed (`ip: "10.0.0.5"`, `vlan: 12 | null`, `ntpservers: [...]`). */
  values: Record<string, unknown>;
  changed: boolean;
  sent?: string;
  pending?: string;
  /** Set when the BMC's address moved: where it is now (null: chosen by DHCP). */
  movedTo?: string | null;
  source: string;
}

export const networkView: ResultView<NetworkResult> = {
  text: (r) => r.lines,
  json: (r) => {
    const o: Record<string, unknown> = { ...r.values };
    if (r.op !== 'query') o.changed = r.changed;
    if (r.sent !== undefined) o.sent = r.sent;
    if (r.pending !== undefined) o.pending = r.pending;
    if (r.movedTo !== undefined) o.movedTo = r.movedTo;
    o.source = r.source;
    return o;
  },
};

// ------------------------------------------------------------------------------------------ parsing

const invalid = (key: string, value?: string) =>
  new HwctlUsageError(`Invalid parameter for option ${key}${value === undefined ? '' : `: ${value}`}`);

/** Check the words (xCAT's messages) and build NetworkArgs; throws HwctlUsageError (exit 2). */
export function parseNetworkArgs(words: readonly string[]): NetworkArgs {
  const sets = words.filter((w) => w.includes('='));
  if (sets.length === 0) {
    const keys = [...new Set(words)] as NetworkKey[];
    return { op: 'query', keys };
  }
  if (sets.length !== words.length)
    throw new HwctlUsageError('Can not set and query OpenBMC information at the same time');
  const kv = new Map<string, string>();
  for (const w of words) {
    const eq = w.indexOf('=');
    const key = w.slice(0, eq);
    const value = w.slice(eq + 1);
    if (kv.has(key)) throw new HwctlUsageError(`The option '${key}' is given more than once`);
    if (value === '') throw invalid(key);
    kv.set(key, value);
  }
  const alone = (key: string) => {
    if (kv.size > 1) throw new HwctlUsageError(`The option '${key}' can not work with other options`);
    return kv.get(key)!;
  };
  if (kv.has('hostname')) {
    const hostname = alone('hostname');
    if (hostname !== '*' && !isHostLabel(hostname)) throw invalid('hostname', hostname);
    return { op: 'setHostname', hostname };
  }
  if (kv.has('ntpservers')) {
    const servers = alone('ntpservers')
      .split(',')
      .map((s) => s.trim());
    for (const s of servers) if (!isIpv4(s) && !isHostName(s)) throw invalid('ntpservers', s);
    return { op: 'setNtp', servers };
  }
  if (kv.has('timesyncmethod')) {
    const v = alone('timesyncmethod').toLowerCase();
    if (!(TIME_SYNC as readonly string[]).includes(v))
      throw new HwctlUsageError(
        `Invalid value '${kv.get('timesyncmethod')!}' for 'timesyncmethod', Valid values: ${TIME_SYNC.join(',')}`,
      );
    return { op: 'setTimeSync', method: v as TimeSync };
  }
  if (kv.has('ipsrc'))
    throw invalid('ipsrc', `${kv.get('ipsrc')!} (ipsrc is only shown; set ip=dhcp or ip=<address>)`);
  if (kv.get('ip') === 'dhcp') {
    if (kv.size > 1) throw new HwctlUsageError('Setting ip=dhcp must be issued without other options.');
    return { op: 'setDhcp' };
  }
  const [ip, netmask, gateway, vlan] = ['ip', 'netmask', 'gateway', 'vlan'].map((k) => kv.get(k));
  if (ip === undefined || netmask === undefined || gateway === undefined) {
    if (vlan !== undefined) throw new HwctlUsageError('VLAN must be configured with IP, netmask and gateway');
    throw new HwctlUsageError('IP, netmask and gateway must be configured together.');
  }
  if (!isIpv4(ip) || ip === '0.0.0.0') throw invalid('ip', ip);
  const prefix = maskToPrefix(netmask);
  if (prefix === undefined || prefix === 0) throw invalid('netmask', netmask);
  if (!isIpv4(gateway)) throw invalid('gateway', gateway);
  const setting: NetworkArgs = { op: 'setIp', ip, netmask, prefix, gateway };
  if (vlan !== undefined) {
    const id = /^\d+$/.test(vlan) ? Number(vlan) : NaN;
    if (!(id >= 1 && id <= 4094)) throw invalid('vlan', vlan);
    setting.vlan = id;
  }
  return setting;
}

// ------------------------------------------------------------------------------------------ request

export const DEFAULT_NETWORK_TIMEOUT_MS = 90_000;

/** The host name `hostname=*` gives a node: its own name (a DNS label, checked before the run). */
export function hostnameFor(node: Pick<NodeDef, 'name'>, asked: string): string {
  return asked === '*' ? node.name : asked;
}

export function networkRequest(
  nodes: readonly NodeDef[],
  args: NetworkArgs,
): RunRequest<NetworkArgs, NetworkResult> {
  // One address cannot belong to two BMCs.
  if (args.op === 'setIp' && nodes.length > 1)
    throw new HwctlUsageError("Can not configure more than 1 nodes' ip at the same time");
  if (args.op === 'setHostname' && args.hostname === '*') {
    const bad = nodes.filter((n) => !isHostLabel(n.name)).map((n) => n.name);
    if (bad.length > 0)
      throw new HwctlUsageError(
        `hostname=*: not a valid host name for a BMC (letters, digits, inner hyphens): ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', ...' : ''}`,
      );
  }
  return {
    capability: 'bmcconfig',
    op: args.op,
    args,
    nodes,
    perNode: (executor, ctx) => runNetwork(asNetworkExecutor(executor), args, ctx),
  };
}

const REQUIRED_OPS = [
  'readNetwork',
  'setHostname',
  'setNtpServers',
  'setTimeSync',
  'setIp',
  'setDhcp',
] as const;

function asNetworkExecutor(executor: Executor): NetworkExecutor {
  return requireOps<NetworkExecutor>(executor, 'network', REQUIRED_OPS);
}

// ------------------------------------------------------------------------------------------ results

const IP_KEYS: readonly NetworkKey[] = ['ip', 'netmask', 'gateway', 'vlan', 'ipsrc'];

/** xCAT's line and the typed json value of one key. Throws NodeError when the BMC cannot tell. */
function describe(key: NetworkKey, n: BmcNetworkInfo): { line: string; values: Record<string, unknown> } {
  switch (key) {
    case 'ip':
      return { line: `BMC IP: ${n.ip ?? 'n/a'}`, values: { ip: n.ip ?? null } };
    case 'netmask':
      return { line: `BMC Netmask: ${n.netmask ?? 'n/a'}`, values: { netmask: n.netmask ?? null } };
    case 'gateway':
      return {
        line: `BMC Gateway: ${n.gateway ?? 'n/a'} (default: ${n.defaultGateway ?? 'n/a'})`,
        values: { gateway: n.gateway ?? null, defaultGateway: n.defaultGateway ?? null },
      };
    case 'vlan':
      return { line: `BMC VLAN ID: ${n.vlan ?? 'Disable'}`, values: { vlan: n.vlan ?? null } };
    case 'ipsrc':
      return { line: `BMC IP Source: ${n.ipsrc ?? 'n/a'}`, values: { ipsrc: n.ipsrc ?? null } };
    case 'hostname':
      return { line: `BMC Hostname: ${n.hostname ?? 'n/a'}`, values: { hostname: n.hostname ?? null } };
    case 'ntpservers': {
      if (n.ntpServers === undefined)
        throw new NodeError('unsupported', n.ntpUnsupported ?? 'This BMC has no NTP server setting');
      const list = n.ntpServers.filter((s) => s !== '');
      return {
        line: `BMC NTP Servers: ${list.length > 0 ? list.join(',') : 'None'}`,
        values: { ntpservers: list },
      };
    }
    case 'timesyncmethod':
      if (n.timeSync === undefined)
        throw new NodeError('unsupported', n.timeSyncUnsupported ?? 'This BMC has no time sync method');
      return {
        line: `BMC TimeSyncMethod: ${n.timeSync === 'ntp' ? 'NTP' : 'Manual'}`,
        values: { timesyncmethod: n.timeSync },
      };
  }
}

function describeAll(
  keys: readonly NetworkKey[],
  n: BmcNetworkInfo,
): Pick<NetworkResult, 'lines' | 'values'> {
  if (n.multipleIps && keys.some((k) => IP_KEYS.includes(k)))
    throw new NodeError('unsupported', 'Interfaces with multiple IP addresses are not supported');
  const lines: string[] = [];
  const values: Record<string, unknown> = {};
  for (const k of keys) {
    const d = describe(k, n);
    lines.push(d.line);
    Object.assign(values, d.values);
  }
  if (n.nic !== undefined && keys.some((k) => IP_KEYS.includes(k))) values.nic = n.nic;
  return { lines, values };
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** A set the BMC accepted but does not show: the node fails, naming what it reads instead. */
function notTaken(what: string, asked: string, reads: string, source: string): NodeError {
  return new NodeError('failed', `the BMC accepted ${what}=${asked} but reads back ${reads} (${source})`);
}

/** One node's rspconfig network keys. Exported for tests; the engine calls it through networkRequest. */
export async function runNetwork(
  ex: NetworkExecutor,
  args: NetworkArgs,
  ctx: NodeContext,
): Promise<NetworkResult> {
  switch (args.op) {
    case 'query': {
      const n = await ex.readNetwork({ keys: args.keys }, ctx);
      return { op: 'query', ...describeAll(args.keys, n), changed: false, source: n.source };
    }
    case 'setHostname': {
      const hostname = hostnameFor(ctx.node, args.hostname);
      const out = await ex.setHostname({ hostname }, ctx);
      return verified(args.op, out, ['hostname'], await readBack(ex, out, ['hostname'], ctx), (n) =>
        n.hostname === hostname || out.pending
          ? undefined
          : notTaken('hostname', hostname, String(n.hostname), n.source),
      );
    }
    case 'setNtp': {
      const out = await ex.setNtpServers({ servers: args.servers }, ctx);
      return verified(args.op, out, ['ntpservers'], await readBack(ex, out, ['ntpservers'], ctx), (n) => {
        const now = (n.ntpServers ?? []).filter((s) => s !== '');
        return sameList(now, args.servers) || out.pending
          ? undefined
          : notTaken('ntpservers', args.servers.join(','), now.join(',') || 'None', n.source);
      });
    }
    case 'setTimeSync': {
      const out = await ex.setTimeSync({ method: args.method }, ctx);
      return verified(
        args.op,
        out,
        ['timesyncmethod'],
        await readBack(ex, out, ['timesyncmethod'], ctx),
        (n) =>
          n.timeSync === args.method || out.pending
            ? undefined
            : notTaken('timesyncmethod', args.method, String(n.timeSync), n.source),
      );
    }
    case 'setIp': {
      const { op: _op, ...setting } = args;
      return addressResult(args.op, setting, await ex.setIp(setting, ctx));
    }
    case 'setDhcp':
      return addressResult(args.op, undefined, await ex.setDhcp(undefined, ctx));
  }
}

/** The network after a set: read again when something was sent, else as the executor just read it. */
function readBack(
  ex: NetworkExecutor,
  out: NetworkSetOutcome,
  keys: NetworkKey[],
  ctx: NodeContext,
): Promise<BmcNetworkInfo> {
  return out.sent === undefined && out.current ? Promise.resolve(out.current) : ex.readNetwork({ keys }, ctx);
}

function verified(
  op: NetworkArgs['op'],
  out: NetworkSetOutcome,
  keys: NetworkKey[],
  now: BmcNetworkInfo,
  mismatch: (n: BmcNetworkInfo) => NodeError | undefined,
): NetworkResult {
  const error = mismatch(now);
  if (error) throw error;
  const r: NetworkResult = {
    op,
    ...describeAll(keys, now),
    changed: out.sent !== undefined,
    source: now.source,
  };
  if (out.sent !== undefined) r.sent = out.sent;
  if (out.pending !== undefined) {
    r.pending = out.pending;
    r.lines.push(`Pending: ${out.pending}`);
  }
  return r;
}

/** The result of ip= / ip=dhcp: what was set, and where the BMC now is. */
function addressResult(
  op: NetworkArgs['op'],
  setting: IpSetting | undefined,
  out: AddressChangeOutcome,
): NetworkResult {
  const lines: string[] = [];
  const values: Record<string, unknown> = {};
  const source = out.readBack?.source ?? 'the values sent';
  if (setting) {
    // What the BMC answered before the connection went, else what was sent (the old address cannot be
    // asked again: it is not the BMC's any more).
    const n = out.readBack;
    const ip = n?.ip ?? setting.ip;
    const netmask = n?.netmask ?? setting.netmask;
    const gateway = n?.gateway ?? setting.gateway;
    if (n && out.sent !== undefined && (n.ip !== setting.ip || n.netmask !== setting.netmask))
      throw notTaken(
        'ip',
        `${setting.ip}/${setting.netmask}`,
        `${String(n.ip)}/${String(n.netmask)}`,
        n.source,
      );
    lines.push(`BMC IP: ${ip}`, `BMC Netmask: ${netmask}`, `BMC Gateway: ${gateway}`);
    Object.assign(values, { ip, netmask, gateway });
    if (setting.vlan !== undefined) {
      lines.push(`BMC VLAN ID: ${setting.vlan}`);
      values.vlan = setting.vlan;
    }
  } else {
    lines.push('BMC IP Source: DHCP');
    values.ipsrc = 'DHCP';
  }
  const r: NetworkResult = { op, lines, values, changed: out.sent !== undefined, source };
  if (out.sent !== undefined) r.sent = out.sent;
  if (out.moved) {
    r.movedTo = out.address ?? null;
    lines.push(
      out.address
        ? `BMC is now at ${out.address}: update bmc: in the inventory (nothing more was sent to the old address)`
        : 'BMC now takes its address from DHCP: update bmc: in the inventory once it is known (nothing more was sent to the old address)',
    );
  }
  return r;
}

export const networkGroup: RspconfigGroupModule<NetworkArgs, NetworkResult> = {
  parse: (words) => parseNetworkArgs(words),
  request: networkRequest,
  view: networkView,
  timeoutMs: DEFAULT_NETWORK_TIMEOUT_MS,
  // Moving a BMC off its address cuts it off from whoever reaches it there.
  effect: (a) =>
    a.op === 'query' ? undefined : a.op === 'setIp' || a.op === 'setDhcp' ? 'destructive' : 'change',
};
