/**
 * Login sessions of one virtual BMC, shared by both frontends: a per-BMC limit (beyond which login
 * fails, as on real BMCs) and an idle timeout measured on the machine's clock.
 *
 * Expired sessions are dropped lazily, whenever the store is consulted, so no timer runs per BMC.
 */
import { randomBytes } from 'node:crypto';
import type { SimClock } from './clock.js';

export interface SimSession {
  /** Short id used in URLs (Redfish `Sessions/<id>`). */
  id: string;
  /** Secret sent back by the client (X-Auth-Token, or the OpenBMC cookie value). */
  token: string;
  username: string;
  created: number;
  lastUsed: number;
  /** Free per-frontend data (e.g. Redfish session Context, client address). */
  meta: Record<string, string>;
}

export interface SessionStoreOptions {
  clock: SimClock;
  /** Maximum concurrent sessions; login beyond it fails. */
  limit: number;
  /** Idle time after which a session is gone. */
  idleTimeoutMs: number;
  /** The `sessionsFull` fault: the table counts as full whatever it holds. */
  full?: () => boolean;
}

export type CreateSessionResult = { ok: true; session: SimSession } | { ok: false; reason: 'limit' };

export class SessionStore {
  private readonly byToken = new Map<string, SimSession>();
  private nextId = 1;

  constructor(private readonly opts: SessionStoreOptions) {}

  get limit(): number {
    return this.opts.limit;
  }

  get idleTimeoutMs(): number {
    return this.opts.idleTimeoutMs;
  }

  create(username: string, meta: Record<string, string> = {}): CreateSessionResult {
    this.purge();
    if (this.byToken.size >= this.opts.limit || this.opts.full?.()) return { ok: false, reason: 'limit' };
    const now = this.opts.clock.now();
    const session: SimSession = {
      id: `${this.nextId++}${randomBytes(3).toString('hex')}`,
      token: randomBytes(16).toString('hex'),
      username,
      created: now,
      lastUsed: now,
      meta,
    };
    this.byToken.set(session.token, session);
    return { ok: true, session };
  }

  /** Finds a live session by token and marks it used. */
  touch(token: string): SimSession | undefined {
    const s = this.byToken.get(token);
    if (!s) return undefined;
    const now = this.opts.clock.now();
    if (now - s.lastUsed >= this.opts.idleTimeoutMs) {
      this.byToken.delete(token);
      return undefined;
    }
    s.lastUsed = now;
    return s;
  }

  byId(id: string): SimSession | undefined {
    this.purge();
    for (const s of this.byToken.values()) if (s.id === id) return s;
    return undefined;
  }

  deleteById(id: string): boolean {
    const s = this.byId(id);
    return s ? this.byToken.delete(s.token) : false;
  }

  deleteByToken(token: string): boolean {
    return this.byToken.delete(token);
  }

  list(): SimSession[] {
    this.purge();
    return [...this.byToken.values()];
  }

  count(): number {
    this.purge();
    return this.byToken.size;
  }

  /** Drops every session (fault `expired sessions`, BMC reboot). */
  clear(): void {
    this.byToken.clear();
  }

  private purge(): void {
    if (this.byToken.size === 0) return;
    const now = this.opts.clock.now();
    for (const [token, s] of this.byToken)
      if (now - s.lastUsed >= this.opts.idleTimeoutMs) this.byToken.delete(token);
  }
}
