/**
 * The hardware state of one virtual server, protocol-neutral: both the Redfish and the OpenBMC REST
 * frontends read and change the same `SimMachine`.
 *
 * Power model. The chassis (standby power) and the host (firmware + OS) are separate, as in
 * phosphor-state-manager:
 *
 *   powerState()  chassis  host                      Redfish PowerState
 *   Off           Off      Off                       Off
 *   (chassis on)  On       Off                       Off        (OpenBMC "on (Chassis)")
 *   PoweringOn    On       TransitioningToRunning    PoweringOn
 *   On            On       Running | Quiesced        On
 *   PoweringOff   On       TransitioningToOff        PoweringOff
 *
 * Every transition takes `transitionMs`. Restarts are PoweringOff then PoweringOn (a warm restart
 * skips the PoweringOff phase). A boot (end of PoweringOn) consumes a `Once` boot override and makes
 * a pending Host firmware image functional.
 *
 * Time comes from an injectable `SimClock`; no timers run while nothing is changing (sensor drift is
 * computed on read), so an idle fleet of 10,000 machines costs no CPU.
 */
import { EventEmitter } from 'node:events';
import { timingSafeEqual } from 'node:crypto';
import { systemClock, type SimClock, type SimTimer } from './clock.js';
import { seedNumber, hashString } from './prng.js';
import { EventLog, type LogEntry, type LogSeverity } from './eventlog.js';
import {
  makeHardware,
  makeIdentity,
  type HardwareInventory,
  type MachineIdentity,
  type VendorProfile,
} from './hardware.js';
import { defaultSensors, readSensor, healthOf, type SensorDef, type SensorReading } from './sensors.js';
import { BmcNetwork, defaultBmcNetwork } from './network.js';
import { FirmwareStore } from './firmware.js';

export type { MachineIdentity, HardwareInventory, VendorProfile } from './hardware.js';
export type { LogEntry, LogSeverity } from './eventlog.js';
export type { SensorReading, SensorDef } from './sensors.js';

export type ChassisState = 'On' | 'Off';
export type HostState = 'Off' | 'Running' | 'Quiesced' | 'TransitioningToRunning' | 'TransitioningToOff';
export type PowerState = 'On' | 'Off' | 'PoweringOn' | 'PoweringOff';
export type BmcState = 'Ready' | 'NotReady';

/** Redfish ResetType names; the OpenBMC frontend maps its transitions onto these. */
export type ResetType =
  | 'On'
  | 'ForceOn'
  | 'ForceOff'
  | 'GracefulShutdown'
  | 'GracefulRestart'
  | 'ForceRestart'
  | 'PowerCycle'
  | 'Nmi'
  | 'PushPowerButton';

export const RESET_TYPES: readonly ResetType[] = [
  'On',
  'ForceOn',
  'ForceOff',
  'GracefulShutdown',
  'GracefulRestart',
  'ForceRestart',
  'PowerCycle',
  'Nmi',
  'PushPowerButton',
];

/**
 * Why a power request was refused:
 *  off         the system is off (restart/NMI need it on)
 *  notRunning  needs a running OS (graceful shutdown/restart, NMI) and the host is not Running
 *  busy        a conflicting transition is in progress
 *  bmcNotReady the BMC is rebooting
 */
export type PowerRejectReason = 'off' | 'notRunning' | 'busy' | 'bmcNotReady';

export type PowerResult =
  { ok: true; changed: boolean } | { ok: false; reason: PowerRejectReason; message: string };

export type BootTarget =
  | 'None'
  | 'Pxe'
  | 'Floppy'
  | 'Cd'
  | 'Usb'
  | 'Hdd'
  | 'BiosSetup'
  | 'Utilities'
  | 'Diags'
  | 'UefiShell'
  | 'UefiTarget'
  | 'SDCard'
  | 'UefiHttp'
  | 'RemoteDrive'
  | 'UefiBootNext';
export const BOOT_TARGETS: readonly BootTarget[] = [
  'None',
  'Pxe',
  'Floppy',
  'Cd',
  'Usb',
  'Hdd',
  'BiosSetup',
  'Utilities',
  'Diags',
  'UefiShell',
  'UefiTarget',
  'SDCard',
  'UefiHttp',
  'RemoteDrive',
  'UefiBootNext',
];
export type BootEnabled = 'Disabled' | 'Once' | 'Continuous';
export const BOOT_ENABLED: readonly BootEnabled[] = ['Disabled', 'Once', 'Continuous'];
export type BootMode = 'Legacy' | 'UEFI';
export const BOOT_MODES: readonly BootMode[] = ['Legacy', 'UEFI'];

