/**
 * Vendor knowledge as data: every way a Redfish BMC departs from the standard that hwctl works around,
 * in one table (QUIRKS). Executors ask `quirks.has(id, probe)` ("does this BMC need X?") and never branch on
 * vendor names. docs/vendors.md is this table for users, with the evidence.
 *
 * A quirk is switched on for a node by its detection:
 *  - `vendors`: the BMC is one of these, identified from the service root (Vendor, Product, the Oem key),
 *    or, when the root names nobody, from the Manager's Model (read once, only when a quirk asks);
 *  - `probe`: a test on what the executor has already read or been answered (a document, a refusal);
 * either one suffices. `--no-quirks` (services.options.quirks === false) switches every quirk off: hwctl then
 * talks generic Redfish, which tells a vendor problem from a hwctl one.
 *
 * The quirks a node used are listed with `--debug` and in json output (`quirks`, per node).
 *
 * To add a quirk: add its id to QuirkId and its probe input to ProbeInputs, a row to QUIRKS (with evidence),
 * ask for it where the workaround goes, and add it to docs/vendors.md.
 */
import type { NodeContext } from '../../engine/executor.js';
import { isRecord, redfishClient, type PatchOptions, type RedfishResource } from '../../bmc/index.js';

// ------------------------------------------------------------------------------------- vendors

export type VendorId = 'dell' | 'hpe' | 'lenovo' | 'supermicro' | 'ami' | 'openbmc';

interface VendorMatch {
  /** Shown in --debug and docs. */
  name: string;
  /** ServiceRoot `Vendor` (Redfish 1.5+) or `Product`. */
  root: RegExp;
  /** ServiceRoot `Oem` keys (older services have no Vendor). */
  oem: readonly string[];
  /** Manager `Model`, for services whose root names nobody (stock bmcweb). */
  managerModel?: RegExp;
}

export const VENDORS: Readonly<Record<VendorId, VendorMatch>> = {
  dell: { name: 'Dell iDRAC', root: /^Dell\b|iDRAC/i, oem: ['Dell'] },
  hpe: { name: 'HPE iLO', root: /^HPE?\b|iLO/i, oem: ['Hpe', 'Hp'], managerModel: /^iLO\b/i },
  lenovo: { name: 'Lenovo XCC', root: /^Lenovo\b/i, oem: ['Lenovo'], managerModel: /XClarity/i },
  supermicro: { name: 'Supermicro', root: /^Supermicro\b/i, oem: ['Supermicro'] },
  ami: { name: 'AMI MegaRAC', root: /^AMI\b|MegaRAC/i, oem: ['Ami'] },
  openbmc: { name: 'OpenBMC bmcweb', root: /^OpenBMC\b/i, oem: ['OpenBMC'], managerModel: /^OpenBmc$/i },
};

/** Which vendor the service root names, if any, and how it said so. */
export function vendorOfRoot(root: RedfishResource): { id: VendorId; by: string } | undefined {
  const oem = isRecord(root.Oem) ? Object.keys(root.Oem) : [];
  for (const [id, v] of Object.entries(VENDORS) as Array<[VendorId, VendorMatch]>) {
    for (const key of ['Vendor', 'Product'] as const) {
      const s = root[key];
      if (typeof s === 'string' && v.root.test(s)) return { id, by: `ServiceRoot ${key} "${s}"` };
    }
    const k = oem.find((o) => v.oem.includes(o));
    if (k) return { id, by: `ServiceRoot Oem.${k}` };
  }
  return undefined;
}

/** Which vendor a Manager's Model names, if any. */
export function vendorOfManager(manager: RedfishResource): { id: VendorId; by: string } | undefined {
  const model = manager.Model;
  if (typeof model !== 'string') return undefined;
  for (const [id, v] of Object.entries(VENDORS) as Array<[VendorId, VendorMatch]>) {
    if (v.managerModel?.test(model)) return { id, by: `Manager Model "${model}"` };
  }
  return undefined;
}

// -------------------------------------------------------------------------------------- quirks

export type Command = 'rpower' | 'rsetboot' | 'rinv' | 'rvitals' | 'reventlog' | 'rbeacon' | 'rspconfig';

