/**
 * Value formatting shared by rinv and rvitals text output: xCAT's Python agent printed values with
 * `str()` (booleans `True`/`False`) and numbers with `{:g}`, and sorted lines with digits compared as
 * numbers.
 */
import { compareNodeNames } from '../noderange/natural.js';

/** Natural order of output lines (`DIMM2` before `DIMM10`), as xCAT's sort_string_with_numbers. */
export function naturalCompare(a: string, b: string): number {
  return compareNodeNames(a, b);
}

/** A property value as text: booleans the Python way, lists comma-separated, null as `N/A`. */
export function formatPropertyValue(v: unknown): string {
  if (v === null || v === undefined) return 'N/A';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return v.map((x) => formatPropertyValue(x)).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  // BMCs pad serials and part numbers with spaces: shown trimmed.
  return String(v).trim();
}

/**
 * Python's `'{:g}'.format(x)`: 6 significant digits, trailing zeros dropped, exponent form when the
 * exponent is below -4 or at least 6 (`1234567` → `1.23457e+06`).
 */
export function formatG(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const exp = Number(x.toExponential(5).split('e')[1]);
  if (exp < -4 || exp >= 6) {
    const [mant, e] = x.toExponential(5).split('e') as [string, string];
    const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const fixed = x.toFixed(Math.max(0, 5 - exp));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/**
 * Python's `str.title()`: a letter after a non-letter is upper-cased, a letter after a letter
 * lower-cased (`fan0_0` with `_` → space gives `Fan0 0`; `12v` gives `12V`).
 */
export function pythonTitle(s: string): string {
  let out = '';
  let prevLetter = false;
  for (const ch of s) {
    const isLetter = ch.toLowerCase() !== ch.toUpperCase();
    out += isLetter ? (prevLetter ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    prevLetter = isLetter;
  }
  return out;
}
