/**
 * Safety rails for commands that change nodes (docs/cli.md, "Safety rails").
 *
 * A command's spec says what it does to the nodes (`effect`): nothing (reads), `change` (an action is sent:
 * audited), or `destructive` (the action loses work or data: power off, reset, clearing the event log).
 * A destructive command over more than --max-nodes nodes (default 64) needs --yes; it never prompts, since
 * hwctl runs from scripts and cron as much as from a shell: the run fails (exit 2) before any BMC is
 * touched, saying how many nodes and how to go on.
 */
import { HwctlUsageError } from '../core/errors.js';

export type Effect = 'change' | 'destructive';

/**
 * Nodes a destructive command may act on without --yes: the default --fanout, i.e. one wave of the run;
 * a rack (up to 42-64 nodes) goes through as typed, a fleet-wide `rpower compute off` (hundreds) does not.
 */
export const DEFAULT_MAX_NODES = 64;

export function checkMaxNodes(
  effect: Effect | undefined,
  command: string,
  count: number,
  opts: { maxNodes?: number; yes?: boolean },
): void {
  if (effect !== 'destructive' || opts.yes) return;
  const max = opts.maxNodes ?? DEFAULT_MAX_NODES;
  if (count <= max) return;
  throw new HwctlUsageError(
    `${command} would act on ${count} nodes, more than --max-nodes ${max}: nothing was sent. ` +
      'Check the noderange (hwctl nodels NODERANGE), then add --yes to go ahead (or raise --max-nodes)',
  );
}
