/**
 * Small deterministic pseudo-random helpers (no crypto needed): the same seed and name always give
 * the same serial numbers, MACs, sensor drift and fault decisions.
 */

/** 32-bit FNV-1a hash of a string (`basis`: another offset basis gives an independent hash). */
export function hashString(text: string, basis = 0x811c9dc5): number {
  let h = basis;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mix several integers into one 32-bit value (a murmur3-style finaliser per step). */
export function mix(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h ^= p >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A value in [0, 1) derived only from the inputs. */
export function unitFrom(...parts: number[]): number {
  return mix(...parts) / 0x1_0000_0000;
}

/** mulberry32: a tiny seeded generator; `next()` returns [0, 1). */
export class Prng {
  private state: number;

  constructor(seed: number | string) {
    this.state = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  hex(digits: number): string {
    let out = '';
    for (let i = 0; i < digits; i++) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }
}

/** Seeds may be given as numbers or strings; normalise to a 32-bit number. */
export function seedNumber(seed: number | string | undefined): number {
  if (seed === undefined) return 0;
  return typeof seed === 'number' ? seed >>> 0 : hashString(seed);
}
