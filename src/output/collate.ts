/**
 * Collation (`-c`): nodes with identical output under one folded noderange, like xCAT's `xcoll` and
 * ClusterShell's `clush -b`. Built as results arrive, in any order, keeping per group only the member names,
 * the text lines and one rendered sample (of the group's first node in node order), never a node's value.
 */
import type { NodeOrder } from './node-order.js';

export interface CollatedGroup<S> {
  /** Members in node order. */
  nodes: string[];
  ok: boolean;
  /** The output every member shares (text lines, or the error line). */
  lines: string[];
  /** The group's first node rendered by the caller (table cells, JSON text). */
  sample: S;
}

interface Building<S> {
  members: Array<{ position: number; node: string }>;
  ok: boolean;
  lines: string[];
  first: number;
  sample: S;
}

export class Collator<S> {
  private readonly building = new Map<string, Building<S>>();

  constructor(private readonly order: NodeOrder) {}

  /** One node's output; `sample` is called only when this node becomes its group's first. */
  add(node: string, ok: boolean, lines: string[], sample: () => S): void {
    const position = this.order.position(node);
    const key = `${ok ? 'ok' : 'err'}\u0000${lines.join('\n')}`;
    const g = this.building.get(key);
    if (!g) {
      this.building.set(key, { members: [{ position, node }], ok, lines, first: position, sample: sample() });
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
        lines: g.lines,
        sample: g.sample,
      }));
  }
}
