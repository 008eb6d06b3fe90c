/**
 * Request accounting for the fleet: per node and per endpoint, injected faults, and the recent
 * request rate (a ring of one-second buckets).
 */

/** `/redfish/v1/Systems/1/LogServices/Log/Entries/17` → `/redfish/v1/Systems/1/LogServices/Log/Entries/{n}`. */
export function endpointKey(method: string, path: string): string {
  const p = path.replace(/\/\d+(?=\/|$)/g, '/{n}').replace(/\/[0-9a-f]{8,}(?=\/|$)/gi, '/{id}');
  return `${method} ${p}`;
}

export class NodeCounters {
  requests = 0;
  readonly endpoints = new Map<string, number>();
  readonly statuses = new Map<number, number>();
  readonly faults = new Map<string, number>();
}

const WINDOW_S = 10;

export class FleetStats {
  readonly startedAt: number;
  total = 0;
  private readonly buckets = new Array<number>(WINDOW_S + 1).fill(0);
  private bucketSecond = 0;
  readonly perNode = new Map<string, NodeCounters>();
  readonly faults = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
    this.bucketSecond = Math.floor(this.startedAt / 1000);
  }

  node(name: string): NodeCounters {
    let c = this.perNode.get(name);
    if (!c) this.perNode.set(name, (c = new NodeCounters()));
    return c;
  }

  request(node: string, method: string, path: string): void {
    this.total++;
    const c = this.node(node);
    c.requests++;
    const key = endpointKey(method, path);
    c.endpoints.set(key, (c.endpoints.get(key) ?? 0) + 1);
    this.advance();
    const i = this.bucketSecond % this.buckets.length;
    this.buckets[i] = (this.buckets[i] ?? 0) + 1;
  }

  status(node: string, status: number): void {
    const c = this.node(node);
    c.statuses.set(status, (c.statuses.get(status) ?? 0) + 1);
  }

  fault(node: string, kind: string): void {
    const c = this.node(node);
    c.faults.set(kind, (c.faults.get(kind) ?? 0) + 1);
    this.faults.set(kind, (this.faults.get(kind) ?? 0) + 1);
  }

  /** Requests per second over the last 10 seconds (fewer right after start), the current second included. */
  rate(): number {
    this.advance();
    const n = this.buckets.length;
    const current = this.bucketSecond % n;
    let sum = 0;
    for (let k = 0; k < WINDOW_S; k++) sum += this.buckets[(current - k + n) % n] ?? 0;
    const uptimeS = (this.now() - this.startedAt) / 1000;
    const window = Math.min(WINDOW_S, Math.max(1, uptimeS));
    return sum / window;
  }

  reset(): void {
    this.total = 0;
    this.buckets.fill(0);
    this.perNode.clear();
    this.faults.clear();
  }

  private advance(): void {
    const s = Math.floor(this.now() / 1000);
    if (s === this.bucketSecond) return;
    const steps = Math.min(this.buckets.length, s - this.bucketSecond);
    for (let k = 1; k <= steps; k++) this.buckets[(this.bucketSecond + k) % this.buckets.length] = 0;
    this.bucketSecond = s;
  }
}
