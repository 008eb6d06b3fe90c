/**
 * The inventory capability (`rinv`): keywords, the flavor-neutral report executors return, and how it
 * is shown (xCAT's `node: SOURCE Property : value` lines, a table, typed json).
 *
 * Executors (src/executors/<flavor>/inventory.ts) read what the keywords need, as cheaply as the BMC
 * allows, and return everything they read; this module picks what the keywords ask for, orders it and
 * says `No attributes returned from the BMC.` when nothing is left, as xCAT does.
 */
import { append } from '../core/arrays.js';
import { HwctlUsageError } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import type { Executor, NodeContext } from '../engine/executor.js';
import type { RunRequest } from '../engine/run.js';
import type { ResultView } from '../output/view.js';
import { formatPropertyValue, naturalCompare } from './inventory-format.js';
import { requireOps } from './executor-ops.js';

export const INVENTORY_KEYWORDS = [
  'model',
  'serial',
  'uuid',
  'firm',
  'bios',
  'cpu',
  'dimm',
  'nic',
  'storage',
  'all',
] as const;
export type InventoryKeywordWord = (typeof INVENTORY_KEYWORDS)[number];
export type InventoryKeyword = Exclude<InventoryKeywordWord, 'all'>;
const EVERY_KEYWORD: readonly InventoryKeyword[] = INVENTORY_KEYWORDS.filter(
  (k): k is InventoryKeyword => k !== 'all',
);

export interface InventoryArgs {
  /** What to show, `all` expanded; in the order given. */
  keywords: InventoryKeyword[];
  /** `all` (or nothing) was asked: every item the BMC has, firmware included. */
  all: boolean;
  /** `-V`: every firmware image, not just the running ones, with additional version info. */
  verbose: boolean;
}

/** Default per-node deadline: a BMC without $expand answers a few dozen GETs. */
export const DEFAULT_INVENTORY_TIMEOUT_MS = 120_000;

// ------------------------------------------------------------------------------------ arguments

export function parseInventoryArgs(words: readonly string[], verbose = false): InventoryArgs {
  const keywords: InventoryKeyword[] = [];
  let all = words.length === 0;
  for (const w of words) {
    const k = w.toLowerCase();
    if (!(INVENTORY_KEYWORDS as readonly string[]).includes(k)) {
      throw new HwctlUsageError(`Unsupported command: rinv ${w} (valid: ${INVENTORY_KEYWORDS.join(', ')})`);
    }
    if (k === 'all') all = true;
    else if (!keywords.includes(k as InventoryKeyword)) keywords.push(k as InventoryKeyword);
  }
  return { keywords: all ? [...EVERY_KEYWORD] : keywords, all, verbose };
}

// ------------------------------------------------------------------------------- executor contract

/** A property value as the BMC gave it (typed in json). */
export type PropertyValue = string | number | boolean | null | ReadonlyArray<string | number | boolean>;

export interface InventoryProperty {
  name: string;
  value: PropertyValue;
  /** The keyword that asks for exactly this property (`model` → the System's Model). */
  keyword?: InventoryKeyword;
}

/** What an item is, which decides the keyword that shows it. `other`: only with `all`. */
export type ItemKind = 'system' | 'cpu' | 'dimm' | 'nic' | 'storage' | 'other';

export interface InventoryItem {
  kind: ItemKind;
  /** xCAT's SOURCE: `SYSTEM`, `CPU0`, `DIMM12`, `CPU0 CORE3`, `NIC eth0`, `DRIVE Disk-1-0`. */
  source: string;
  /** OpenBMC: xCAT's type group (`CPU`, `DIMM`, `FAN`...), which orders the output. */
  group?: string;
  /** Where it came from: a D-Bus object path or an @odata.id. */
  path?: string;
  properties: InventoryProperty[];
}

