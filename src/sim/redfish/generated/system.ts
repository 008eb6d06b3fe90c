/** Systems/<id> of a generated BMC and what hangs below it (reset, processors, memory, NICs); storage, BIOS, Secure Boot and boot options have their own modules. */
import {
  applyBootPatch,
  applyLed,
  applyReset,
  readBootPatch,
  readLedPatch,
  readResetType,
} from '../actions.js';
import { isObject, isoTime, type Json, type JsonObject } from '../json.js';
import { RETRY_VALUES, autoRetryOf, readPolicyPatch, restorePolicyOf } from '../policies.js';
import type { Router } from '../router.js';
import { parseJsonBody } from '../tree.js';
import { bootOrderProps, bootSourceOem, readBootOrder } from './bootoptions.js';
import { collection, rejectProperty, ROOT, type Gen } from './context.js';

const BOOT_ENABLED = ['Disabled', 'Once', 'Continuous'];
const BOOT_MODES = ['Legacy', 'UEFI'];

function bootProgress(g: Gen): string {
  switch (g.m.hostState()) {
    case 'Off':
      return 'None';
    case 'TransitioningToRunning':
      return 'OSBootStarted';
    default:
      return 'OSRunning';
  }
}

function bootObject(g: Gen): JsonObject {
  const b = g.m.bootOverride();
  const boot: JsonObject = {
    BootSourceOverrideEnabled: b.enabled,
    BootSourceOverrideTarget: b.target,
    BootSourceOverrideMode: b.mode,
    'BootSourceOverrideTarget@Redfish.AllowableValues': [...g.p.bootTargets],
  };
  if (g.p.bootEnabledAllowable) boot['BootSourceOverrideEnabled@Redfish.AllowableValues'] = [...BOOT_ENABLED];
  if (g.p.bootModeAllowable) boot['BootSourceOverrideMode@Redfish.AllowableValues'] = [...BOOT_MODES];
  if (g.p.autoRetry) {
    boot.AutomaticRetryConfig = autoRetryOf(g.m);
    boot['AutomaticRetryConfig@Redfish.AllowableValues'] = [...RETRY_VALUES];
  }
  return { ...boot, ...bootOrderProps(g) };
}

function resetAction(g: Gen): JsonObject {
  const action: JsonObject = { target: g.u(`${g.sys}/Actions/ComputerSystem.Reset`) };
  if (g.p.resetVia === 'inline') action['ResetType@Redfish.AllowableValues'] = [...g.p.resetValues];
  else action['@Redfish.ActionInfo'] = g.u(`${g.sys}/ResetActionInfo`);
  return action;
}

export function systemDoc(g: Gen): JsonObject {
  const id = g.m.identity;
  const hw = g.m.hardware;
  const power = g.m.powerState();
  const quiesced = g.m.hostState() === 'Quiesced';
  const cpu = hw.cpus[0];
  const memGiB = hw.dimms.filter((d) => d.present).reduce((n, d) => n + d.capacityMiB, 0) / 1024;
  const doc: JsonObject = {
    '@odata.id': g.u(g.sys),
    '@odata.type': '#ComputerSystem.v1_20_0.ComputerSystem',
    Id: g.p.ids.system,
    Name: g.p.names.system,
    Description: 'Computer System',
    SystemType: 'Physical',
    AssetTag: g.local.assetTag,
    Manufacturer: id.manufacturer,
    Model: id.model,
    SKU: id.sku,
    SerialNumber: id.serialNumber,
    PartNumber: id.partNumber,
    UUID: id.uuid,
    HostName: id.hostName,
    BiosVersion: id.biosVersion,
    PowerState: power,
    Status: {
      // A quiesced host (crashed or halted OS, still powered) is Status.State Quiesced, as bmcweb shows it.
      State: quiesced ? 'Quiesced' : power === 'Off' ? g.p.systemOffState : 'Enabled',
      Health: quiesced ? 'Critical' : 'OK',
      HealthRollup: quiesced ? 'Critical' : 'OK',
    },
    BootProgress: { LastState: bootProgress(g) },
    PowerRestorePolicy: restorePolicyOf(g.m),
    Boot: bootObject(g),
    ProcessorSummary: {
      Count: hw.cpus.filter((c) => c.present).length,
      Model: cpu?.model ?? null,
      CoreCount: hw.cpus.reduce((n, c) => n + c.cores, 0),
      LogicalProcessorCount: hw.cpus.reduce((n, c) => n + c.threads, 0),
      Status: { State: 'Enabled', Health: 'OK', HealthRollup: 'OK' },
    },
    MemorySummary: {
      TotalSystemMemoryGiB: memGiB,
      Status: { State: 'Enabled', Health: 'OK', HealthRollup: 'OK' },
    },
    Processors: g.link(`${g.sys}/Processors`),
    Memory: g.link(`${g.sys}/Memory`),
    EthernetInterfaces: g.link(`${g.sys}/EthernetInterfaces`),
    Storage: g.link(`${g.sys}/Storage`),
    Bios: g.link(`${g.sys}/Bios`),
    Links: { Chassis: [g.link(g.ch)], ManagedBy: [g.link(g.mgr)] },
    Actions: { '#ComputerSystem.Reset': resetAction(g) },
  };
  if (g.p.log.parent === 'system') doc.LogServices = g.link(`${g.sys}/LogServices`);
  if (g.p.led.indicator) doc.IndicatorLED = g.m.indicatorLed();
  if (g.p.led.location) doc.LocationIndicatorActive = g.m.identifyActive();
  if (g.p.features.secureBoot) doc.SecureBoot = g.link(`${g.sys}/SecureBoot`);
  const last = g.m.lastBoot();
  if (last) doc.LastResetTime = isoTime(last.at);
  // A simulator extension (schema-valid Oem): what the last boot booted from (virtual media, boot order).
  const source = bootSourceOem(g);
  if (source) doc.Oem = { HwctlSim: source };
  return doc;
}

