/**
 * rspconfig's policy group: the host policies OpenBMC keeps under control/ (reference xcat-openbmc.md §1.9,
 * §2.8) — powerrestorepolicy, autoreboot, bootmode, powersupplyredundancy, thermalmode.
 *
 * Values are handled in xCAT's words (`always_on`, `1`, `safe`...); executors translate them to the BMC's
 * (`xyz.openbmc_project.Control.Power.RestorePolicy.Policy.AlwaysOn`, Redfish `PowerRestorePolicy: AlwaysOn`)
 * and say `unsupported`, with the reason, for a key their BMC has no standard property for. Every set is read
 * back; a value the BMC accepted but does not show fails the node (unless it went to a Settings object,
 * which the BMC applies later: then the result says it is pending).
 */
import { POLICY_KEYS, type RspconfigGroupModule } from '../commands/rspconfig-groups.js';
import { HwctlUsageError, NodeError } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import type { Executor, NodeContext } from '../engine/executor.js';
import type { RunRequest } from '../engine/run.js';
import type { ResultView } from '../output/view.js';
import { requireOps } from './executor-ops.js';

export type PolicyKey = (typeof POLICY_KEYS)[number];

/** Each key's values as typed on the command line (xCAT's), and how they print. */
export const POLICY_VALUES: Readonly<Record<PolicyKey, readonly string[]>> = {
  powerrestorepolicy: ['always_off', 'always_on', 'restore'],
  autoreboot: ['0', '1'],
  bootmode: ['regular', 'safe', 'setup'],
  powersupplyredundancy: ['disabled', 'enabled'],
  thermalmode: ['custom', 'default', 'heavy_io', 'max_base_fan_floor'],
};

/** xCAT's line label: `BMC <label>: <value>`. */
const LABEL: Readonly<Record<PolicyKey, string>> = {
  powerrestorepolicy: 'PowerRestorePolicy',
  autoreboot: 'AutoReboot',
  bootmode: 'BootMode',
  powersupplyredundancy: 'PowerSupplyRedundancy',
  thermalmode: 'ThermalMode',
};

export type PolicyArgs =
  { op: 'query'; keys: PolicyKey[] } | { op: 'set'; settings: Array<{ key: PolicyKey; value: string }> };

/** One policy as read from a BMC. */
export interface PolicyReading {
  /** In xCAT's words (`always_on`, `1`, `enabled`...); undefined when the BMC value maps to none. */
  value?: string;
  /** As xCAT prints it: the BMC value's last dotted component (`AlwaysOn`, `Regular`, `DEFAULT`, `true`). */
  display: string;
  source: string;
}

export interface PolicySetOutcome {
  sent?: string;
  pending?: string;
}

export interface PolicyExecutor extends Executor {
  /** Throws NodeError `unsupported` (with the reason) for a key this BMC has no property for. */
  readPolicy(args: { key: PolicyKey }, ctx: NodeContext): Promise<PolicyReading>;
  /** Write one policy (not when it already reads so); the manager reads it back. */
  setPolicy(args: { key: PolicyKey; value: string }, ctx: NodeContext): Promise<PolicySetOutcome>;
}

export interface PolicyResult {
  op: PolicyArgs['op'];
  lines: string[];
  values: Record<string, unknown>;
  changed: boolean;
  sent?: string[];
  pending?: string[];
}

/** The json value of a policy: booleans for the two on/off keys, xCAT's words for the others. */
function typed(key: PolicyKey, r: PolicyReading): unknown {
  if (r.value === undefined) return r.display;
  if (key === 'autoreboot') return r.value === '1';
  if (key === 'powersupplyredundancy') return r.value === 'enabled';
  return r.value;
}

export const policyView: ResultView<PolicyResult> = {
  text: (r) => r.lines,
  json: (r) => {
    const o: Record<string, unknown> = { ...r.values };
    if (r.op === 'set') o.changed = r.changed;
    if (r.sent) o.sent = r.sent;
    if (r.pending) o.pending = r.pending;
    return o;
  },
};

/** Check the words (xCAT's messages) and build PolicyArgs; throws HwctlUsageError (exit 2). */
export function parsePolicyArgs(words: readonly string[]): PolicyArgs {
  const sets = words.filter((w) => w.includes('='));
  if (sets.length === 0) return { op: 'query', keys: [...new Set(words)] as PolicyKey[] };
  if (sets.length !== words.length)
    throw new HwctlUsageError('Can not set and query OpenBMC information at the same time');
  const settings: Array<{ key: PolicyKey; value: string }> = [];
  for (const w of words) {
    const eq = w.indexOf('=');
    const key = w.slice(0, eq) as PolicyKey;
    const value = w.slice(eq + 1);
    if (value === '') throw new HwctlUsageError(`Invalid parameter for option ${key}`);
    if (settings.some((s) => s.key === key))
      throw new HwctlUsageError(`The option '${key}' is given more than once`);
    const valid = POLICY_VALUES[key];
    const v = value.toLowerCase();
    if (!valid.includes(v))
      throw new HwctlUsageError(`Invalid value '${value}' for '${key}', Valid values: ${valid.join(',')}`);
    settings.push({ key, value: v });
  }
  return { op: 'set', settings };
}

export const DEFAULT_POLICY_TIMEOUT_MS = 60_000;

export function policyRequest(
  nodes: readonly NodeDef[],
  args: PolicyArgs,
): RunRequest<PolicyArgs, PolicyResult> {
  return {
    capability: 'policy',
    op: args.op === 'query' ? 'readPolicy' : 'setPolicy',
    args,
    nodes,
    perNode: (executor, ctx) => runPolicy(asPolicyExecutor(executor), args, ctx),
  };
}

function asPolicyExecutor(executor: Executor): PolicyExecutor {
  return requireOps<PolicyExecutor>(executor, 'policy', ['readPolicy', 'setPolicy']);
}

/** One node's policy keys. Exported for tests; the engine calls it through policyRequest. */
export async function runPolicy(
  ex: PolicyExecutor,
  args: PolicyArgs,
  ctx: NodeContext,
): Promise<PolicyResult> {
  const result: PolicyResult = { op: args.op, lines: [], values: {}, changed: false };
  const show = (key: PolicyKey, r: PolicyReading) => {
    result.lines.push(`BMC ${LABEL[key]}: ${r.display}`);
    result.values[key] = typed(key, r);
  };
  if (args.op === 'query') {
    for (const key of args.keys) show(key, await ex.readPolicy({ key }, ctx));
    return result;
  }
  for (const { key, value } of args.settings) {
    const out = await ex.setPolicy({ key, value }, ctx);
    const now = await ex.readPolicy({ key }, ctx);
    if (now.value !== value && out.pending === undefined)
      throw new NodeError(
        'failed',
        `the BMC accepted ${key}=${value} but reads back ${now.display} (${now.source})`,
      );
    show(key, now);
    if (out.sent !== undefined) {
      result.changed = true;
      (result.sent ??= []).push(out.sent);
    }
    if (out.pending !== undefined) {
      (result.pending ??= []).push(out.pending);
      result.lines.push(`Pending: ${key}=${value} ${out.pending}`);
    }
  }
  return result;
}

export const policyGroup: RspconfigGroupModule<PolicyArgs, PolicyResult> = {
  parse: (words) => parsePolicyArgs(words),
  request: policyRequest,
  view: policyView,
  timeoutMs: DEFAULT_POLICY_TIMEOUT_MS,
  effect: (a) => (a.op === 'set' ? 'change' : undefined),
};
