/**
 * Inventory for Redfish BMCs: the ComputerSystem (identity, ProcessorSummary, MemorySummary), its
 * Processors, Memory, EthernetInterfaces and Storage (or SimpleStorage) with drives, and firmware
 * (UpdateService FirmwareInventory with the Manager's FirmwareVersion).
 *
 * Request plan (docs/performance.md): the Systems collection is read with `$expand` deep enough to
 * bring the sub-collections' members along when the service offers it, the firmware inventory with
 * the UpdateService in one expanded read; what did not come inline is read member by member
 * (RedfishReader). Only what the keywords need is read: `rinv model` is one GET after login.
 */
import { append } from '../../core/arrays.js';
import type { NodeContext } from '../../engine/executor.js';
import { isRecord } from '../../bmc/index.js';
import {
  RedfishReader,
  nodeReader,
  isResolved,
  readFirmwareInventory,
  readManager,
  readSystem,
} from '../../bmc/redfish-read.js';
import { lastSegment, odataIdOf, samePath } from '../../bmc/redfish-topology.js';
import type { RedfishResource } from '../../bmc/types.js';
import type {
  FirmwareImage,
  InventoryArgs,
  InventoryExecutor,
  InventoryItem,
  InventoryKeyword,
  InventoryProperty,
  InventoryReport,
  ItemKind,
  PropertyValue,
} from '../../managers/inventory.js';

type Resource = RedfishResource;

/** A string property, trimmed; blank or not a string: undefined. */
function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** A scalar (or list of scalars) of a resource by dotted path; undefined when absent or structured. */
export function valueAt(r: Resource, dotted: string): PropertyValue | undefined {
  let v: unknown = r;
  for (const part of dotted.split('.')) {
    if (!isRecord(v)) return undefined;
    v = v[part];
  }
  // Strings trimmed (serials padded with spaces); a blank one is absent.
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v) && v.every((x) => ['string', 'number', 'boolean'].includes(typeof x))) {
    return (v as Array<string | number | boolean>).map((x) => (typeof x === 'string' ? x.trim() : x));
  }
  return undefined;
}

/** The properties of `r` listed in `spec` (name, or [name, keyword]) that it has. */
function pick(
  r: Resource,
  spec: ReadonlyArray<string | readonly [string, InventoryKeyword]>,
): InventoryProperty[] {
  const out: InventoryProperty[] = [];
  for (const s of spec) {
    const [name, keyword] = typeof s === 'string' ? [s, undefined] : s;
    const value = valueAt(r, name);
    if (value === undefined) continue;
    out.push(keyword ? { name, value, keyword } : { name, value });
  }
  return out;
}

const SYSTEM_PROPS = [
  'Manufacturer',
  ['Model', 'model'],
  'SKU',
  ['SerialNumber', 'serial'],
  'PartNumber',
  ['UUID', 'uuid'],
  ['BiosVersion', 'bios'],
  'HostName',
  'AssetTag',
  'SystemType',
  'PowerState',
  'Status.State',
  'Status.Health',
  ['ProcessorSummary.Count', 'cpu'],
  ['ProcessorSummary.Model', 'cpu'],
  ['ProcessorSummary.CoreCount', 'cpu'],
  ['ProcessorSummary.LogicalProcessorCount', 'cpu'],
  ['MemorySummary.TotalSystemMemoryGiB', 'dimm'],
  ['MemorySummary.TotalSystemPersistentMemoryGiB', 'dimm'],
] as const;

const PROCESSOR_PROPS = [
  'Socket',
  'ProcessorType',
  'Manufacturer',
  'Model',
  'ProcessorArchitecture',
  'InstructionSet',
  'MaxSpeedMHz',
  'OperatingSpeedMHz',
  'TotalCores',
  'TotalThreads',
  'SerialNumber',
  'PartNumber',
  'Status.State',
  'Status.Health',
];

const MEMORY_PROPS = [
  'DeviceLocator',
  'MemoryDeviceType',
  'MemoryType',
  'BaseModuleType',
  'CapacityMiB',
  'OperatingSpeedMhz',
  'Manufacturer',
  'PartNumber',
  'SerialNumber',
  'Status.State',
  'Status.Health',
];

const NIC_PROPS = [
  'Name',
  'MACAddress',
  'PermanentMACAddress',
  'SpeedMbps',
  'LinkStatus',
  'InterfaceEnabled',
  'Status.State',
  'Status.Health',
];

