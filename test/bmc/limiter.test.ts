import { describe, expect, it } from '@jest/globals';
import { BACKLOG, Limiter } from '../../src/bmc/limiter.js';

/** Settle pending promise callbacks. */
const tick = () => new Promise((r) => setImmediate(r));

describe('Limiter: per-BMC slots, beyond the first only for a queue', () => {
  it('a single request waiting behind another stays on the open slot (no second connection)', async () => {
    const l = new Limiter(2);
    const first = await l.acquire();
    let secondGranted = false;
    const second = l.acquire().then((r) => ((secondGranted = true), r));
    await tick();
    expect(l.inFlight).toBe(1);
    expect(secondGranted).toBe(false);
    first();
    (await second)();
    expect(secondGranted).toBe(true);
    expect(l.inFlight).toBe(0);
  });

  it(`${BACKLOG - 1} waiting keep one slot; the ${BACKLOG}th opens the second for the oldest waiter`, async () => {
    const l = new Limiter(2);
    await l.acquire();
    const order: number[] = [];
    for (let i = 0; i < BACKLOG - 1; i++) void l.acquire().then(() => order.push(i));
    await tick();
    expect(l.inFlight).toBe(1);
    expect(order).toEqual([]);
    void l.acquire().then(() => order.push(BACKLOG - 1));
    await tick();
    expect(l.inFlight).toBe(2);
    expect(order).toEqual([0]);
  });

  it('never goes beyond the cap, and drains the queue in order as slots free up', async () => {
    const l = new Limiter(3);
    const granted: Array<() => void> = [];
    const order: number[] = [];
    for (let i = 0; i < 8; i++) {
      void l.acquire().then((release) => {
        order.push(i);
        granted.push(release);
      });
    }
    await tick();
    expect(l.inFlight).toBe(3);
    while (order.length < 8) {
      granted.shift()!();
      await tick();
      expect(l.inFlight).toBeLessThanOrEqual(3);
    }
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('a cap of 1 serializes whatever the queue', async () => {
    const l = new Limiter(1);
    const release = await l.acquire();
    const waiters = [l.acquire(), l.acquire(), l.acquire()];
    await tick();
    expect(l.inFlight).toBe(1);
    release();
    (await waiters[0]!)();
    (await waiters[1]!)();
    (await waiters[2]!)();
    expect(l.inFlight).toBe(0);
  });

  it('an aborted waiter leaves the queue and is not counted towards a backlog', async () => {
    const l = new Limiter(2);
    const release = await l.acquire();
    const ac = new AbortController();
    const aborted = l.acquire(ac.signal);
    const others = Array.from({ length: BACKLOG - 2 }, () => l.acquire());
    ac.abort(new Error('deadline'));
    await expect(aborted).rejects.toThrow('deadline');
    others.push(l.acquire()); // BACKLOG - 1 waiting again
    await tick();
    expect(l.inFlight).toBe(1);
    release();
    for (const w of others) (await w)();
    expect(l.inFlight).toBe(0);
  });

  it('a released slot is not released twice', async () => {
    const l = new Limiter(2);
    const release = await l.acquire();
    release();
    release();
    expect(l.inFlight).toBe(0);
  });
});
