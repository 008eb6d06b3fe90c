/**
 * rspconfig policy keys on OpenBMC REST, xCAT's calls (reference xcat-openbmc.md §2.8, all under
 * /xyz/openbmc_project): each key is one property of one object, read with a GET of the object (the
 * property named like the attribute, as xCAT's Perl does) and written with PUT `<object>/attr/<Property>`.
 * powersupplyredundancy: xCAT's `sensors/chassis/PowerSupplyRedundancy` getValue/setValue actions first,
 * and on 404 the `control/power_supply_redundancy` object (PowerSupplyRedundancyEnabled).
 */
import { NodeError, isNodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { openbmcClient, isRecord, type OpenBmcClient } from '../../bmc/index.js';
import type { PolicyExecutor, PolicyKey, PolicyReading, PolicySetOutcome } from '../../managers/bmcpolicy.js';

const BASE = '/xyz/openbmc_project';
const PSU_SENSOR = `${BASE}/sensors/chassis/PowerSupplyRedundancy`;
const PSU_CONTROL = `${BASE}/control/power_supply_redundancy`;

interface Attribute {
  object: string;
  property: string;
  /** xCAT's value → the BMC's. */
  encode(value: string): unknown;
  /** The BMC's value → xCAT's (undefined: none). */
  decode(raw: unknown): string | undefined;
}

const last = (v: unknown) => (typeof v === 'string' ? (v.split('.').pop() ?? v) : String(v));

/** An enum property: xCAT word ↔ `<prefix>.<Member>`. */
function enumAttr(
  object: string,
  property: string,
  prefix: string,
  members: Record<string, string>,
): Attribute {
  return {
    object,
    property,
    encode: (v) => (prefix ? `${prefix}.${members[v]!}` : members[v]!),
    decode: (raw) => Object.keys(members).find((k) => members[k] === last(raw)),
  };
}

const ATTRIBUTES: Readonly<Record<Exclude<PolicyKey, 'powersupplyredundancy'>, Attribute>> = {
  autoreboot: {
    object: `${BASE}/control/host0/auto_reboot`,
    property: 'AutoReboot',
    encode: (v) => v === '1',
    decode: (raw) =>
      raw === true || raw === 1 || raw === '1'
        ? '1'
        : raw === false || raw === 0 || raw === '0'
          ? '0'
          : undefined,
  },
  bootmode: enumAttr(
    `${BASE}/control/host0/boot`,
    'BootMode',
    'xyz.openbmc_project.Control.Boot.Mode.Modes',
    {
      regular: 'Regular',
      safe: 'Safe',
      setup: 'Setup',
    },
  ),
  powerrestorepolicy: enumAttr(
    `${BASE}/control/host0/power_restore_policy`,
    'PowerRestorePolicy',
    'xyz.openbmc_project.Control.Power.RestorePolicy.Policy',
    { always_on: 'AlwaysOn', always_off: 'AlwaysOff', restore: 'Restore' },
  ),
  thermalmode: enumAttr(`${BASE}/control/thermal/0`, 'Current', '', {
    default: 'DEFAULT',
    custom: 'CUSTOM',
    heavy_io: 'HEAVY_IO',
    max_base_fan_floor: 'MAX_BASE_FAN_FLOOR',
  }),
};

const notFound = (e: unknown) => isNodeError(e) && e.status === 404;

function propertyOf(data: unknown, object: string, property: string): unknown {
  if (!isRecord(data) || !(property in data))
    throw new NodeError('protocol', `Received wrong format response: ${object} has no ${property}`);
  return data[property];
}

/** xCAT's words for a missing setting object: the firmware has no such setting. */
const MISSING: Readonly<Record<number, string>> = {
  404: '404 Not Found - Requested endpoint does not exist or may indicate function is not supported on this OpenBMC firmware.',
  403: '403 Forbidden - Requested endpoint does not exist or may indicate function is not yet supported by OpenBMC firmware.',
};

/** 404/403 on these objects: `unsupported`, with xCAT's message. */
function unsupportedHere(e: unknown, key: PolicyKey): unknown {
  if (isNodeError(e) && e.status !== undefined && MISSING[e.status])
    return new NodeError('unsupported', `${key}: ${MISSING[e.status]!}`, e.status);
  return e;
}

/** `Enabled`/`Disabled` (any case) as xCAT's word; the BMC's own text for anything else. */
function psuReading(display: string, source: string): PolicyReading {
  const word = display.toLowerCase();
  return word === 'enabled' || word === 'disabled' ? { value: word, display, source } : { display, source };
}

async function readPsu(client: OpenBmcClient): Promise<PolicyReading> {
  try {
    return psuReading(
      last(await client.post(`${PSU_SENSOR}/action/getValue`, [])),
      'sensors/chassis/PowerSupplyRedundancy',
    );
  } catch (e) {
    if (!notFound(e)) throw e;
  }
  const raw = propertyOf(await client.get(PSU_CONTROL), PSU_CONTROL, 'PowerSupplyRedundancyEnabled');
  const on = raw === true || raw === 1;
  return psuReading(on ? 'Enabled' : 'Disabled', 'control/power_supply_redundancy');
}

async function writePsu(client: OpenBmcClient, value: string): Promise<string> {
  const word = value === 'enabled' ? 'Enabled' : 'Disabled';
  try {
    await client.post(`${PSU_SENSOR}/action/setValue`, [word]);
    return `PowerSupplyRedundancy setValue ${word}`;
  } catch (e) {
    if (!notFound(e)) throw e;
  }
  await client.put(`${PSU_CONTROL}/attr/PowerSupplyRedundancyEnabled`, value === 'enabled');
  return `PowerSupplyRedundancyEnabled=${value === 'enabled'}`;
}

class OpenBmcPolicyExecutor implements PolicyExecutor {
  readonly capability = 'policy' as const;
  readonly flavor = 'openbmc';

  async readPolicy(args: { key: PolicyKey }, ctx: NodeContext): Promise<PolicyReading> {
    const client = await openbmcClient(ctx);
    try {
      if (args.key === 'powersupplyredundancy') return await readPsu(client);
      const a = ATTRIBUTES[args.key];
      const raw = propertyOf(await client.get(a.object), a.object, a.property);
      const reading: PolicyReading = {
        display: last(raw),
        source: `${a.object.slice(BASE.length + 1)} ${a.property}`,
      };
      const value = a.decode(raw);
      if (value !== undefined) reading.value = value;
      return reading;
    } catch (e) {
      throw unsupportedHere(e, args.key);
    }
  }

  async setPolicy(args: { key: PolicyKey; value: string }, ctx: NodeContext): Promise<PolicySetOutcome> {
    const before = await this.readPolicy({ key: args.key }, ctx);
    if (before.value === args.value) return {};
    const client = await openbmcClient(ctx);
    try {
      if (args.key === 'powersupplyredundancy') return { sent: await writePsu(client, args.value) };
      const a = ATTRIBUTES[args.key];
      const v = a.encode(args.value);
      await client.put(`${a.object}/attr/${a.property}`, v);
      return { sent: `${a.property}=${String(v)}` };
    } catch (e) {
      throw unsupportedHere(e, args.key);
    }
  }
}

const executor: PolicyExecutor = new OpenBmcPolicyExecutor();
export default executor;
