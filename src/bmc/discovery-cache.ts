/**
 * The discovery cache: what a Redfish BMC said about itself that does not change from one run to the next
 * (the service root's links and identity, which System/Manager/Chassis is the node's, whether Basic is the
 * auth to use, facts a reader memoised such as ActionInfo's AllowableValues or the vendor a Manager names),
 * kept across invocations so that a warm `rpower stat` sends one request per node instead of five.
 *
 * Never in it: passwords, session tokens or any live value (power state, health, readings): the file holds
 * only what the client hands `save()`, and the client hands only discovery facts (docs/security.md).
 *
 * One JSON file, `$XDG_STATE_HOME/hwctl/discovery_cache.json` (next to known_bmcs), an object of entries
 * keyed by `<origin> <system:>` (blades of one enclosure share an origin). An entry is used only while
 *  - it is younger than TTL_MS (24 h), and
 *  - the BMC still presents the certificate it had (checked by the client on its first answer), and
 *  - no cached path answers 404 (then the client rediscovers once, in the same run).
 * A run reads the file once and writes its changes once, at its end (flushDiscoveryCaches), under the
 * file's lock (file-lock.ts, as known_bmcs): the file is read again, this run's changes merged into what is
 * there now, the oldest entries beyond MAX_ENTRIES dropped, and the result renamed into place. Two runs at
 * once therefore never lose each other's entries, and a reader never sees half a file. A corrupt file is
 * ignored with one warning and rewritten.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../core/state.js';
import { withFileLock } from './file-lock.js';
import type { RedfishResource } from './types.js';

export const TTL_MS = 24 * 3600 * 1000;
/** About 1 KB per entry: 20,000 entries is a 20 MB file at most, read in ~0.1 s. */
export const MAX_ENTRIES = 20_000;
const VERSION = 1;

export interface DiscoveryEntry {
  /** SHA-256 fingerprint of the certificate the facts were read through ('' over plain HTTP). */
  fp: string;
  /** When the facts were discovered (ms since the epoch): the TTL and eviction run on it. */
  at: number;
  /** The service root, trimmed to what the client reads (links, identity, protocol features). */
  root: RedfishResource;
  /** `basic` when `auth: auto` found no usable SessionService; `session` otherwise. */
  auth?: 'session' | 'basic';
  /** Basic answered a request with 2xx (so a command that prefers Basic may use it at once). */
  basicWorks?: boolean;
  sessions?: string;
  system?: string;
  manager?: string;
  chassis?: string[];
  /** Facts memoised by readers (client.remember): JSON values, never live readings. */
  memo?: Record<string, unknown>;
}

interface FileShape {
  version: number;
  entries: Record<string, DiscoveryEntry>;
}

export function defaultDiscoveryCachePath(stateDir: string): string {
  return join(stateDir, 'discovery_cache.json');
}

/** The service root keys a Redfish client reads (plus every link): the rest (Oem bodies) is left out. */
const ROOT_KEYS = new Set([
  '@odata.id',
  'Id',
  'RedfishVersion',
  'UUID',
  'Vendor',
  'Product',
  'ProtocolFeaturesSupported',
  'Links',
]);

export function trimRoot(root: RedfishResource): RedfishResource {
  const out: RedfishResource = {};
  for (const [k, v] of Object.entries(root)) {
    const link = typeof v === 'object' && v !== null && '@odata.id' in v;
    if (ROOT_KEYS.has(k) || link) out[k] = v;
    // Vendor detection reads only the Oem keys (quirks.ts vendorOfRoot).
    else if (k === 'Oem' && typeof v === 'object' && v !== null)
      out.Oem = Object.fromEntries(Object.keys(v).map((o) => [o, {}]));
  }
  return out;
}

function parse(text: string): Record<string, DiscoveryEntry> {
  const doc = JSON.parse(text) as FileShape;
  if (typeof doc !== 'object' || doc === null || doc.version !== VERSION || typeof doc.entries !== 'object')
    throw new Error('not a hwctl discovery cache of this version');
  return doc.entries;
}

export class DiscoveryCache {
  private entries: Record<string, DiscoveryEntry> | undefined;
  /** This run's changes: a new entry, or undefined for a dropped one. */
  private readonly changes = new Map<string, DiscoveryEntry | undefined>();
  private corrupt = false;

  constructor(
    readonly file: string,
    /** The current run's warning sink (set by discoveryCache()). */
    public warn: (m: string) => void = () => undefined,
  ) {}

  private read(): Record<string, DiscoveryEntry> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      this.warnOnce(`cannot read the discovery cache ${this.file} (${(e as Error).message}): not using it`);
      return {};
    }
    try {
      return parse(text);
    } catch (e) {
      this.corrupt = true;
      this.warnOnce(
        `the discovery cache ${this.file} is unreadable (${(e as Error).message}): ignored, and rewritten at the end of this run`,
      );
      return {};
    }
  }

  private warned = false;
  private warnOnce(m: string): void {
    if (!this.warned) this.warn(m);
    this.warned = true;
  }

  /** The entry for `key` if it is fresh (the certificate is the client's to check). */
  get(key: string, now = Date.now()): DiscoveryEntry | undefined {
    if (this.changes.has(key)) return this.changes.get(key);
    this.entries ??= this.read();
    const e = this.entries[key];
    if (!e || typeof e.at !== 'number' || now - e.at >= TTL_MS || now < e.at) return undefined;
    return e;
  }

  set(key: string, entry: DiscoveryEntry): void {
    this.changes.set(key, entry);
  }

  drop(key: string): void {
    this.changes.set(key, undefined);
  }

  /** Write this run's changes: under the lock, merged into the file as it is now. */
  async flush(): Promise<void> {
    if (this.changes.size === 0 && !this.corrupt) return;
    const changes = new Map(this.changes);
    this.changes.clear();
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 }); // the lock file goes beside it
      await withFileLock(this.file, () => {
        this.corrupt = false;
        const now = this.read();
        for (const [k, e] of changes) {
          if (e) now[k] = e;
          else delete now[k];
        }
        const keys = Object.keys(now);
        if (keys.length > MAX_ENTRIES) {
          keys.sort((a, b) => now[a]!.at - now[b]!.at);
          for (const k of keys.slice(0, keys.length - MAX_ENTRIES)) delete now[k];
        }
        writeFileAtomic(this.file, JSON.stringify({ version: VERSION, entries: now } satisfies FileShape));
        this.entries = now;
      });
    } catch (e) {
      // A cache that cannot be written costs the next run its discovery requests, nothing else.
      this.warnOnce(`cannot write the discovery cache ${this.file}: ${(e as Error).message}`);
    }
  }
}

const caches = new Map<string, DiscoveryCache>();

/** The cache for a file, shared by every node of the process (one read, one write per run). */
export function discoveryCache(file: string, warn?: (m: string) => void): DiscoveryCache {
  let c = caches.get(file);
  if (!c) {
    c = new DiscoveryCache(file);
    caches.set(file, c);
  }
  if (warn) c.warn = warn;
  return c;
}

/** Write every cache's changes (end of a run). */
export async function flushDiscoveryCaches(): Promise<void> {
  await Promise.all([...caches.values()].map((c) => c.flush()));
}

/** Forget loaded caches (tests that rewrite the file, or run as another process would). */
export function resetDiscoveryCaches(): void {
  caches.clear();
}
