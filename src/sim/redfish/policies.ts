/**
 * The host policies a Redfish System shows, from the machine: `PowerRestorePolicy` and
 * `Boot.AutomaticRetryConfig` (phosphor's restore policy and auto reboot, as bmcweb maps them). Shared by
 * the generated personalities and the captures (mockup), which read and PATCH them alike.
 */
import type { SimMachine } from '../machine.js';
import type { ErrorFactory } from './errors.js';
import { isObject, type Json, type JsonObject } from './json.js';

/** Redfish PowerRestorePolicy ↔ the machine's restore policy. */
const RESTORE_POLICY = { AlwaysOn: 'AlwaysOn', AlwaysOff: 'AlwaysOff', LastState: 'Restore' } as const;
type RestorePolicy = keyof typeof RESTORE_POLICY;
export const RETRY_VALUES = ['Disabled', 'RetryAttempts'];

export function restorePolicyOf(m: SimMachine): RestorePolicy {
  const p = m.hostSettings.powerRestorePolicy;
  return (Object.keys(RESTORE_POLICY) as RestorePolicy[]).find((k) => RESTORE_POLICY[k] === p)!;
}

export function autoRetryOf(m: SimMachine): string {
  return m.hostSettings.autoReboot ? 'RetryAttempts' : 'Disabled';
}

/** Seed the machine from a captured System (values it does not model are left at its defaults). */
export function seedPolicies(m: SimMachine, system: JsonObject): void {
  const p = system.PowerRestorePolicy;
  if (typeof p === 'string' && p in RESTORE_POLICY)
    m.hostSettings.powerRestorePolicy = RESTORE_POLICY[p as RestorePolicy];
  const boot = system.Boot;
  const r = isObject(boot) ? boot.AutomaticRetryConfig : undefined;
  if (typeof r === 'string') m.hostSettings.autoReboot = r !== 'Disabled';
}

export interface PolicyPatch {
  /** The Boot object without AutomaticRetryConfig (undefined when nothing else was in it). */
  boot: Json | undefined;
  /** Apply the validated changes (after every other check of the PATCH passed). */
  apply(m: SimMachine): void;
}

/**
 * Take the policy properties out of a System PATCH: `restore` / `retry` say whether the System shows them
 * (a property it does not show is left in the body for the caller to refuse).
 */
export function readPolicyPatch(
  body: JsonObject,
  offered: { restore: boolean; retry: boolean },
  errors: ErrorFactory,
): PolicyPatch {
  let restore: RestorePolicy | undefined;
  let retry: string | undefined;
  let boot: Json | undefined = body.Boot;
  const p = body.PowerRestorePolicy;
  if (offered.restore && p !== undefined) {
    if (typeof p !== 'string' || !(p in RESTORE_POLICY))
      throw errors.error('PropertyValueNotInList', [JSON.stringify(p), 'PowerRestorePolicy'], {
        related: ['#/PowerRestorePolicy'],
      });
    restore = p as RestorePolicy;
  }
  if (offered.retry && isObject(boot) && 'AutomaticRetryConfig' in boot) {
    const { AutomaticRetryConfig: r, ...rest } = boot;
    if (typeof r !== 'string' || !RETRY_VALUES.includes(r))
      throw errors.error('PropertyValueNotInList', [JSON.stringify(r), 'AutomaticRetryConfig'], {
        related: ['#/Boot/AutomaticRetryConfig'],
      });
    retry = r;
    boot = Object.keys(rest).length > 0 ? rest : undefined;
  }
  return {
    boot,
    apply: (m) => {
      if (restore !== undefined) m.hostSettings.powerRestorePolicy = RESTORE_POLICY[restore];
      if (retry !== undefined) m.hostSettings.autoReboot = retry !== 'Disabled';
    },
  };
}
