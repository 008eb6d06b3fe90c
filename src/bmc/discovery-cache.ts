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
 *
 * Stored compactly (version 2): a fleet's BMCs of one firmware have the same service root but for their
 * UUID, so the file keeps each distinct root once (`roots`) and an entry names its root by index and carries
 * its own UUID. At 10,000 BMCs that is ~0.3 KB per entry instead of ~1.3 KB, on disk and, what matters
 * more, in the memory of every run that reads it (docs/performance.md). Version 1 files are read as well.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../core/state.js';
import { withFileLock } from './file-lock.js';
import type { RedfishResource } from './types.js';

export const TTL_MS = 24 * 3600 * 1000;
/** About 0.3 KB per entry (roots shared): 20,000 entries is a ~6 MB file, read in a few tens of ms. */
export const MAX_ENTRIES = 20_000;
const VERSION = 2;

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

/** An entry as stored: its root is `roots[r]` with `uuid` as its UUID. */
type StoredEntry = Omit<DiscoveryEntry, 'root'> & { r: number; uuid?: string };

interface FileShape {
  version: 2;
  roots: RedfishResource[];
  entries: Record<string, StoredEntry>;
}

/** The file's content in memory: shared roots and compact entries. */
interface Stored {
  roots: RedfishResource[];
  /** JSON of each root → its index, to share the root of a new entry. */
  index: Map<string, number>;
  entries: Record<string, StoredEntry>;
}

function emptyStore(): Stored {
  return { roots: [], index: new Map(), entries: {} };
}

/** Store `entry` in `store`, sharing its root with the entries that have the same one. */
function encode(store: Stored, entry: DiscoveryEntry): StoredEntry {
  const { root, ...rest } = entry;
  const { UUID, ...shape } = root;
  const json = JSON.stringify(shape);
  let r = store.index.get(json);
  if (r === undefined) {
    r = store.roots.push(shape) - 1;
    store.index.set(json, r);
  }
  return { ...rest, r, ...(typeof UUID === 'string' ? { uuid: UUID } : {}) };
}

/** The entry as the client uses it: a fresh object (the client may annotate it), its root rebuilt. */
function decode(store: Stored, e: StoredEntry): DiscoveryEntry | undefined {
  const shape = store.roots[e.r];
  if (!shape) return undefined;
  const { r: _r, uuid, ...rest } = e;
  return { ...rest, root: { ...shape, ...(uuid !== undefined ? { UUID: uuid } : {}) } };
}

/** Only the roots some entry still uses, renumbered (entries dropped or evicted leave theirs behind). */
function compact(store: Stored): FileShape {
  const used = new Set<number>();
  for (const e of Object.values(store.entries)) used.add(e.r);
  if (used.size === store.roots.length)
    return { version: VERSION, roots: store.roots, entries: store.entries };
  const out = emptyStore();
  const entries: Record<string, StoredEntry> = {};
  for (const [k, e] of Object.entries(store.entries)) {
    const d = decode(store, e);
    if (d) entries[k] = encode(out, d);
  }
  return { version: VERSION, roots: out.roots, entries };
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

function parse(text: string): Stored {
  const doc = JSON.parse(text) as { version?: unknown; roots?: unknown; entries?: unknown };
  if (typeof doc !== 'object' || doc === null || typeof doc.entries !== 'object' || doc.entries === null)
    throw new Error('not a hwctl discovery cache');
  if (doc.version === 1) {
    // The first format kept each entry's whole root: share them now.
    const store = emptyStore();
    for (const [k, e] of Object.entries(doc.entries as Record<string, DiscoveryEntry>))
      if (e && typeof e.root === 'object' && e.root !== null) store.entries[k] = encode(store, e);
    return store;
  }
  if (doc.version !== VERSION || !Array.isArray(doc.roots))
    throw new Error('not a hwctl discovery cache of this version');
  const roots = doc.roots as RedfishResource[];
  // The index is built only when an entry is added (flush), not for a read-only warm run.
  return { roots, index: new Map(), entries: doc.entries as Record<string, StoredEntry> };
}

function indexed(store: Stored): Stored {
  if (store.index.size === 0) store.roots.forEach((root, i) => store.index.set(JSON.stringify(root), i));
  return store;
}

export class DiscoveryCache {
  private store: Stored | undefined;
  /**
   * This run's changes: a new entry, or undefined for a dropped one. Kept stored (roots shared in
   * `pending`): a first run over 10,000 BMCs holds 10,000 new entries until its end.
   */
  private changes = new Map<string, StoredEntry | undefined>();
  private pending = emptyStore();
  private corrupt = false;

  constructor(
    readonly file: string,
    /** The current run's warning sink (set by discoveryCache()). */
    public warn: (m: string) => void = () => undefined,
  ) {}

  private read(): Stored {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyStore();
      this.warnOnce(`cannot read the discovery cache ${this.file} (${(e as Error).message}): not using it`);
      return emptyStore();
    }
    try {
      return parse(text);
    } catch (e) {
      this.corrupt = true;
      this.warnOnce(
        `the discovery cache ${this.file} is unreadable (${(e as Error).message}): ignored, and rewritten at the end of this run`,
      );
      return emptyStore();
    }
  }

  private warned = false;
  private warnOnce(m: string): void {
    if (!this.warned) this.warn(m);
    this.warned = true;
  }

  /** The entry for `key` if it is fresh (the certificate is the client's to check). */
  get(key: string, now = Date.now()): DiscoveryEntry | undefined {
    if (this.changes.has(key)) {
      const e = this.changes.get(key);
      return e && decode(this.pending, e);
    }
    this.store ??= this.read();
    const e = this.store.entries[key];
    if (!e || typeof e.at !== 'number' || now - e.at >= TTL_MS || now < e.at) return undefined;
    return decode(this.store, e);
  }

  set(key: string, entry: DiscoveryEntry): void {
    this.changes.set(key, encode(this.pending, entry));
  }

  drop(key: string): void {
    this.changes.set(key, undefined);
  }

  /** Write this run's changes: under the lock, merged into the file as it is now. */
  async flush(): Promise<void> {
    if (this.changes.size === 0 && !this.corrupt) return;
    const changes = this.changes;
    const pending = this.pending;
    this.changes = new Map();
    this.pending = emptyStore();
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 }); // the lock file goes beside it
      await withFileLock(this.file, () => {
        this.corrupt = false;
        const store = indexed(this.read());
        const now = store.entries;
        for (const [k, e] of changes) {
          const d = e && decode(pending, e);
          if (d) now[k] = encode(store, d);
          else delete now[k];
        }
        const keys = Object.keys(now);
        if (keys.length > MAX_ENTRIES) {
          keys.sort((a, b) => now[a]!.at - now[b]!.at);
          for (const k of keys.slice(0, keys.length - MAX_ENTRIES)) delete now[k];
        }
        writeFileAtomic(this.file, JSON.stringify(compact(store)));
        this.store = store;
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
