/**
 * Serving a capture with state on top. Everything is the capture's own data, except:
 *  - each captured System is backed by a SimMachine (the BMC's own machine for the first, one more
 *    per extra System of a multi-node capture), seeded from the captured PowerState, Boot and LED;
 *    its PowerState, Boot override and LED are live, and ComputerSystem.Reset/Chassis.Reset work;
 *  - a Chassis linked to a System shows that System's PowerState; its LED is its own (seeded from
 *    the capture), or the machine's when the System itself has no LED property;
 *  - LogService.ClearLog empties that log; the first System's first log also lists the machine's
 *    own entries made while serving (power actions, faults) after the captured ones;
 *  - Manager.Reset reboots the BMC; other advertised actions answer 204 and change nothing (as
 *    DMTF's Mockup Server does);
 *  - sessions are live (handled by the shell), whatever the capture holds under Sessions.
 * Dangling links answer 404; a static `nextLink` is served as captured (query strings are ignored).
 */
import { BOOT_TARGETS, SimMachine, type LogEntry } from '../../machine.js';
import {
  applyBootPatch,
  applyLed,
  applyReset,
  readBootPatch,
  readLedPatch,
  readResetType,
  type LedState,
} from '../actions.js';
import type { ErrorFactory } from '../errors.js';
import { isObject, isRef, isoTime, obj, str, strings, type Json, type JsonObject } from '../json.js';
import { ALL_RESET, type ExpandSupport } from '../personalities.js';
import { normalizePath } from '../shell.js';
import { parseJsonBody, type RequestContext, type ResourceNode, type ResourceTree } from '../tree.js';
import type { Capture } from './capture.js';
import { NetworkOverlay, networkDocKind } from './network-overlay.js';
import { WritableOverlay } from './overlay.js';
import { autoRetryOf, readPolicyPatch, restorePolicyOf, seedPolicies } from '../policies.js';

const ROOT = '/redfish/v1';
const QUIRKS = { onWhenOn: 'noop', resetWhenOff: 'base409' } as const;

/** `@odata.id` of a reference (absolute URLs reduced to their path), normalised. */
function refPath(v: Json | undefined): string | undefined {
  if (!isObject(v)) return undefined;
  const id = v['@odata.id'];
  return typeof id === 'string' ? toPath(id) : undefined;
}

function toPath(uri: string): string {
  const noHost = uri.replace(/^[a-z]+:\/\/[^/]+/i, '');
  return normalizePath(noHost.split('#')[0]?.split('?')[0] ?? noHost);
}

/** Paths of an array of references (anything else is skipped). */
function refPaths(v: Json | undefined): string[] {
  if (!Array.isArray(v)) return [];
  return v.map((m) => refPath(m)).filter((p): p is string => p !== undefined);
}

function memberPaths(doc: JsonObject | undefined): string[] {
  return refPaths(doc?.Members);
}

class LocalLed implements LedState {
  private led: 'Off' | 'Lit' | 'Blinking' = 'Off';
  indicatorLed() {
    return this.led;
  }
  setIndicatorLed(v: 'Off' | 'Lit' | 'Blinking') {
    this.led = v;
  }
  identifyActive() {
    return this.led !== 'Off';
  }
  setIdentify(v: boolean) {
    this.led = v ? 'Blinking' : 'Off';
  }
}

interface LedHolder {
  led: LedState;
  offered: { indicator: boolean; location: boolean };
}

interface SystemState extends LedHolder {
  path: string;
  machine: SimMachine;
}

interface ChassisState extends LedHolder {
  path: string;
  system: SystemState | undefined;
}

interface FoundAction {
  owner: string;
  name: string;
  def: JsonObject;
}

function ledOffered(doc: JsonObject): { indicator: boolean; location: boolean } {
  return { indicator: 'IndicatorLED' in doc, location: 'LocationIndicatorActive' in doc };
}

function seedLed(led: LedState, doc: JsonObject): void {
  const v = doc.IndicatorLED;
  if (v === 'Off' || v === 'Lit' || v === 'Blinking') led.setIndicatorLed(v);
  else if (doc.LocationIndicatorActive === true) led.setIdentify(true);
}

function overlayLed(out: JsonObject, h: LedHolder): void {
  if (h.offered.indicator) out.IndicatorLED = h.led.indicatorLed();
  if (h.offered.location) out.LocationIndicatorActive = h.led.identifyActive();
}