const STORAGE_PROPS = ['Name', 'Description', 'Status.State', 'Status.Health'];
const CONTROLLER_PROPS = [
  'Name',
  'Manufacturer',
  'Model',
  'SerialNumber',
  'PartNumber',
  'FirmwareVersion',
  'SpeedGbps',
  'Status.State',
  'Status.Health',
];
const DRIVE_PROPS = [
  'Name',
  'Manufacturer',
  'Model',
  'SerialNumber',
  'PartNumber',
  'Revision',
  'CapacityBytes',
  'MediaType',
  'Protocol',
  'Status.State',
  'Status.Health',
];

/** xCAT-like SOURCE for processors and DIMMs: the Id upper-cased (`CPU1`), prefixed when it is a number. */
function numberedSource(prefix: string, r: Resource): string {
  const id = idOf(r);
  return /^[A-Za-z]/.test(id) ? id.toUpperCase() : `${prefix}${id}`;
}

function idOf(r: Resource): string {
  if (typeof r.Id === 'string' && r.Id !== '') return r.Id;
  const path = odataIdOf(r);
  return path ? lastSegment(path) : typeof r.Name === 'string' ? r.Name : '?';
}

function item(kind: ItemKind, source: string, r: Resource, properties: InventoryProperty[]): InventoryItem {
  const path = odataIdOf(r);
  return { kind, source, ...(path ? { path } : {}), properties };
}

/** An item's properties; its Name (or Id) when it has none of them, so that it still shows. */
function described(r: Resource, spec: readonly string[]): InventoryProperty[] {
  const props = pick(r, spec);
  return props.length > 0 ? props : [{ name: 'Name', value: typeof r.Name === 'string' ? r.Name : idOf(r) }];
}

function ipv4Of(r: Resource): InventoryProperty[] {
  const list = r.IPv4Addresses;
  if (!Array.isArray(list)) return [];
  const addrs = list
    .map((a) => (isRecord(a) && typeof a.Address === 'string' ? a.Address : undefined))
    .filter((a): a is string => a !== undefined && a !== '');
  return addrs.length > 0 ? [{ name: 'IPv4Addresses', value: addrs }] : [];
}

interface Needs {
  system: boolean;
  cpu: boolean;
  dimm: boolean;
  nic: boolean;
  storage: boolean;
  firm: boolean;
}

function needsOf(keywords: readonly InventoryKeyword[]): Needs {
  const has = (k: InventoryKeyword) => keywords.includes(k);
  return {
    system: ['model', 'serial', 'uuid', 'bios', 'cpu', 'dimm'].some((k) => has(k as InventoryKeyword)),
    cpu: has('cpu'),
    dimm: has('dimm'),
    nic: has('nic'),
    storage: has('storage'),
    firm: has('firm'),
  };
}

/** How deep below the System the first read should expand: 1 sub-collection, 2 its members, 3 drives. */
function systemLevels(n: Needs): number {
  if (n.storage) return 3;
  if (n.cpu || n.dimm || n.nic) return 2;
  return 0;
}

class RedfishInventoryExecutor implements InventoryExecutor {
  readonly capability = 'inventory' as const;
  readonly flavor = 'redfish';

  async inventory(args: InventoryArgs, ctx: NodeContext): Promise<InventoryReport> {
    const reader = await nodeReader(ctx);
    const needs = needsOf(args.keywords);
    const system = await readSystem(reader, ctx.node, systemLevels(needs));

    // What the System does not have is worth a warning only when it was asked for by name.
    const explicit = !args.all;
    const [processors, memory, nics, storage, firmware] = await Promise.all([
      needs.cpu ? this.processors(reader, system, explicit) : [],
      needs.dimm ? this.memory(reader, system, explicit) : [],
      needs.nic ? this.nics(reader, system, explicit) : [],
      needs.storage ? this.storage(reader, system, explicit) : [],
      needs.firm ? this.firmware(reader, system, args.verbose) : undefined,
    ]);
    const items: InventoryItem[] = [];
    if (needs.system || args.all) items.push(this.systemItem(reader, system, args));
    for (const list of [processors, memory, nics, storage]) append(items, list);
    const report: InventoryReport = { items, notes: reader.notes };
    if (firmware) report.firmware = firmware;
    return report;
  }

  private systemItem(reader: RedfishReader, system: Resource, args: InventoryArgs): InventoryItem {
    const props = pick(system, SYSTEM_PROPS);
    const present = new Set(props.map((p) => p.keyword));
    const labels: Partial<Record<InventoryKeyword, string>> = {
      model: 'Model',
      serial: 'SerialNumber',
      uuid: 'UUID',
      bios: 'BiosVersion',
    };
    for (const k of args.all ? [] : args.keywords) {
      const label = labels[k];
      if (label && !present.has(k)) reader.note(`the System ${odataIdOf(system) ?? ''} has no ${label}`);
    }
    return item('system', 'SYSTEM', system, props);
  }

