/**
 * The boot capability (`rsetboot`): the next boot device, its arguments and results, and the logic that is
 * the same for every flavor (read back after a set, as xCAT does, and say so when the BMC did not take it).
 *
 * Executors (src/executors/<flavor>/boot.ts) read and write the override in their protocol; they also
 * reject, in `validate`, what their flavor cannot do (e.g. `setup` on OpenBMC), before any BMC is touched.
 */
import { HwctlUsageError } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import type { Executor, NodeContext } from '../engine/executor.js';
import type { RunRequest } from '../engine/run.js';
import type { ResultView } from '../output/view.js';
import { requireOps } from './executor-ops.js';

export const BOOT_VERBS = ['hd', 'net', 'cd', 'def', 'default', 'setup', 'floppy', 'stat'] as const;
export type BootVerbWord = (typeof BOOT_VERBS)[number];
/** Devices, with `def` folded into `default`. */
export type BootDevice = 'hd' | 'net' | 'cd' | 'default' | 'setup' | 'floppy';

export interface BootArgs {
  /** Undefined: read only (`stat`). */
  device?: BootDevice;
  /** `-p`: keep the override for every boot (Redfish Continuous, OpenBMC persistent BootSource). */
  persistent: boolean;
  /** `-u`: boot in UEFI mode (Redfish BootSourceOverrideMode). */
  uefi: boolean;
}

/** Arguments of a set: the device is known. */
export type BootSetArgs = BootArgs & { device: BootDevice };

/** The override as read from a BMC, flavor-neutral. */
export interface BootSetting {
  /** xCAT's display word: `Hard Drive`, `Network`, `CD/DVD`, `Floppy`, `BIOS Setup`, `Default`,
   *  `boot override inactive`, or the BMC's raw value when it is none of these. */
  display: string;
  /** The device it means; `default` for no override; undefined when the value is not one of ours. */
  device?: BootDevice;
  /** Whether the override applies to every boot (undefined when the BMC does not say). */
  persistent?: boolean;
  /** Redfish BootSourceOverrideMode (`UEFI`, `Legacy`), when the BMC reports it. */
  mode?: string;
  /** The BMC's own value (e.g. `Pxe`, `xyz.openbmc_project.Control.Boot.Source.Sources.Network`). */
  raw: string;
}

/** The primitives a boot executor provides. */
export interface BootExecutor extends Executor {
  getBoot(args: undefined, ctx: NodeContext): Promise<BootSetting>;
  /** Write the override. Throws NodeError `unsupported` (listing what the BMC allows) when refused. */
  setBoot(args: BootSetArgs, ctx: NodeContext): Promise<void>;
}

export interface BootResult extends BootSetting {
  /** True when an override was written. */
  changed: boolean;
  /** What was asked for (set only). */
  requested?: BootDevice;
}

export const bootView: ResultView<BootResult> = {
  text: (r) => [r.display],
  columns: [
    { header: 'BOOT', value: (r) => r.display },
    { header: 'PERSISTENT', value: (r) => (r.persistent === undefined ? '' : r.persistent ? 'yes' : 'no') },
    { header: 'MODE', value: (r) => r.mode ?? '' },
  ],
  json: (r) => {
    const o: Record<string, unknown> = { boot: r.display, raw: r.raw, changed: r.changed };
    if (r.device !== undefined) o.device = r.device;
    if (r.persistent !== undefined) o.persistent = r.persistent;
    if (r.mode !== undefined) o.mode = r.mode;
    if (r.requested !== undefined) o.requested = r.requested;
    return o;
  },
};

export interface BootCliInput {
  actions: readonly string[];
  persistent?: boolean;
  uefi?: boolean;
}

/** Check the arguments (xCAT's wording) and build BootArgs; throws HwctlUsageError (exit 2). */
export function parseBootArgs(input: BootCliInput): BootArgs {
  const actions = input.actions;
  if (actions.length > 1)
    throw new HwctlUsageError('Only one option is supported at the same time for rsetboot');
  const word = actions[0] ?? 'stat';
  if (!(BOOT_VERBS as readonly string[]).includes(word)) {
    throw new HwctlUsageError(`Unsupported command: rsetboot ${word} (valid: ${BOOT_VERBS.join(', ')})`);
  }
  const args: BootArgs = { persistent: Boolean(input.persistent), uefi: Boolean(input.uefi) };
  if (word !== 'stat') args.device = word === 'def' ? 'default' : (word as BootDevice);
  return args;
}

export const DEFAULT_BOOT_TIMEOUT_MS = 60_000;

export function bootRequest(nodes: readonly NodeDef[], args: BootArgs): RunRequest<BootArgs, BootResult> {
  return {
    capability: 'boot',
    op: args.device ? 'setBoot' : 'getBoot',
    args,
    nodes,
    perNode: (executor, ctx) => runBoot(asBootExecutor(executor), args, ctx),
  };
}

function asBootExecutor(executor: Executor): BootExecutor {
  return requireOps<BootExecutor>(executor, 'boot', ['getBoot', 'setBoot']);
}

/** One node's rsetboot. Exported for tests; the engine calls it through bootRequest. */
export async function runBoot(ex: BootExecutor, args: BootArgs, ctx: NodeContext): Promise<BootResult> {
  if (!args.device) return { ...(await ex.getBoot(undefined, ctx)), changed: false };
  const set: BootSetArgs = { ...args, device: args.device };
  await ex.setBoot(set, ctx);
  // xCAT re-reads and prints what the BMC now says, not what was asked for.
  const now = await ex.getBoot(undefined, ctx);
  const mismatch = readBackMismatch(set, now);
  if (mismatch) {
    ctx.services.warn(
      `${ctx.node.name}: asked for ${set.device}${set.persistent ? ' (persistent)' : ''}, the BMC reads back ${mismatch}; ` +
        'it may apply the change at the next reboot (check with rsetboot stat)',
    );
  }
  return { ...now, changed: true, requested: set.device };
}

/** What differs between the request and the read-back value, or undefined when it took. */
function readBackMismatch(set: BootSetArgs, now: BootSetting): string | undefined {
  if (now.device !== set.device) return `'${now.display}'`;
  if (set.device !== 'default' && now.persistent !== undefined && now.persistent !== set.persistent) {
    return `'${now.display}' ${now.persistent ? 'persistent' : 'for the next boot only'}`;
  }
  if (set.uefi && now.mode !== undefined && now.mode !== 'UEFI')
    return `'${now.display}' in ${now.mode} mode`;
  return undefined;
}
