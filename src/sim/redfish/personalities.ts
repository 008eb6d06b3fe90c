/**
 * What makes one generated BMC look like a Dell iDRAC, an HPE iLO, an OpenBMC bmcweb or a
 * DMTF-style service. Every difference here is one seen in real captures or reported in client
 * issue trackers (see ../shared/reference/redfish.md); docs/simulator.md "Redfish personalities"
 * lists them for users.
 */
import type { BootTarget, ResetType } from '../machine.js';
import type { ErrorStyle } from './errors.js';

export type GeneratedPersonality = 'generic' | 'openbmc' | 'idrac' | 'ilo';

export interface ExpandSupport {
  maxLevels: number;
  /** `*` and `~` (expand Links too). */
  links: boolean;
}

export interface LogServiceProfile {
  /** The LogService holding the machine's event log sits under the System or the Manager. */
  parent: 'system' | 'manager';
  id: string;
  name: string;
  description: string;
  /** Members per page; more entries give `Members@odata.nextLink`. */
  pageSize: number;
  entryType: 'SEL' | 'Event' | 'Oem';
  /** `OemRecordFormat` of an `Oem` entry (iLO's IML: `Hpe-IML`); default `Hwctl`. */
  oemRecordFormat?: string;
  /**
   * Clients may PATCH an entry's `Resolved` (bmcweb's EventLog does; iDRAC's SEL and iLO's IML answer 405:
   * they show the property but keep it to themselves).
   */
  resolvable: boolean;
}

export type SuccessStyle = 'noContent' | 'resource' | 'idracMessage' | 'iloMessage';

export interface Profile {
  name: GeneratedPersonality;
  ids: { system: string; manager: string; chassis: string };
  /** iLO writes every `@odata.id` with a trailing slash (`/redfish/v1/Systems/1/`). */
  trailingSlash: boolean;
  redfishVersion: string;
  vendor: string;
  product: string;
  /** Root `Oem` block used for vendor detection (`Oem.Dell`, `Oem.Hpe`). */
  rootOem?: Record<string, Record<string, string>>;
  /**
   * HPE's RESTful API as ilorest reads it (generated/ilo.ts): the root's `Oem.Hpe` (replacing `rootOem`),
   * `ResourceDirectory`, and `/rest/v1/...` served as `/redfish/v1/...`.
   */
  hpeRest: boolean;
  /** `Name` of the System, Manager and Chassis (bmcweb's are its own lower-case ones). */
  names: { system: string; manager: string; chassis: string };
  /** `Status.State` of a System that is powered off (bmcweb: Disabled). */
  systemOffState: 'Enabled' | 'Disabled';
  /** Where Server-Sent Events stream (`ServerSentEventUri`); absent: no SSE (iLO 5). */
  sseUri?: string;
  /** `ManagerAccount.Keys` (Redfish 2023.1) on every account: the standard as written, no vendor has it yet. */
  accountKeys: boolean;
  /** An action POST carrying If-Match fails with 412 (iDRAC; clients must not send it). */
  ifMatchOnActionFails: boolean;
  errorStyle: ErrorStyle;
  resetValues: readonly ResetType[];
  /** Inline `ResetType@Redfish.AllowableValues` or only `@Redfish.ActionInfo` (bmcweb). */
  resetVia: 'inline' | 'actionInfo';
  managerResetValues: readonly string[];
  bootTargets: readonly BootTarget[];
  /** Advertise `BootSourceOverrideEnabled@Redfish.AllowableValues` (Dell/HPE do not). */
  bootEnabledAllowable: boolean;
  bootModeAllowable: boolean;
  /** HPE: BootSourceOverrideMode is read-only (PATCHing it gives 400 PropertyNotWritable). */
  bootModeWritable: boolean;
  led: { indicator: boolean; location: boolean };
  /**
   * `Boot.AutomaticRetryConfig` on the System (the machine's auto reboot), as bmcweb maps phosphor's
   * AutoReboot; absent on iDRAC and iLO, which keep it elsewhere.
   */
  autoRetry: boolean;
  /** `Chassis/<id>/Sensors` (HPE has only Thermal/Power). */
  sensorsCollection: boolean;
  /**
   * NetworkProtocol.NTP: a list, Dell's three slots padded with "", absent, or absent with the servers in
   * HPE's Oem DateTime resource (`Managers/1/DateTime` `StaticNTPServers`, two slots).
   */
  ntp: 'list' | 'padded3' | 'none' | 'hpeDateTime';
  /** PATCH without If-Match answers 428 (iDRAC). */
  ifMatchRequired: boolean;
  /**
   * `inBody: 'asCaptured'` (mockup mode): a document that carries `@odata.etag` gets the served tag there,
   * so body and ETag header agree as on the real BMC (a client sending the body's tag as If-Match is
   * not answered 412); a document captured without one stays without.
   */
  etag: { weak: boolean; inBody: boolean | 'asCaptured' };
  sessionLimit: number;
  /** How a login beyond the limit fails: Base SessionLimitExceeded or iDRAC RAC0218 (both 503). */
  sessionLimitStyle: 'base' | 'idrac';
  /** On/ForceOn on a server that is on: accepted as a no-op, or 409 PSU501 (iDRAC). */
  onWhenOn: 'noop' | 'idrac409';
  /** A reset (anything but On/ForceOn/PushPowerButton) while off: 409 ResourceInStandby or 400 iLO. */
  resetWhenOff: 'base409' | 'ilo400';
  /**
   * Success answers: 204 with no body, 200 with the updated resource (PATCH only), 200 with Dell's
   * `@Message.ExtendedInfo` Success, or iLO's Success wrapped in an `error` envelope.
   */
  success: { patch: SuccessStyle; action: SuccessStyle };
  expand: ExpandSupport | false;
  log: LogServiceProfile;
  /** Manager EthernetInterface id for the machine's interface number `i` (0-based). */
  ifaceId: (machineIfaceId: string, i: number) => string;
  processorId: (i: number) => string;
  memoryId: (i: number, location: string) => string;
  update: { simpleUpdate: boolean; multipartUri?: string; httpPushUri?: string };
  /** A BMC dump LogService (`Managers/<id>/LogServices/Dump`, CollectDiagnosticData) as bmcweb has. */
  dump?: boolean;
  /** bmcweb's `Managers/bmc/LogServices/Journal`: the BMC's own journal (systemd lines). */
  journal?: boolean;
  /** The sushy-tools feature set, as far as the vendor has it (docs/simulator.md "Feature table"). */
  features: FeatureProfile;
}

