/**
 * The name forms of a noderange atom that need no inventory to expand: `node10+3` and ranges
 * between two full names (`node01-node10`, `node01:node10`, `rack1-n01-rack1-n10`, `grp1-grp3`).
 * The caller first tries the atom as an exact node or group name: an existing name always wins.
 */
import { clip } from './limits.js';
import { numericRange, padNumber, rangeValues, RangeSyntaxError, MAX_RANGE_VALUES } from './rangeset.js';

/** A name form, checked and counted; `expand` makes its names. */
export interface NameForm {
  count: number;
  expand(): string[];
}

const INCREMENT = /^(.*?)([0-9]+)\+([0-9]+)$/;

/** `node10+3` → node10…node13 (padding of the start kept); undefined if not that form. */
export function incrementForm(atom: string): NameForm | undefined {
  const m = INCREMENT.exec(atom);
  if (!m) return undefined;
  const [, prefix, start, countText] = m as unknown as [string, string, string, string];
  const count = Number(countText);
  if (countText.length > 9 || count >= MAX_RANGE_VALUES) {
    throw new RangeSyntaxError(`increment '${clip(atom)}' is too large (limit ${MAX_RANGE_VALUES})`, 0);
  }
  if (start.length > 15) throw new RangeSyntaxError(`number too large in '${clip(atom)}'`, 0);
  const first = Number(start);
  return {
    count: count + 1,
    expand: () => {
      const out: string[] = [];
      for (let n = first; n <= first + count; n++) out.push(prefix + padNumber(n, start.length));
      return out;
    },
  };
}

/** `node10+3` → node10…node13 (padding of the start kept); undefined if not that form. */
export function expandIncrement(atom: string): string[] | undefined {
  return incrementForm(atom)?.expand();
}

interface Split {
  texts: string[];
  numbers: string[];
}

function splitNumbers(name: string): Split {
  const texts = name.split(/[0-9]+/);
  const numbers = name.match(/[0-9]+/g) ?? [];
  return { texts, numbers };
}

function sameTexts(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Candidate separators: the middle `-` when there is an odd number of them, and a lone `:`. */
function separators(atom: string): number[] {
  const out: number[] = [];
  const dashes: number[] = [];
  for (let i = 0; i < atom.length; i++) if (atom[i] === '-') dashes.push(i);
  if (dashes.length % 2 === 1) out.push(dashes[(dashes.length - 1) / 2]!);
  const colon = atom.indexOf(':');
  if (colon > 0 && colon === atom.lastIndexOf(':')) out.push(colon);
  return out;
}

/**
 * `left-right` or `left:right` where both sides have the same shape (same text between numbers)
 * and differ in one number, which is iterated (padding from the left bound, as in brackets).
 * Returns undefined when the atom is not a range between names (then it is just an unknown name).
 * Throws RangeSyntaxError when it is one but cannot be expanded (reversed, several numbers vary…).
 */
export function nameRangeForm(atom: string): NameForm | undefined {
  for (const sep of separators(atom)) {
    const left = atom.slice(0, sep);
    const right = atom.slice(sep + 1);
    if (left.length === 0 || right.length === 0) continue;
    const l = splitNumbers(left);
    const r = splitNumbers(right);
    if (l.numbers.length === 0 || !sameTexts(l.texts, r.texts)) continue;
    const differing: number[] = [];
    for (let k = 0; k < l.numbers.length; k++) if (l.numbers[k] !== r.numbers[k]) differing.push(k);
    if (differing.length === 0) return { count: 1, expand: () => [left] };
    if (differing.length > 1) {
      throw new RangeSyntaxError(
        `range '${clip(atom)}' varies in ${differing.length} numbers; a range between names may vary in one ` +
          `(use brackets for more, e.g. r[1-2]n[01-10])`,
        0,
      );
    }
    const d = differing[0]!;
    const range = numericRange(l.numbers[d]!, r.numbers[d]!, undefined, 0, atom);
    // left = t0 n0 t1 n1 … tm: rebuild it around the iterated number nd.
    let before = l.texts[0]!;
    for (let k = 1; k <= d; k++) before += l.numbers[k - 1]! + l.texts[k]!;
    let after = '';
    for (let k = d + 1; k < l.texts.length; k++) after += l.texts[k]! + (l.numbers[k] ?? '');
    return { count: range.count, expand: () => rangeValues(range).map((v) => before + v + after) };
  }
  return undefined;
}

/** The names of a range between names; undefined when the atom is not one (see `nameRangeForm`). */
export function expandNameRange(atom: string): string[] | undefined {
  return nameRangeForm(atom)?.expand();
}
