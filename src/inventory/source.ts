/**
 * A read-only view of the parsed YAML that keeps positions: every value we look at can be turned into
 * file:line:col. We walk the YAML node tree ourselves (never `toJS`) so that errors point at the key or
 * value concerned, including inside anchors, aliases and `<<` merge keys.
 */
import { append } from '../core/arrays.js';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { SourceLocation } from '../core/errors.js';

/** A problem found while reading the inventory; collected and reported together with its location. */
export class Invalid extends Error {
  constructor(
    message: string,
    readonly location: SourceLocation,
  ) {
    super(message);
  }
}

/**
 * Several independent problems found in one place (a node's keys): each is reported, not only the
 * first, so fixing an inventory takes one run, not one run per typo.
 */
export class InvalidSeveral extends Invalid {
  constructor(readonly problems: readonly Invalid[]) {
    super(problems[0]!.message, problems[0]!.location);
  }
}

/** Throws what `problems` holds: nothing, the one problem, or all of them as one InvalidSeveral. */
export function throwProblems(problems: readonly Invalid[]): void {
  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1) throw new InvalidSeveral(problems);
}

/**
 * Entries a mapping may hold once every `<<` merge is counted as copied out. Merges are computed once
 * per mapping, so hwctl itself does not blow up, but a file whose merges multiply (8 levels of
 * `<<: [*a, *a, …]` make 10^8) is a merge-key bomb, not an inventory: it is refused.
 */
export const MAX_MERGED_ENTRIES = 100_000;

export interface Entry {
  key: string;
  keyNode: Node;
  /** The value with aliases resolved; null for an empty value (`key:`). */
  value: Node | null;
  keyLocation: SourceLocation;
}

export class YamlSource {
  readonly doc: Document.Parsed;
  private readonly lines = new LineCounter();
  /** Each merge source's entries and merged size, computed once: a source merged 10 times is read once. */
  private readonly merged = new Map<Node, { entries: Entry[]; size: number }>();
  /** Mappings whose merges are being read, to refuse a mapping merged into itself. */
  private readonly merging = new Set<Node>();

  constructor(
    readonly content: string,
    readonly file: string,
  ) {
    // uniqueKeys off: duplicate keys are reported by `entries` with both locations.
    this.doc = parseDocument(content, {
      lineCounter: this.lines,
      prettyErrors: false, // pretty errors quote the source line, which may hold a password
      merge: true,
      uniqueKeys: false,
    });
  }

