/**
 * Waiting for a BMC to reach a state: signal-aware sleep and a bounded polling loop.
 *
 * Shared by the managers (`rpower --wait`, the off-then-on reset, `bmcstate --wait`). Every wait honours
 * the node's AbortSignal, so a node deadline or Ctrl-C ends a wait at once instead of after the next poll.
 */

/** Sleep `ms`, rejecting with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface PollOptions<T> {
  /** Read the current value (one BMC round trip). */
  read(): Promise<T>;
  /** True when the wait is over. */
  done(value: T): boolean;
  /** Give up after this long (ms), counted from the start of the poll. */
  timeoutMs: number;
  intervalMs: number;
  signal: AbortSignal;
  /** Sleep one interval before the first read (the BMC needs a moment to start a transition). */
  delayFirst?: boolean;
  /** Called with every value read (e.g. to report transitional states). */
  onValue?(value: T): void;
  /**
   * A read that throws: return true to keep polling (e.g. a BMC that is rebooting drops connections),
   * false to end the wait with that error. Default: stop.
   */
  tolerate?(error: unknown): boolean;
}

export type PollOutcome<T> =
  | { reached: true; value: T; elapsedMs: number }
  /** `value` is the last value read, or undefined when every read failed (`error` is the last failure). */
  | { reached: false; value: T | undefined; error?: unknown; elapsedMs: number };

/** Poll `read()` every `intervalMs` until `done(value)` or `timeoutMs` has passed. */
export async function pollUntil<T>(o: PollOptions<T>): Promise<PollOutcome<T>> {
  const started = Date.now();
  let last: T | undefined;
  let lastError: unknown;
  if (o.delayFirst) await sleep(Math.min(o.intervalMs, o.timeoutMs), o.signal);
  for (;;) {
    try {
      const value = await o.read();
      last = value;
      lastError = undefined;
      o.onValue?.(value);
      if (o.done(value)) return { reached: true, value, elapsedMs: Date.now() - started };
    } catch (e) {
      if (o.signal.aborted || !o.tolerate?.(e)) throw e;
      lastError = e;
    }
    const left = o.timeoutMs - (Date.now() - started);
    if (left <= 0) {
      const outcome: PollOutcome<T> = { reached: false, value: last, elapsedMs: Date.now() - started };
      if (lastError !== undefined) outcome.error = lastError;
      return outcome;
    }
    await sleep(Math.min(o.intervalMs, left), o.signal);
  }
}

/** `12.4 s`: how xCAT-style output shows a duration. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
