/**
 * The per-BMC in-flight cap: at most N requests to one BMC origin at once, process-wide, on top of
 * the engine's global fan-out. Queued requests wait here (their timeouts start only when they get
 * a slot) and leave the queue when their node's signal aborts.
 *
 * Slots beyond the first open only for a real queue (BACKLOG requests waiting): each slot is a
 * keep-alive connection, and a new connection is a full TLS handshake on both ends — ~1.2 ms of
 * hwctl's CPU, and tens of milliseconds of a BMC's small ARM core. A second connection saves at most
 * one latency for each two requests queued, so one or two reads waiting behind another (rvitals' two
 * expanded reads, rinv's storage/manager/firmware reads on a BMC with $expand) stay on the open
 * connection, while a queue of member reads (rinv or rvitals on a BMC without $expand, read four at a
 * time) gets the second one. Measured at 1,000 BMCs in docs/performance.md.
 */

/** Requests that must be waiting before a slot beyond the first (another connection) opens. */
export const BACKLOG = 3;

export class Limiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  /** How to fail each waiter (failWaiting), by its grant function. */
  private readonly fails = new Map<() => void, (reason: unknown) => void>();

  constructor(public max: number) {}

  /** Wait for a slot; resolves with its release function. */
  acquire(signal?: AbortSignal | null): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.active--;
      this.queue.shift()?.();
    };
    if (this.active === 0) {
      this.active++;
      return Promise.resolve(release);
    }
    const granted = new Promise<() => void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.fails.delete(grant);
        this.active++;
        resolve(release);
      };
      const fail = (reason: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        this.fails.delete(grant);
        const i = this.queue.indexOf(grant);
        if (i >= 0) this.queue.splice(i, 1);
        reject(reason);
      };
      const onAbort = () => fail(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.fails.set(grant, fail);
      this.queue.push(grant);
    });
    // A queue has built up and a slot is free: open it for the oldest waiter.
    if (this.active < this.max && this.queue.length >= BACKLOG) this.queue.shift()!();
    return granted;
  }

  /**
   * Fail every request waiting for a slot with `reason`: the BMC did not accept a connection within the
   * connect timeout, and each waiter would otherwise wait for that timeout in turn before trying its own
   * (3 nodes on one dead address took 3 × 5 s). Requests already in flight are left to their own timeouts.
   */
  failWaiting(reason: unknown): void {
    for (const fail of [...this.fails.values()]) fail(reason);
  }

  get inFlight(): number {
    return this.active;
  }
}

const limiters = new Map<string, Limiter>();

/** The limiter of a BMC origin (the cap of the latest caller applies). */
export function limiterFor(origin: string, max: number): Limiter {
  let l = limiters.get(origin);
  if (!l) {
    l = new Limiter(max);
    limiters.set(origin, l);
  } else if (l.max !== max) {
    l.max = max;
  }
  return l;
}
