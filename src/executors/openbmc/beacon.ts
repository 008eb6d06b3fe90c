/**
 * The identify LED on OpenBMC REST (phosphor-led-manager), reference xcat-openbmc.md §1.7, §2.6:
 *  - on / off: the `enclosure_identify` group's `Asserted` (xCAT's call);
 *  - blink: the `enclosure_identify_blink` group, which bmcweb uses for IndicatorLED=Blinking (xCAT has no
 *    blink on OpenBMC); on and blink release the other group so the LED ends in the state asked for;
 *  - stat: the physical LEDs `front_id` / `rear_id`, printed `Front:<On|Off|Blink> Rear:<...>` as xCAT does.
 * A set reads the groups first (one GET, so only what must change is written) and again afterwards.
 */
import { NodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { openbmcClient, type OpenBmcClient, isRecord } from '../../bmc/index.js';
import type { BeaconExecutor, BeaconSetOutcome, BeaconStatus, BeaconTarget } from '../../managers/beacon.js';

const LED = '/xyz/openbmc_project/led';
const GROUPS = `${LED}/groups`;
export const IDENTIFY_GROUP = `${GROUPS}/enclosure_identify`;
export const BLINK_GROUP = `${GROUPS}/enclosure_identify_blink`;

function objects(data: unknown, what: string): Record<string, unknown> {
  if (!isRecord(data))
    throw new NodeError('protocol', `Received wrong format response: ${what} is not an object map`);
  return data;
}

/** `State` of a physical LED, last dotted component (`xyz.openbmc_project.Led.Physical.Action.Blink` → `Blink`). */
function ledState(obj: unknown): string | undefined {
  const s = isRecord(obj) ? obj.State : undefined;
  return typeof s === 'string' && s !== '' ? (s.split('.').pop() ?? s) : undefined;
}

/** xCAT's stat line from `led/physical/enumerate`. */
export function physicalStatus(data: unknown): BeaconStatus {
  const map = objects(data, 'led/physical/enumerate');
  const front = ledState(map[`${LED}/physical/front_id`]);
  const rear = ledState(map[`${LED}/physical/rear_id`]);
  const known = [front, rear].filter((s): s is string => s !== undefined);
  const status: BeaconStatus = {
    display: `Front:${front ?? 'N/A'} Rear:${rear ?? 'N/A'}`,
    source: 'led/physical front_id, rear_id',
    raw: { front_id: front ?? null, rear_id: rear ?? null },
  };
  if (known.length > 0) {
    status.active = known.some((s) => s !== 'Off');
    status.blinking = known.some((s) => s === 'Blink');
  }
  return status;
}

function asserted(obj: unknown): boolean | undefined {
  if (!isRecord(obj) || !('Asserted' in obj)) return undefined;
  const v = obj.Asserted;
  return v === true || v === 1 || v === '1' || v === 'true';
}

interface Groups {
  identify?: boolean;
  blink?: boolean;
}

function groupsOf(data: unknown): Groups {
  const map = objects(data, 'led/groups/enumerate');
  const g: Groups = {};
  const identify = asserted(map[IDENTIFY_GROUP]);
  const blink = asserted(map[BLINK_GROUP]);
  if (identify !== undefined) g.identify = identify;
  if (blink !== undefined) g.blink = blink;
  return g;
}

/** The identify state from the groups: blinking wins over steady (led-manager's priority for identify). */
export function groupStatus(g: Groups): BeaconStatus {
  const active = Boolean(g.identify || g.blink);
  return {
    display: g.blink ? 'blink' : g.identify ? 'on' : 'off',
    active,
    blinking: Boolean(g.blink),
    source: 'led/groups enclosure_identify, enclosure_identify_blink',
    raw: { enclosure_identify: g.identify ?? null, enclosure_identify_blink: g.blink ?? null },
  };
}

async function readGroups(client: OpenBmcClient): Promise<Groups> {
  return groupsOf(await client.get(`${GROUPS}/enumerate`));
}

class OpenBmcBeaconExecutor implements BeaconExecutor {
  readonly capability = 'beacon' as const;
  readonly flavor = 'openbmc';

  async getBeacon(_args: undefined, ctx: NodeContext): Promise<BeaconStatus> {
    const client = await openbmcClient(ctx);
    return physicalStatus(await client.get(`${LED}/physical/enumerate`));
  }

  async setBeacon(args: { target: BeaconTarget }, ctx: NodeContext): Promise<BeaconSetOutcome> {
    const client = await openbmcClient(ctx);
    const before = await readGroups(client);
    if (before.identify === undefined && args.target !== 'blink')
      throw new NodeError('unsupported', 'This BMC has no enclosure_identify LED group');
    if (before.blink === undefined && args.target === 'blink')
      throw new NodeError(
        'unsupported',
        'This BMC has no enclosure_identify_blink LED group: blink is not possible here (use on)',
      );
    // Release first, then assert, so the LED never passes through a state that was not asked for.
    const want: Array<[string, keyof Groups, boolean]> = [
      [IDENTIFY_GROUP, 'identify', args.target === 'on'],
      [BLINK_GROUP, 'blink', args.target === 'blink'],
    ];
    want.sort((a, b) => Number(a[2]) - Number(b[2]));
    const sent: string[] = [];
    for (const [path, key, value] of want) {
      if (before[key] === undefined || before[key] === value) continue;
      await client.put(`${path}/attr/Asserted`, value);
      sent.push(`${path.split('/').pop()!} Asserted=${value}`);
    }
    if (sent.length === 0) return { status: groupStatus(before) };
    return { status: groupStatus(await readGroups(client)), sent: sent.join(', ') };
  }
}

const executor: BeaconExecutor = new OpenBmcBeaconExecutor();
export default executor;
