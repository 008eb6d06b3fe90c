/**
 * Writing per-node output in node order while results arrive in completion order.
 *
 * `NodeOrder` gives each node its place; `ReorderBuffer` holds what has been rendered for a node until every
 * node before it has been written. Callers hand it rendered output (lines, JSON text, table cells), never a
 * node's value, so what waits behind a slow node is only what will be printed anyway.
 */

/** Each node's position: its place in the given order. */
export class NodeOrder {
  private readonly positions = new Map<string, number>();

  /** `nodes`: the order to write in (duplicates keep their first place). Empty: arrival order. */
  constructor(nodes: readonly string[] = []) {
    for (const n of nodes) if (!this.positions.has(n)) this.positions.set(n, this.positions.size);
  }

  /** A node not in the given order is placed after all of them, in the order such nodes are first seen. */
  position(node: string): number {
    let p = this.positions.get(node);
    if (p === undefined) {
      p = this.positions.size;
      this.positions.set(node, p);
    }
    return p;
  }
}

/** Releases each node's item once the items of every node before it have been released. */
export class ReorderBuffer<X> {
  private readonly held = new Map<number, X>();
  private next = 0;

  constructor(
    private readonly order: NodeOrder,
    private readonly release: (item: X) => void,
  ) {}

  add(node: string, item: X): void {
    const p = this.order.position(node);
    // A second item for a node that is already out (or waiting) is written at once rather than lost.
    if (p < this.next || this.held.has(p)) return this.release(item);
    this.held.set(p, item);
    while (this.held.has(this.next)) {
      const x = this.held.get(this.next) as X;
      this.held.delete(this.next++);
      this.release(x);
    }
  }

  /** The run is over: release what is still held, in order (a node that never reported leaves a gap). */
  flush(): void {
    const rest = [...this.held.entries()].sort(([a], [b]) => a - b);
    this.held.clear();
    for (const [p, item] of rest) {
      this.next = p + 1;
      this.release(item);
    }
  }

  /** How many items wait for an earlier node (tests, diagnostics). */
  get waiting(): number {
    return this.held.size;
  }
}
