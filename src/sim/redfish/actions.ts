/**
 * State-changing Redfish operations shared by generated BMCs and served captures: the
 * ComputerSystem.Reset action, Boot override and LED PATCHes. Each validates the whole request
 * before changing anything, and answers the way the personality's real BMCs do.
 */
import { MachineError, RESET_TYPES, type BootOverride, type ResetType, type SimMachine } from '../machine.js';
import { RedfishError, vendorMessage, type ErrorFactory } from './errors.js';
import { isObject, type JsonObject } from './json.js';

export interface ResetQuirks {
  onWhenOn: 'noop' | 'idrac409';
  resetWhenOff: 'base409' | 'ilo400';
}

const MACHINE_RESETS = new Set<string>(RESET_TYPES);

/** Non-standard values seen in real allowable lists, mapped to what they do. */
const ALIASES: Record<string, ResetType> = { Off: 'ForceOff', FullPowerCycle: 'PowerCycle' };

/**
 * Reads and validates an action body of one enumerated parameter (`{"ResetType": X}`,
 * `{"ResetKeysType": X}`) against the action's allowable values.
 */
export function readEnumParam(
  body: unknown,
  param: string,
  allowed: readonly string[],
  action: string,
  errors: ErrorFactory,
  opts: { required: boolean } = { required: true },
): string {
  if (!isObject(body)) throw errors.error('MalformedJSON');
  for (const k of Object.keys(body))
    if (k !== param) throw errors.error('ActionParameterUnknown', [action, k]);
  const v = body[param];
  if (v === undefined) {
    if (opts.required || allowed.length === 0) throw errors.error('ActionParameterMissing', [action, param]);
    return allowed[0] as string;
  }
  if (typeof v !== 'string')
    throw errors.error('ActionParameterValueTypeError', [JSON.stringify(v), param, action]);
  if (!allowed.includes(v)) throw errors.error('ActionParameterValueNotInList', [v, param, action]);
  return v;
}

/** Reads and validates `{"ResetType": X}` against the allowable values of the action. */
export function readResetType(
  body: unknown,
  allowed: readonly string[],
  action: string,
  errors: ErrorFactory,
  opts: { required: boolean } = { required: true },
): string {
  return readEnumParam(body, 'ResetType', allowed, action, errors, opts);
}

/**
 * Applies a validated ResetType to a machine. Returns normally on success (including no-ops);
 * throws a RedfishError with the personality's answer otherwise.
 */
export function applyReset(
  machine: SimMachine,
  value: string,
  quirks: ResetQuirks,
  errors: ErrorFactory,
): void {
  const type = ALIASES[value] ?? value;
  if (!MACHINE_RESETS.has(type))
    throw errors.error('ActionParameterValueNotInList', [value, 'ResetType', '#ComputerSystem.Reset']);
  const resetType = type as ResetType;
  const state = machine.powerState();
  const isOn = state === 'On' || state === 'PoweringOn';
  if (quirks.onWhenOn === 'idrac409') {
    if ((resetType === 'On' || resetType === 'ForceOn') && isOn)
      throw new RedfishError(409, [
        vendorMessage(
          'IDRAC.2.8.PSU501',
          'Server is already powered ON.',
          'Warning',
          'No response action is required.',
        ),
      ]);
    if ((resetType === 'ForceOff' || resetType === 'GracefulShutdown') && state === 'Off')
      throw new RedfishError(409, [
        vendorMessage(
          'IDRAC.2.8.PSU502',
          'Server is already powered OFF.',
          'Warning',
          'No response action is required.',
        ),
      ]);
  }
  if (
    quirks.resetWhenOff === 'ilo400' &&
    state === 'Off' &&
    resetType !== 'On' &&
    resetType !== 'ForceOn' &&
    resetType !== 'PushPowerButton'
  )
    throw new RedfishError(400, [
      vendorMessage(
        'iLO.2.15.InvalidOperationForSystemState',
        'The operation was not successful due to the current power state (for example, attempting to turn the power off when it is already off).',
        'Warning',
        'Verify that the system is in the correct power state, and then retry the operation.',
      ),
    ]);
  const r = machine.reset(resetType);
  if (r.ok) return;
  switch (r.reason) {
    case 'off':
      throw errors.error('ResourceInStandby');
    case 'busy':
      throw errors.error('ResourceInUse');
    case 'bmcNotReady':
      throw errors.error('ServiceTemporarilyUnavailable', ['30'], { headers: { 'Retry-After': '30' } });
    case 'notRunning':
      throw new RedfishError(409, [
        vendorMessage(
          'HwctlSim.1.0.HostNotRunning',
          r.message,
          'Warning',
          'Wait until the operating system runs, or use ForceOff/ForceRestart.',
        ),
      ]);
  }
}