function patchSystem(g: Gen, body: JsonObject): undefined {
  const doc = systemDoc(g);
  const known = Object.keys(doc.Boot as JsonObject);
  let boot;
  let bootOrder: (() => void) | undefined;
  let assetTag: string | undefined;
  const policies = readPolicyPatch(body, { restore: true, retry: g.p.autoRetry }, g.errors);
  for (const [k, v] of Object.entries({ ...body, Boot: policies.boot })) {
    if (v === undefined || k === 'PowerRestorePolicy') continue;
    if (k === 'Boot') {
      // BootOrder is this feature's; the override properties go through the shared checks.
      let override = v;
      if (isObject(v) && 'BootOrder' in v && g.p.features.bootOptions) {
        const { BootOrder: order, ...rest } = v;
        bootOrder = readBootOrder(g, order as Json);
        override = rest;
      }
      if (isObject(override) && Object.keys(override).length === 0) continue;
      boot = readBootPatch(
        override,
        {
          targets: g.p.bootTargets,
          enabled: BOOT_ENABLED,
          modes: BOOT_MODES,
          modeWritable: g.p.bootModeWritable,
        },
        known,
        g.errors,
      );
    } else if (k === 'AssetTag') {
      if (typeof v !== 'string')
        throw g.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: ['#/AssetTag'] });
      assetTag = v;
    } else if (k !== 'IndicatorLED' && k !== 'LocationIndicatorActive') rejectProperty(g, doc, k);
  }
  const leds = readLedPatch(body, g.p.led, g.errors);
  if (boot) applyBootPatch(g.m, boot, g.errors);
  bootOrder?.();
  applyLed(g.m, leds);
  if (assetTag !== undefined) g.local.assetTag = assetTag;
  policies.apply(g.m);
  return undefined;
}

function resetActionInfo(g: Gen): JsonObject {
  return {
    '@odata.id': g.u(`${g.sys}/ResetActionInfo`),
    '@odata.type': '#ActionInfo.v1_1_2.ActionInfo',
    Id: 'ResetActionInfo',
    Name: 'Reset Action Info',
    Parameters: [
      { Name: 'ResetType', Required: true, DataType: 'String', AllowableValues: [...g.p.resetValues] },
    ],
  };
}

const status = (health = 'OK'): JsonObject => ({ State: 'Enabled', Health: health });

function processorDoc(g: Gen, i: number): JsonObject | undefined {
  const c = g.m.hardware.cpus[i];
  if (!c) return undefined;
  const power = c.model.includes('POWER');
  return {
    '@odata.id': g.u(`${g.sys}/Processors/${g.p.processorId(i)}`),
    '@odata.type': '#Processor.v1_11_0.Processor',
    Id: g.p.processorId(i),
    Name: c.socket,
    Socket: c.socket,
    ProcessorType: 'CPU',
    ProcessorArchitecture: power ? 'Power' : 'x86',
    InstructionSet: power ? 'PowerISA' : 'x86-64',
    Manufacturer: c.manufacturer,
    Model: c.model,
    TotalCores: c.cores,
    TotalThreads: c.threads,
    MaxSpeedMHz: c.maxSpeedMHz,
    Status: c.present ? status(c.health) : { State: 'Absent' },
  };
}

