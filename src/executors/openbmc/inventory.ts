/**
 * Inventory for OpenBMC REST (phosphor inventory and software objects), as xCAT's Python agent
 * (reference xcat-openbmc.md §1.5, §2.4):
 *  - objects without `Present` are left out; SOURCE is the upper-cased last path segment, type group
 *    that segment without digits (`cpu0` → CPU); cores are `CPU0 CORE3` in the CPU group;
 *  - every property of an object is a line; groups sorted, lines natural-sorted in a group;
 *  - firmware from software/enumerate: `*` running (in software/functional), `+` Priority 0 and not
 *    running (pending), `*` for Priority 0 when the BMC lists no functional images.
 *
 * One GET per kind of data, as xCAT: `model`/`serial` alone read /inventory/system, `cpu`/`dimm`
 * alone the motherboard subtree, anything else the whole inventory; `firm` (and `bios`, the host
 * firmware) software/enumerate.
 */
import { NodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { openbmcClient, isRecord } from '../../bmc/index.js';
import type {
  FirmwareImage,
  InventoryArgs,
  InventoryExecutor,
  InventoryItem,
  InventoryKeyword,
  InventoryReport,
  ItemKind,
  PropertyValue,
} from '../../managers/inventory.js';
import { lastComponent } from './power.js';

export const INVENTORY = '/xyz/openbmc_project/inventory';
const SYSTEM = `${INVENTORY}/system`;
const MOTHERBOARD = `${SYSTEM}/chassis/motherboard`;
export const SOFTWARE = '/xyz/openbmc_project/software';
const FUNCTIONAL = `${SOFTWARE}/functional`;

type Props = Record<string, unknown>;

/** A D-Bus value as a typed property value; structured values (associations...) as JSON text. */
export function toPropertyValue(v: unknown): PropertyValue {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v) && v.every((x) => ['string', 'number', 'boolean'].includes(typeof x))) {
    return v as Array<string | number | boolean>;
  }
  return v === undefined ? null : JSON.stringify(v);
}

const HW_KEYWORDS: readonly InventoryKeyword[] = ['model', 'serial', 'uuid', 'cpu', 'dimm', 'nic', 'storage'];

/** Which inventory URL answers the keywords with one GET (xCAT's choice, extended to uuid/nic/storage). */
export function inventoryUrl(keywords: readonly InventoryKeyword[]): string | undefined {
  const hw = keywords.filter((k) => HW_KEYWORDS.includes(k));
  if (hw.length === 0) return undefined;
  const only = (set: readonly InventoryKeyword[]) => hw.every((k) => set.includes(k));
  if (only(['model', 'serial'])) return SYSTEM;
  if (only(['cpu', 'dimm'])) return `${MOTHERBOARD}/enumerate`;
  return `${INVENTORY}/enumerate`;
}

function kindOf(group: string, props: Props): ItemKind {
  if (group === 'SYSTEM') return 'system';
  if (group === 'CPU') return 'cpu';
  if (group === 'DIMM') return 'dimm';
  // Host NICs; the BMC's own interface (the `bmc` object carries its MAC) is not one.
  if (/ETHERNET|^NIC|NETWORK/.test(group) || (group !== 'BMC' && 'MACAddress' in props)) return 'nic';
  if (/DRIVE|DISK|NVME|STORAGE|SSD|HDD/.test(group)) return 'storage';
  return 'other';
}

const PROPERTY_KEYWORDS: Record<string, InventoryKeyword> = {
  Model: 'model',
  SerialNumber: 'serial',
  UUID: 'uuid',
};

/** One inventory object as an item, or undefined when xCAT leaves it out (no `Present`). */
export function inventoryItem(path: string, props: Props): InventoryItem | undefined {
  if (!('Present' in props)) return undefined;
  const parts = path.replace(/\/+$/, '').split('/');
  const id = parts[parts.length - 1] ?? '';
  let group = id.replace(/[0-9]/g, '').toUpperCase();
  let source = id;
  if (group === 'CORE') {
    group = 'CPU';
    source = `${parts[parts.length - 2] ?? ''} ${id}`;
  }
  const kind = kindOf(group, props);
  const properties = Object.entries(props).map(([name, v]) => {
    const keyword = PROPERTY_KEYWORDS[name];
    // model/serial come from the system object only (xCAT), UUID from wherever the BMC keeps it.
    const tagged = keyword && (keyword === 'uuid' || group === 'SYSTEM');
    return tagged ? { name, value: toPropertyValue(v), keyword } : { name, value: toPropertyValue(v) };
  });
  return { kind, source: source.toUpperCase(), group, path, properties };
}