/** What each quirk's probe is handed (`never`: detected by vendor only). */
export interface ProbeInputs {
  'etag-if-match-required': never;
  'boot-mode-read-only': never;
  'boot-mode-required': { refusal: string };
  'boot-settings-object': { system: RedfishResource; refusal?: string };
  'reset-type-off': { allowed: readonly string[] };
  'reset-type-glued': { allowed: readonly string[] };
  'led-indicator-only': { doc: RedfishResource };
  'led-on-chassis': { system: RedfishResource };
  'ntp-hpe-datetime': { manager: RedfishResource };
}
export type QuirkId = keyof ProbeInputs;

export interface Quirk<P> {
  id: QuirkId;
  commands: readonly Command[];
  /** What the BMC does. */
  behaviour: string;
  /** What hwctl does when the quirk is on. */
  workaround: string;
  /** What hwctl does with --no-quirks (generic Redfish). */
  generic: string;
  /** Detection by vendor (ServiceRoot, else Manager Model). */
  vendors?: readonly VendorId[];
  /** Detection by what the BMC showed or answered. */
  probe?: { describe: string; test: (input: P) => boolean };
  /** Captures, vendor documents and issue threads that show it. */
  evidence: readonly string[];
}

const STANDARD_RESET = [
  'On',
  'ForceOff',
  'GracefulShutdown',
  'GracefulRestart',
  'ForceRestart',
  'Nmi',
  'ForceOn',
  'PushPowerButton',
  'PowerCycle',
  'Suspend',
  'Pause',
  'Resume',
  'FullPowerCycle',
];

/** A non-standard value made of two standard ResetTypes run together, split; else undefined. */
export function splitGlued(value: string): [string, string] | undefined {
  for (const a of STANDARD_RESET) {
    if (value.startsWith(a) && STANDARD_RESET.includes(value.slice(a.length)))
      return [a, value.slice(a.length)];
  }
  return undefined;
}

const hasProp = (doc: RedfishResource, prop: string) => prop in doc;