export interface VirtualMediaSlot {
  id: string;
  name: string;
  /** `MediaTypes`; the first decides which boot target the slot serves (CD/DVD → Cd, else Usb/Floppy). */
  mediaTypes: readonly string[];
}

export interface FeatureProfile {
  /** VirtualMedia under the Manager (sushy-tools, iDRAC 4/5, iLO); absent on a stock bmcweb. */
  vmedia?: {
    slots: readonly VirtualMediaSlot[];
    /** iLO: `Oem.Hpe.BootOnNextServerReset` and the `HpeiLOVirtualMedia` Insert/Eject actions. */
    hpeOem: boolean;
  };
  /**
   * `full`: Attributes, an AttributeRegistry and a `Bios/Settings` object applied at the next boot;
   * `resetOnly`: bmcweb's Bios (Id `BIOS`, only `#Bios.ResetBios`, no attributes).
   */
  bios: { kind: 'full'; set: 'generic' | 'dell' | 'hpe'; registryId: string } | { kind: 'resetOnly' };
  secureBoot: boolean;
  /** `Storage/<id>/Volumes` with POST create and DELETE. */
  volumes: boolean;
  /** `BootOptions` collection and a PATCHable `Boot.BootOrder`. */
  bootOptions: boolean;
  /** `#Chassis.Reset` on the Chassis (iLO 5 has none). */
  chassisReset?: { values: readonly ResetType[]; via: 'inline' | 'actionInfo' };
}

/** Every ResetType, in the DMTF schema's order (what a BMC lists when it allows them all). */
export const ALL_RESET: readonly ResetType[] = [
  'On',
  'ForceOff',
  'GracefulShutdown',
  'GracefulRestart',
  'ForceRestart',
  'Nmi',
  'ForceOn',
  'PushPowerButton',
  'PowerCycle',
];

