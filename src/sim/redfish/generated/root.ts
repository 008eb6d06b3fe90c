/** The service root, `/redfish`, the OData service document and `$metadata` of a generated BMC. */
import type { JsonObject } from '../json.js';
import type { Router } from '../router.js';
import { SHELL_TYPES } from '../shell.js';
import { derivedUuid, ROOT, type Gen } from './context.js';
import { hpeRootOem } from './ilo.js';

function expandFeatures(g: Gen): JsonObject {
  const e = g.p.expand;
  if (!e) return { ExpandAll: false, Levels: false, Links: false, NoLinks: false };
  return { ExpandAll: e.links, Levels: true, MaxLevels: e.maxLevels, Links: e.links, NoLinks: true };
}

export function serviceRootDoc(g: Gen): JsonObject {
  const doc: JsonObject = {
    '@odata.id': g.u(ROOT),
    '@odata.type': '#ServiceRoot.v1_15_0.ServiceRoot',
    Id: 'RootService',
    Name: 'Root Service',
    RedfishVersion: g.p.redfishVersion,
    UUID: derivedUuid(g.m, 'service'),
    Vendor: g.p.vendor,
    Product: g.p.product,
    ProtocolFeaturesSupported: {
      ExpandQuery: expandFeatures(g),
      SelectQuery: false,
      FilterQuery: false,
      OnlyMemberQuery: false,
      ExcerptQuery: false,
    },
    Systems: g.link(`${ROOT}/Systems`),
    Chassis: g.link(`${ROOT}/Chassis`),
    Managers: g.link(`${ROOT}/Managers`),
    SessionService: g.link(`${ROOT}/SessionService`),
    AccountService: g.link(`${ROOT}/AccountService`),
    UpdateService: g.link(`${ROOT}/UpdateService`),
    Tasks: g.link(`${ROOT}/TaskService`),
    EventService: g.link(`${ROOT}/EventService`),
    Registries: g.link(`${ROOT}/Registries`),
    JsonSchemas: g.link(`${ROOT}/JsonSchemas`),
    CertificateService: g.link(`${ROOT}/CertificateService`),
    Links: { Sessions: g.link(`${ROOT}/SessionService/Sessions`) },
  };
  if (g.p.rootOem) {
    const oem: JsonObject = {};
    for (const [vendor, props] of Object.entries(g.p.rootOem)) oem[vendor] = { ...props };
    const dell = oem.Dell;
    if (dell && typeof dell === 'object' && !Array.isArray(dell))
      dell.ManagerMACAddress = g.m.identity.bmcMac;
    doc.Oem = oem;
  }
  // iLO's root Oem.Hpe in the shape ilorest reads (generated/ilo.ts).
  if (g.p.hpeRest) doc.Oem = hpeRootOem(g);
  return doc;
}

const SINGLETONS = [
  'Systems',
  'Chassis',
  'Managers',
  'SessionService',
  'AccountService',
  'UpdateService',
  'TaskService',
  'EventService',
  'Registries',
  'JsonSchemas',
  'CertificateService',
];

/**
 * Types of the resources the generated tree serves itself, `Namespace.vX_Y_Z` (bare for a collection); the
 * shell's own (sessions, accounts, events, registries, schemas, certificates) are SHELL_TYPES.
 */
const TREE_TYPES: readonly string[] = [
  'ServiceRoot.v1_15_0',
  'ComputerSystemCollection',
  'ComputerSystem.v1_20_0',
  'ChassisCollection',
  'Chassis.v1_22_0',
  'ManagerCollection',
  'Manager.v1_14_0',
  'UpdateService.v1_11_0',
  'SoftwareInventoryCollection',
  'SoftwareInventory.v1_2_0',
  'TaskService.v1_1_4',
  'TaskCollection',
  'Task.v1_4_3',
  'LogServiceCollection',
  'LogService.v1_3_0',
  'LogEntryCollection',
  'LogEntry.v1_15_0',
  'ProcessorCollection',
  'Processor.v1_11_0',
  'MemoryCollection',
  'Memory.v1_11_0',
  'EthernetInterfaceCollection',
  'EthernetInterface.v1_9_0',
  'StorageCollection',
  'Storage.v1_9_0',
  'Drive.v1_9_0',
  'Thermal.v1_7_0',
  'Power.v1_7_0',
  'SensorCollection',
  'Sensor.v1_2_0',
  'ManagerNetworkProtocol.v1_5_0',
  'ActionInfo.v1_1_2',
];

/** The tree's own types (for `JsonSchemas`, next to the shell's). */
export function servedTypes(): string[] {
  return [...TREE_TYPES];
}

function metadataXml(): string {
  // Every type the service serves, the shell's included: each `Namespace.vX_Y_Z` and its namespace.
  const refs = [...TREE_TYPES, ...SHELL_TYPES].map((t) => {
    const [ns, v] = t.split('.') as [string, string | undefined];
    const inc = [`    <edmx:Include Namespace="${ns}"/>`];
    if (v) inc.push(`    <edmx:Include Namespace="${ns}.${v}"/>`);
    return `  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/${ns}_v1.xml">\n${inc.join('\n')}\n  </edmx:Reference>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0">',
    ...refs,
    '  <edmx:DataServices>',
    '    <Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="Service">',
    '      <EntityContainer Name="Service" Extends="ServiceRoot.v1_15_0.ServiceContainer"/>',
    '    </Schema>',
    '  </edmx:DataServices>',
    '</edmx:Edmx>',
    '',
  ].join('\n');
}

export function addRootRoutes(r: Router, g: Gen): void {
  r.node('/redfish', () => ({ get: () => ({ v1: '/redfish/v1/' }) }));
  r.node(ROOT, () => ({ get: () => serviceRootDoc(g) }));
  r.node(`${ROOT}/odata`, () => ({
    get: () => ({
      '@odata.context': `${ROOT}/$metadata`,
      value: [
        { name: 'Service', kind: 'Singleton', url: `${ROOT}/` },
        ...SINGLETONS.map((name) => ({ name, kind: 'Singleton', url: g.u(`${ROOT}/${name}`) })),
      ],
    }),
  }));
  r.node(`${ROOT}/$metadata`, () => ({
    raw: () => ({
      status: 200,
      headers: { 'Content-Type': 'application/xml; charset=utf-8', 'OData-Version': '4.0' },
      body: metadataXml(),
    }),
  }));
}