export const QUIRKS: { readonly [K in QuirkId]: Quirk<ProbeInputs[K]> } = {
  'etag-if-match-required': {
    id: 'etag-if-match-required',
    commands: ['rsetboot', 'rbeacon', 'rspconfig'],
    behaviour:
      'a PATCH without If-Match is refused with 428 Precondition Required; bodies carry no @odata.etag',
    workaround: 'read the resource’s ETag header before each PATCH and send it as If-Match',
    generic:
      'If-Match only from the body’s @odata.etag; a 428 is answered by reading the ETag and trying once more',
    vendors: ['dell', 'lenovo'],
    evidence: [
      'ansible/ansible#56150 (428 from Lenovo XCC and others)',
      'reference redfish.md "ETags": no @odata.etag in Dell/Lenovo bodies, real iDRAC/XCC send the ETag header',
      'simulator personality idrac (ifMatchRequired)',
    ],
  },
  'boot-mode-read-only': {
    id: 'boot-mode-read-only',
    commands: ['rsetboot'],
    behaviour:
      'BootSourceOverrideMode cannot be PATCHed: 400 even when the value sent equals the current one',
    workaround:
      'never send BootSourceOverrideMode; -u succeeds when the mode already reads UEFI, else it is unsupported before any PATCH',
    generic: 'with -u, send BootSourceOverrideMode UEFI unless it already reads UEFI',
    vendors: ['hpe'],
    evidence: [
      'community.general#3509 (fixed by #3581)',
      'simulator personality ilo (bootModeWritable false)',
    ],
  },
  'boot-mode-required': {
    id: 'boot-mode-required',
    commands: ['rsetboot'],
    behaviour:
      'the BMC resets BootSourceOverrideMode to its default unless it is sent with the target, or refuses the PATCH without it',
    workaround: 'always send BootSourceOverrideMode: the current mode, or UEFI with -u',
    generic: 'send BootSourceOverrideMode only with -u, and not when it already reads UEFI',
    vendors: ['supermicro'],
    probe: {
      describe: 'the PATCH was refused naming BootSourceOverrideMode (then sent once more with the mode)',
      test: ({ refusal }) => /BootSourceOverrideMode/.test(refusal),
    },
    evidence: [
      'DMTF/Redfishtool#106 (Supermicro resets the mode)',
      'community.general#11542 ("BootSourceOverrideMode is a required property")',
    ],
  },
  'boot-settings-object': {
    id: 'boot-settings-object',
    commands: ['rsetboot'],
    behaviour:
      'the boot override is refused on the System (Ami.1.0.OperationSupportedInFutureStateURI) and taken on its @Redfish.Settings object',
    workaround: 'PATCH the System’s @Redfish.Settings SettingsObject (e.g. /Systems/Self/SD)',
    generic: 'PATCH the System',
    vendors: ['ami'],
    probe: {
      describe:
        'the System has a @Redfish.Settings object and the PATCH was refused naming FutureState or Settings',
      test: ({ system, refusal }) =>
        settingsUri(system) !== undefined && refusal !== undefined && /FutureState|Settings/i.test(refusal),
    },
    evidence: ['DMTF/Redfish-Tacklebox#144'],
  },
  'reset-type-off': {
    id: 'reset-type-off',
    commands: ['rpower'],
    behaviour: 'lists the non-standard ResetType "Off" instead of ForceOff',
    workaround: 'rpower off sends "Off"',
    generic: 'rpower off needs ForceOff (unsupported otherwise)',
    probe: {
      describe: 'the ResetType AllowableValues contain "Off" and no ForceOff',
      test: ({ allowed }) => allowed.includes('Off') && !allowed.includes('ForceOff'),
    },
    evidence: ['reference redfish.md "Reset values": Cray EX lists "Off"'],
  },
  'reset-type-glued': {
    id: 'reset-type-glued',
    commands: ['rpower'],
    behaviour: 'lists two ResetTypes as one string ("GracefulShutdownGracefulRestart")',
    workaround: 'read such a value as both ResetTypes',
    generic: 'take the AllowableValues as listed',
    probe: {
      describe: 'an AllowableValues entry is two standard ResetTypes run together',
      test: ({ allowed }) => allowed.some((v) => splitGlued(v) !== undefined),
    },
    evidence: ['reference redfish.md "Reset values": Supermicro lists "GracefulShutdownGracefulRestart"'],
  },
  'led-indicator-only': {
    id: 'led-indicator-only',
    commands: ['rbeacon'],
    behaviour: 'only the deprecated IndicatorLED (Off/Lit/Blinking), no LocationIndicatorActive',
    workaround: 'read and write IndicatorLED: on = Lit, off = Off (blink = Blinking in any case)',
    generic: 'LocationIndicatorActive (Redfish 2020.3 and later); on and off are unsupported without it',
    probe: {
      describe: 'the LED resource has IndicatorLED and no LocationIndicatorActive',
      test: ({ doc }) => hasProp(doc, 'IndicatorLED') && !hasProp(doc, 'LocationIndicatorActive'),
    },
    evidence: [
      'reference redfish.md "LED": IndicatorLED only on Dell, HPE, Cisco, Intel, Gigabyte, DMTF',
      'capture dmtf-public-rackmount1 Systems/437XR1138R2',
    ],
  },
  'led-on-chassis': {
    id: 'led-on-chassis',
    commands: ['rbeacon'],
    behaviour: 'the System has no identify LED property; its Chassis has',
    workaround:
      'use the LED of the System’s Chassis (Links.Chassis, else its own by Id on a blade enclosure, then the enclosure’s; never another System’s)',
    generic: 'the System’s LED only; unsupported when it has none',
    probe: {
      describe: 'the System has neither LocationIndicatorActive nor IndicatorLED',
      test: ({ system }) => !hasProp(system, 'LocationIndicatorActive') && !hasProp(system, 'IndicatorLED'),
    },
    evidence: ['reference redfish.md "LED": Lenovo and NVIDIA have it on the Chassis only'],
  },
  'ntp-hpe-datetime': {
    id: 'ntp-hpe-datetime',
    commands: ['rspconfig'],
    behaviour:
      'NetworkProtocol has no NTP block; the NTP servers are StaticNTPServers of the Oem DateTime resource (Managers/1/DateTime)',
    workaround:
      'ntpservers reads and PATCHes StaticNTPServers of the Manager’s Oem.Hpe.Links.DateTimeService (its slots kept, empty ones "")',
    generic: 'ntpservers is unsupported (no NTP in NetworkProtocol)',
    vendors: ['hpe'],
    probe: {
      describe: 'the Manager links an Oem.Hpe DateTimeService',
      test: ({ manager }) => hpeDateTimeUri(manager) !== undefined,
    },
    evidence: [
      'reference redfish.md "NTP": absent on HPE iLO, which keeps it in Managers/1/DateTime.StaticNTPServers (cray-DL325 capture)',
      'simulator personality ilo (ntp hpeDateTime)',
    ],
  },
};

