/**
 * A NodeContext whose BMC clients can be thrown away and made again.
 *
 * The BMC layer keeps one logged-in client per node per run in `ctx.shared`, and with it a failed login:
 * right for a one-shot command, wrong while polling a BMC that is rebooting or briefly unreachable, where
 * the next poll must log in again. Managers that poll hand executors `renewable.ctx` and call `renew()`
 * after an error they ride out; the next call then creates a fresh client (a new login). The clients made
 * before are closed at once (best effort, their sessions are usually gone with the reboot) and, as every
 * client, again by the cleanups the BMC layer registered with ctx.defer.
 */
import type { NodeContext } from '../engine/executor.js';

/**
 * Renewed keys are numbered across the process, not per instance: a RenewableContext may wrap another
 * (rflash's Flash runs rpower's PowerFlow inside its own), and per-instance numbers made the inner one's
 * first renewal and the outer one's the same key, so the outer got back a client the inner had closed.
 */
let renewals = 0;

export class RenewableContext {
  readonly ctx: NodeContext;
  /** '' until the first renew(): the base's own keys, so the clients made before are shared. */
  private suffix = '';
  private made: unknown[] = [];

  constructor(base: NodeContext) {
    this.ctx = {
      node: base.node,
      flavor: base.flavor,
      signal: base.signal,
      password: base.password,
      services: base.services,
      defer: (fn) => base.defer(fn),
      ...(base.recordQuirks ? { recordQuirks: (ids: readonly string[]) => base.recordQuirks!(ids) } : {}),
      forget: (key) => base.forget(key + this.suffix),
      shared: <T>(key: string, create: () => T): T => {
        const value = base.shared(key + this.suffix, create);
        if (!this.made.includes(value)) this.made.push(value);
        return value;
      },
    };
  }

  /** Forget the clients made so far: the next operation logs in again. */
  renew(): void {
    const old = this.made;
    this.made = [];
    this.suffix = `#renewed${++renewals}`;
    for (const value of old) {
      void Promise.resolve(value).then(closeQuietly, () => undefined);
    }
  }
}

function closeQuietly(client: unknown): void {
  const close = client && typeof client === 'object' ? (client as { close?: unknown }).close : undefined;
  if (typeof close !== 'function') return;
  try {
    void Promise.resolve(close.call(client)).catch(() => undefined);
  } catch {
    // a client that cannot close is closed again by its deferred cleanup
  }
}
