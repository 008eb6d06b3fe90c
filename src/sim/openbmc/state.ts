/**
 * state/ (host, chassis, BMC), control/ (boot source, policies) and time/ objects.
 */
import type { BootTarget, PowerResult, SimMachine } from '../machine.js';
import { RestError } from './envelope.js';
import { BASE, asBool, asEnum, type ObjectMap, type Provider } from './objects.js';

const HOST_STATE = 'xyz.openbmc_project.State.Host.HostState';
const HOST_TRANSITION = 'xyz.openbmc_project.State.Host.Transition';
const CHASSIS_STATE = 'xyz.openbmc_project.State.Chassis.PowerState';
const CHASSIS_TRANSITION = 'xyz.openbmc_project.State.Chassis.Transition';
const BMC_STATE = 'xyz.openbmc_project.State.BMC.BMCState';
const BMC_TRANSITION = 'xyz.openbmc_project.State.BMC.Transition';
const BOOT_SOURCE = 'xyz.openbmc_project.Control.Boot.Source.Sources';
const BOOT_MODE = 'xyz.openbmc_project.Control.Boot.Mode.Modes';
const BOOT_TYPE = 'xyz.openbmc_project.Control.Boot.Type.Types';
const RESTORE_POLICY = 'xyz.openbmc_project.Control.Power.RestorePolicy.Policy';
const SYNC_METHOD = 'xyz.openbmc_project.Time.Synchronization.Method';

export type BootSource = 'Default' | 'Disk' | 'Network' | 'ExternalMedia' | 'RemovableMedia';
export const BOOT_SOURCES: readonly BootSource[] = [
  'Default',
  'Disk',
  'Network',
  'ExternalMedia',
  'RemovableMedia',
];
const SOURCE_TARGET: Record<BootSource, BootTarget> = {
  Default: 'None',
  Disk: 'Hdd',
  Network: 'Pxe',
  ExternalMedia: 'Cd',
  RemovableMedia: 'Usb',
};

/**
 * OpenBMC keeps a persistent and a one-time boot source side by side; the machine has one override.
 * This remembers both and projects them onto the machine: one-time enabled → Once with the one-time
 * source; else a persistent source other than Default → Continuous; else Disabled. After a boot
 * consumed the Once, the persistent choice applies again.
 */
export class BootSettings {
  oneTimeSource: BootSource = 'Default';
  persistentSource: BootSource = 'Default';

  constructor(private readonly machine: SimMachine) {
    machine.on('boot', () => this.project(false));
  }

  oneTimeEnabled(): boolean {
    return this.machine.bootOverride().enabled === 'Once';
  }

  project(oneTime: boolean): void {
    if (oneTime) this.machine.setBootOverride({ target: SOURCE_TARGET[this.oneTimeSource], enabled: 'Once' });
    else if (this.persistentSource !== 'Default')
      this.machine.setBootOverride({ target: SOURCE_TARGET[this.persistentSource], enabled: 'Continuous' });
    else this.machine.setBootOverride({ enabled: 'Disabled' });
  }
}

function check(result: PowerResult): void {
  if (!result.ok)
    throw new RestError(
      result.reason === 'busy' ? 409 : 400,
      result.message,
      'org.freedesktop.DBus.Error.Failed',
    );
}

export function stateProvider(m: SimMachine): Provider {
  return {
    root: `${BASE}/state`,
    build(into: ObjectMap) {
      into.set(`${BASE}/state/host0`, {
        props: {
          AttemptsLeft: 3,
          BootProgress: `xyz.openbmc_project.State.Boot.Progress.ProgressStages.${m.hostState() === 'Running' ? 'OSRunning' : m.hostState() === 'TransitioningToRunning' ? 'MotherboardInit' : 'Unspecified'}`,
          CurrentHostState: `${HOST_STATE}.${m.hostState()}`,
          OperatingSystemState: `xyz.openbmc_project.State.OperatingSystem.Status.OSStatus.${m.hostState() === 'Running' ? 'Standby' : 'Inactive'}`,
          RequestedHostTransition: `${HOST_TRANSITION}.${m.requestedHostTransition()}`,
          RestartCause: 'xyz.openbmc_project.State.Host.RestartCause.Unknown',
        },
        set: {
          RequestedHostTransition: (v) => {
            const t = asEnum(
              v,
              HOST_TRANSITION,
              ['On', 'Off', 'Reboot', 'GracefulWarmReboot', 'ForceWarmReboot'] as const,
              'RequestedHostTransition',
            );
            const host = m.hostState();
            switch (t) {
              case 'On':
                return check(m.powerOn());
              case 'Off':
                // a soft off that the OS cannot honour times out into a hard off, as phosphor does
                return check(
                  host === 'Running' || host === 'TransitioningToOff' || host === 'Off'
                    ? m.gracefulShutdown()
                    : m.forceOff(),
                );
              case 'Reboot':
              case 'GracefulWarmReboot':
                return check(
                  host === 'Running' ? m.gracefulRestart() : host === 'Off' ? m.powerOn() : m.forceRestart(),
                );
              case 'ForceWarmReboot':
                return check(m.forceRestart());
            }
          },
        },
      });
      into.set(`${BASE}/state/chassis0`, {
        props: {
          CurrentPowerState: `${CHASSIS_STATE}.${m.chassisState()}`,
          LastStateChangeTime: m.lastBoot()?.at ?? 0,
          RequestedPowerTransition: `${CHASSIS_TRANSITION}.${m.requestedChassisTransition()}`,
        },
        set: {
          RequestedPowerTransition: (v) => {
            const t = asEnum(
              v,
              CHASSIS_TRANSITION,
              ['On', 'Off', 'PowerCycle'] as const,
              'RequestedPowerTransition',
            );
            check(t === 'On' ? m.chassisOn() : t === 'Off' ? m.forceOff() : m.powerCycle());
          },
        },
      });
      into.set(`${BASE}/state/bmc0`, {
        props: {
          CurrentBMCState: `${BMC_STATE}.${m.bmcState()}`,
          LastRebootTime: 0,
          RequestedBMCTransition: `${BMC_TRANSITION}.None`,
        },
        set: {
          RequestedBMCTransition: (v) => {
            const t = asEnum(
              v,
              BMC_TRANSITION,
              ['Reboot', 'None', 'HardReboot'] as const,
              'RequestedBMCTransition',
            );
            // the reboot starts after this answer is written (the core closes the connection then)
            if (t !== 'None') m.bmcReboot();
          },
        },
      });
    },
  };
}

