/** Shared test helpers for the noderange tests: a seeded PRNG and an in-memory inventory context. */
import type { NoderangeContext } from '../../src/noderange/index.js';

/** mulberry32: small deterministic PRNG so property-style tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(rand: () => number, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

export function shuffle<T>(rand: () => number, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export interface TestInventory {
  nodes: string[];
  groups?: Record<string, string[]>;
  attrs?: Record<string, Record<string, string>>;
  files?: Record<string, string>;
}

/** A NoderangeContext over plain objects; `groups` attribute derived from group membership. */
export function makeContext(inv: TestInventory): NoderangeContext & { attributeCalls: number } {
  const groups = inv.groups ?? {};
  const memberOf = new Map<string, string[]>();
  for (const [g, members] of Object.entries(groups)) {
    for (const m of members) {
      const list = memberOf.get(m) ?? [];
      list.push(g);
      memberOf.set(m, list);
    }
  }
  const ctx = {
    attributeCalls: 0,
    nodes: inv.nodes,
    groupMembers: (g: string) => (Object.prototype.hasOwnProperty.call(groups, g) ? groups[g] : undefined),
    attribute(node: string, attr: string): string | undefined {
      ctx.attributeCalls++;
      if (attr === 'groups') return (memberOf.get(node) ?? []).join(',') || undefined;
      return inv.attrs?.[node]?.[attr];
    },
    ...(inv.files
      ? {
          readFile: (path: string): string => {
            const content = inv.files![path];
            if (content === undefined) {
              throw Object.assign(new Error(`ENOENT: no such file '${path}'`), { code: 'ENOENT' });
            }
            return content;
          },
        }
      : {}),
  };
  return ctx;
}
