/**
 * Redfish sessions of one virtual BMC: X-Auth-Token login sessions with an idle timeout and a
 * per-BMC limit. Expiry is checked when a session is used or counted (no timers), so an idle fleet
 * costs nothing.
 */
import { randomBytes } from 'node:crypto';
import type { SimClock } from '../clock.js';

export interface Session {
  id: string;
  token: string;
  username: string;
  created: number;
  lastUsed: number;
}

export class SessionStore {
  private readonly byToken = new Map<string, Session>();
  private readonly byId = new Map<string, Session>();

  constructor(
    private readonly clock: SimClock,
    /** Idle time after which a session is gone. */
    public timeoutMs: number,
    readonly limit: number,
    /** The `sessionsFull` fault: the table counts as full whatever it holds. */
    private readonly full: () => boolean = () => false,
  ) {}

  /** Drops sessions idle for longer than the timeout. */
  private purge(): void {
    const now = this.clock.now();
    for (const s of this.byId.values()) if (now - s.lastUsed > this.timeoutMs) this.remove(s);
  }

  private remove(s: Session): void {
    this.byId.delete(s.id);
    this.byToken.delete(s.token);
  }

  count(): number {
    this.purge();
    return this.byId.size;
  }

  /** A new session, or undefined when the limit is reached. */
  create(username: string): Session | undefined {
    this.purge();
    if (this.byId.size >= this.limit || this.full()) return undefined;
    const now = this.clock.now();
    let id: string;
    do id = randomBytes(8).toString('hex');
    while (this.byId.has(id));
    const s: Session = { id, token: randomBytes(16).toString('hex'), username, created: now, lastUsed: now };
    this.byId.set(id, s);
    this.byToken.set(s.token, s);
    return s;
  }

  /** The live session of a token; using it resets its idle timer. */
  touch(token: string): Session | undefined {
    const s = this.byToken.get(token);
    if (!s) return undefined;
    const now = this.clock.now();
    if (now - s.lastUsed > this.timeoutMs) {
      this.remove(s);
      return undefined;
    }
    s.lastUsed = now;
    return s;
  }

  get(id: string): Session | undefined {
    this.purge();
    return this.byId.get(id);
  }

  list(): Session[] {
    this.purge();
    return [...this.byId.values()].sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
  }

  delete(id: string): boolean {
    const s = this.byId.get(id);
    if (!s) return false;
    this.remove(s);
    return true;
  }

  clear(): void {
    this.byId.clear();
    this.byToken.clear();
  }
}
