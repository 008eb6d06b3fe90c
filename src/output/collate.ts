/**
 * Collation (`-c`): nodes with identical output under one folded noderange, like xCAT's `xcoll` and
 * ClusterShell's `clush -b`. Built as results arrive, in any order, keeping per group only the member
 * names, a digest of the output and one rendered sample (of the group's first node in node order), never a
 * node's value. When every node's output differs (serial numbers), there are as many groups as nodes: the
 * digest keeps each group from also holding its output a second time as the key.
 */
import { createHash } from 'node:crypto';
import type { NodeOrder } from './node-order.js';

export interface CollatedGroup<S> {
  /** Members in node order. */
  nodes: string[];
  ok: boolean;
  /** The group's first node as the caller rendered it (text lines, table cells, JSON text). */
  sample: S;
}

interface Building<S> {
  members: Array<{ position: number; node: string }>;
  ok: boolean;
  first: number;
  sample: S;
}

export class Collator<S> {
  private readonly building = new Map<string, Building<S>>();

  constructor(private readonly order: NodeOrder) {}

  /**
   * One node. `lines` is its output as compared (text lines, or the error line); `sample` is called only
   * when this node becomes its group's first.
   */
  add(node: string, ok: boolean, lines: readonly string[], sample: () => S): void {
    const position = this.order.position(node);
    const key = createHash('sha256')
      .update(`${ok ? 'ok' : 'err'}\u0000${lines.join('\n')}`)
      .digest('base64');
    const g = this.building.get(key);
    if (!g) {
      this.building.set(key, { members: [{ position, node }], ok, first: position, sample: sample() });
      return;
    }
    g.members.push({ position, node });
    if (position < g.first) {
      g.first = position;
      g.sample = sample();
    }
  }

  /** The groups, in order of their first node. */
  groups(): CollatedGroup<S>[] {
    return [...this.building.values()]
      .sort((a, b) => a.first - b.first)
      .map((g) => ({
        nodes: g.members.sort((a, b) => a.position - b.position).map((m) => m.node),
        ok: g.ok,
        sample: g.sample,
      }));
  }
}