  at(offset: number): SourceLocation {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /** Where a node starts (falls back to the top of the file for synthetic nodes). */
  locate(node: Node | null | undefined): SourceLocation {
    const start = node?.range?.[0];
    return start === undefined ? { file: this.file, line: 1, col: 1 } : this.at(start);
  }

  /** Follow an alias (`*name`) to the node it names. */
  deref(node: Node | null | undefined): Node | null {
    if (node === null || node === undefined) return null;
    if (!isAlias(node)) return node;
    const target = node.resolve(this.doc);
    if (!target) throw new Invalid(`unknown alias '*${node.source}'`, this.locate(node));
    return target as Node;
  }

  /** True for an absent value, `~` or `null`. */
  isEmpty(node: Node | null): boolean {
    return node === null || (isScalar(node) && node.value === null);
  }

  /**
   * The entries of a mapping, `<<` merges applied (explicit keys win, as YAML specifies), duplicate keys
   * reported with both locations. `what` names the mapping in messages ("node 'x'", "defaults").
   * With `allowDuplicates`, every entry is returned and the caller reports duplicates in its own terms.
   */
  entries(node: Node | null, what: string, allowDuplicates = false): Entry[] {
    return this.mapping(node, what, allowDuplicates).entries;
  }

  /** A merge source's entries, computed once per mapping. */
  private mergeSource(node: Node | null, what: string): { entries: Entry[]; size: number } {
    const map = this.deref(node);
    if (map === null) return { entries: [], size: 0 };
    const known = this.merged.get(map);
    if (known) return known;
    if (this.merging.has(map))
      throw new Invalid(`${what}: a mapping is merged into itself`, this.locate(map));
    this.merging.add(map);
    try {
      const result = this.mapping(map, what, false);
      this.merged.set(map, result);
      return result;
    } finally {
      this.merging.delete(map);
    }
  }

  /** `entries`, with the size the mapping would have with its merges copied out. */
  private mapping(
    node: Node | null,
    what: string,
    allowDuplicates: boolean,
  ): { entries: Entry[]; size: number } {
    const map = this.deref(node);
    if (map === null || this.isEmpty(map)) return { entries: [], size: 0 };
    if (!isMap(map))
      throw new Invalid(`${what} must be a mapping (key: value), not ${describe(map)}`, this.locate(map));
    const own: Entry[] = [];
    const merged: Entry[] = [];
    let size = map.items.length;
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      if (isScalar(keyNode) && (keyNode.value === '<<' || typeof keyNode.value === 'symbol')) {
        const sources = this.deref(pair.value as Node | null);
        const list = sources && isSeq(sources) ? sources.items.map((s) => s as Node) : [sources];
        for (const source of list) {
          const m = this.mergeSource(source, `merge source for ${what}`);
          append(merged, m.entries);
          size += m.size;
        }
        if (size > MAX_MERGED_ENTRIES) {
          throw new Invalid(
            `${what}: merge keys (<<) expand to more than ${MAX_MERGED_ENTRIES.toLocaleString('en-US')} entries ` +
              '(merges of merges multiply; is this a merge-key bomb?)',
            this.locate(keyNode),
          );
        }
        continue;
      }
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        throw new Invalid(`${what}: keys must be plain names`, this.locate(keyNode ?? map));
      }
      own.push({
        key: scalarText(keyNode),
        keyNode,
        value: this.deref(pair.value as Node | null),
        keyLocation: this.locate(keyNode),
      });
    }
    const seen = new Map<string, Entry>();
    for (const entry of own) {
      const first = seen.get(entry.key);
      if (first && allowDuplicates) continue;
      if (first) {
        throw new Invalid(
          `${what}: key '${entry.key}' appears twice (first at line ${first.keyLocation.line}:${first.keyLocation.col})`,
          entry.keyLocation,
        );
      }
      seen.set(entry.key, entry);
    }
    for (const entry of merged) {
      if (!seen.has(entry.key)) {
        seen.set(entry.key, entry);
        own.push(entry);
      }
    }
    return { entries: own, size };
  }

  /** A scalar's text as written: `rack: 07` gives '07' (not 7), `pw: 12345` gives '12345'. */
  text(node: Node | null, what: string, expected = 'a string'): string {
    if (node === null || this.isEmpty(node))
      throw new Invalid(`${what} is empty; expected ${expected}`, this.locate(node));
    if (!isScalar(node))
      throw new Invalid(`${what} must be ${expected}, not ${describe(node)}`, this.locate(node));
    return scalarText(node);
  }

  /**
   * Where character `index` of a scalar's value is in the file, when that can be known exactly (plain
   * scalars and quoted ones without escapes); otherwise where the scalar starts.
   */
  locateInScalar(node: Node, index: number): SourceLocation {
    const range = node.range;
    if (!isScalar(node) || !range) return this.locate(node);
    const raw = this.content.slice(range[0], range[1]);
    const value = scalarText(node);
    if (raw === value) return this.at(range[0] + index);
    if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && raw.slice(1, -1) === value) {
      return this.at(range[0] + 1 + index);
    }
    return this.locate(node);
  }
}

/** Plain scalars keep their source text (so 007 stays '007'); quoted ones their decoded value. */
export function scalarText(node: Node): string {
  if (!isScalar(node)) return '';
  if (node.type === 'PLAIN' && typeof node.source === 'string') return node.source;
  return typeof node.value === 'string' ? node.value : String(node.value);
}

/** What kind of YAML value this is, for "expected X, not Y" messages. */
export function describe(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'null';
    if (typeof v === 'number') return 'a number';
    if (typeof v === 'boolean') return 'a boolean';
    return 'a string';
  }
  return 'an alias';
}
