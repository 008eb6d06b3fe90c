/**
 * Injectable time for the simulator.
 *
 * Everything time-dependent in a virtual BMC (power transitions, BMC reboot, update jobs, session
 * idle expiry, sensor drift, log timestamps) reads `now()` and schedules through `setTimer()`, so
 * tests can drive a `ManualClock` step by step and get the same result on every run.
 */

export interface SimTimer {
  cancel(): void;
}

export interface SimClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Run `fn` once after `ms` milliseconds. */
  setTimer(ms: number, fn: () => void): SimTimer;
}

/** Wall-clock time. Timers are unref'd: a pending transition never keeps the process alive. */
export const systemClock: SimClock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const handle = setTimeout(fn, Math.max(0, ms));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

interface PendingTimer {
  due: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that only moves when told to. `advance(ms)` runs the timers that fall due, in due order
 * (ties in scheduling order), with `now()` set to each timer's due time while it runs, so timers
 * scheduled by a timer also fire if they fall inside the same advance.
 */
export class ManualClock implements SimClock {
  private current: number;
  private seq = 0;
  private timers: PendingTimer[] = [];

  constructor(start = Date.UTC(2024, 0, 1, 0, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): SimTimer {
    const timer: PendingTimer = {
      due: this.current + Math.max(0, ms),
      seq: this.seq++,
      fn,
      cancelled: false,
    };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Move time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      const next = this.timers
        .filter((t) => t.due <= target)
        .sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.current = Math.max(this.current, next.due);
      next.fn();
    }
    this.current = target;
  }

  /** Timers not yet fired or cancelled (tests use it to prove nothing is left pending). */
  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}