export interface MockupTreeOptions {
  capture: Capture;
  machine: SimMachine;
  errors: ErrorFactory;
}

export class MockupTree implements ResourceTree {
  private readonly capture: Capture;
  private readonly errors: ErrorFactory;
  private readonly primary: SimMachine;
  private readonly systems = new Map<string, SystemState>();
  private readonly chassis = new Map<string, ChassisState>();
  /** Machines created for the 2nd.. Systems of a multi-node capture (disposed with the frontend). */
  readonly extraMachines: SimMachine[] = [];
  private readonly cleared = new Set<string>();
  private readonly network: NetworkOverlay;
  private readonly writable: WritableOverlay;
  private readonly actions = new Map<string, FoundAction | null>();
  private primaryLog: { entries: string; offset: number; refs: boolean } | null | undefined;
  /** Machine log entries up to this id predate serving (the fleet's filler): not shown. */
  private readonly logBaseline: number;

  constructor(o: MockupTreeOptions) {
    this.capture = o.capture;
    this.errors = o.errors;
    this.primary = o.machine;
    this.network = new NetworkOverlay(o.errors);
    this.writable = new WritableOverlay(o.errors);
    this.logBaseline = this.primary.log.list().reduce((n, e) => Math.max(n, e.id), 0);
    this.discover();
  }

  /**
   * A captured document for the simulator's own bookkeeping: a broken file counts as absent here
   * (it answers 500 with its name when a client asks for it).
   */
  private peek(path: string): JsonObject | undefined {
    try {
      return this.capture.doc(path);
    } catch {
      return undefined;
    }
  }

  /** What the capture's service root advertises for `$expand`. */
  expandSupport(): ExpandSupport | false {
    const q = obj(obj(this.peek(ROOT), 'ProtocolFeaturesSupported'), 'ExpandQuery');
    if (!q) return false;
    const levels = q.Levels === true;
    const all = q.ExpandAll === true;
    if (!levels && !all && q.NoLinks !== true && q.Links !== true) return false;
    const max = typeof q.MaxLevels === 'number' && q.MaxLevels >= 1 ? q.MaxLevels : 1;
    return { maxLevels: levels ? max : 1, links: all || q.Links === true };
  }

  private discover(): void {
    const systemPaths = memberPaths(this.peek(`${ROOT}/Systems`));
    systemPaths.forEach((path, i) => {
      const doc = this.peek(path);
      if (!doc) return; // a dangling member stays a 404
      const power = doc.PowerState === 'On' || doc.PowerState === 'PoweringOn' ? 'On' : 'Off';
      let machine = this.primary;
      if (i === 0) machine.seedPower(power);
      else {
        machine = new SimMachine({
          name: `${this.primary.name}/${str(doc, 'Id') ?? i}`,
          index: this.primary.index,
          seed: this.primary.seed,
          clock: this.primary.clock,
          transitionMs: this.primary.transitionMs,
          bmcRebootMs: this.primary.bmcRebootMs,
          initialPower: power,
        });
        this.extraMachines.push(machine);
      }
      const boot = obj(doc, 'Boot');
      if (boot) {
        for (const [key, field] of [
          ['BootSourceOverrideTarget', 'target'],
          ['BootSourceOverrideEnabled', 'enabled'],
          ['BootSourceOverrideMode', 'mode'],
        ] as const) {
          const v = boot[key];
          if (typeof v !== 'string') continue;
          try {
            machine.setBootOverride({ [field]: v });
          } catch {
            // a value the machine does not model (e.g. Recovery): keep the machine default
          }
        }
      }
      seedLed(machine, doc);
      seedPolicies(machine, doc);
      this.systems.set(path, { path, machine, led: machine, offered: ledOffered(doc) });
    });
    // A chassis a System links to (or that links to a System) shares that System's LED and power.
    const systemOfChassis = new Map<string, SystemState>();
    for (const sys of this.systems.values())
      for (const c of refPaths(obj(this.peek(sys.path), 'Links')?.Chassis))
        if (!systemOfChassis.has(c)) systemOfChassis.set(c, sys);
    for (const path of memberPaths(this.peek(`${ROOT}/Chassis`))) {
      const doc = this.peek(path);
      if (!doc) continue;
      const system =
        systemOfChassis.get(path) ??
        refPaths(obj(doc, 'Links')?.ComputerSystems)
          .map((p) => this.systems.get(p))
          .find((x) => x !== undefined);
      // The chassis keeps its own captured LED, unless its System shows none (Lenovo/NVIDIA put
      // the identify LED only on the Chassis): then it is the machine's LED.
      let led: LedState;
      if (system && !system.offered.indicator && !system.offered.location) led = system.machine;
      else led = new LocalLed();
      seedLed(led, doc);
      this.chassis.set(path, { path, system, led, offered: ledOffered(doc) });
    }
  }

