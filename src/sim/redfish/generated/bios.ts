/**
 * BIOS settings as sushy-tools and the vendors model them: `Systems/<id>/Bios` shows the current
 * `Attributes` (read-only there), its `@Redfish.Settings` names `Bios/Settings`, which takes a PATCH of
 * pending attributes checked against the AttributeRegistry; the pending ones become current at the next
 * boot (the end of the PoweringOn a ComputerSystem.Reset starts), as a real BIOS applies them at POST.
 * `#Bios.ResetBios` makes the defaults pending. The registry is served under `Registries` (a
 * MessageRegistryFile whose Location is `Bios/BiosRegistry`, where iDRAC keeps it).
 * bmcweb's Bios (`resetOnly`) has no attributes and only ResetBios, as the capture shows.
 */
import type { BootRecord } from '../../machine.js';
import { isObject, isoTime, type Json, type JsonObject } from '../json.js';
import type { Router } from '../router.js';
import { parseJsonBody } from '../tree.js';
import { rejectProperty, ROOT, type Gen } from './context.js';
import { featureState } from './state.js';

type AttrValue = string | number | boolean;

export interface AttributeDef {
  name: string;
  display: string;
  type: 'Enumeration' | 'String' | 'Integer' | 'Boolean';
  default: AttrValue;
  values?: readonly string[];
  readOnly?: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
}

const en = (name: string, display: string, values: string[], dflt?: string): AttributeDef => ({
  name,
  display,
  type: 'Enumeration',
  values,
  default: dflt ?? (values[0] as string),
});
const onOff = ['Enabled', 'Disabled'];

/** Attribute sets: sushy-tools' defaults (BootMode, EmbeddedSata, NicBoot1, ProcTurboMode) and vendor names. */
export const ATTRIBUTE_SETS: Record<'generic' | 'dell' | 'hpe', readonly AttributeDef[]> = {
  generic: [
    en('BootMode', 'Boot Mode', ['Uefi', 'Bios']),
    en('EmbeddedSata', 'Embedded SATA Configuration', ['Raid', 'Ahci', 'Off']),
    en('NicBoot1', 'Embedded NIC 1 Boot', ['NetworkBoot', 'Disabled']),
    en('ProcTurboMode', 'Turbo Mode', onOff),
    en('ProcVirtualization', 'Virtualization Technology', onOff),
    { name: 'BootDelaySeconds', display: 'Boot Delay', type: 'Integer', default: 5, min: 0, max: 60 },
    { name: 'SecureBootAllowed', display: 'Secure Boot Allowed', type: 'Boolean', default: true },
    { name: 'SystemSerial', display: 'System Serial Number', type: 'String', default: '', readOnly: true },
  ],
  dell: [
    en('BootMode', 'Boot Mode', ['Uefi', 'Bios']),
    en('SysProfile', 'System Profile', ['PerfPerWattOptimizedDapc', 'PerfOptimized', 'Custom']),
    en('ProcVirtualization', 'Virtualization Technology', onOff),
    en('LogicalProc', 'Logical Processor', onOff),
    en('SriovGlobalEnable', 'SR-IOV Global Enable', ['Disabled', 'Enabled']),
    en('EmbSata', 'Embedded SATA', ['AhciMode', 'RaidMode', 'Off']),
    {
      name: 'AcPwrRcvryUserDelay',
      display: 'User Defined Delay (60s to 240s)',
      type: 'Integer',
      default: 60,
      min: 60,
      max: 240,
    },
    { name: 'SystemServiceTag', display: 'Service Tag', type: 'String', default: '', readOnly: true },
  ],
  hpe: [
    en('BootMode', 'Boot Mode', ['Uefi', 'LegacyBios']),
    en('WorkloadProfile', 'Workload Profile', [
      'GeneralPowerEfficientCompute',
      'GeneralPeakFrequencyCompute',
      'Virtualization-MaxPerformance',
      'Custom',
    ]),
    en('ProcHyperthreading', 'Intel(R) Hyperthreading', onOff),
    en('ProcVirtualization', 'Intel(R) Virtualization Technology', onOff),
    en('Sriov', 'SR-IOV', onOff),
    en('EmbeddedSata', 'Embedded SATA Configuration', ['Ahci', 'Raid']),
    { name: 'ServerAssetTag', display: 'Server Asset Tag', type: 'String', default: '', maxLength: 32 },
    { name: 'SerialNumber', display: 'Serial Number', type: 'String', default: '', readOnly: true },
  ],
};

interface BiosState {
  defs: readonly AttributeDef[];
  current: Record<string, AttrValue>;
  pending: Record<string, AttrValue>;
  /** When pending settings were last applied, and what happened (the Settings `Time`/`Messages`). */
  applied?: { at: number; count: number };
  passwords: Record<string, string>;
}

