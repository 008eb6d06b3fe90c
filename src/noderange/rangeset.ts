/**
 * One bracket dimension: the text between `[` and `]` (a "range set", after ClusterShell's RangeSet).
 *
 *   body     := element (',' element)*
 *   element  := number ('-' | ':') number ('/' step)?   inclusive range, optional step
 *             | word                                    a single value, kept verbatim
 *
 * Zero padding follows Perl's magic string increment, which xCAT relies on: the left bound's width
 * is kept (`01-10` → 01…10), numbers may outgrow it (`98-101` → 98,99,100,101; `09-100` ends in 100),
 * and a left bound longer than the right (`010-12`) is refused (Perl silently yields nothing).
 */
import { clip } from './limits.js';
import { compareNodeNames } from './natural.js';

/** A problem in a bracket body; `offset` is relative to the body. The caller adds pattern context. */
export class RangeSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Bracket bodies larger than this are refused instead of exhausting memory. */
export const MAX_RANGE_VALUES = 1_000_000;

// Numbers stay within Number's exact integer range.
const MAX_DIGITS = 15;
const NUMBER = /^[0-9]+$/;
const WORD = /^[A-Za-z0-9_.]+$/;
const RANGE = /^([0-9]+)[-:]([0-9]+)(?:\/([0-9]+))?$/;

function isPadded(digits: string): boolean {
  return digits.length > 1 && digits.charCodeAt(0) === 48;
}

/** `n` written with at least `width` digits (the magic-increment rendering of a padded bound). */
export function padNumber(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : '0'.repeat(width - s.length) + s;
}

/** A validated numeric range: `count` values from `from`, every `step`th, rendered with `width` digits. */
export interface NumericRange {
  from: number;
  step: number;
  count: number;
  width: number;
}

/**
 * Checks `lo`..`hi` (decimal strings, optional step) and counts its values without making them.
 * `label` names the range in messages (defaults to `lo-hi`); `offset` is passed to the error.
 */
export function numericRange(
  lo: string,
  hi: string,
  stepText: string | undefined = undefined,
  offset = 0,
  label = stepText === undefined ? `${lo}-${hi}` : `${lo}-${hi}/${stepText}`,
): NumericRange {
  label = clip(label);
  if (lo.length > MAX_DIGITS || hi.length > MAX_DIGITS) {
    throw new RangeSyntaxError(`number too large in range '${label}'`, offset);
  }
  if (lo.length > hi.length) {
    throw new RangeSyntaxError(
      `range '${label}': left bound has more digits than the right one (padding is taken from the left bound)`,
      offset,
    );
  }
  if (isPadded(hi) && hi.length !== lo.length) {
    throw new RangeSyntaxError(
      `range '${label}': padding mismatch (a padded right bound must have the left bound's width)`,
      offset,
    );
  }
  const from = Number(lo);
  const to = Number(hi);
  if (from > to) {
    throw new RangeSyntaxError(`range '${label}' is reversed (start greater than end)`, offset);
  }
  const step = stepText === undefined ? 1 : Number(stepText);
  if (stepText !== undefined && (step < 1 || stepText.length > MAX_DIGITS)) {
    throw new RangeSyntaxError(`range '${label}': step must be a positive number`, offset);
  }
  const count = Math.floor((to - from) / step) + 1;
  if (count > MAX_RANGE_VALUES) {
    throw new RangeSyntaxError(`range '${label}' has ${count} values (limit ${MAX_RANGE_VALUES})`, offset);
  }
  return { from, step, count, width: lo.length };
}

/** The values of a checked range, padding from the left bound (magic increment). */
export function rangeValues(r: NumericRange): string[] {
  const out = new Array<string>(r.count);
  for (let k = 0, n = r.from; k < r.count; k++, n += r.step) out[k] = padNumber(n, r.width);
  return out;
}

/** `lo`..`hi` with magic-increment padding, every `step`th value (see `numericRange`). */
export function expandNumericRange(
  lo: string,
  hi: string,
  stepText: string | undefined = undefined,
  offset = 0,
  label?: string,
): string[] {
  return rangeValues(numericRange(lo, hi, stepText, offset, label));
}

/** A checked bracket body: its elements (a range or a word) and how many values they write. */
export interface RangeBody {
  elements: Array<NumericRange | string>;
  /** Values as written, duplicates included: what expanding costs. */
  count: number;
}

/**
 * Checks a bracket body and counts its values without making them (O(body length)), so that a
 * pattern can be refused for its size before any name is built.
 * Throws RangeSyntaxError with the offset (in `body`) of the faulty element.
 */
