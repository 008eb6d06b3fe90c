/**
 * The per-BMC in-flight cap: at most N requests to one BMC origin at once, process-wide, on top of
 * the engine's global fan-out. Queued requests wait here (their timeouts start only when they get
 * a slot) and leave the queue when their node's signal aborts.
 */

export class Limiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];

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
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.active++;
        resolve(release);
      };
      const onAbort = () => {
        const i = this.queue.indexOf(grant);
        if (i >= 0) this.queue.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(grant);
    });
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
