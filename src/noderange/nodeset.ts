/**
 * Node-name patterns without any inventory: expansion (`node[01-03]` → node01,node02,node03) and the
 * inverse, folding a list of names into its shortest pattern. In the spirit of ClusterShell's NodeSet.
 *
 *   nodeset  := pattern (',' pattern)*
 *   pattern  := (text | '[' body ']')+        several bracket groups → cartesian product
 *   text     := characters from [A-Za-z0-9._-], not starting the pattern with '-'
 *   body     := see rangeset.ts (`01-10`, `1:5`, `1,3,5`, `1-9/2`)
 *
 * Groups, exclusions, regexes and the rest of the xCAT grammar live in noderange.ts, which uses this.
 */
import { NoderangeError } from '../core/errors.js';
import { compareNodeNames } from './natural.js';
import {
  foldRangeValues,
  MAX_RANGE_VALUES,
  parseRangeBody,
  rangeBodyValues,
  RangeSyntaxError,
  type RangeBody,
} from './rangeset.js';

export { compareNodeNames, sortNodeNames } from './natural.js';

/** One expanded name and the bracket values substituted into it, in bracket order. */
export interface ExpandedName {
  name: string;
  /** Exactly as produced by the brackets, padding included: `node[0001-4096]` → ['0001'] for node0001. */
  values: string[];
}

const TEXT_CHAR = /[A-Za-z0-9._-]/;

/**
 * A malformed pattern. `index` is 0-based in `pattern`; the message counts positions from 1.
 * The noderange parser re-reports `problem` at the position in the whole noderange.
 */
export class NodesetSyntaxError extends NoderangeError {
  constructor(
    readonly pattern: string,
    readonly problem: string,
    readonly index: number,
  ) {
    super(`invalid node pattern '${pattern}': ${problem} at position ${index + 1}`);
  }
}

function fail(pattern: string, problem: string, index: number): never {
  throw new NodesetSyntaxError(pattern, problem, index);
}

interface Piece {
  /** Literal text before the bracket group (or trailing text when `body` is undefined). */
  text: string;
  /** The bracket group, checked and counted; its values are made only when the names are. */
  body?: RangeBody;
}

/** Parses one comma-free pattern that starts at `start` in `whole` (for positions in messages). */
function parsePattern(whole: string, start: number, end: number): Piece[] {
  if (start === end) fail(whole, 'empty element', start);
  if (whole[start] === '-') fail(whole, "a name cannot start with '-'", start);
  const pieces: Piece[] = [];
  let text = '';
  let i = start;
  while (i < end) {
    const c = whole[i]!;
    if (c === '[') {
      const close = whole.indexOf(']', i + 1);
      if (close < 0 || close >= end) fail(whole, "unclosed '['", i);
      const nested = whole.indexOf('[', i + 1);
      if (nested >= 0 && nested < close) fail(whole, "nested '['", nested);
      const body = whole.slice(i + 1, close);
      try {
        pieces.push({ text, body: parseRangeBody(body) });
      } catch (e) {
        if (e instanceof RangeSyntaxError) fail(whole, e.message, i + 1 + e.offset);
        throw e;
      }
      text = '';
      i = close + 1;
    } else if (c === ']') {
      fail(whole, "unmatched ']'", i);
    } else if (TEXT_CHAR.test(c)) {
      text += c;
      i++;
    } else {
      fail(whole, `unexpected character '${c}'`, i);
    }
  }
  pieces.push({ text });
  return pieces;
}

/** Top-level commas (outside brackets) separate patterns; returns [start, end) spans. */
function splitTopLevel(pattern: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      spans.push([start, i]);
      start = i + 1;
    }
  }
  spans.push([start, pattern.length]);
  return spans;
}

/** Names a pattern writes (duplicates included), from the bracket counts: nothing is made. */
function patternCount(pieces: Piece[]): number {
  let count = 1;
  for (const p of pieces) if (p.body) count *= p.body.count;
  return count;
}

/**
 * Every comma-separated pattern, checked, and the names they write in all (duplicates included).
 * Throws NodesetSyntaxError, also when that total is above MAX_RANGE_VALUES: O(pattern length).
 */
function parseNodeset(pattern: string): { patterns: Piece[][]; count: number } {
  if (pattern.length === 0) fail(pattern, 'empty pattern', 0);
  const patterns: Piece[][] = [];
  let count = 0;
  for (const [start, end] of splitTopLevel(pattern)) {
    const pieces = parsePattern(pattern, start, end);
    count += patternCount(pieces);
    if (count > MAX_RANGE_VALUES) fail(pattern, `expands to more than ${MAX_RANGE_VALUES} names`, start);
    patterns.push(pieces);
  }
  return { patterns, count };
}

/**
 * How many names a pattern (or comma list of patterns) writes, duplicates included, without making
 * them. Throws NoderangeError on malformed input or more than MAX_RANGE_VALUES names.
 */
export function countNodeset(pattern: string): number {
  return parseNodeset(pattern).count;
}

/** Calls `emit` for every combination of bracket values, first bracket varying slowest. */
function product(pieces: Piece[], emit: (name: string, values: string[]) => void): void {
  const groups = pieces.flatMap((p) => (p.body ? [{ text: p.text, values: rangeBodyValues(p.body) }] : []));
  const trailing = pieces[pieces.length - 1]!.text;
  if (groups.length === 0) {
    emit(trailing, []);
    return;
  }
  const idx = new Array<number>(groups.length).fill(0);
  for (;;) {
    let name = '';
    const values = new Array<string>(groups.length);
    for (let g = 0; g < groups.length; g++) {
      const v = groups[g]!.values[idx[g]!]!;
      values[g] = v;
      name += groups[g]!.text + v;
    }
    emit(name + trailing, values);
    let g = groups.length - 1;
    while (g >= 0) {
      idx[g]!++;
      if (idx[g]! < groups[g]!.values.length) break;
      idx[g] = 0;
      g--;
    }
    if (g < 0) return;
  }
}

