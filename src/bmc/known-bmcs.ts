/**
 * The pin store for `tls: pin`, like ssh's known_hosts: one line per BMC address,
 *
 *     <host:port> <sha256 fingerprint, colon hex> [node names...]
 *
 * Trust on first use adds a line; a changed certificate is refused until `hwctl trust` updates the line.
 *
 * Several runs may write the file at once (`hwctl trust` of two ranges, first uses of two commands), so
 * every write takes the file's lock (file-lock.ts), reads the file again, applies this run's changes to
 * what is there now and writes: new entries are appended, anything else rewrites the file through a
 * temporary file and a rename. A run never writes back the view it loaded earlier, which lost the entries
 * other runs had written meanwhile. Changes made within BATCH_MS of each other, or while a write is in
 * progress, go out together in one write, so a 1,000-node `trust` takes a few dozen writes, not a thousand.
 */
import { writeFileAtomic } from '../core/state.js';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PinNotice } from '../engine/executor.js';
import { withFileLock } from './file-lock.js';

/** The warning for one certificate pinned on first use. */
export function pinnedMessage(p: PinNotice): string {
  return `Pinned the TLS certificate of ${p.hostport} (${p.node}) on first use: SHA256 ${p.fingerprint} (${p.file})`;
}

export const CERTIFICATE_PINS_HEADER =
  '# hwctl known BMC certificates (tls: pin). Format: <host:port> <SHA-256 fingerprint> [nodes]\n' +
  '# Managed by hwctl; `hwctl trust NODERANGE` adds or updates entries. Delete a line to forget a BMC.\n';

/** How long changes gather before a write. */
const BATCH_MS = 20;

interface Entry {
  fingerprint: string;
  names: string[];
}

/** What one write has to do: lines to append, or the whole file again. */
interface Changes {
  appended: string[];
  rewrite: boolean;
}

interface Pending {
  apply(entries: Map<string, Entry>, changes: Changes): unknown;
  resolve(value: unknown): void;
  reject(e: unknown): void;
}

export type SetStatus = { status: 'added' | 'updated' | 'unchanged'; previous?: string };

function line(host: string, e: Entry): string {
  return `${host} ${e.fingerprint}${e.names.length ? ' ' + e.names.join(' ') : ''}`;
}

/** Parse the file's text. A later line wins (older hwctl versions appended without a lock). */
export function parseKnownBmcs(text: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const raw of text.split('\n')) {
    const l = raw.trim();
    if (!l || l.startsWith('#')) continue;
    const [host, fingerprint, ...names] = l.split(/\s+/);
    if (host && fingerprint)
      entries.set(host.toLowerCase(), { fingerprint: normalizeFingerprint(fingerprint), names });
  }
  return entries;
}

export class KnownBmcs {
  /** The file as last read or written by this process. */
  private entries: Map<string, Entry> | undefined;
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    readonly file: string,
    /** The comment a new file starts with (what the file is; its format). */
    private readonly header = CERTIFICATE_PINS_HEADER,
  ) {}

  /** The file now: its entries, and what appended lines need first (a header, or an unended line's end). */
  private read(): { entries: Map<string, Entry>; appendPrefix: string } {
    let text = '';
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const appendPrefix = text === '' ? this.header : text.endsWith('\n') ? '' : '\n';
    return { entries: parseKnownBmcs(text), appendPrefix };
  }

  private load(): Map<string, Entry> {
    this.entries ??= this.read().entries;
    return this.entries;
  }

  /** The pinned fingerprint, as of this process's last read or write. */
  get(host: string): string | undefined {
    return this.load().get(host.toLowerCase())?.fingerprint;
  }

  /**
   * Trust on first use: pin `fingerprint` unless the BMC has a pin by now (another run, or another node
   * of this one, may have pinned it since we looked). Resolves with the pin in force and whether it is ours.
   */
  pinFirstUse(host: string, fingerprint: string, node: string): Promise<{ pinned: string; added: boolean }> {
    const key = host.toLowerCase();
    const fp = normalizeFingerprint(fingerprint);
    return this.queue((entries, changes) => {
      const existing = entries.get(key);
      if (existing) return { pinned: existing.fingerprint, added: false };
      const e = { fingerprint: fp, names: [node] };
      entries.set(key, e);
      changes.appended.push(line(key, e));
      return { pinned: fp, added: true };
    });
  }

  /** `hwctl trust`: set (add or replace) the entry for a BMC; the status is against the file as it is now. */
  set(host: string, fingerprint: string, node: string): Promise<SetStatus> {
    const key = host.toLowerCase();
    const fp = normalizeFingerprint(fingerprint);
    return this.queue((entries, changes): SetStatus => {
      const old = entries.get(key);
      if (!old) {
        const e = { fingerprint: fp, names: [node] };
        entries.set(key, e);
        changes.appended.push(line(key, e));
        return { status: 'added' };
      }
      if (old.fingerprint === fp) {
        if (!old.names.includes(node)) {
          old.names.push(node);
          changes.rewrite = true;
        }
        return { status: 'unchanged' };
      }
      entries.set(key, { fingerprint: fp, names: [node] });
      changes.rewrite = true;
      return { status: 'updated', previous: old.fingerprint };
    });
  }

  /** Resolves once the change is on disk. */
  private queue<R>(apply: (entries: Map<string, Entry>, changes: Changes) => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ apply, resolve: resolve as (v: unknown) => void, reject });
      // Wait a moment before the first write: the certificates of a fan-out arrive a few ms apart, and
      // each write re-reads the file (a 5,000-BMC trust written once per BMC rewrote it 5,000 times).
      this.flushing ??= sleep(BATCH_MS).then(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        let batch: Pending[] = [];
        try {
          mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
          const results = await withFileLock(this.file, () => {
            // Everything queued until the lock was ours goes in this write.
            batch = this.pending.splice(0);
            const now = this.read();
            const changes: Changes = { appended: [], rewrite: false };
            const out = batch.map((op) => op.apply(now.entries, changes));
            this.write(now.entries, changes, now.appendPrefix);
            this.entries = now.entries;
            return out;
          });
          batch.forEach((op, i) => op.resolve(results[i]));
        } catch (e) {
          for (const op of batch.length ? batch : this.pending.splice(0)) op.reject(e);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** Called holding the lock. */
  private write(entries: Map<string, Entry>, changes: Changes, appendPrefix: string): void {
    if (changes.rewrite) {
      const lines = [...entries].map(([host, e]) => line(host, e));
      writeFileAtomic(this.file, this.header + lines.join('\n') + '\n');
    } else if (changes.appended.length > 0) {
      const text = appendPrefix + changes.appended.join('\n') + '\n';
      appendFileSync(this.file, text, { mode: 0o600 });
    }
  }
}

/** Upper-case colon hex (what Node's `fingerprint256` and `openssl x509 -fingerprint -sha256` print). */
export function normalizeFingerprint(fp: string): string {
  const hex = fp
    .replace(/^sha256[:=]?/i, '')
    .replace(/[^0-9a-f]/gi, '')
    .toUpperCase();
  return hex.match(/.{1,2}/g)?.join(':') ?? '';
}

const stores = new Map<string, KnownBmcs>();

/** The store for a file, shared by every node of the process (one load, one write queue). */
export function knownBmcs(file: string, header?: string): KnownBmcs {
  let s = stores.get(file);
  if (!s) {
    s = new KnownBmcs(file, header);
    stores.set(file, s);
  }
  return s;
}

/** Forget loaded stores (tests that rewrite the file behind our back). */
export function resetKnownBmcsCache(): void {
  stores.clear();
}