function biosState(g: Gen): BiosState {
  return featureState(g.m, 'bios', () => {
    const f = g.p.features.bios;
    const defs = f.kind === 'full' ? ATTRIBUTE_SETS[f.set] : [];
    const current: Record<string, AttrValue> = {};
    for (const d of defs) current[d.name] = d.readOnly ? g.m.identity.serialNumber : d.default;
    const s: BiosState = { defs, current, pending: {}, passwords: { AdminPassword: '', UserPassword: '' } };
    // Pending settings take effect when the host boots (after the reset that powers it on).
    g.m.on('boot', (rec: BootRecord) => {
      const n = Object.keys(s.pending).length;
      if (n === 0) return;
      Object.assign(s.current, s.pending);
      s.pending = {};
      s.applied = { at: rec.at, count: n };
      g.m.addLog('OK', 'HwctlSim.1.0.BiosSettingsApplied', `${n} pending BIOS setting(s) applied at boot`);
    });
    return s;
  });
}

/** The current value of a BIOS attribute (tests, boot logic). */
export function biosAttribute(g: Gen, name: string): AttrValue | undefined {
  return biosState(g).current[name];
}

const biosPath = (g: Gen): string => `${g.sys}/Bios`;

function registryId(g: Gen): string {
  const f = g.p.features.bios;
  return f.kind === 'full' ? f.registryId : '';
}

function settingsAnnotation(g: Gen, s: BiosState): JsonObject {
  const out: JsonObject = {
    '@odata.type': '#Settings.v1_4_0.Settings',
    SettingsObject: g.link(`${biosPath(g)}/Settings`),
    SupportedApplyTimes: ['OnReset'],
  };
  if (s.applied) {
    out.Time = isoTime(s.applied.at);
    out.Messages = [
      {
        MessageId: 'Base.1.16.0.Success',
        Message: `${s.applied.count} pending setting(s) applied.`,
        Severity: 'OK',
      },
    ];
  }
  return out;
}

function biosDoc(g: Gen): JsonObject {
  const s = biosState(g);
  const path = biosPath(g);
  if (g.p.features.bios.kind === 'resetOnly')
    return {
      '@odata.id': g.u(path),
      '@odata.type': '#Bios.v1_1_0.Bios',
      Id: 'BIOS',
      Name: 'BIOS Configuration',
      Description: 'BIOS Configuration Service',
      Actions: { '#Bios.ResetBios': { target: g.u(`${path}/Actions/Bios.ResetBios`) } },
    };
  return {
    '@odata.id': g.u(path),
    '@odata.type': '#Bios.v1_2_0.Bios',
    Id: 'Bios',
    Name: 'BIOS Configuration Current Settings',
    Description: 'BIOS Configuration Service',
    AttributeRegistry: registryId(g),
    Attributes: { ...s.current },
    '@Redfish.Settings': settingsAnnotation(g, s),
    Actions: {
      '#Bios.ResetBios': { target: g.u(`${path}/Actions/Bios.ResetBios`) },
      '#Bios.ChangePassword': { target: g.u(`${path}/Actions/Bios.ChangePassword`) },
    },
  };
}

function settingsDoc(g: Gen): JsonObject {
  const s = biosState(g);
  return {
    '@odata.id': g.u(`${biosPath(g)}/Settings`),
    '@odata.type': '#Bios.v1_2_0.Bios',
    Id: 'Settings',
    Name: 'BIOS Configuration Pending Settings',
    AttributeRegistry: registryId(g),
    Attributes: { ...s.pending },
  };
}

/** Checks one attribute value against its registry entry; returns it or throws a Base error. */
function checkAttribute(g: Gen, defs: readonly AttributeDef[], name: string, v: Json): AttrValue {
  const where = `#/Attributes/${name}`;
  const d = defs.find((x) => x.name === name);
  if (!d) throw g.errors.error('PropertyUnknown', [`Attributes/${name}`], { related: [where] });
  if (d.readOnly) throw g.errors.error('PropertyNotWritable', [`Attributes/${name}`], { related: [where] });
  const typeError = () =>
    g.errors.error('PropertyValueTypeError', [JSON.stringify(v), name], { related: [where] });
  switch (d.type) {
    case 'Enumeration':
      if (typeof v !== 'string') throw typeError();
      if (!d.values?.includes(v))
        throw g.errors.error('PropertyValueNotInList', [v, name], { related: [where] });
      return v;
    case 'Integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw typeError();
      if ((d.min !== undefined && v < d.min) || (d.max !== undefined && v > d.max))
        throw g.errors.error('PropertyValueOutOfRange', [String(v), name], { related: [where] });
      return v;
    case 'Boolean':
      if (typeof v !== 'boolean') throw typeError();
      return v;
    case 'String':
      if (typeof v !== 'string') throw typeError();
      if (d.maxLength !== undefined && v.length > d.maxLength)
        throw g.errors.error('PropertyValueFormatError', [v, name], { related: [where] });
      return v;
  }
}

function patchSettings(g: Gen, body: JsonObject): undefined {
  const s = biosState(g);
  const doc = settingsDoc(g);
  const change: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k !== 'Attributes') rejectProperty(g, doc, k);
    if (!isObject(v))
      throw g.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: ['#/Attributes'] });
    for (const [name, value] of Object.entries(v)) change[name] = checkAttribute(g, s.defs, name, value);
  }
  Object.assign(s.pending, change);
  return undefined;
}