  // ------------------------------------------------------------------ logs

  /** The first System's (else first Manager's) first log: where the machine's own entries appear. */
  private primaryEntries(): { entries: string; offset: number; refs: boolean } | undefined {
    if (this.primaryLog !== undefined) return this.primaryLog ?? undefined;
    this.primaryLog = null;
    const owners = [
      ...[...this.systems.values()].filter((s) => s.machine === this.primary).map((s) => s.path),
      ...memberPaths(this.peek(`${ROOT}/Managers`)),
    ];
    for (const owner of owners) {
      const services = refPath(this.peek(owner)?.LogServices);
      const first = memberPaths(services ? this.peek(services) : undefined)[0];
      const entries = refPath(first ? this.peek(first)?.Entries : undefined);
      if (!entries) continue;
      const captured = this.peek(entries);
      const members = Array.isArray(captured?.Members) ? captured.Members : [];
      let offset = 0;
      for (const m of members) {
        const id = isObject(m) ? (str(m, 'Id') ?? refPath(m)?.split('/').pop()) : undefined;
        if (id !== undefined && /^\d+$/.test(id)) offset = Math.max(offset, Number(id));
      }
      this.primaryLog = { entries, offset, refs: members.length > 0 && members.every((m) => isRef(m)) };
      break;
    }
    return this.primaryLog ?? undefined;
  }

  private machineEntryDoc(entries: string, offset: number, e: LogEntry): JsonObject {
    const id = String(offset + e.id);
    return {
      '@odata.id': `${entries}/${id}`,
      '@odata.type': '#LogEntry.v1_15_0.LogEntry',
      Id: id,
      Name: 'Log Entry',
      Created: isoTime(e.created),
      EntryType: 'Event',
      Severity: e.severity,
      Message: e.message,
      MessageId: e.messageId,
      MessageArgs: [...e.messageArgs],
    };
  }

  private entriesDoc(path: string): JsonObject | undefined {
    const captured = this.peek(path);
    const primary = this.primaryEntries();
    const isPrimary = primary?.entries === path;
    const isCleared = this.cleared.has(path);
    if (!isPrimary && !isCleared) return captured;
    if (!captured && !isPrimary) return undefined;
    const members: Json[] = isCleared ? [] : [...((captured?.Members as Json[] | undefined) ?? [])];
    if (primary && isPrimary)
      for (const e of this.primary.log.list()) {
        if (e.id <= this.logBaseline) continue;
        const doc = this.machineEntryDoc(path, primary.offset, e);
        members.push(primary.refs ? { '@odata.id': doc['@odata.id'] as string } : doc);
      }
    const out: JsonObject = {
      ...(captured ?? {
        '@odata.id': path,
        '@odata.type': '#LogEntryCollection.LogEntryCollection',
        Name: 'Log Entries',
      }),
      Members: members,
      'Members@odata.count': members.length,
    };
    if (isCleared) {
      delete out['Members@odata.nextLink'];
      delete out['@odata.nextLink'];
    }
    return out;
  }

  /** A member of a live log: a machine entry, a captured one (unless cleared), or nothing. */
  private entryNode(path: string): ResourceNode | undefined | null {
    const slash = path.lastIndexOf('/');
    const parent = path.slice(0, slash);
    const id = path.slice(slash + 1);
    const primary = this.primaryEntries();
    if (primary?.entries === parent && /^\d+$/.test(id) && Number(id) > primary.offset) {
      const n = Number(id) - primary.offset;
      const e = this.primary.log.get(n);
      return e
        ? { get: () => this.machineEntryDoc(parent, primary.offset, this.primary.log.get(n) ?? e) }
        : undefined;
    }
    if (this.cleared.has(parent)) return undefined;
    return null; // not a live log member: fall through to the capture
  }

  private clearLog(servicePath: string): void {
    const entries = refPath(this.peek(servicePath)?.Entries) ?? `${servicePath}/Entries`;
    this.cleared.add(entries);
    if (this.primaryEntries()?.entries === entries) this.primary.clearLog();
  }