function memoryDoc(g: Gen, i: number): JsonObject | undefined {
  const d = g.m.hardware.dimms[i];
  if (!d) return undefined;
  const id = g.p.memoryId(i, d.location);
  return {
    '@odata.id': g.u(`${g.sys}/Memory/${id}`),
    '@odata.type': '#Memory.v1_11_0.Memory',
    Id: id,
    Name: `DIMM ${d.location}`,
    DeviceLocator: d.location,
    MemoryType: 'DRAM',
    MemoryDeviceType: d.memoryDeviceType,
    CapacityMiB: d.capacityMiB,
    OperatingSpeedMhz: d.speedMHz,
    Manufacturer: d.manufacturer,
    PartNumber: d.partNumber,
    SerialNumber: d.serialNumber,
    Status: d.present ? status() : { State: 'Absent' },
  };
}

function hostNicDoc(g: Gen, i: number): JsonObject | undefined {
  const n = g.m.hardware.nics[i];
  if (!n) return undefined;
  return {
    '@odata.id': g.u(`${g.sys}/EthernetInterfaces/${n.id}`),
    '@odata.type': '#EthernetInterface.v1_9_0.EthernetInterface',
    Id: n.id,
    Name: n.name,
    Description: 'Host network interface',
    MACAddress: n.macAddress,
    PermanentMACAddress: n.macAddress,
    SpeedMbps: n.speedMbps,
    LinkStatus: n.linkUp ? 'LinkUp' : 'LinkDown',
    InterfaceEnabled: true,
    Status: status(),
  };
}

function indexOf(ids: (i: number) => string, count: number, id: string): number {
  for (let i = 0; i < count; i++) if (ids(i) === id) return i;
  return -1;
}

export function addSystemRoutes(r: Router, g: Gen): void {
  const hw = () => g.m.hardware;
  r.node(`${ROOT}/Systems`, () => ({
    get: () =>
      collection(g, `${ROOT}/Systems`, 'ComputerSystemCollection', 'Computer System Collection', [g.sys]),
  }));
  r.node(g.sys, () => ({ get: () => systemDoc(g), patch: (body) => patchSystem(g, body) }));
  r.node(`${g.sys}/Actions/ComputerSystem.Reset`, () => ({
    post: (ctx) => {
      const value = readResetType(parseJsonBody(ctx), g.p.resetValues, '#ComputerSystem.Reset', g.errors);
      applyReset(g.m, value, g.p, g.errors);
      return undefined;
    },
  }));
  if (g.p.resetVia === 'actionInfo')
    r.node(`${g.sys}/ResetActionInfo`, () => ({ get: () => resetActionInfo(g) }));

  r.node(`${g.sys}/Processors`, () => ({
    get: () =>
      collection(
        g,
        `${g.sys}/Processors`,
        'ProcessorCollection',
        'Processors Collection',
        hw().cpus.map((_, i) => `${g.sys}/Processors/${g.p.processorId(i)}`),
      ),
  }));
  r.add(`${g.sys}/Processors/:id`, ({ id }) => {
    const i = indexOf(g.p.processorId, hw().cpus.length, id ?? '');
    return i < 0 ? undefined : { get: () => processorDoc(g, i) as JsonObject };
  });
  r.node(`${g.sys}/Memory`, () => ({
    get: () =>
      collection(
        g,
        `${g.sys}/Memory`,
        'MemoryCollection',
        'Memory Module Collection',
        hw().dimms.map((d, i) => `${g.sys}/Memory/${g.p.memoryId(i, d.location)}`),
      ),
  }));
  r.add(`${g.sys}/Memory/:id`, ({ id }) => {
    const i = hw().dimms.findIndex((d, n) => g.p.memoryId(n, d.location) === id);
    return i < 0 ? undefined : { get: () => memoryDoc(g, i) as JsonObject };
  });
  r.node(`${g.sys}/EthernetInterfaces`, () => ({
    get: () =>
      collection(
        g,
        `${g.sys}/EthernetInterfaces`,
        'EthernetInterfaceCollection',
        'System Ethernet Interface Collection',
        hw().nics.map((n) => `${g.sys}/EthernetInterfaces/${n.id}`),
      ),
  }));
  r.add(`${g.sys}/EthernetInterfaces/:id`, ({ id }) => {
    const i = hw().nics.findIndex((n) => n.id === id);
    return i < 0 ? undefined : { get: () => hostNicDoc(g, i) as JsonObject };
  });
}