export const PROFILES: Readonly<Record<GeneratedPersonality, Profile>> = {
  generic: {
    name: 'generic',
    ids: { system: '1', manager: '1', chassis: '1' },
    trailingSlash: false,
    redfishVersion: '1.15.0',
    vendor: 'Contoso',
    product: 'hwctl simulated server',
    hpeRest: false,
    names: { system: 'System', manager: 'Manager', chassis: 'Computer System Chassis' },
    systemOffState: 'Enabled',
    sseUri: '/redfish/v1/EventService/SSE',
    accountKeys: true,
    ifMatchOnActionFails: false,
    errorStyle: { basePrefix: 'Base.1.16' },
    resetValues: ALL_RESET,
    resetVia: 'inline',
    managerResetValues: ['ForceRestart', 'GracefulRestart'],
    bootTargets: [
      'None',
      'Pxe',
      'Cd',
      'Usb',
      'Hdd',
      'BiosSetup',
      'Utilities',
      'Diags',
      'UefiShell',
      'UefiTarget',
      'UefiHttp',
    ],
    bootEnabledAllowable: true,
    bootModeAllowable: true,
    bootModeWritable: true,
    led: { indicator: true, location: true },
    autoRetry: true,
    sensorsCollection: true,
    ntp: 'list',
    ifMatchRequired: false,
    etag: { weak: true, inBody: true },
    sessionLimit: 32,
    sessionLimitStyle: 'base',
    onWhenOn: 'noop',
    resetWhenOff: 'base409',
    success: { patch: 'resource', action: 'noContent' },
    expand: { maxLevels: 3, links: true },
    log: {
      parent: 'system',
      id: 'Log',
      name: 'System Log Service',
      description: 'System event log',
      pageSize: 50,
      entryType: 'Event',
      resolvable: true,
    },
    ifaceId: (id) => id,
    processorId: (i) => `CPU${i + 1}`,
    memoryId: (i) => `DIMM${i + 1}`,
    update: { simpleUpdate: true, multipartUri: '/redfish/v1/UpdateService/upload' },
    // sushy-tools' emulator: Managers/<id>/VirtualMedia/{Cd,Floppy}, Bios with Settings, SecureBoot, Volumes.
    features: {
      vmedia: {
        slots: [
          { id: 'Cd', name: 'Virtual CD', mediaTypes: ['CD', 'DVD'] },
          { id: 'Floppy', name: 'Virtual Removable Media', mediaTypes: ['Floppy', 'USBStick'] },
        ],
        hpeOem: false,
      },
      bios: { kind: 'full', set: 'generic', registryId: 'BiosAttributeRegistry.v1_0_0' },
      secureBoot: true,
      volumes: true,
      bootOptions: true,
      chassisReset: { values: ['On', 'ForceOff', 'PowerCycle'], via: 'inline' },
    },
  },
  openbmc: {
    name: 'openbmc',
    ids: { system: 'system', manager: 'bmc', chassis: 'chassis' },
    trailingSlash: false,
    redfishVersion: '1.17.0',
    vendor: 'OpenBMC',
    product: 'OpenBMC bmcweb',
    hpeRest: false,
    names: { system: 'system', manager: 'OpenBmc Manager', chassis: 'chassis' },
    systemOffState: 'Disabled',
    sseUri: '/redfish/v1/EventService/SSE',
    accountKeys: false,
    ifMatchOnActionFails: false,
    errorStyle: {
      basePrefix: 'Base.1.16.0',
      envelope: {
        code: 'Base.1.16.0.GeneralError',
        message:
          'A general error has occurred.  See Resolution for information on how to resolve the error, or @Message.ExtendedInfo if Resolution is not provided.',
      },
    },
    resetValues: [
      'On',
      'ForceOff',
      'ForceOn',
      'ForceRestart',
      'GracefulRestart',
      'GracefulShutdown',
      'PowerCycle',
      'Nmi',
    ],
    resetVia: 'actionInfo',
    managerResetValues: ['GracefulRestart', 'ForceRestart'],
    bootTargets: ['None', 'Pxe', 'Hdd', 'Cd', 'Diags', 'BiosSetup', 'Usb'],
    bootEnabledAllowable: true,
    bootModeAllowable: true,
    bootModeWritable: true,
    // The bmcweb capture (test/fixtures/redfish/openbmc-bmcweb) shows both on the System, one state.
    led: { indicator: true, location: true },
    autoRetry: true,
    sensorsCollection: true,
    ntp: 'list',
    ifMatchRequired: false,
    etag: { weak: false, inBody: false },
    sessionLimit: 64,
    sessionLimitStyle: 'base',
    onWhenOn: 'noop',
    resetWhenOff: 'base409',
    success: { patch: 'noContent', action: 'noContent' },
    expand: { maxLevels: 6, links: false },
    log: {
      parent: 'system',
      id: 'EventLog',
      name: 'Event Log Service',
      description: 'System Event Log Service',
      pageSize: 1000,
      entryType: 'Event',
      resolvable: true,
    },
    ifaceId: (id) => id,
    processorId: (i) => `cpu${i}`,
    memoryId: (i) => `dimm${i}`,
    update: {
      simpleUpdate: false,
      multipartUri: '/redfish/v1/UpdateService/update',
      httpPushUri: '/redfish/v1/UpdateService/update',
    },
    dump: true,
    journal: true,
    // A stock bmcweb (the capture): Bios with only ResetBios, Chassis.Reset via ActionInfo (PowerCycle);
    // no VirtualMedia (a build option needing an NBD proxy), no SecureBoot, Volumes or BootOptions.
    features: {
      bios: { kind: 'resetOnly' },
      secureBoot: false,
      volumes: false,
      bootOptions: false,
      chassisReset: { values: ['PowerCycle'], via: 'actionInfo' },
    },
  },
  idrac: {
    name: 'idrac',
    ids: { system: 'System.Embedded.1', manager: 'iDRAC.Embedded.1', chassis: 'System.Embedded.1' },
    trailingSlash: false,
    redfishVersion: '1.17.0',
    vendor: 'Dell',
    product: 'Integrated Dell Remote Access Controller',
    hpeRest: false,
    names: { system: 'System', manager: 'Manager', chassis: 'Computer System Chassis' },
    systemOffState: 'Enabled',
    sseUri: '/redfish/v1/SSE',
    accountKeys: false,
    ifMatchOnActionFails: true,
    rootOem: {
      Dell: {
        '@odata.type': '#DellServiceRoot.v1_0_0.DellServiceRoot',
        IsBranded: '0',
        ManagerMACAddress: '',
      },
    },
    errorStyle: {
      basePrefix: 'Base.1.12',
      envelope: {
        code: 'Base.1.12.GeneralError',
        message: 'A general error has occurred. See ExtendedInfo for more information',
      },
    },
    resetValues: [
      'On',
      'ForceOff',
      'ForceRestart',
      'GracefulRestart',
      'GracefulShutdown',
      'PushPowerButton',
      'Nmi',
      'PowerCycle',
    ],
    resetVia: 'inline',
    managerResetValues: ['GracefulRestart'],
    bootTargets: [
      'None',
      'Pxe',
      'Floppy',
      'Cd',
      'Hdd',
      'BiosSetup',
      'Utilities',
      'UefiTarget',
      'SDCard',
      'UefiHttp',
    ],
    bootEnabledAllowable: false,
    bootModeAllowable: false,
    bootModeWritable: true,
    led: { indicator: true, location: false },
    autoRetry: false,
    sensorsCollection: true,
    ntp: 'padded3',
    ifMatchRequired: true,
    etag: { weak: false, inBody: false },
    sessionLimit: 8,
    sessionLimitStyle: 'idrac',
    onWhenOn: 'idrac409',
    resetWhenOff: 'base409',
    success: { patch: 'idracMessage', action: 'noContent' },
    expand: false,
    log: {
      parent: 'manager',
      id: 'Sel',
      name: 'SEL Log Service',
      description: 'SEL Log Service',
      pageSize: 50,
      entryType: 'SEL',
      resolvable: false,
    },
    ifaceId: (_id, i) => `NIC.${i + 1}`,
    processorId: (i) => `CPU.Socket.${i + 1}`,
    memoryId: (_i, location) => `DIMM.Socket.${location}`,
    update: { simpleUpdate: true, multipartUri: '/redfish/v1/UpdateService/MultipartUpload' },
    // iDRAC9 4.x/5.x: Managers/iDRAC.Embedded.1/VirtualMedia/{CD,RemovableDisk}; Chassis.Reset On/ForceOff.
    features: {
      vmedia: {
        slots: [
          { id: 'CD', name: 'Virtual CD', mediaTypes: ['CD', 'DVD'] },
          { id: 'RemovableDisk', name: 'Virtual Removable Disk', mediaTypes: ['USBStick'] },
        ],
        hpeOem: false,
      },
      bios: { kind: 'full', set: 'dell', registryId: 'BiosAttributeRegistry.v1_0_3' },
      secureBoot: true,
      volumes: true,
      bootOptions: true,
      chassisReset: { values: ['On', 'ForceOff'], via: 'inline' },
    },
  },
  ilo: {
    name: 'ilo',
    ids: { system: '1', manager: '1', chassis: '1' },
    trailingSlash: true,
    redfishVersion: '1.13.0',
    vendor: 'HPE',
    product: 'ProLiant',
    hpeRest: true,
    names: { system: 'System', manager: 'Manager', chassis: 'Computer System Chassis' },
    systemOffState: 'Enabled',
    accountKeys: false,
    ifMatchOnActionFails: false,
    // The root's Oem.Hpe is generated (generated/ilo.ts): ilorest needs live values in it.
    errorStyle: {
      basePrefix: 'Base.1.4',
      envelope: { code: 'iLO.0.10.ExtendedInfo', message: 'See @Message.ExtendedInfo for more information.' },
    },
    resetValues: [
      'On',
      'ForceOff',
      'GracefulShutdown',
      'ForceRestart',
      'Nmi',
      'PushPowerButton',
      'GracefulRestart',
    ],
    resetVia: 'inline',
    managerResetValues: ['ForceRestart', 'GracefulRestart'],
    bootTargets: [
      'None',
      'Cd',
      'Hdd',
      'Usb',
      'SDCard',
      'Utilities',
      'Diags',
      'BiosSetup',
      'Pxe',
      'UefiShell',
      'UefiHttp',
      'UefiTarget',
    ],
    bootEnabledAllowable: false,
    bootModeAllowable: false,
    bootModeWritable: false,
    led: { indicator: true, location: false },
    autoRetry: false,
    sensorsCollection: false,
    ntp: 'hpeDateTime',
    ifMatchRequired: false,
    etag: { weak: true, inBody: true },
    sessionLimit: 16,
    sessionLimitStyle: 'base',
    onWhenOn: 'noop',
    resetWhenOff: 'ilo400',
    success: { patch: 'iloMessage', action: 'iloMessage' },
    expand: false,
    log: {
      parent: 'system',
      id: 'IML',
      name: 'Integrated Management Log',
      description: 'Integrated Management Log',
      pageSize: 40,
      entryType: 'Oem',
      oemRecordFormat: 'Hpe-IML',
      resolvable: false,
    },
    ifaceId: (_id, i) => String(i + 1),
    processorId: (i) => String(i + 1),
    memoryId: (i) => `proc${Math.floor(i / 4) + 1}dimm${(i % 4) + 1}`,
    update: { simpleUpdate: true },
    // iLO 5: Managers/1/VirtualMedia/1 (floppy/USB) and /2 (CD/DVD) with Oem.Hpe; no Chassis.Reset.
    features: {
      vmedia: {
        slots: [
          { id: '1', name: 'VirtualMedia', mediaTypes: ['Floppy', 'USBStick'] },
          { id: '2', name: 'VirtualMedia', mediaTypes: ['CD', 'DVD'] },
        ],
        hpeOem: true,
      },
      bios: { kind: 'full', set: 'hpe', registryId: 'BiosAttributeRegistryU30.v1_2_68' },
      secureBoot: true,
      volumes: true,
      bootOptions: true,
    },
  },
};