/**
 * Every name of a pattern (or comma list of patterns) with its bracket values, in written order,
 * duplicates removed (first occurrence kept). Throws NoderangeError on malformed input.
 */
export function expandNodesetDetailed(pattern: string): ExpandedName[] {
  const out: ExpandedName[] = [];
  const seen = new Set<string>();
  for (const pieces of parseNodeset(pattern).patterns) {
    product(pieces, (name, values) => {
      if (seen.has(name)) return;
      seen.add(name);
      out.push({ name, values });
    });
  }
  return out;
}

/** The names of a pattern (or comma list of patterns), in written order, duplicates removed. */
export function expandNodeset(pattern: string): string[] {
  return expandNodesetDetailed(pattern).map((e) => e.name);
}

/** True when `pattern` contains bracket syntax (so it is a pattern rather than a plain name). */
export function hasBrackets(pattern: string): boolean {
  return pattern.includes('[');
}

// ---------------------------------------------------------------------------------------------
// Folding

const FOLDABLE_NAME = /^[^[\],]*$/;

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Numeric parts of a name, e.g. `r12n003` → ['12', '003']. */
function numericParts(name: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < name.length) {
    if (isDigitCode(name.charCodeAt(i))) {
      const start = i;
      while (i < name.length && isDigitCode(name.charCodeAt(i))) i++;
      out.push(name.slice(start, i));
    } else i++;
  }
  return out;
}

/** Text parts around the numbers: `r12n003` → ['r', 'n', '']; always numericParts().length + 1. */
function textParts(name: string): string[] {
  return name.split(/[0-9]+/);
}

/** `r12n003` → `r\u0001n\u0001`: names with the same shape differ only in their numbers. */
function shapeKey(name: string): string {
  return name.replace(/[0-9]+/g, '\u0001');
}

function isRangeBody(body: string): boolean {
  return body.includes(',') || body.includes('-');
}

function firstValue(body: string): string {
  const end = body.search(/[,-]/);
  return end < 0 ? body : body.slice(0, end);
}

/** Joins every position but `skip` into a grouping key. */
function keyWithout(dims: string[], skip: number): string {
  let key = '';
  for (let i = 0; i < dims.length; i++) if (i !== skip) key += dims[i] + '\u0000';
  return key;
}

/**
 * Folds tuples of numeric parts dimension by dimension, last first: first the last position is
 * folded among names equal elsewhere, then each earlier position among entries whose other
 * positions are equal (already-folded bodies compared as text). `r1n[1-3],r2n[1-3]` thus becomes
 * `r[1-2]n[1-3]`. Greedy rather than optimal, like ClusterShell's multi-dimensional folding.
 * Returns one array of bodies (one per position) per folded group.
 */
function foldShape(tuples: string[][], k: number): string[][] {
  if (k === 1) return [[foldRangeValues(tuples.map((t) => t[0]!))]];
  let entries = tuples;
  for (let dim = k - 1; dim >= 0; dim--) {
    const groups = new Map<string, { dims: string[]; values: string[] }>();
    for (const dims of entries) {
      const key = keyWithout(dims, dim);
      const g = groups.get(key);
      if (g) g.values.push(dims[dim]!);
      else groups.set(key, { dims, values: [dims[dim]!] });
    }
    const next: string[][] = [];
    for (const g of groups.values()) {
      const dims = g.dims.slice();
      if (g.values.length > 1) dims[dim] = foldRangeValues(g.values);
      next.push(dims);
    }
    entries = next;
  }
  return entries;
}

/**
 * The shortest pattern naming exactly `names` (duplicates ignored): `node01…node10,node12` →
 * `node[01-10,12]`. Names of different shapes become a comma list of folded groups, ordered
 * naturally by their first member. `expandNodeset(foldNodes(x))` yields the same set as `x`.
 * Names containing `[`, `]` or `,` cannot be written as patterns and are listed verbatim.
 */
export function foldNodes(names: Iterable<string>): string {
  const shapes = new Map<string, { sample: string; tuples: string[][] }>();
  const literals = new Set<string>();
  for (const name of names) {
    if (!FOLDABLE_NAME.test(name)) {
      literals.add(name);
      continue;
    }
    const key = shapeKey(name);
    const shape = shapes.get(key);
    const tuple = numericParts(name);
    if (shape) shape.tuples.push(tuple);
    else shapes.set(key, { sample: name, tuples: [tuple] });
  }

  const parts: Array<{ text: string; first: string }> = [];
  for (const l of literals) parts.push({ text: l, first: l });
  for (const { sample, tuples } of shapes.values()) {
    const texts = textParts(sample);
    const k = texts.length - 1;
    if (k === 0) {
      parts.push({ text: sample, first: sample });
      continue;
    }
    for (const dims of foldShape(tuples, k)) {
      let text = texts[0]!;
      let first = texts[0]!;
      for (let i = 0; i < k; i++) {
        const body = dims[i]!;
        text += (isRangeBody(body) ? `[${body}]` : body) + texts[i + 1]!;
        first += firstValue(body) + texts[i + 1]!;
      }
      parts.push({ text, first });
    }
  }
  parts.sort((x, y) => compareNodeNames(x.first, y.first));
  return parts.map((p) => p.text).join(',');
}
