/**
 * Natural ("human") ordering of node names: digit runs compare by numeric value, so `node2` sorts
 * before `node10`. Used for every node-ordered output (xCAT prints nodes this way too).
 *
 * The comparison scans both strings in place, without splitting or allocating, because it runs
 * O(n log n) times when sorting 10,000-node results.
 */

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57; // '0'..'9'
}

/**
 * Total order on names: natural order first; when two names are equal under it (they differ only in
 * zero padding, e.g. `node1` and `node01`) the less padded one comes first; identical names compare 0.
 */
export function compareNodeNames(a: string, b: string): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  let i = 0;
  let j = 0;
  // First padding difference seen in numerically equal digit runs; breaks ties at the end.
  let paddingTie = 0;
  while (i < la && j < lb) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      // Digit runs: skip leading zeros, then longer significant part = bigger number,
      // same length = compare digit by digit. No Number() so huge runs stay exact.
      let ea = i;
      while (ea < la && isDigit(a.charCodeAt(ea))) ea++;
      let eb = j;
      while (eb < lb && isDigit(b.charCodeAt(eb))) eb++;
      let sa = i;
      while (sa < ea - 1 && a.charCodeAt(sa) === 48) sa++;
      let sb = j;
      while (sb < eb - 1 && b.charCodeAt(sb) === 48) sb++;
      const sigA = ea - sa;
      const sigB = eb - sb;
      if (sigA !== sigB) return sigA - sigB;
      for (let k = 0; k < sigA; k++) {
        const d = a.charCodeAt(sa + k) - b.charCodeAt(sb + k);
        if (d !== 0) return d;
      }
      if (paddingTie === 0) paddingTie = ea - i - (eb - j);
      i = ea;
      j = eb;
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  if (i < la || j < lb) return la - i - (lb - j);
  if (paddingTie !== 0) return paddingTie;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A new array of the names in natural order (input untouched). */
export function sortNodeNames(names: Iterable<string>): string[] {
  return Array.from(names).sort(compareNodeNames);
}