  // ------------------------------------------------------------------ actions

  /** The advertised action whose target is `path`, found on an ancestor resource. */
  private actionAt(path: string): FoundAction | undefined {
    const cached = this.actions.get(path);
    if (cached !== undefined) return cached ?? undefined;
    let found: FoundAction | null = null;
    const parts = path.split('/');
    for (let n = parts.length - 1; n >= 3 && !found; n--) {
      const owner = parts.slice(0, n).join('/');
      const actions = obj(this.peek(owner), 'Actions');
      if (!actions) continue;
      const candidates = [...Object.entries(actions), ...Object.entries(obj(actions, 'Oem') ?? {})];
      for (const [name, def] of candidates) {
        if (!name.startsWith('#') || !isObject(def)) continue;
        const target = str(def, 'target');
        if (target !== undefined && toPath(target) === path) {
          found = { owner, name, def };
          break;
        }
      }
    }
    this.actions.set(path, found);
    return found ?? undefined;
  }

  /** Inline allowable values, else the ActionInfo's, else the standard set. */
  private allowed(def: JsonObject, parameter: string, fallback: readonly string[]): string[] {
    const inline = strings(def, `${parameter}@Redfish.AllowableValues`);
    if (inline) return inline;
    const infoPath = str(def, '@Redfish.ActionInfo');
    const info = infoPath ? this.peek(toPath(infoPath)) : undefined;
    const params = info?.Parameters;
    if (Array.isArray(params))
      for (const p of params)
        if (isObject(p) && p.Name === parameter) {
          const values = strings(p, 'AllowableValues');
          if (values) return values;
        }
    return [...fallback];
  }

  private actionNode(a: FoundAction): ResourceNode {
    return {
      post: (ctx: RequestContext) => {
        const body = parseJsonBody(ctx);
        switch (a.name) {
          case '#ComputerSystem.Reset':
          case '#Chassis.Reset': {
            const system = this.systems.get(a.owner) ?? this.chassis.get(a.owner)?.system;
            const value = readResetType(
              body,
              this.allowed(a.def, 'ResetType', ALL_RESET),
              a.name,
              this.errors,
            );
            if (system) applyReset(system.machine, value, QUIRKS, this.errors);
            return undefined;
          }
          case '#Manager.Reset':
            readResetType(
              body,
              this.allowed(a.def, 'ResetType', ['GracefulRestart', 'ForceRestart']),
              a.name,
              this.errors,
              {
                required: false,
              },
            );
            this.primary.bmcReboot();
            return undefined;
          case '#LogService.ClearLog':
            this.clearLog(a.owner);
            return undefined;
          default:
            return undefined;
        }
      },
    };
  }

  // ------------------------------------------------------------------ resources

