/**
 * Rolling actions: when the nodes of a run may start their operation (`--batch N --batch-delay S`,
 * `--stagger S`). Powering a whole rack on at once draws every PSU's inrush current together and floods
 * the boot servers (DHCP, TFTP, images); a rolling start spreads that out. The engine applies it to the
 * operation phase of a request that asks for it (RunRequest.rolling), whatever the command: managers set
 * it for actions (a power change, a firmware flash), never for reads.
 */
import { sleep } from '../managers/poll.js';

export interface Rolling {
  /** Nodes started per batch; the next batch starts once every node of this one finished. */
  batch?: number;
  /** Pause between the end of a batch and the start of the next, ms. */
  batchDelayMs?: number;
  /** Gap between one node's start and the next node's start, ms (the fan-out still caps concurrency). */
  staggerMs?: number;
}

/** The work split into batches, in order (one batch holding everything without `batch`). */
export function batchesOf<T>(work: readonly T[], rolling: Rolling | undefined): T[][] {
  const size = rolling?.batch && rolling.batch > 0 ? rolling.batch : work.length;
  const out: T[][] = [];
  for (let i = 0; i < work.length; i += size) out.push(work.slice(i, i + size));
  return out;
}

/**
 * A gate each node passes before it starts: with a stagger, the n-th caller waits until `staggerMs` after
 * the (n-1)-th one was let through. Callers are let through in the order they call (p-map starts the
 * nodes in order). Resolves false if the signal aborts first: that node must send nothing.
 */
export function staggerGate(staggerMs: number | undefined): (signal: AbortSignal) => Promise<boolean> {
  let next = 0;
  return async (signal) => {
    if (staggerMs && staggerMs > 0) {
      const now = Date.now();
      const at = Math.max(now, next);
      next = at + staggerMs;
      if (at > now) await sleep(at - now, signal).catch(() => undefined);
    }
    return !signal.aborted;
  };
}

/** The pause before batch `index` (none before the first); rejects if the signal aborts meanwhile. */
export function betweenBatches(
  index: number,
  rolling: Rolling | undefined,
  signal: AbortSignal,
): Promise<void> {
  const ms = rolling?.batchDelayMs ?? 0;
  if (index === 0 || ms <= 0) return Promise.resolve();
  return sleep(ms, signal);
}