/** Items of an enumerate answer (`{path: props}`), or of the single system object's property map. */
function itemsFrom(url: string, data: unknown): InventoryItem[] {
  if (!isRecord(data)) {
    throw new NodeError('protocol', `Received wrong format response: ${url} did not return an object`);
  }
  if (url === SYSTEM) {
    // The system object's own property map: shown whether or not it carries Present.
    const item = inventoryItem(SYSTEM, { Present: true, ...data })!;
    if (!('Present' in data)) item.properties = item.properties.filter((p) => p.name !== 'Present');
    return [item];
  }
  const out: InventoryItem[] = [];
  for (const [path, props] of Object.entries(data)) {
    if (!isRecord(props)) continue;
    const item = inventoryItem(path, props);
    if (item) out.push(item);
  }
  return out;
}

/** Firmware images of software/enumerate, sorted as xCAT (`<Purpose>-<id>`). */
export function firmwareImages(data: unknown): FirmwareImage[] {
  if (!isRecord(data)) {
    throw new NodeError(
      'protocol',
      `Received wrong format response: ${SOFTWARE}/enumerate did not return an object`,
    );
  }
  const functionalObj = data[FUNCTIONAL];
  const functional = new Set(
    isRecord(functionalObj) && Array.isArray(functionalObj.endpoints)
      ? functionalObj.endpoints.filter((e): e is string => typeof e === 'string')
      : [],
  );
  const hasFunctional = functional.size > 0;
  const images: Array<FirmwareImage & { sortKey: string }> = [];
  for (const [path, sw] of Object.entries(data)) {
    if (path === FUNCTIONAL || !isRecord(sw) || !('Version' in sw)) continue;
    const id = path.split('/').pop() ?? path;
    const purpose = typeof sw.Purpose === 'string' ? lastComponent(sw.Purpose) : 'Unknown';
    const priority = typeof sw.Priority === 'number' ? sw.Priority : undefined;
    const isFunctional = functional.has(path);
    const running = isFunctional || (!hasFunctional && priority === 0);
    const pending = !isFunctional && hasFunctional && priority === 0;
    const extended =
      typeof sw.ExtendedVersion === 'string' && sw.ExtendedVersion !== ''
        ? sw.ExtendedVersion.split(',').sort()
        : [];
    const details: Record<string, PropertyValue> = { Purpose: purpose };
    if (priority !== undefined) details.Priority = priority;
    if (typeof sw.Progress === 'number') details.Progress = sw.Progress;
    if (typeof sw.RequestedActivation === 'string')
      details.RequestedActivation = lastComponent(sw.RequestedActivation);
    const component = purpose === 'BMC' ? 'bmc' : purpose === 'Host' ? 'host' : undefined;
    images.push({
      sortKey: `${purpose}-${id}`,
      source: purpose.toUpperCase(),
      id,
      path,
      version: typeof sw.Version === 'string' ? sw.Version : sw.Version === null ? null : String(sw.Version),
      ...(typeof sw.Activation === 'string' ? { status: lastComponent(sw.Activation) } : {}),
      ...(component ? { component } : {}),
      running,
      pending,
      shown: running,
      extended,
      details,
    });
  }
  images.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  return images.map(({ sortKey: _sortKey, ...img }) => img);
}

class OpenBmcInventoryExecutor implements InventoryExecutor {
  readonly capability = 'inventory' as const;
  readonly flavor = 'openbmc';

  async inventory(args: InventoryArgs, ctx: NodeContext): Promise<InventoryReport> {
    const client = await openbmcClient(ctx);
    const url = inventoryUrl(args.keywords);
    const wantFirmware = args.keywords.includes('firm') || args.keywords.includes('bios');
    const [hw, sw] = await Promise.all([
      url ? client.get(url) : undefined,
      wantFirmware ? client.get(`${SOFTWARE}/enumerate`) : undefined,
    ]);
    const notes: string[] = [];
    const items = url ? itemsFrom(url, hw) : [];
    const report: InventoryReport = { items, xcatOrder: true, notes };
    if (wantFirmware) {
      report.firmware = firmwareImages(sw);
      if (report.firmware.length === 0)
        notes.push(`${SOFTWARE}/enumerate lists no firmware image with a Version`);
    }
    if (url && items.length === 0) notes.push(`${url} has no object with a Present property`);
    return report;
  }
}

const executor: InventoryExecutor = new OpenBmcInventoryExecutor();
export default executor;
