import { describe, it, expect } from '@jest/globals';
import { ManualClock } from '../../src/sim/clock.js';
import { SessionStore } from '../../src/sim/sessions.js';
import { FleetStats, endpointKey } from '../../src/sim/stats.js';

describe('SessionStore', () => {
  it('enforces the limit and expires idle sessions, renewing on use', () => {
    const clock = new ManualClock();
    const store = new SessionStore({ clock, limit: 2, idleTimeoutMs: 1000 });
    const a = store.create('root');
    const b = store.create('root');
    expect(a.ok && b.ok).toBe(true);
    expect(store.create('root')).toEqual({ ok: false, reason: 'limit' });
    if (!a.ok || !b.ok) throw new Error('unreachable');
    expect(a.session.token).not.toBe(b.session.token);
    clock.advance(900);
    expect(store.touch(a.session.token)?.id).toBe(a.session.id);
    clock.advance(200);
    // b idled 1100 ms: gone; a was used 200 ms ago: alive
    expect(store.touch(b.session.token)).toBeUndefined();
    expect(store.count()).toBe(1);
    expect(store.create('root').ok).toBe(true);
    expect(store.deleteById(a.session.id)).toBe(true);
    expect(store.count()).toBe(1);
    store.clear();
    expect(store.count()).toBe(0);
  });
});

describe('FleetStats', () => {
  it('folds ids in endpoint keys and computes a rate over the recent window', () => {
    expect(endpointKey('GET', '/redfish/v1/Systems/1/LogServices/Log/Entries/17')).toBe(
      'GET /redfish/v1/Systems/{n}/LogServices/Log/Entries/{n}',
    );
    expect(endpointKey('GET', '/xyz/openbmc_project/software/3f2a9b1c')).toBe(
      'GET /xyz/openbmc_project/software/{id}',
    );
    let now = 1_000_000;
    const stats = new FleetStats(() => now);
    for (let s = 0; s < 5; s++) {
      for (let i = 0; i < 100; i++) stats.request('n1', 'GET', '/x');
      now += 1000;
    }
    expect(stats.rate()).toBe(100);
    now += 20_000;
    expect(stats.rate()).toBe(0);
    expect(stats.total).toBe(500);
  });
});
