/**
 * Power primitives for Redfish BMCs (ComputerSystem.Reset, Manager.Reset).
 *
 * Each verb is mapped onto a ResetType this BMC allows (inline AllowableValues or ActionInfo; the standard
 * set when the BMC says nothing), trying equivalents in order; vendor spellings of the list are quirks
 * (quirks.ts: `reset-type-off`, `reset-type-glued`). The manager (src/managers/power.ts) decides whether to
 * act at all; nothing here reads the state before acting or retries an action. An action reuses the System
 * document of the manager's state read (one GET per node fewer).
 */
import { NodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { isRecord, redfishClient, type RedfishClient, type RedfishResource } from '../../bmc/index.js';
import { redfishQuirks, splitGlued, type NodeQuirks } from './quirks.js';
import type {
  BmcStatus,
  PowerAction,
  PowerExecutor,
  PowerPhase,
  PowerStatus,
  PowerTarget,
} from '../../managers/power.js';

const SYSTEM_RESET = 'ComputerSystem.Reset';
const MANAGER_RESET = 'Manager.Reset';

/**
 * ResetTypes to try for each verb, best first (the standard values only: vendor spellings are quirks).
 * softoff has no hard fallback on purpose: a graceful request must never become a hard one.
 */
export const RESET_CANDIDATES: Record<PowerTarget | 'restart', readonly string[]> = {
  on: ['On', 'ForceOn'],
  off: ['ForceOff'],
  softoff: ['GracefulShutdown'],
  restart: ['ForceRestart', 'GracefulRestart', 'PowerCycle'],
};

/** The ResetTypes this BMC allows for `action` (undefined: it does not say), read through its quirks. */
async function allowedResets(
  client: RedfishClient,
  resource: RedfishResource,
  action: string,
  quirks: NodeQuirks,
): Promise<readonly string[] | undefined> {
  const allowed = await client.allowableValues(resource, action, 'ResetType');
  if (!allowed) return undefined;
  if (await quirks.has('reset-type-glued', { allowed })) return allowed.flatMap((v) => splitGlued(v) ?? [v]);
  return allowed;
}

/** The candidates for `target` on this BMC: `off` may be spelt `Off` (quirk reset-type-off). */
async function candidatesFor(
  target: PowerTarget | 'restart',
  allowed: readonly string[] | undefined,
  quirks: NodeQuirks,
): Promise<readonly string[]> {
  if (target === 'off' && allowed && (await quirks.has('reset-type-off', { allowed })))
    return [...RESET_CANDIDATES.off, 'Off'];
  return RESET_CANDIDATES[target];
}
const BMC_RESET_CANDIDATES = ['ForceRestart', 'GracefulRestart'] as const;

/** The first candidate the BMC allows; with no list from the BMC, the first candidate (standard set). */
export function pickResetType(
  candidates: readonly string[],
  allowed: readonly string[] | undefined,
): string | undefined {
  if (!allowed) return candidates[0];
  return candidates.find((c) => allowed.includes(c));
}

function unsupported(verb: string, allowed: readonly string[] | undefined, what = 'ResetType'): NodeError {
  const list = allowed && allowed.length > 0 ? allowed.join(', ') : 'none';
  return new NodeError('unsupported', `Unsupported option: ${verb} (this BMC allows ${what}: ${list})`);
}

const PHASES: Record<string, PowerPhase> = {
  On: 'on',
  Off: 'off',
  PoweringOn: 'powering-on',
  PoweringOff: 'powering-off',
};

/**
 * A Redfish PowerState as a phase and xCAT's word (lower case; transitions hyphenated). A host that is on
 * but whose Status.State is `Quiesced` (bmcweb's crashed or halted OS: the host is powered, nothing runs)
 * prints `quiesced`, as xCAT prints the OpenBMC host state Quiesced (src/executors/openbmc/power.ts).
 */
export function powerStatusOf(powerState: unknown, status?: unknown): PowerStatus {
  if (typeof powerState !== 'string' || powerState === '') return { phase: 'other', display: 'unknown' };
  if (powerState === 'On' && isRecord(status) && status.State === 'Quiesced')
    return { phase: 'other', display: 'quiesced' };
  const phase = PHASES[powerState] ?? 'other';
  const display = phase === 'other' ? powerState.toLowerCase() : phase;
  return { phase, display };
}

class RedfishPowerExecutor implements PowerExecutor {
  readonly capability = 'power' as const;
  readonly flavor = 'redfish';

  async getState(_args: undefined, ctx: NodeContext): Promise<PowerStatus> {
    const client = await redfishClient(ctx);
    redfishQuirks(ctx); // none apply to a read; the node's json still lists `quirks: []`
    const system = await client.system();
    if (typeof system.PowerState === 'string' && system.PowerState !== '')
      return powerStatusOf(system.PowerState, system.Status);
    // A System without PowerState: the chassis says whether the node has power (xCAT reads it first).
    const chassis = await client.chassis();
    const withState = chassis.find((c) => typeof c.PowerState === 'string');
    if (!withState)
      throw new NodeError(
        'protocol',
        'Received wrong format response: no PowerState on the System or its Chassis',
      );
    return powerStatusOf(withState.PowerState);
  }

  async setState(args: { target: PowerTarget }, ctx: NodeContext): Promise<PowerAction> {
    const client = await redfishClient(ctx);
    // The manager has just read the state: that read's Actions serve (they do not change with the state).
    const system = await client.system({ reuse: true });
    const quirks = redfishQuirks(ctx);
    const allowed = await allowedResets(client, system, SYSTEM_RESET, quirks);
    const resetType = pickResetType(await candidatesFor(args.target, allowed, quirks), allowed);
    if (!resetType) throw unsupported(args.target, allowed);
    return reset(client, system, SYSTEM_RESET, resetType);
  }

  async restart(args: { verb: 'reset' | 'boot' }, ctx: NodeContext): Promise<PowerAction | undefined> {
    const client = await redfishClient(ctx);
    const system = await client.system({ reuse: true });
    const allowed = await allowedResets(client, system, SYSTEM_RESET, redfishQuirks(ctx));
    const resetType = pickResetType(RESET_CANDIDATES.restart, allowed);
    ctx.services.debug?.(
      ctx.node.name,
      `${args.verb}: ResetType ${resetType ?? '(none allowed: off, then on)'}`,
    );
    if (!resetType) return undefined; // the manager powers off, waits, powers on
    return reset(client, system, SYSTEM_RESET, resetType);
  }

  async getBmcState(_args: undefined, ctx: NodeContext): Promise<BmcStatus> {
    const client = await redfishClient(ctx);
    redfishQuirks(ctx);
    return bmcStatusOf(await client.manager());
  }

  async rebootBmc(_args: undefined, ctx: NodeContext): Promise<PowerAction> {
    const client = await redfishClient(ctx);
    const manager = await client.manager();
    const allowed = await allowedResets(client, manager, MANAGER_RESET, redfishQuirks(ctx));
    const resetType = pickResetType(BMC_RESET_CANDIDATES, allowed);
    if (!resetType) throw unsupported('bmcreboot', allowed, 'Manager ResetType');
    return reset(client, manager, MANAGER_RESET, resetType);
  }
}

async function reset(
  client: RedfishClient,
  resource: RedfishResource,
  action: string,
  resetType: string,
): Promise<PowerAction> {
  await client.action(resource, action, { ResetType: resetType }, { waitTask: action === SYSTEM_RESET });
  return { sent: resetType };
}

/**
 * Ready when the Manager answers and neither its Status.State nor its PowerState says otherwise
 * (Starting, Updating, StandbyOffline... are not ready). xCAT printed the Manager's PowerState; hwctl
 * prints `BMC Ready` / `BMC NotReady` on both flavors.
 */
export function bmcStatusOf(manager: RedfishResource): BmcStatus {
  const status = manager.Status as { State?: unknown } | undefined;
  const state = status && typeof status === 'object' ? status.State : undefined;
  const power = manager.PowerState;
  // A blank State (seen on enclosure managers) says nothing, like a missing one.
  const ready =
    (state === undefined || state === null || state === '' || state === 'Enabled') &&
    (power === undefined || power === null || power === 'On');
  return { ready, display: ready ? 'BMC Ready' : 'BMC NotReady' };
}

const executor: PowerExecutor = new RedfishPowerExecutor();
export default executor;
