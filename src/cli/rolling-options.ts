/**
 * `--batch N --batch-delay S` and `--stagger S`: rolling actions (src/engine/rolling.ts), for the commands
 * whose action may be rolled (rpower's power changes; rflash later). Light: loaded for `--help`.
 */
import type { Options } from 'yargs';
import { HwctlUsageError } from '../core/errors.js';
import type { Rolling } from '../engine/rolling.js';
import { numberOption } from './global-options.js';

export const ROLLING_GROUP = 'Rolling actions (not for reads):';

export interface RollingArgs {
  batch?: number;
  batchDelay?: number;
  stagger?: number;
}

export const rollingOptions: Record<string, Options> = {
  batch: numberOption(
    'batch',
    { min: 1, whole: true },
    {
      describe: 'Start the action on N nodes at a time; the next batch when the previous one finished',
      group: ROLLING_GROUP,
    },
  ),
  'batch-delay': numberOption(
    'batch-delay',
    { min: 0, unit: 'seconds' },
    {
      describe: 'With --batch: seconds to wait after a batch finished before the next starts',
      group: ROLLING_GROUP,
    },
  ),
  stagger: numberOption(
    'stagger',
    { min: 0, unit: 'seconds' },
    {
      describe: "Seconds between one node's start and the next one's (--fanout still caps concurrency)",
      group: ROLLING_GROUP,
    },
  ),
};

/** The engine's Rolling from the parsed flags; undefined when none was given. Bad combinations exit 2. */
export function rollingFrom(args: RollingArgs): Rolling | undefined {
  if (args.batchDelay !== undefined && args.batch === undefined)
    throw new HwctlUsageError('--batch-delay needs --batch N (the pause is between batches)');
  const rolling: Rolling = {};
  if (args.batch !== undefined) rolling.batch = args.batch;
  if (args.batchDelay) rolling.batchDelayMs = Math.round(args.batchDelay * 1000);
  if (args.stagger) rolling.staggerMs = Math.round(args.stagger * 1000);
  return Object.keys(rolling).length > 0 ? rolling : undefined;
}
