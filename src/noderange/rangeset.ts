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

function expandRange(lo: string, hi: string, stepText: string | undefined, offset: number): string[] {
  if (lo.length > MAX_DIGITS || hi.length > MAX_DIGITS) {
    throw new RangeSyntaxError(`number too large in range '${lo}-${hi}'`, offset);
  }
  if (lo.length > hi.length) {
    throw new RangeSyntaxError(
      `range '${lo}-${hi}': left bound has more digits than the right one (padding is taken from the left bound)`,
      offset,
    );
  }
  if (isPadded(hi) && hi.length !== lo.length) {
    throw new RangeSyntaxError(
      `range '${lo}-${hi}': padding mismatch (a padded right bound must have the left bound's width)`,
      offset,
    );
  }
  const from = Number(lo);
  const to = Number(hi);
  if (from > to) {
    throw new RangeSyntaxError(`range '${lo}-${hi}' is reversed (start greater than end)`, offset);
  }
  const step = stepText === undefined ? 1 : Number(stepText);
  if (stepText !== undefined && (step < 1 || stepText.length > MAX_DIGITS)) {
    throw new RangeSyntaxError(`range '${lo}-${hi}/${stepText}': step must be a positive number`, offset);
  }
  const count = Math.floor((to - from) / step) + 1;
  if (count > MAX_RANGE_VALUES) {
    throw new RangeSyntaxError(`range '${lo}-${hi}' has ${count} values (limit ${MAX_RANGE_VALUES})`, offset);
  }
  const out = new Array<string>(count);
  const width = lo.length;
  for (let k = 0, n = from; k < count; k++, n += step) out[k] = padNumber(n, width);
  return out;
}

/**
 * The values of a bracket body, in written order, duplicates removed.
 * Throws RangeSyntaxError with the offset (in `body`) of the faulty element.
 */
export function expandRangeBody(body: string): string[] {
  if (body.length === 0) throw new RangeSyntaxError('empty brackets', 0);
  const out: string[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const element of body.split(',')) {
    if (element.length === 0) throw new RangeSyntaxError('empty element', offset);
    const m = RANGE.exec(element);
    let values: string[];
    if (m) {
      values = expandRange(m[1]!, m[2]!, m[3], offset);
    } else if (WORD.test(element)) {
      values = [element];
    } else if (/[-:]/.test(element)) {
      throw new RangeSyntaxError(
        `bad range '${element}' (expected NUMBER-NUMBER or NUMBER:NUMBER, optionally /STEP)`,
        offset,
      );
    } else {
      throw new RangeSyntaxError(`bad element '${element}'`, offset);
    }
    for (const v of values) {
      if (!seen.has(v)) {
        seen.add(v);
        out.push(v);
      }
    }
    if (out.length > MAX_RANGE_VALUES) {
      throw new RangeSyntaxError(`more than ${MAX_RANGE_VALUES} values`, offset);
    }
    offset += element.length + 1;
  }
  return out;
}

interface Run {
  start: string;
  width: number;
  first: number;
  last: number;
  lastText: string;
}

/**
 * The shortest body that expands back to exactly `values` (numbers or words; duplicates ignored):
 * consecutive numbers become `a-b` ranges, respecting padding so that `expandRangeBody` returns the
 * same strings (`9,10` → `9-10`; `09,10` → `09-10`; `1,01` stay apart → `1,01`).
 * Elements come out in natural order.
 */
export function foldRangeValues(values: Iterable<string>): string {
  const numbers: Array<{ n: number; text: string }> = [];
  const words: string[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) continue;
    seen.add(v);
    if (NUMBER.test(v) && v.length <= MAX_DIGITS) numbers.push({ n: Number(v), text: v });
    else words.push(v);
  }
  numbers.sort((x, y) => x.n - y.n || x.text.length - y.text.length);

  // Greedy: each value extends an open run that ends just below it and renders it identically
  // (same padding); otherwise it opens a new run. Runs are indexed by the next number they accept.
  const runs: Run[] = [];
  const openByNext = new Map<number, Run[]>();
  for (const { n, text } of numbers) {
    const candidates = openByNext.get(n);
    let run: Run | undefined;
    if (candidates) {
      const idx = candidates.findIndex((r) => padNumber(n, r.width) === text);
      if (idx >= 0) {
        run = candidates[idx]!;
        candidates.splice(idx, 1);
        if (candidates.length === 0) openByNext.delete(n);
      }
    }
    if (run) {
      run.last = n;
      run.lastText = text;
    } else {
      run = { start: text, width: text.length, first: n, last: n, lastText: text };
      runs.push(run);
    }
    const next = openByNext.get(n + 1);
    if (next) next.push(run);
    else openByNext.set(n + 1, [run]);
  }

  runs.sort((x, y) => x.first - y.first || x.width - y.width);
  const parts: string[] = [];
  for (const r of runs) {
    if (r.first === r.last) parts.push(r.start);
    else parts.push(`${r.start}-${r.lastText}`);
  }
  words.sort(compareNodeNames);
  return [...parts, ...words].join(',');
}