  private systemNode(s: SystemState, doc: JsonObject): ResourceNode {
    const render = (): JsonObject => {
      const d = this.writable.apply(s.path, this.capture.doc(s.path) ?? doc);
      const out: JsonObject = { ...d, PowerState: s.machine.powerState() };
      const status = obj(d, 'Status');
      if (status && s.machine.hostState() === 'Quiesced') out.Status = { ...status, State: 'Quiesced' };
      const boot = obj(d, 'Boot');
      if (boot) {
        // Live values only for the override properties the capture has: a Boot with only BootOrder stays so.
        const b = s.machine.bootOverride();
        const live: JsonObject = {
          BootSourceOverrideTarget: b.target,
          BootSourceOverrideEnabled: b.enabled,
          BootSourceOverrideMode: b.mode,
        };
        if ('AutomaticRetryConfig' in boot) live.AutomaticRetryConfig = autoRetryOf(s.machine);
        out.Boot = { ...boot };
        for (const [k, v] of Object.entries(live)) if (k in boot) (out.Boot as JsonObject)[k] = v;
      }
      if ('PowerRestorePolicy' in d) out.PowerRestorePolicy = restorePolicyOf(s.machine);
      overlayLed(out, s);
      return out;
    };
    return {
      get: render,
      patch: (body) => {
        const current = render();
        const boot = obj(current, 'Boot');
        const policies = readPolicyPatch(
          body,
          {
            restore: 'PowerRestorePolicy' in current,
            retry: boot !== undefined && 'AutomaticRetryConfig' in boot,
          },
          this.errors,
        );
        let change;
        const rest: JsonObject = {};
        for (const [k, v] of Object.entries({ ...body, Boot: policies.boot })) {
          if (v === undefined || (k === 'PowerRestorePolicy' && 'PowerRestorePolicy' in current)) continue;
          if (k === 'Boot' && boot) {
            // A captured BootOrder is kept like the other writable properties (a DSP0266 array PATCH);
            // the override properties drive the machine.
            let override = v;
            if (isObject(v) && 'BootOrder' in v && 'BootOrder' in boot) {
              const { BootOrder: order, ...others } = v;
              rest.Boot = { BootOrder: order as Json };
              override = others;
              if (Object.keys(others).length === 0) continue;
            }
            change = readBootPatch(
              override,
              {
                targets:
                  strings(boot, 'BootSourceOverrideTarget@Redfish.AllowableValues') ??
                  strings(boot, 'BootSourceOverrideSupported') ??
                  BOOT_TARGETS,
                enabled: strings(boot, 'BootSourceOverrideEnabled@Redfish.AllowableValues') ?? [
                  'Disabled',
                  'Once',
                  'Continuous',
                ],
                modes: strings(boot, 'BootSourceOverrideMode@Redfish.AllowableValues') ?? ['UEFI', 'Legacy'],
                modeWritable: 'BootSourceOverrideMode' in boot,
              },
              Object.keys(boot),
              this.errors,
            );
          } else if (k !== 'IndicatorLED' && k !== 'LocationIndicatorActive') rest[k] = v;
        }
        // Anything else the schema lets clients write (AssetTag, HostName, …) is kept on top of the capture.
        const commit = this.writable.check(s.path, current, rest);
        const leds = readLedPatch(body, s.offered, this.errors);
        commit();
        if (change) applyBootPatch(s.machine, change, this.errors);
        applyLed(s.led, leds);
        policies.apply(s.machine);
        return undefined;
      },
    };
  }

  private chassisNode(c: ChassisState, doc: JsonObject): ResourceNode {
    const render = (): JsonObject => {
      const out: JsonObject = { ...this.writable.apply(c.path, doc) };
      if (c.system && 'PowerState' in doc) out.PowerState = c.system.machine.powerState();
      overlayLed(out, c);
      return out;
    };
    return {
      get: render,
      patch: (body) => {
        const current = render();
        const rest: JsonObject = {};
        for (const [k, v] of Object.entries(body))
          if (k !== 'IndicatorLED' && k !== 'LocationIndicatorActive') rest[k] = v;
        const commit = this.writable.check(c.path, current, rest);
        applyLed(c.led, readLedPatch(body, c.offered, this.errors));
        commit();
        return undefined;
      },
    };
  }

  resolve(path: string): ResourceNode | undefined {
    if (path === '/redfish') return { get: () => ({ v1: '/redfish/v1/' }) };
    if (path === `${ROOT}/$metadata`) {
      const xml = this.capture.metadata();
      return xml === undefined
        ? undefined
        : {
            raw: () => ({
              status: 200,
              headers: { 'Content-Type': 'application/xml; charset=utf-8', 'OData-Version': '4.0' },
              body: xml,
            }),
          };
    }
    const system = this.systems.get(path);
    if (system) return this.systemNode(system, this.capture.doc(path) as JsonObject);
    const chassis = this.chassis.get(path);
    if (chassis) return this.chassisNode(chassis, this.capture.doc(path) as JsonObject);
    if (path.includes('/Actions/') || path.endsWith('/Actions')) {
      const a = this.actionAt(path);
      if (a) return this.actionNode(a);
    }
    const entries = this.entriesDoc(path);
    if (entries && (this.cleared.has(path) || this.primaryEntries()?.entries === path))
      return { get: () => this.entriesDoc(path) ?? entries };
    const entry = this.entryNode(path);
    if (entry !== null) return entry;
    const doc = this.capture.doc(path);
    const kind = doc ? networkDocKind(path, doc) : undefined;
    if (doc && kind) return this.network.node(path, kind, doc);
    if (!doc) return undefined;
    const get = (): JsonObject => this.writable.apply(path, doc);
    if (!this.writable.accepts(doc)) return { get };
    return {
      get,
      patch: (body) => {
        this.writable.check(path, get(), body)();
        return undefined;
      },
    };
  }

  dispose(): void {
    for (const m of this.extraMachines) m.dispose();
  }
}