export function parseRangeBody(body: string): RangeBody {
  if (body.length === 0) throw new RangeSyntaxError('empty brackets', 0);
  const elements: Array<NumericRange | string> = [];
  let count = 0;
  let offset = 0;
  for (const element of body.split(',')) {
    if (element.length === 0) throw new RangeSyntaxError('empty element', offset);
    const m = RANGE.exec(element);
    if (m) {
      const range = numericRange(m[1]!, m[2]!, m[3], offset);
      elements.push(range);
      count += range.count;
    } else if (WORD.test(element)) {
      elements.push(element);
      count += 1;
    } else if (/[-:]/.test(element)) {
      throw new RangeSyntaxError(
        `bad range '${clip(element)}' (expected NUMBER-NUMBER or NUMBER:NUMBER, optionally /STEP)`,
        offset,
      );
    } else {
      throw new RangeSyntaxError(`bad element '${clip(element)}'`, offset);
    }
    if (count > MAX_RANGE_VALUES) {
      throw new RangeSyntaxError(`more than ${MAX_RANGE_VALUES} values`, offset);
    }
    offset += element.length + 1;
  }
  return { elements, count };
}

/** The values of a checked body, in written order, duplicates removed. */
export function rangeBodyValues(body: RangeBody): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const element of body.elements) {
    const values = typeof element === 'string' ? [element] : rangeValues(element);
    for (const v of values) {
      if (!seen.has(v)) {
        seen.add(v);
        out.push(v);
      }
    }
  }
  return out;
}

/**
 * The values of a bracket body, in written order, duplicates removed. The body is refused when it
 * writes more than MAX_RANGE_VALUES values, duplicates included (they cost as much to make).
 * Throws RangeSyntaxError with the offset (in `body`) of the faulty element.
 */
export function expandRangeBody(body: string): string[] {
  return rangeBodyValues(parseRangeBody(body));
}

interface Run {
  first: number;
  last: number;
  /** Digits of the first value: later values are rendered `padNumber(n, width)`. */
  width: number;
}

// Numbers below this are sorted packed with their written length in one float (n * 32 + length),
// which keeps the fold of 10,000 values allocation-light. Larger ones are kept as words.
const PACK_LIMIT = 2 ** 47;

/**
 * The shortest body that expands back to exactly `values` (numbers or words; duplicates ignored):
 * consecutive numbers become `a-b` ranges, respecting padding so that `expandRangeBody` returns the
 * same strings (`9,10` → `9-10`; `09,10` → `09-10`; `1,01` stay apart → `1,01`).
 * Elements come out in natural order.
 */
export function foldRangeValues(values: Iterable<string>): string {
  const packed: number[] = [];
  const words = new Set<string>();
  for (const v of values) {
    const n = v.length <= MAX_DIGITS && NUMBER.test(v) ? Number(v) : NaN;
    if (n < PACK_LIMIT) packed.push(n * 32 + v.length);
    else words.add(v);
  }
  const keys = Float64Array.from(packed).sort();

  // A value written with `length` characters is padNumber(n, length). Sorted by (n, length), a
  // value can only extend a run that ended at n - 1 and renders n the same way (same padding);
  // otherwise it opens a new run. Runs ending at n - 1 are exactly those touched for the previous n.
  const runs: Run[] = [];
  let previous: Run[] = [];
  let current: Run[] = [];
  let currentN = -1;
  let lastKey = -1;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key === lastKey) continue; // duplicate
    lastKey = key;
    const n = Math.floor(key / 32);
    const length = key - n * 32;
    if (n !== currentN) {
      previous = n === currentN + 1 ? current : [];
      current = [];
      currentN = n;
    }
    const text = padNumber(n, length);
    let run: Run | undefined;
    for (let r = 0; r < previous.length; r++) {
      const candidate = previous[r]!;
      if (padNumber(n, candidate.width) === text) {
        run = candidate;
        previous.splice(r, 1);
        break;
      }
    }
    if (run) run.last = n;
    else {
      run = { first: n, last: n, width: length };
      runs.push(run);
    }
    current.push(run);
  }

  // Runs were opened in (first, width) order already: no sort needed.
  const parts: string[] = [];
  for (const r of runs) {
    const start = padNumber(r.first, r.width);
    parts.push(r.first === r.last ? start : `${start}-${padNumber(r.last, r.width)}`);
  }
  for (const w of Array.from(words).sort(compareNodeNames)) parts.push(w);
  return parts.join(',');
}