/** HPE's Oem DateTime resource of a Manager (`Oem.Hpe.Links.DateTimeService`), if it links one. */
export function hpeDateTimeUri(manager: RedfishResource): string | undefined {
  const oem = isRecord(manager.Oem) ? manager.Oem : undefined;
  const hpe = oem && isRecord(oem.Hpe) ? oem.Hpe : undefined;
  const links = hpe && isRecord(hpe.Links) ? hpe.Links : undefined;
  const link = links?.DateTimeService;
  return isRecord(link) && typeof link['@odata.id'] === 'string' ? link['@odata.id'] : undefined;
}

/** The System's `@Redfish.Settings` SettingsObject path, if it has one. */
export function settingsUri(system: RedfishResource): string | undefined {
  const s = system['@Redfish.Settings'];
  const o = isRecord(s) ? s.SettingsObject : undefined;
  const id = isRecord(o) ? o['@odata.id'] : undefined;
  return typeof id === 'string' && id !== system['@odata.id'] ? id : undefined;
}

/**
 * The If-Match of a PATCH to `doc` (undefined: a resource not read yet). The body's @odata.etag when it has
 * one; else, with `etag-if-match-required`, none given, so the client reads the ETag header first; else
 * `etag: ''`, which sends no If-Match and reads nothing (the client still answers a 428 by reading the
 * ETag and trying once more).
 */
export async function ifMatchFor(
  doc: RedfishResource | undefined,
  quirks: NodeQuirks,
): Promise<PatchOptions> {
  const inBody = doc?.['@odata.etag'];
  if (typeof inBody === 'string' && inBody) return { etag: inBody };
  return (await quirks.has('etag-if-match-required')) ? {} : { etag: '' };
}

// ---------------------------------------------------------------------------- one node's quirks

export class NodeQuirks {
  private readonly active = new Set<QuirkId>();
  private vendor: Promise<{ id: VendorId; by: string } | undefined> | undefined;

  constructor(
    private readonly ctx: NodeContext,
    /** false with --no-quirks. */
    readonly enabled: boolean,
  ) {
    if (!enabled) ctx.services.debug?.(ctx.node.name, 'quirks: off (--no-quirks): generic Redfish');
    ctx.recordQuirks?.([]);
  }

  /**
   * Does this BMC need `id`? The probe on `input` when given, else (or when it says no) the vendor. A yes is recorded
   * for --debug and the node's json `quirks`.
   */
  async has<K extends QuirkId>(id: K, input?: ProbeInputs[K]): Promise<boolean> {
    if (!this.enabled) return false;
    const q = QUIRKS[id] as Quirk<ProbeInputs[K]>;
    let why: string | undefined;
    if (q.probe && input !== undefined && q.probe.test(input)) why = q.probe.describe;
    else if (q.vendors) {
      const v = await this.vendorOf();
      if (v && q.vendors.includes(v.id)) why = `${VENDORS[v.id].name} (${v.by})`;
    }
    if (why === undefined) return false;
    if (!this.active.has(id)) {
      this.active.add(id);
      this.ctx.services.debug?.(this.ctx.node.name, `quirk ${id}: ${why}`);
      this.ctx.recordQuirks?.([...this.active]);
    }
    return true;
  }

  /** The quirks switched on so far, in the order they were. */
  list(): QuirkId[] {
    return [...this.active];
  }

  private vendorOf(): Promise<{ id: VendorId; by: string } | undefined> {
    this.vendor ??= (async () => {
      // The client of this moment (power polling may have logged in afresh); its root was read at login.
      const client = await redfishClient(this.ctx);
      const fromRoot = vendorOfRoot(client.root);
      if (fromRoot) return fromRoot;
      // The root names nobody (stock bmcweb, DMTF mockups): the Manager's Model may. One GET, once.
      try {
        return vendorOfManager(await client.manager());
      } catch {
        return undefined; // a service without a readable Manager: no vendor quirks
      }
    })();
    return this.vendor;
  }
}

/** This node's quirks: one per node per run (ctx.shared). */
export function redfishQuirks(ctx: NodeContext): NodeQuirks {
  return ctx.shared('redfish:quirks', () => new NodeQuirks(ctx, ctx.services.options.quirks !== false));
}