export interface BootAllowable {
  targets: readonly string[];
  enabled: readonly string[];
  modes: readonly string[];
  modeWritable: boolean;
}

/** Properties of `Boot` the simulator models; other known ones are read-only. */
const BOOT_WRITABLE = ['BootSourceOverrideTarget', 'BootSourceOverrideEnabled', 'BootSourceOverrideMode'];

/**
 * Validates a PATCH `Boot` object and returns the change for `setBootOverride`. `known` are the
 * properties the resource shows in Boot: an override property it does not show is unknown (a capture
 * whose Boot has only BootOrder has no override), the others it shows are read-only here.
 */
export function readBootPatch(
  boot: unknown,
  allowable: BootAllowable,
  known: readonly string[],
  errors: ErrorFactory,
): Partial<BootOverride> {
  if (!isObject(boot))
    throw errors.error('PropertyValueTypeError', [JSON.stringify(boot), 'Boot'], { related: ['#/Boot'] });
  const change: Partial<BootOverride> = {};
  for (const [k, v] of Object.entries(boot)) {
    const where = `#/Boot/${k}`;
    if (!known.includes(k)) throw errors.error('PropertyUnknown', [`Boot/${k}`], { related: [where] });
    if (!BOOT_WRITABLE.includes(k) || (k === 'BootSourceOverrideMode' && !allowable.modeWritable))
      throw errors.error('PropertyNotWritable', [`Boot/${k}`], { related: [where] });
    if (typeof v !== 'string')
      throw errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: [where] });
    const list =
      k === 'BootSourceOverrideTarget'
        ? allowable.targets
        : k === 'BootSourceOverrideEnabled'
          ? allowable.enabled
          : allowable.modes;
    if (!list.includes(v)) throw errors.error('PropertyValueNotInList', [v, k], { related: [where] });
    if (k === 'BootSourceOverrideTarget') change.target = v as BootOverride['target'];
    else if (k === 'BootSourceOverrideEnabled') change.enabled = v as BootOverride['enabled'];
    else change.mode = v as BootOverride['mode'];
  }
  return change;
}

export function applyBootPatch(
  machine: SimMachine,
  change: Partial<BootOverride>,
  errors: ErrorFactory,
): void {
  try {
    machine.setBootOverride(change);
  } catch (e) {
    if (e instanceof MachineError)
      throw errors.error('PropertyValueNotInList', [e.message, 'Boot'], { related: ['#/Boot'] });
    throw e;
  }
}

export type LedChange =
  { kind: 'indicator'; value: 'Off' | 'Lit' | 'Blinking' } | { kind: 'location'; value: boolean };

/** Validates `IndicatorLED` / `LocationIndicatorActive` in a PATCH body (only the ones offered). */
export function readLedPatch(
  body: JsonObject,
  offered: { indicator: boolean; location: boolean },
  errors: ErrorFactory,
): LedChange[] {
  const out: LedChange[] = [];
  if ('IndicatorLED' in body) {
    const v = body.IndicatorLED;
    if (!offered.indicator)
      throw errors.error('PropertyUnknown', ['IndicatorLED'], { related: ['#/IndicatorLED'] });
    if (typeof v !== 'string')
      throw errors.error('PropertyValueTypeError', [JSON.stringify(v), 'IndicatorLED'], {
        related: ['#/IndicatorLED'],
      });
    if (v !== 'Off' && v !== 'Lit' && v !== 'Blinking')
      throw errors.error('PropertyValueNotInList', [v, 'IndicatorLED'], { related: ['#/IndicatorLED'] });
    out.push({ kind: 'indicator', value: v });
  }
  if ('LocationIndicatorActive' in body) {
    const v = body.LocationIndicatorActive;
    if (!offered.location)
      throw errors.error('PropertyUnknown', ['LocationIndicatorActive'], {
        related: ['#/LocationIndicatorActive'],
      });
    if (typeof v !== 'boolean')
      throw errors.error('PropertyValueTypeError', [JSON.stringify(v), 'LocationIndicatorActive'], {
        related: ['#/LocationIndicatorActive'],
      });
    out.push({ kind: 'location', value: v });
  }
  return out;
}

/** The LED model shared by both properties: identify on = Blinking. */
export interface LedState {
  indicatorLed(): 'Off' | 'Lit' | 'Blinking';
  setIndicatorLed(v: 'Off' | 'Lit' | 'Blinking'): void;
  identifyActive(): boolean;
  setIdentify(v: boolean): void;
}

export function applyLed(led: LedState, changes: readonly LedChange[]): void {
  for (const c of changes) {
    if (c.kind === 'indicator') led.setIndicatorLed(c.value);
    else led.setIdentify(c.value);
  }
}