export function controlProvider(m: SimMachine, boot: BootSettings): Provider {
  const s = m.hostSettings;
  return {
    root: `${BASE}/control`,
    build(into: ObjectMap) {
      const mode = m.bootOverride().mode === 'UEFI' ? 'EFI' : 'Legacy';
      into.set(`${BASE}/control/host0/boot`, {
        props: {
          BootMode: `${BOOT_MODE}.${s.bootModeSetting}`,
          BootSource: `${BOOT_SOURCE}.${boot.persistentSource}`,
          BootType: `${BOOT_TYPE}.${mode}`,
        },
        set: {
          BootSource: (v) => {
            boot.persistentSource = asEnum(v, BOOT_SOURCE, BOOT_SOURCES, 'BootSource');
            boot.project(boot.oneTimeEnabled());
          },
          BootMode: (v) => {
            s.bootModeSetting = asEnum(v, BOOT_MODE, ['Regular', 'Safe', 'Setup'] as const, 'BootMode');
          },
          BootType: (v) => {
            m.setBootOverride({
              mode:
                asEnum(v, BOOT_TYPE, ['EFI', 'Legacy'] as const, 'BootType') === 'EFI' ? 'UEFI' : 'Legacy',
            });
          },
        },
      });
      into.set(`${BASE}/control/host0/boot/one_time`, {
        props: {
          BootMode: `${BOOT_MODE}.${s.bootModeSetting}`,
          BootSource: `${BOOT_SOURCE}.${boot.oneTimeSource}`,
          BootType: `${BOOT_TYPE}.${mode}`,
          Enabled: boot.oneTimeEnabled(),
        },
        set: {
          BootSource: (v) => {
            boot.oneTimeSource = asEnum(v, BOOT_SOURCE, BOOT_SOURCES, 'BootSource');
            boot.project(boot.oneTimeEnabled());
          },
          Enabled: (v) => boot.project(asBool(v, 'Enabled')),
          BootMode: (v) => {
            s.bootModeSetting = asEnum(v, BOOT_MODE, ['Regular', 'Safe', 'Setup'] as const, 'BootMode');
          },
        },
      });
      into.set(`${BASE}/control/host0/auto_reboot`, {
        props: { AutoReboot: s.autoReboot },
        set: { AutoReboot: (v) => (s.autoReboot = asBool(v, 'AutoReboot')) },
      });
      into.set(`${BASE}/control/host0/power_restore_policy`, {
        props: { PowerRestorePolicy: `${RESTORE_POLICY}.${s.powerRestorePolicy}` },
        set: {
          PowerRestorePolicy: (v) =>
            (s.powerRestorePolicy = asEnum(
              v,
              RESTORE_POLICY,
              ['AlwaysOn', 'AlwaysOff', 'Restore'] as const,
              'PowerRestorePolicy',
            )),
        },
      });
      into.set(`${BASE}/control/power_supply_redundancy`, {
        props: { PowerSupplyRedundancyEnabled: s.powerSupplyRedundancy },
        set: {
          PowerSupplyRedundancyEnabled: (v) =>
            (s.powerSupplyRedundancy = asBool(v, 'PowerSupplyRedundancyEnabled')),
        },
      });
      const thermal = ['DEFAULT', 'CUSTOM', 'HEAVY_IO', 'MAX_BASE_FAN_FLOOR'] as const;
      into.set(`${BASE}/control/thermal/0`, {
        props: { Current: s.thermalMode, Supported: [...thermal] },
        set: {
          Current: (v) => {
            if (typeof v !== 'string' || !(thermal as readonly string[]).includes(v))
              throw new RestError(
                400,
                `The specified value cannot be written to the requested property: Current = ${JSON.stringify(v)}`,
              );
            s.thermalMode = v as (typeof thermal)[number];
          },
        },
      });
    },
  };
}

export function timeProvider(m: SimMachine): Provider {
  const s = m.hostSettings;
  return {
    root: `${BASE}/time`,
    build(into: ObjectMap) {
      into.set(`${BASE}/time/bmc`, { props: { Elapsed: m.clock.now() * 1000 } });
      into.set(`${BASE}/time/sync_method`, {
        props: { TimeSyncMethod: `${SYNC_METHOD}.${s.timeSyncMethod}` },
        set: {
          TimeSyncMethod: (v) =>
            (s.timeSyncMethod = asEnum(v, SYNC_METHOD, ['NTP', 'Manual'] as const, 'TimeSyncMethod')),
        },
      });
    },
  };
}