  private async processors(
    reader: RedfishReader,
    system: Resource,
    explicit: boolean,
  ): Promise<InventoryItem[]> {
    if (system.Processors === undefined) {
      if (explicit) reader.note('the System links no Processors collection');
      return [];
    }
    const list = await reader.membersOf(system, 'Processors', { what: 'Processors' });
    return list.map((p) => item('cpu', numberedSource('CPU', p), p, described(p, PROCESSOR_PROPS)));
  }

  private async memory(reader: RedfishReader, system: Resource, explicit: boolean): Promise<InventoryItem[]> {
    if (system.Memory === undefined) {
      if (explicit) reader.note('the System links no Memory collection');
      return [];
    }
    const list = await reader.membersOf(system, 'Memory', { what: 'Memory' });
    return list.map((m) => item('dimm', numberedSource('DIMM', m), m, described(m, MEMORY_PROPS)));
  }

  private async nics(reader: RedfishReader, system: Resource, explicit: boolean): Promise<InventoryItem[]> {
    if (system.EthernetInterfaces === undefined) {
      if (explicit) reader.note('the System links no EthernetInterfaces collection');
      return [];
    }
    const list = await reader.membersOf(system, 'EthernetInterfaces', { what: 'EthernetInterfaces' });
    return list.map((n) => item('nic', `NIC ${idOf(n)}`, n, [...described(n, NIC_PROPS), ...ipv4Of(n)]));
  }

  /** Storage subsystems with their controllers and drives; SimpleStorage where there is no Storage. */
  private async storage(
    reader: RedfishReader,
    system: Resource,
    explicit: boolean,
  ): Promise<InventoryItem[]> {
    if (system.Storage === undefined && system.SimpleStorage === undefined) {
      if (explicit) reader.note('the System links neither Storage nor SimpleStorage');
      return [];
    }
    if (system.Storage === undefined) return this.simpleStorage(reader, system);
    const subsystems = await reader.membersOf(system, 'Storage', { what: 'Storage', levels: 1 });
    const out: InventoryItem[] = [];
    const perSubsystem = await Promise.all(subsystems.map((s) => this.storageSubsystem(reader, s)));
    for (const items of perSubsystem) append(out, items);
    return out;
  }

  private async storageSubsystem(reader: RedfishReader, s: Resource): Promise<InventoryItem[]> {
    const id = idOf(s);
    const out = [item('storage', `STORAGE ${id}`, s, described(s, STORAGE_PROPS))];
    let controllers: Resource[] = [];
    if (Array.isArray(s.StorageControllers)) {
      controllers = s.StorageControllers.filter(isResolved);
    } else if (s.Controllers !== undefined) {
      controllers = await reader.membersOf(s, 'Controllers', { what: 'StorageControllers' });
    }
    controllers.forEach((c, i) => {
      const cid = typeof c.MemberId === 'string' ? c.MemberId : typeof c.Id === 'string' ? c.Id : String(i);
      out.push(item('storage', `STORAGE ${id} CONTROLLER ${cid}`, c, described(c, CONTROLLER_PROPS)));
    });
    const drives = await reader.refs(s, 'Drives', 'Drive');
    for (const d of drives) out.push(item('storage', `DRIVE ${idOf(d)}`, d, described(d, DRIVE_PROPS)));
    return out;
  }

  private async simpleStorage(reader: RedfishReader, system: Resource): Promise<InventoryItem[]> {
    const list = await reader.membersOf(system, 'SimpleStorage', { what: 'SimpleStorage' });
    const out: InventoryItem[] = [];
    for (const s of list) {
      const id = idOf(s);
      out.push(item('storage', `STORAGE ${id}`, s, described(s, STORAGE_PROPS)));
      const devices = Array.isArray(s.Devices) ? s.Devices.filter(isRecord) : [];
      devices.forEach((d, i) => {
        out.push({
          kind: 'storage',
          source: `STORAGE ${id} DEVICE ${i}`,
          properties: described(d as Resource, [
            'Name',
            'Manufacturer',
            'Model',
            'CapacityBytes',
            'Status.State',
            'Status.Health',
          ]),
        });
      });
    }
    return out;
  }