function registryDoc(g: Gen): JsonObject {
  const s = biosState(g);
  const id = registryId(g);
  return {
    '@odata.id': g.u(`${biosPath(g)}/BiosRegistry`),
    '@odata.type': '#AttributeRegistry.v1_3_0.AttributeRegistry',
    Id: id,
    Name: 'BIOS Attribute Registry',
    Description: 'The attributes of this system BIOS, their types and allowed values',
    Language: 'en',
    OwningEntity: g.p.vendor,
    RegistryVersion: id.replace(/^.*\.v(\d+)_(\d+)_(\d+)$/, '$1.$2.$3'),
    SupportedSystems: [
      { ProductName: g.m.identity.model, SystemId: g.m.identity.sku.replace(/[^A-Za-z0-9]/g, '') },
    ],
    RegistryEntries: {
      Attributes: s.defs.map((d) => {
        const a: JsonObject = {
          AttributeName: d.name,
          DisplayName: d.display,
          HelpText: d.display,
          Type: d.type,
          ReadOnly: d.readOnly === true,
          DefaultValue: d.readOnly ? null : d.default,
          ResetRequired: true,
        };
        if (d.values) a.Value = d.values.map((v) => ({ ValueName: v, ValueDisplayName: v }));
        if (d.min !== undefined) a.LowerBound = d.min;
        if (d.max !== undefined) a.UpperBound = d.max;
        if (d.maxLength !== undefined) a.MaxLength = d.maxLength;
        return a;
      }),
    },
  };
}

function registryFileDoc(g: Gen): JsonObject {
  const id = registryId(g);
  return {
    '@odata.id': g.u(`${ROOT}/Registries/${id}`),
    '@odata.type': '#MessageRegistryFile.v1_1_0.MessageRegistryFile',
    Id: id,
    Name: 'BIOS Attribute Registry File',
    Description: 'Locates the BIOS attribute registry',
    Languages: ['en'],
    Registry: id,
    Location: [{ Language: 'en', Uri: g.u(`${biosPath(g)}/BiosRegistry`) }],
  };
}

function changePassword(g: Gen, body: unknown): undefined {
  const action = '#Bios.ChangePassword';
  if (!isObject(body)) throw g.errors.error('MalformedJSON');
  for (const k of Object.keys(body))
    if (!['PasswordName', 'OldPassword', 'NewPassword'].includes(k))
      throw g.errors.error('ActionParameterUnknown', [action, k]);
  const s = biosState(g);
  for (const k of ['PasswordName', 'OldPassword', 'NewPassword']) {
    if (body[k] === undefined) throw g.errors.error('ActionParameterMissing', [action, k]);
    if (typeof body[k] !== 'string')
      throw g.errors.error('ActionParameterValueTypeError', ['(value hidden)', k, action]);
  }
  const name = body.PasswordName as string;
  if (!(name in s.passwords))
    throw g.errors.error('ActionParameterValueNotInList', [name, 'PasswordName', action]);
  if (s.passwords[name] !== body.OldPassword)
    throw g.errors.error('ActionParameterValueFormatError', ['(value hidden)', 'OldPassword', action]);
  s.passwords[name] = body.NewPassword as string;
  return undefined;
}

/** Registry files the features add to `Registries` (the service root's collection lists these). */
export function featureRegistryPaths(g: Gen): string[] {
  return g.p.features.bios.kind === 'full' ? [`${ROOT}/Registries/${registryId(g)}`] : [];
}

export function addBiosRoutes(r: Router, g: Gen): void {
  const s = biosState(g);
  const path = biosPath(g);
  r.node(path, () => ({ get: () => biosDoc(g) }));
  r.node(`${path}/Actions/Bios.ResetBios`, () => ({
    post: (ctx) => {
      const body = parseJsonBody(ctx);
      if (!isObject(body)) throw g.errors.error('MalformedJSON');
      for (const k of Object.keys(body))
        throw g.errors.error('ActionParameterUnknown', ['#Bios.ResetBios', k]);
      // The defaults become pending: the BIOS loads them at the next boot.
      for (const d of s.defs) if (!d.readOnly) s.pending[d.name] = d.default;
      g.m.addLog('OK', 'HwctlSim.1.0.BiosReset', 'BIOS settings reset to defaults at the next boot');
      return undefined;
    },
  }));
  if (g.p.features.bios.kind !== 'full') return;
  r.node(`${path}/Settings`, () => ({ get: () => settingsDoc(g), patch: (body) => patchSettings(g, body) }));
  r.node(`${path}/BiosRegistry`, () => ({ get: () => registryDoc(g) }));
  r.node(`${path}/Actions/Bios.ChangePassword`, () => ({
    post: (ctx) => changePassword(g, parseJsonBody(ctx)),
  }));
  r.node(`${ROOT}/Registries/${registryId(g)}`, () => ({ get: () => registryFileDoc(g) }));
  // The Registries collection is the shell's (registries.ts): it lists these files too (featureRegistryPaths).
}
