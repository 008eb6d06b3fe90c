/**
 * The pin store for `tls: pin`, like ssh's known_hosts: one line per BMC address,
 *
 *     <host:port> <sha256 fingerprint, colon hex> [node names...]
 *
 * Trust on first use appends a line; a changed certificate is refused until `hwctl trust` updates
 * the line. Loaded once per process; appends are single O_APPEND writes, so concurrent runs are safe;
 * updates rewrite the file through a temporary file and a rename.
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const HEADER =
  '# hwctl known BMC certificates (tls: pin). Format: <host:port> <SHA-256 fingerprint> [nodes]\n' +
  '# Managed by hwctl; `hwctl trust NODERANGE` adds or updates entries. Delete a line to forget a BMC.\n';

interface Entry {
  fingerprint: string;
  names: string[];
}

export class KnownBmcs {
  private entries: Map<string, Entry> | undefined;

  constructor(readonly file: string) {}

  private load(): Map<string, Entry> {
    if (this.entries) return this.entries;
    const entries = new Map<string, Entry>();
    let text = '';
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const [host, fingerprint, ...names] = line.split(/\s+/);
      // A later line wins (several processes may have appended the same BMC).
      if (host && fingerprint)
        entries.set(host.toLowerCase(), { fingerprint: normalizeFingerprint(fingerprint), names });
    }
    this.entries = entries;
    return entries;
  }

  get(host: string): string | undefined {
    return this.load().get(host.toLowerCase())?.fingerprint;
  }

  /** Trust on first use: record a BMC that has no entry yet. */
  add(host: string, fingerprint: string, node: string): void {
    const entries = this.load();
    const fp = normalizeFingerprint(fingerprint);
    entries.set(host.toLowerCase(), { fingerprint: fp, names: [node] });
    this.ensureDir();
    let fresh = false;
    try {
      readFileSync(this.file);
    } catch {
      fresh = true;
    }
    appendFileSync(this.file, `${fresh ? HEADER : ''}${host.toLowerCase()} ${fp} ${node}\n`, { mode: 0o600 });
  }

  /** `hwctl trust`: set (add or replace) the entry for a BMC. */
  set(
    host: string,
    fingerprint: string,
    node: string,
  ): { status: 'added' | 'updated' | 'unchanged'; previous?: string } {
    const entries = this.load();
    const key = host.toLowerCase();
    const fp = normalizeFingerprint(fingerprint);
    const old = entries.get(key);
    if (old && old.fingerprint === fp) {
      if (old.names.includes(node)) return { status: 'unchanged' };
      old.names.push(node);
    } else {
      entries.set(key, { fingerprint: fp, names: [node] });
    }
    this.rewrite();
    if (!old) return { status: 'added' };
    return old.fingerprint === fp
      ? { status: 'unchanged' }
      : { status: 'updated', previous: old.fingerprint };
  }

  private rewrite(): void {
    this.ensureDir();
    const lines = [...this.load()].map(
      ([host, e]) => `${host} ${e.fingerprint}${e.names.length ? ' ' + e.names.join(' ') : ''}`,
    );
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, HEADER + lines.join('\n') + '\n', { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  private ensureDir(): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
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

/** The store for a file, shared by every node of the process (one load, one view). */
export function knownBmcs(file: string): KnownBmcs {
  let s = stores.get(file);
  if (!s) {
    s = new KnownBmcs(file);
    stores.set(file, s);
  }
  return s;
}

/** Forget loaded stores (tests that rewrite the file behind our back). */
export function resetKnownBmcsCache(): void {
  stores.clear();
}