export interface FirmwareImage {
  /** The word before `Firmware Product:` (`BMC`, `HOST`, a Redfish inventory Id). */
  source: string;
  id: string;
  path?: string;
  version: string | null;
  /** OpenBMC Activation (`Active`, `Ready`...) or Redfish Status.State (`Enabled`, `StandbySpare`...). */
  status?: string;
  /** The image running now (`*`). */
  running: boolean;
  /** Activated for the next boot (`+`). */
  pending: boolean;
  /** Shown without -V (xCAT: running images only; Redfish: images that are not a standby copy). */
  shown: boolean;
  /** What it runs on, where known: `bmc` (the BMC's firmware) or `host` (BIOS / host firmware). */
  component?: 'bmc' | 'host';
  /** `-- additional info:` entries (OpenBMC ExtendedVersion, Redfish AdditionalVersions...). */
  extended: string[];
  /** Further typed fields for json (Purpose, Priority, Updateable, Name...). */
  details: Record<string, PropertyValue>;
}

export interface InventoryReport {
  items: InventoryItem[];
  /** Undefined when firmware was not read. */
  firmware?: FirmwareImage[];
  /**
   * xCAT's OpenBMC order: groups sorted by name, lines natural-sorted in a group. Otherwise items
   * keep the executor's order (system, processors, memory, NICs, storage).
   */
  xcatOrder?: boolean;
  /** Odd data met on the way (dangling links, missing properties...): shown as warnings. */
  notes: string[];
}

export interface InventoryExecutor extends Executor {
  /** Read what `args.keywords` need. Returns everything read; the manager filters. */
  inventory(args: InventoryArgs, ctx: NodeContext): Promise<InventoryReport>;
}

// ---------------------------------------------------------------------------------------- results

export interface InventoryResult {
  keywords: InventoryKeyword[];
  verbose: boolean;
  items: InventoryItem[];
  firmware: FirmwareImage[];
  xcatOrder: boolean;
  notes: string[];
}

export const NO_ATTRIBUTES = 'No attributes returned from the BMC.';

const KIND_KEYWORD: Partial<Record<ItemKind, InventoryKeyword>> = {
  cpu: 'cpu',
  dimm: 'dimm',
  nic: 'nic',
  storage: 'storage',
};

/** Keep what the keywords ask for (everything with `all`). Exported for tests. */
export function selectInventory(report: InventoryReport, args: InventoryArgs): InventoryResult {
  const want = new Set(args.keywords);
  const items: InventoryItem[] = [];
  for (const item of report.items) {
    if (args.all) {
      items.push(item);
      continue;
    }
    const k = KIND_KEYWORD[item.kind];
    if (k && want.has(k)) {
      items.push(item);
      continue;
    }
    const props = item.properties.filter((p) => p.keyword !== undefined && want.has(p.keyword));
    if (props.length > 0) items.push({ ...item, properties: props });
  }
  // `bios` on a flavor whose System has no BiosVersion (OpenBMC): the running host firmware.
  const firmware = want.has('firm')
    ? (report.firmware ?? [])
    : want.has('bios')
      ? (report.firmware ?? []).filter((f) => f.component === 'host' && f.running)
      : [];
  return {
    keywords: args.keywords,
    verbose: args.verbose,
    items,
    firmware,
    xcatOrder: report.xcatOrder === true,
    notes: report.notes,
  };
}

/** The text lines of one item (`SOURCE Property : value`), nulls left out. */
function itemLines(item: InventoryItem): string[] {
  return item.properties
    .filter((p) => p.value !== null)
    .map((p) => `${item.source} ${p.name} : ${formatPropertyValue(p.value)}`);
}

function firmwareLines(images: readonly FirmwareImage[], verbose: boolean): string[] {
  const out: string[] = [];
  for (const f of images) {
    if (!f.shown && !verbose) continue;
    const flag = f.running ? '*' : f.pending ? '+' : '';
    // No `()` for a blank status, no trailing spaces from a padded version (any flavor).
    const state = f.status?.trim();
    const status = state ? ` (${state})` : '';
    const version = f.version?.trim() || 'N/A';
    out.push(`${f.source.trim()} Firmware Product: ${version}${status}${flag}`);
    for (const x of f.extended) out.push(`${f.source} Firmware Product: -- additional info: ${x}`);
  }
  return out;
}