  /**
   * FirmwareInventory members as firmware images. Running (`*`): the Manager's active image (its
   * Links.ActiveSoftwareImage, else the image related to it whose Version is its FirmwareVersion) and
   * the BIOS image whose Version the System's BiosVersion starts with. Standby copies
   * (StandbySpare/StandbyOffline/Disabled/Absent) only with -V. When no image is the Manager's, its
   * FirmwareVersion is shown as `BMC`.
   */
  private async firmware(
    reader: RedfishReader,
    system: Resource,
    verbose: boolean,
  ): Promise<FirmwareImage[]> {
    const [manager, images] = await Promise.all([
      readManager(reader, system, 'FirmwareVersion'),
      readFirmwareInventory(reader),
    ]);
    const managerPath = manager ? odataIdOf(manager) : undefined;
    const systemPath = odataIdOf(system);
    const managerVersion = text(manager?.FirmwareVersion);
    const activeImage =
      manager && isRecord(manager.Links) ? odataIdOf(manager.Links.ActiveSoftwareImage) : undefined;
    const bios = text(system.BiosVersion);
    const related = (img: Resource, path: string | undefined) =>
      path !== undefined &&
      Array.isArray(img.RelatedItem) &&
      img.RelatedItem.some((r) => {
        const id = odataIdOf(r);
        return id !== undefined && samePath(id, path);
      });

    const out: FirmwareImage[] = images.map((img) => {
      const path = odataIdOf(img);
      const version = text(img.Version) ?? null;
      const state = isRecord(img.Status) ? text(img.Status.State) : undefined;
      const isManagers = related(img, managerPath);
      const running =
        (activeImage !== undefined && path !== undefined && samePath(activeImage, path)) ||
        (activeImage === undefined && isManagers && version !== null && version === managerVersion) ||
        (related(img, systemPath) && version !== null && bios !== undefined && bios.startsWith(version));
      const standby =
        state !== undefined && ['StandbySpare', 'StandbyOffline', 'Disabled', 'Absent'].includes(state);
      const details: Record<string, PropertyValue> = {};
      for (const k of [
        'Name',
        'Description',
        'Manufacturer',
        'SoftwareId',
        'ReleaseDate',
        'Updateable',
        'LowestSupportedVersion',
      ]) {
        const v = valueAt(img, k);
        if (v !== undefined) details[k] = v;
      }
      const component = isManagers ? 'bmc' : related(img, systemPath) ? 'host' : undefined;
      return {
        ...(component ? { component } : {}),
        source: firmwareLabel(img, component),
        id: idOf(img),
        ...(path ? { path } : {}),
        version,
        ...(state !== undefined ? { status: state } : {}),
        running,
        pending: false,
        shown: !standby,
        extended: verbose ? additionalInfo(img) : [],
        details,
      };
    });
    out.sort((a, b) => a.source.localeCompare(b.source) || a.id.localeCompare(b.id));
    if (manager && !out.some((f) => f.running && f.component === 'bmc')) {
      out.unshift({
        source: 'BMC',
        id: managerPath ? lastSegment(managerPath) : 'BMC',
        ...(managerPath ? { path: managerPath } : {}),
        version: managerVersion ?? null,
        ...(isRecord(manager.Status) && text(manager.Status.State)
          ? { status: text(manager.Status.State)! }
          : {}),
        running: managerVersion !== undefined,
        pending: false,
        shown: true,
        extended: verbose ? additionalInfo(manager, 'AdditionalFirmwareVersions') : [],
        component: 'bmc',
        details: text(manager.Model) ? { Model: text(manager.Model)! } : {},
      });
      if (managerVersion === undefined)
        reader.note(`the Manager ${managerPath ?? ''} has no FirmwareVersion`);
    }
    return out;
  }
}

/**
 * The word before `Firmware Product:`: the inventory Id when it says something (`BMC`, `BIOS`,
 * `Installed-25227-6.10.30.00__iDRAC.Embedded.1-1`), else what the image runs on (`BMC`, `HOST`; for
 * ids that are hashes or numbers, as bmcweb and iLO use), else its Name.
 */
export function firmwareLabel(img: Resource, component: 'bmc' | 'host' | undefined): string {
  const id = idOf(img);
  if (/[A-Za-z]/.test(id) && !/^[0-9a-f]{6,}$/i.test(id)) return id;
  if (component) return component.toUpperCase();
  return typeof img.Name === 'string' && img.Name !== '' ? img.Name : id;
}

/** `-V` lines for an image: Name, SoftwareId, ReleaseDate and AdditionalVersions, sorted. */
function additionalInfo(r: Resource, versionsProp = 'AdditionalVersions'): string[] {
  const out: string[] = [];
  for (const k of ['Name', 'SoftwareId', 'ReleaseDate']) {
    const v = r[k];
    if (typeof v === 'string' && v !== '') out.push(`${k}: ${v}`);
  }
  const extra = r[versionsProp];
  if (isRecord(extra)) {
    for (const [k, v] of Object.entries(extra)) {
      if (typeof v === 'string' || typeof v === 'number') out.push(`${k}: ${v}`);
    }
  }
  return out.sort();
}

const executor: InventoryExecutor = new RedfishInventoryExecutor();
export default executor;