export interface BootOverride {
  target: BootTarget;
  enabled: BootEnabled;
  mode: BootMode;
}

/** What the host booted from last time (tests check that an override was honoured). */
export interface BootRecord {
  at: number;
  /** The override target used, or `None` for the normal boot order. */
  target: BootTarget;
  mode: BootMode;
}

export type IndicatorLed = 'Off' | 'Lit' | 'Blinking';

/** Host policy settings OpenBMC exposes under control/ (rspconfig keys); Redfish maps some. */
export interface HostSettings {
  autoReboot: boolean;
  /** phosphor Control.Power.RestorePolicy: AlwaysOn | AlwaysOff | Restore. */
  powerRestorePolicy: 'AlwaysOn' | 'AlwaysOff' | 'Restore';
  /** phosphor Control.Boot.Mode.Modes (not UEFI/Legacy). */
  bootModeSetting: 'Regular' | 'Safe' | 'Setup';
  thermalMode: 'DEFAULT' | 'CUSTOM' | 'HEAVY_IO' | 'MAX_BASE_FAN_FLOOR';
  timeSyncMethod: 'NTP' | 'Manual';
  powerSupplyRedundancy: boolean;
}

export const ACCOUNT_ROLES = ['Administrator', 'Operator', 'ReadOnly', 'NoAccess'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

interface SimAccount {
  password: string;
  role: AccountRole;
  enabled: boolean;
  locked: boolean;
}

/** An account as the frontends show it (never its password). */
export interface AccountInfo {
  name: string;
  role: AccountRole;
  enabled: boolean;
  locked: boolean;
}

export interface Dump {
  id: number;
  created: number;
  /** Bytes. */
  size: number;
  /** Completed after a short while; 0..100. */
  completed: boolean;
}

export interface SimMachineOptions {
  /** Node name, e.g. `sim001`. */
  name: string;
  /** 0-based position in the fleet (for deterministic management addresses). */
  index?: number;
  /** Fleet seed; identity, drift and defaults depend on it and on `name` only. */
  seed?: number | string;
  clock?: SimClock;
  vendor?: VendorProfile;
  /** Duration of each PoweringOn/PoweringOff phase. Default 2000 ms. */
  transitionMs?: number;
  /** How long `bmcReboot()` keeps the BMC away when no duration is given. Default 5 × transitionMs. */
  bmcRebootMs?: number;
  /** How long a firmware activation takes. Default 5 × transitionMs. */
  updateMs?: number;
  /** Initial power. Default `On` (a running fleet). */
  initialPower?: 'On' | 'Off';
  username?: string;
  password?: string;
  /** Event log capacity (older entries wrap). Default 5000. */
  maxLogEntries?: number;
  /** Extra routine log entries at start (paging tests). Default 0. */
  initialLogEntries?: number;
}

export interface MachineEvents {
  /** Any power/host state change. */
  power: [state: PowerState];
  /** The host finished booting. */
  boot: [record: BootRecord];
  log: [entry: LogEntry];
  /** The BMC went away (`down`) or came back (`up`). */
  bmc: [event: 'down' | 'up'];
}

export class MachineError extends Error {
  override name = 'MachineError';
  constructor(
    message: string,
    readonly kind: 'invalid' | 'notFound' | 'conflict',
  ) {
    super(message);
  }
}

interface Phase {
  kind: 'poweringOn' | 'poweringOff';
  timer: SimTimer;
  /** After a poweringOff phase: go on to poweringOn (restart) instead of stopping at Off. */
  thenOn: boolean;
  /** After a poweringOff phase: cut chassis power (not for a warm restart). */
  chassisOff: boolean;
  reason: string;
}

export class SimMachine extends EventEmitter<MachineEvents> {
  readonly name: string;
  readonly index: number;
  readonly seed: number;
  readonly clock: SimClock;
  readonly vendor: VendorProfile;
  readonly identity: MachineIdentity;
  readonly transitionMs: number;
  readonly bmcRebootMs: number;
  readonly log: EventLog;
  readonly hostSettings: HostSettings = {
    autoReboot: true,
    powerRestorePolicy: 'AlwaysOff',
    bootModeSetting: 'Regular',
    thermalMode: 'DEFAULT',
    timeSyncMethod: 'NTP',
    powerSupplyRedundancy: true,
  };

  private chassis: ChassisState;
  private host: HostState;
  private phase: Phase | undefined;
  private requestedHost: 'On' | 'Off' | 'Reboot' = 'Off';
  private requestedChassis: 'On' | 'Off' = 'Off';
  private boot: BootOverride = { target: 'None', enabled: 'Disabled', mode: 'UEFI' };
  private lastBootRecord: BootRecord | undefined;
  private led: IndicatorLed = 'Off';
  private bmcDownUntil = 0;
  private bmcTimer: SimTimer | undefined;
  private bmcRebootCount = 0;
  private readonly accounts = new Map<string, SimAccount>();
  /** The password policy both frontends enforce (bmcweb/PAM default: 8 to 20 characters). */
  readonly passwordPolicy = { minLength: 8, maxLength: 20 };
  private sensorOverrides: Map<string, number> | undefined;
  private lazyHardware: HardwareInventory | undefined;
  private lazyNetwork: BmcNetwork | undefined;
  private lazyFirmware: FirmwareStore | undefined;
  private lazySensorDefs: SensorDef[] | undefined;
  private readonly updateMs: number;
  private dumps: Dump[] = [];
  private nextDumpId = 1;
  /** Each account's ~/.ssh/authorized_keys on the BMC's SSH side (src/sim/ssh.ts), line by line. */
  private readonly sshKeys = new Map<string, string[]>();

  constructor(opts: SimMachineOptions) {
    super();
    this.name = opts.name;
    this.index = opts.index ?? 0;
    this.seed = seedNumber(opts.seed);
    this.clock = opts.clock ?? systemClock;
    this.vendor = opts.vendor ?? 'generic';
    this.transitionMs = opts.transitionMs ?? 2000;
    this.bmcRebootMs = opts.bmcRebootMs ?? this.transitionMs * 5;
    this.updateMs = opts.updateMs ?? this.transitionMs * 5;
    this.identity = makeIdentity(this.name, this.seed, this.vendor);
    this.log = new EventLog(this.clock, opts.maxLogEntries ?? 5000, (e) => this.emit('log', e));
    this.accounts.set(opts.username ?? 'root', {
      password: opts.password ?? '0penBmc',
      role: 'Administrator',
      enabled: true,
      locked: false,
    });
    const on = (opts.initialPower ?? 'On') === 'On';
    this.chassis = on ? 'On' : 'Off';
    this.host = on ? 'Running' : 'Off';
    this.requestedHost = on ? 'On' : 'Off';
    this.requestedChassis = on ? 'On' : 'Off';
    if (opts.initialLogEntries) this.log.fill(opts.initialLogEntries);
  }

  // ---------------------------------------------------------------- inventory (lazy)

  get hardware(): HardwareInventory {
    this.lazyHardware ??= makeHardware(this.identity, this.seed, this.vendor);
    return this.lazyHardware;
  }

  get network(): BmcNetwork {
    this.lazyNetwork ??= new BmcNetwork(
      defaultBmcNetwork(`${this.name}-bmc`, this.identity.bmcMac, this.index),
    );
    return this.lazyNetwork;
  }

  get firmware(): FirmwareStore {
    this.lazyFirmware ??= new FirmwareStore(
      {
        clock: this.clock,
        updateMs: this.updateMs,
        onFunctional: (img) => {
          if (img.purpose === 'BMC') this.identity.bmcFirmwareVersion = img.version;
          else this.identity.biosVersion = img.version;
        },
        onEvent: (severity, messageId, message) => this.addLog(severity, messageId, message),
        // bmcweb reboots the BMC once a pushed BMC image is written (after the answer: not re-entrant).
        onJobActivated: () => void Promise.resolve().then(() => this.bmcReboot()),
      },
      this.identity.bmcFirmwareVersion,
      this.identity.biosVersion,
    );
    return this.lazyFirmware;
  }

  // ---------------------------------------------------------------- accounts

  /** Constant-time check of a user name and password; a disabled or locked account never logs in. */
  checkCredentials(username: string, password: string): boolean {
    const account = this.accounts.get(username);
    if (account === undefined) return false;
    const a = Buffer.from(account.password);
    const b = Buffer.from(password);
    return a.length === b.length && timingSafeEqual(a, b) && account.enabled && !account.locked;
  }

  hasUser(username: string): boolean {
    return this.accounts.has(username);
  }

  usernames(): string[] {
    return [...this.accounts.keys()];
  }

  /** Every account, without its password. */
  listAccounts(): AccountInfo[] {
    return [...this.accounts].map(([name, a]) => ({
      name,
      role: a.role,
      enabled: a.enabled,
      locked: a.locked,
    }));
  }

  account(username: string): AccountInfo | undefined {
    const a = this.accounts.get(username);
    return a && { name: username, role: a.role, enabled: a.enabled, locked: a.locked };
  }

  /** Throws MachineError `invalid` when the password breaks the policy; the message never holds it. */
  checkPasswordPolicy(password: string): void {
    const { minLength, maxLength } = this.passwordPolicy;
    if (password.length < minLength || password.length > maxLength)
      throw new MachineError(
        `the password does not meet the policy: ${minLength} to ${maxLength} characters`,
        'invalid',
      );
  }

  createAccount(username: string, password: string, role: AccountRole, enabled = true): void {
    if (this.accounts.has(username)) throw new MachineError(`user ${username} already exists`, 'conflict');
    if (!/^[A-Za-z_][\w.-]{0,15}$/.test(username))
      throw new MachineError(`invalid user name: ${username}`, 'invalid');
    this.checkPasswordPolicy(password);
    this.accounts.set(username, { password, role, enabled, locked: false });
    this.addLog('OK', 'HwctlSim.1.0.AccountCreated', `User ${username} created`);
  }

  /** Change an account's role, enabled flag or lock (unlock only, as on BMCs). */
  updateAccount(username: string, change: { role?: AccountRole; enabled?: boolean; locked?: boolean }): void {
    const a = this.accounts.get(username);
    if (!a) throw new MachineError(`no such user: ${username}`, 'notFound');
    if (change.locked === true) throw new MachineError('Locked can only be set to false', 'invalid');
    if (change.role !== undefined) a.role = change.role;
    if (change.enabled !== undefined) a.enabled = change.enabled;
    if (change.locked !== undefined) a.locked = change.locked;
  }

  /** Lock an account (as failed logins would): for tests. */
  lockAccount(username: string): void {
    const a = this.accounts.get(username);
    if (a) a.locked = true;
  }

  deleteAccount(username: string): void {
    if (!this.accounts.delete(username)) throw new MachineError(`no such user: ${username}`, 'notFound');
    this.sshKeys.delete(username);
    this.addLog('OK', 'HwctlSim.1.0.AccountRemoved', `User ${username} removed`);
  }

  setPassword(username: string, password: string): void {
    const a = this.accounts.get(username);
    if (!a) throw new MachineError(`no such user: ${username}`, 'notFound');
    this.checkPasswordPolicy(password);
    a.password = password;
    this.addLog('OK', 'HwctlSim.1.0.PasswordChanged', `Password of user ${username} changed`);
  }

  /** The account's authorized_keys lines (a copy). */
  authorizedKeys(username: string): string[] {
    return [...(this.sshKeys.get(username) ?? [])];
  }

  /** Append a line to the account's authorized_keys unless it is there (the file a real shell appends to). */
  authorizeKey(username: string, line: string): void {
    if (!this.accounts.has(username)) throw new MachineError(`no such user: ${username}`, 'notFound');
    const keys = this.sshKeys.get(username) ?? [];
    if (!keys.includes(line)) {
      keys.push(line);
      this.sshKeys.set(username, keys);
      this.addLog('OK', 'HwctlSim.1.0.SshKeyAdded', `SSH key added for user ${username}`);
    }
  }

  /** Remove a line from the account's authorized_keys (false when it was not there). */
  revokeKey(username: string, line: string): boolean {
    const keys = this.sshKeys.get(username) ?? [];
    const i = keys.indexOf(line);
    if (i < 0) return false;
    keys.splice(i, 1);
    this.addLog('OK', 'HwctlSim.1.0.SshKeyRemoved', `SSH key removed for user ${username}`);
    return true;
  }

  // ---------------------------------------------------------------- power

  chassisState(): ChassisState {
    return this.chassis;
  }

  hostState(): HostState {
    return this.host;
  }

  /** Redfish-style summary of chassis + host. */
  powerState(): PowerState {
    switch (this.host) {
      case 'TransitioningToRunning':
        return 'PoweringOn';
      case 'TransitioningToOff':
        return 'PoweringOff';
      case 'Running':
      case 'Quiesced':
        return 'On';
      default:
        return 'Off';
    }
  }

  /** What was last requested (OpenBMC RequestedHostTransition / RequestedPowerTransition). */
  requestedHostTransition(): 'On' | 'Off' | 'Reboot' {
    return this.requestedHost;
  }

  requestedChassisTransition(): 'On' | 'Off' {
    return this.requestedChassis;
  }

  /** True while a PoweringOn/PoweringOff phase runs. */
  inTransition(): boolean {
    return this.phase !== undefined;
  }

  /** Applies a Redfish ResetType. */
  reset(type: ResetType): PowerResult {
    switch (type) {
      case 'On':
      case 'ForceOn':
        return this.powerOn();
      case 'ForceOff':
        return this.forceOff();
      case 'GracefulShutdown':
        return this.gracefulShutdown();
      case 'GracefulRestart':
        return this.gracefulRestart();
      case 'ForceRestart':
        return this.forceRestart();
      case 'PowerCycle':
        return this.powerCycle();
      case 'Nmi':
        return this.nmi();
      case 'PushPowerButton':
        return this.pushPowerButton();
    }
  }

  /** Boot the host. Already on or booting: unchanged. While powering off: busy. */
  powerOn(): PowerResult {
    const bmc = this.bmcCheck();
    if (bmc) return bmc;
    if (this.host === 'Running' || this.host === 'Quiesced' || this.host === 'TransitioningToRunning')
      return { ok: true, changed: false };
    if (this.host === 'TransitioningToOff')
      return { ok: false, reason: 'busy', message: 'The system is powering off; try again when it is off.' };
    this.requestedHost = 'On';
    this.requestedChassis = 'On';
    this.addLog('OK', 'HwctlSim.1.0.HostPowerOn', 'Host power on requested');
    this.startPhase('poweringOn', { reason: 'power on' });
    return { ok: true, changed: true };
  }

  /** Chassis power only, host stays Off (OpenBMC chassis Transition.On). */
  chassisOn(): PowerResult {
    const bmc = this.bmcCheck();
    if (bmc) return bmc;
    this.requestedChassis = 'On';
    if (this.chassis === 'On') return { ok: true, changed: false };
    this.chassis = 'On';
    this.addLog('OK', 'HwctlSim.1.0.ChassisPowerOn', 'Chassis power on');
    this.emit('power', this.powerState());
    return { ok: true, changed: true };
  }

  /** Cut power now (whatever is in progress is abandoned), then PoweringOff for transitionMs. */
  forceOff(): PowerResult {
    const bmc = this.bmcCheck();
    if (bmc) return bmc;
    this.requestedHost = 'Off';
    this.requestedChassis = 'Off';
    if (this.chassis === 'Off') return { ok: true, changed: false };
    if (this.host === 'Off') {
      // chassis on, host off: nothing to shut down, just drop chassis power
      this.cancelPhase();
      this.chassis = 'Off';
      this.addLog('OK', 'HwctlSim.1.0.ChassisPowerOff', 'Chassis power off');
      this.emit('power', this.powerState());
      return { ok: true, changed: true };
    }
    if (this.phase?.kind === 'poweringOff' && this.phase.chassisOff && !this.phase.thenOn)
      return { ok: true, changed: false };
    this.addLog('Warning', 'HwctlSim.1.0.HostForceOff', 'Host forced off');
    this.startPhase('poweringOff', { chassisOff: true, reason: 'forced off' });
    return { ok: true, changed: true };
  }

  /** Ask the OS to shut down: needs the host Running. */
  gracefulShutdown(): PowerResult {
    const bmc = this.bmcCheck();
    if (bmc) return bmc;
    if (this.host === 'Off') return { ok: true, changed: false };
    if (this.host === 'TransitioningToOff' && !this.phase?.thenOn) return { ok: true, changed: false };
    if (this.host !== 'Running')
      return {
        ok: false,
        reason: 'notRunning',
        message: `The host OS is not running (host state ${this.host}).`,
      };
    this.requestedHost = 'Off';
    this.requestedChassis = 'Off';
    this.addLog('OK', 'HwctlSim.1.0.HostGracefulShutdown', 'Host graceful shutdown requested');
    this.startPhase('poweringOff', { chassisOff: true, reason: 'graceful shutdown' });
    return { ok: true, changed: true };
  }

  /** OS reboot: needs the host Running. PoweringOff then PoweringOn, chassis stays on. */
  gracefulRestart(): PowerResult {
    const bmc = this.bmcCheck();
    if (bmc) return bmc;
    if (this.chassis === 'Off' || this.host === 'Off')
      return {
        ok: false,
        reason: 'off',
        message: 'The system is off; a graceful restart needs a running OS.',
      };
    if (this.host !== 'Running')
      return {
        ok: false,
        reason: 'notRunning',
        message: `The host OS is not running (host state ${this.host}).`,
      };
    this.requestedHost = 'Reboot';
    this.addLog('OK', 'HwctlSim.1.0.HostGracefulRestart', 'Host graceful restart requested');
    this.startPhase('poweringOff', { thenOn: true, reason: 'graceful restart' });
    return { ok: true, changed: true };
  }

  /** Warm reset: straight to PoweringOn (the host re-boots), chassis stays on. Needs the system on. */
  forceRestart(): PowerResult {
    const bmc = this.bmcCheck();
    if (bmc) return bmc;
    if (this.chassis === 'Off' || this.host === 'Off')
      return { ok: false, reason: 'off', message: 'The system is off; nothing to restart.' };
    this.requestedHost = 'Reboot';
    this.addLog('Warning', 'HwctlSim.1.0.HostForceRestart', 'Host reset');
    this.startPhase('poweringOn', { reason: 'forced restart' });
    return { ok: true, changed: true };
  }

  /** Full power off then on. From Off it is a plain power on. */
  powerCycle(): PowerResult {
    const bmc = this.bmcCheck();
    if (bmc) return bmc;
    if (this.host === 'Off') return this.powerOn();
    this.requestedHost = 'Reboot';
    this.addLog('Warning', 'HwctlSim.1.0.HostPowerCycle', 'Host power cycle');
    this.startPhase('poweringOff', { thenOn: true, chassisOff: true, reason: 'power cycle' });
    return { ok: true, changed: true };
  }

  /** Diagnostic interrupt: the OS crashes (kdump) and the host ends Quiesced. Needs the host Running. */
  nmi(): PowerResult {
    const bmc = this.bmcCheck();
    if (bmc) return bmc;
    if (this.host === 'Off')
      return { ok: false, reason: 'off', message: 'The system is off; cannot send an NMI.' };
    if (this.host !== 'Running')
      return {
        ok: false,
        reason: 'notRunning',
        message: `The host OS is not running (host state ${this.host}).`,
      };
    this.addLog('Critical', 'HwctlSim.1.0.HostNmi', 'Diagnostic interrupt (NMI) sent; the host OS halted');
    this.host = 'Quiesced';
    this.emit('power', this.powerState());
    return { ok: true, changed: true };
  }

  /** Short press of the power button: graceful shutdown when running, hard off when quiesced, on when off. */
  pushPowerButton(): PowerResult {
    if (this.host === 'Off') return this.powerOn();
    if (this.host === 'Quiesced') return this.forceOff();
    return this.gracefulShutdown();
  }

  /**
   * Sets the power state at once, with no transition, log entry or event: for starting a machine
   * from recorded state before it is served (the Redfish mockup frontend seeds it from a capture).
   */
  seedPower(state: 'On' | 'Off'): void {
    this.cancelPhase();
    const on = state === 'On';
    this.chassis = on ? 'On' : 'Off';
    this.host = on ? 'Running' : 'Off';
    this.requestedHost = on ? 'On' : 'Off';
    this.requestedChassis = on ? 'On' : 'Off';
  }

  /** Fault: the host OS hangs or crashes (host Quiesced, chassis on). */
  quiesce(): void {
    if (this.host !== 'Running') return;
    this.cancelPhase();
    this.host = 'Quiesced';
    this.addLog('Critical', 'HwctlSim.1.0.HostQuiesced', 'The host OS stopped responding (Quiesced)');
    this.emit('power', this.powerState());
  }

  private startPhase(
    kind: Phase['kind'],
    o: { thenOn?: boolean; chassisOff?: boolean; reason: string },
  ): void {
    this.cancelPhase();
    this.chassis = 'On';
    this.host = kind === 'poweringOn' ? 'TransitioningToRunning' : 'TransitioningToOff';
    const timer = this.clock.setTimer(this.transitionMs, () => this.endPhase());
    this.phase = {
      kind,
      timer,
      thenOn: o.thenOn ?? false,
      chassisOff: o.chassisOff ?? false,
      reason: o.reason,
    };
    this.emit('power', this.powerState());
  }

  private cancelPhase(): void {
    this.phase?.timer.cancel();
    this.phase = undefined;
  }

  private endPhase(): void {
    const p = this.phase;
    if (!p) return;
    this.phase = undefined;
    if (p.kind === 'poweringOn') {
      this.host = 'Running';
      this.requestedHost = 'On';
      this.hostBooted();
      this.emit('power', this.powerState());
      return;
    }
    this.host = 'Off';
    if (p.chassisOff) this.chassis = 'Off';
    this.addLog('OK', 'HwctlSim.1.0.HostPoweredOff', `Host powered off (${p.reason})`);
    if (p.thenOn) {
      this.startPhase('poweringOn', { reason: p.reason });
      return;
    }
    this.emit('power', this.powerState());
  }

  private hostBooted(): void {
    const record: BootRecord = {
      at: this.clock.now(),
      target: this.boot.enabled === 'Disabled' ? 'None' : this.boot.target,
      mode: this.boot.mode,
    };
    this.lastBootRecord = record;
    if (this.boot.enabled === 'Once') this.boot = { ...this.boot, enabled: 'Disabled' };
    if (this.lazyFirmware) {
      this.lazyFirmware.applyPending('Host');
      this.lazyFirmware.componentRestarted('Host');
    }
    this.addLog(
      'OK',
      'HwctlSim.1.0.HostBooted',
      `Host booted${record.target === 'None' ? '' : ` from ${record.target}`}`,
    );
    this.emit('boot', record);
  }

  // ---------------------------------------------------------------- boot override

  bootOverride(): BootOverride {
    return { ...this.boot };
  }

  lastBoot(): BootRecord | undefined {
    return this.lastBootRecord ? { ...this.lastBootRecord } : undefined;
  }

  /** Changes any of target/enabled/mode; validates every value before changing anything. */
  setBootOverride(change: Partial<BootOverride>): void {
    if (change.target !== undefined && !BOOT_TARGETS.includes(change.target))
      throw new MachineError(`invalid boot target: ${String(change.target)}`, 'invalid');
    if (change.enabled !== undefined && !BOOT_ENABLED.includes(change.enabled))
      throw new MachineError(`invalid boot override enabled value: ${String(change.enabled)}`, 'invalid');
    if (change.mode !== undefined && !BOOT_MODES.includes(change.mode))
      throw new MachineError(`invalid boot mode: ${String(change.mode)}`, 'invalid');
    this.boot = { ...this.boot, ...change };
  }

  // ---------------------------------------------------------------- LEDs

  indicatorLed(): IndicatorLed {
    return this.led;
  }

  setIndicatorLed(state: IndicatorLed): void {
    if (state !== 'Off' && state !== 'Lit' && state !== 'Blinking')
      throw new MachineError(`invalid IndicatorLED value: ${String(state)}`, 'invalid');
    this.led = state;
  }

  /** Redfish LocationIndicatorActive / OpenBMC enclosure_identify Asserted. */
  identifyActive(): boolean {
    return this.led !== 'Off';
  }

  /** Turning identify on blinks the LED (what bmcweb and most BMCs do). */
  setIdentify(active: boolean): void {
    this.led = active ? 'Blinking' : 'Off';
  }

  // ---------------------------------------------------------------- BMC

  bmcState(): BmcState {
    return this.bmcReady() ? 'Ready' : 'NotReady';
  }

  bmcReady(): boolean {
    return this.clock.now() >= this.bmcDownUntil;
  }

  /** How many times the BMC rebooted (tests, stats). */
  bmcReboots(): number {
    return this.bmcRebootCount;
  }

  /**
   * The BMC restarts: unreachable for `ms` (default `bmcRebootMs`), then Ready again. The host keeps
   * its power state. A pending BMC image becomes functional. Emits `bmc` `down` now and `up` later;
   * the core closes the BMC's listener meanwhile (connections are refused) and frontends drop sessions.
   */
  bmcReboot(ms = this.bmcRebootMs): void {
    this.bmcTimer?.cancel();
    this.bmcRebootCount++;
    this.addLog('OK', 'HwctlSim.1.0.BMCReboot', 'BMC reboot requested');
    this.bmcDownUntil = this.clock.now() + ms;
    this.emit('bmc', 'down');
    this.bmcTimer = this.clock.setTimer(ms, () => {
      this.bmcTimer = undefined;
      // A timer can fire a millisecond before the wall clock reaches its deadline (timers run on the
      // monotonic clock): without this, bmcReady() was still false on 'up', the listener stayed closed
      // and the BMC refused connections for good (test/power/sim.test.ts bmcreboot --wait, ~1 run in 3).
      this.bmcDownUntil = Math.min(this.bmcDownUntil, this.clock.now());
      if (this.lazyFirmware) {
        this.lazyFirmware.applyPending('BMC');
        this.lazyFirmware.componentRestarted('BMC');
      }
      this.addLog('OK', 'HwctlSim.1.0.BMCReady', 'BMC is ready');
      this.emit('bmc', 'up');
    });
  }

  private bmcCheck(): PowerResult | undefined {
    return this.bmcReady()
      ? undefined
      : { ok: false, reason: 'bmcNotReady', message: 'The BMC is not ready.' };
  }

  // ---------------------------------------------------------------- sensors

  private sensorDefs(): SensorDef[] {
    this.lazySensorDefs ??= defaultSensors();
    return this.lazySensorDefs;
  }

  /** All sensors as they read now. Host-domain sensors read their off value while the host is off. */
  sensors(): SensorReading[] {
    const powered = this.host !== 'Off';
    const now = this.clock.now();
    const salt = hashString(this.name) ^ this.seed;
    return this.sensorDefs().map((d, i) =>
      readSensor(d, i, salt, powered, now, this.sensorOverrides?.get(d.id)),
    );
  }

  /** One sensor as it reads now (an expanded Sensors collection asks for each: reading all is O(n²)). */
  sensor(id: string): SensorReading | undefined {
    const defs = this.sensorDefs();
    const i = defs.findIndex((d) => d.id === id);
    if (i < 0) return undefined;
    const salt = hashString(this.name) ^ this.seed;
    return readSensor(
      defs[i]!,
      i,
      salt,
      this.host !== 'Off',
      this.clock.now(),
      this.sensorOverrides?.get(id),
    );
  }

  /** Fault/test hook: pin a sensor to a value (undefined releases it). Crossing a threshold logs an entry. */
  overrideSensor(id: string, value: number | undefined): void {
    const d = this.sensorDefs().find((s) => s.id === id);
    if (!d) throw new MachineError(`no such sensor: ${id}`, 'notFound');
    if (value === undefined) {
      this.sensorOverrides?.delete(id);
      return;
    }
    (this.sensorOverrides ??= new Map()).set(id, value);
    const health = healthOf(value, d.thresholds);
    if (health !== 'OK')
      this.addLog(
        health,
        'HwctlSim.1.0.SensorThresholdCrossed',
        `${d.name} reading ${value} ${d.unit} crossed a ${health.toLowerCase()} threshold`,
        'Temperature',
      );
  }

  // ---------------------------------------------------------------- event log

  addLog(severity: LogSeverity, messageId: string, message: string, sensorType = 'System Event'): LogEntry {
    return this.log.add({ severity, messageId, message, sensorType });
  }

  /** Clears the log; the only entry left says it was cleared (as real SELs do). */
  clearLog(): void {
    this.log.clear();
    this.addLog('OK', 'HwctlSim.1.0.LogCleared', 'Event log cleared');
  }

  // ---------------------------------------------------------------- dumps

  listDumps(): Dump[] {
    const now = this.clock.now();
    for (const d of this.dumps) if (!d.completed && now - d.created >= this.transitionMs) d.completed = true;
    return this.dumps.map((d) => ({ ...d }));
  }

  /** Starts a BMC dump; it is complete after transitionMs. Returns its id. */
  createDump(): number {
    if (this.dumps.length >= 10)
      throw new MachineError('dump storage is full (10 dumps); delete some first', 'conflict');
    const id = this.nextDumpId++;
    this.dumps.push({
      id,
      created: this.clock.now(),
      size: 1024 * (200 + ((id * 37) % 300)),
      completed: false,
    });
    this.addLog('OK', 'HwctlSim.1.0.DumpCreated', `BMC dump ${id} created`);
    return id;
  }

  /**
   * A completed dump's content (both frontends serve the same bytes): its size, starting with a line
   * naming it, so a download can be checked byte for byte.
   */
  dumpContent(id: number): Buffer | undefined {
    const d = this.listDumps().find((x) => x.id === id && x.completed);
    if (!d) return undefined;
    const buf = Buffer.alloc(d.size, 0x2e);
    Buffer.from(`hwctl simulator BMC dump ${d.id} of ${this.name}\n`).copy(buf);
    return buf;
  }

  deleteDump(id: number): boolean {
    const before = this.dumps.length;
    this.dumps = this.dumps.filter((d) => d.id !== id);
    return this.dumps.length !== before;
  }

  deleteAllDumps(): number {
    const n = this.dumps.length;
    this.dumps = [];
    return n;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Cancels pending timers (the fleet calls it on stop). */
  dispose(): void {
    this.cancelPhase();
    this.bmcTimer?.cancel();
    this.bmcTimer = undefined;
    this.removeAllListeners();
  }
}