/** Every text line of a node's result, in xCAT's order. */
export function inventoryLines(r: InventoryResult): string[] {
  const lines: string[] = [];
  if (r.xcatOrder) {
    const groups = new Map<string, string[]>();
    for (const item of r.items) {
      const g = item.group ?? item.source;
      let group = groups.get(g);
      if (!group) groups.set(g, (group = []));
      append(group, itemLines(item));
    }
    for (const g of [...groups.keys()].sort()) append(lines, groups.get(g)!.sort(naturalCompare));
  } else {
    for (const item of r.items) append(lines, itemLines(item));
  }
  append(lines, firmwareLines(r.firmware, r.verbose));
  return lines.length > 0 ? lines : [NO_ATTRIBUTES];
}

function propertiesObject(props: readonly InventoryProperty[]): Record<string, PropertyValue> {
  const o: Record<string, PropertyValue> = {};
  for (const p of props) o[p.name] = p.value;
  return o;
}

export const inventoryView: ResultView<InventoryResult> = {
  text: inventoryLines,
  columns: [
    {
      header: 'SOURCE',
      value: (r) =>
        inventoryLines(r)
          .map((l) => splitLine(l)[0])
          .join('\n'),
    },
    {
      header: 'PROPERTY',
      value: (r) =>
        inventoryLines(r)
          .map((l) => splitLine(l)[1])
          .join('\n'),
    },
  ],
  json: (r) => ({
    keywords: r.keywords,
    items: r.items.map((i) => ({
      source: i.source,
      kind: i.kind,
      ...(i.group !== undefined ? { group: i.group } : {}),
      ...(i.path !== undefined ? { path: i.path } : {}),
      properties: propertiesObject(i.properties),
    })),
    firmware: r.firmware
      .filter((f) => f.shown || r.verbose)
      .map((f) => ({
        source: f.source,
        id: f.id,
        ...(f.path !== undefined ? { path: f.path } : {}),
        version: f.version,
        ...(f.status !== undefined ? { status: f.status } : {}),
        ...(f.component !== undefined ? { component: f.component } : {}),
        running: f.running,
        pending: f.pending,
        ...(f.extended.length > 0 ? { additional: f.extended } : {}),
        ...f.details,
      })),
    notes: r.notes,
  }),
};

/** A text line split for the table: `CPU0 Model : x` → [`CPU0`, `Model : x`]. */
function splitLine(line: string): [string, string] {
  const fw = line.indexOf(' Firmware Product: ');
  if (fw > 0) return [line.slice(0, fw), line.slice(fw + 1)];
  const colon = line.indexOf(' : ');
  if (colon < 0) return ['', line];
  const head = line.slice(0, colon);
  const sp = head.lastIndexOf(' ');
  return sp < 0 ? ['', line] : [head.slice(0, sp), line.slice(sp + 1)];
}

// ---------------------------------------------------------------------------------- the request

export function inventoryRequest(
  nodes: readonly NodeDef[],
  args: InventoryArgs,
): RunRequest<InventoryArgs, InventoryResult> {
  return {
    capability: 'inventory',
    op: 'inventory',
    args,
    nodes,
    perNode: (executor, ctx) => runInventory(asInventoryExecutor(executor), args, ctx),
  };
}

function asInventoryExecutor(executor: Executor): InventoryExecutor {
  return requireOps<InventoryExecutor>(executor, 'inventory', ['inventory']);
}

/** One node's rinv. Notes become warnings (`node: ...` on stderr) as well as json `notes`. */
export async function runInventory(
  ex: InventoryExecutor,
  args: InventoryArgs,
  ctx: NodeContext,
): Promise<InventoryResult> {
  const report = await ex.inventory(args, ctx);
  for (const n of report.notes) ctx.services.warn(`${ctx.node.name}: ${n}`);
  return selectInventory(report, args);
}
