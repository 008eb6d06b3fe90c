/**
 * Collation (`-c`): nodes with identical output under one folded noderange, like xCAT's `xcoll` and
 * ClusterShell's `clush -b`. Built as results arrive, in any order, keeping per group only the member
 * names, a digest of the output and one rendered sample (of the group's first node in node order), never a
 * node's value. When every node's output differs (serial numbers), there are as many groups as nodes: the
 * digest keeps each group from also holding its output a second time as the key.
 *
 * Errors are grouped by their shape (`errorShape`): the same failure on 32 BMCs names 32 addresses, host
 * names and elapsed times, and grouping on the exact text gave 32 groups of one. The group shows its first
 * node's message as it was.
 */
import { createHash } from 'node:crypto';
import type { NodeOrder } from './node-order.js';

export interface CollatedGroup<S> {
  /** Members in node order. */
  nodes: string[];
  ok: boolean;
  /** An error group whose members' messages differ in addresses, names or numbers (the sample is one of them). */
  varies: boolean;
  /** The group's first node as the caller rendered it (text lines, table cells, JSON text). */
  sample: S;
}

interface Building<S> {
  members: Array<{ position: number; node: string }>;
  ok: boolean;
  /** Digest of the exact output of the first member seen, to tell whether the members differ. */
  exact: string;
  varies: boolean;
  first: number;
  sample: S;
}

const digest = (text: string) => createHash('sha256').update(text).digest('base64');

/**
 * What an error message says once what differs from node to node is taken out: the node's own name, URLs,
 * addresses (IPv4, [IPv6], host:port, dotted host names), hex fingerprints and every other number
 * (elapsed times, sizes, counts, digits in host names). An HTTP status in brackets (`[503]`) is kept:
 * a 500 and a 503 are different failures.
 */
export function errorShape(message: string, node?: string): string {
  let s = message;
  if (node) s = s.split(node).join('<node>');
  return s
    .replace(/\bhttps?:\/\/\S+/g, '<url>')
    .replace(/\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\](:\d+)?/g, '<addr>')
    .replace(/\b(?:[0-9A-Fa-f]{2}:){7,}[0-9A-Fa-f]{2}\b/g, '<hex>')
    .replace(/\b[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+(?::\d+)?\b/g, '<host>')
    .replace(/\b[A-Za-z0-9][A-Za-z0-9-]*:\d{1,5}\b/g, '<host>')
    .replace(/(?<!\[)\d+(?:\.\d+)?(?!\d*\])/g, '#');
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
    const text = lines.join('\n');
    const exact = digest(`${ok ? 'ok' : 'err'}\u0000${text}`);
    const key = ok ? exact : digest(`err\u0000${errorShape(text, node)}`);
    const g = this.building.get(key);
    if (!g) {
      this.building.set(key, {
        members: [{ position, node }],
        ok,
        exact,
        varies: false,
        first: position,
        sample: sample(),
      });
      return;
    }
    g.members.push({ position, node });
    if (exact !== g.exact) g.varies = true;
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
        varies: g.varies,
        sample: g.sample,
      }));
  }
}
