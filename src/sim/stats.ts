/**
 * Request accounting for the fleet: per node and per endpoint, injected faults, the recent request
 * rate (a ring of one-second buckets), and per node the critical path in requests.
 */

/** `/redfish/v1/Systems/1/LogServices/Log/Entries/17` → `/redfish/v1/Systems/1/LogServices/Log/Entries/{n}`. */
export function endpointKey(method: string, path: string): string {
  const p = path.replace(/\/\d+(?=\/|$)/g, '/{n}').replace(/\/[0-9a-f]{8,}(?=\/|$)/gi, '/{id}');
  return `${method} ${p}`;
}

export class NodeCounters {
  requests = 0;
  /**
   * Length, in requests, of the longest chain of requests on this node that did not overlap in time:
   * the requests a client had to wait for one after the other. Kept online by the greedy that is exact
   * for intervals taken in order of their end (see `FleetStats.finished`), so it costs two numbers per
   * node whatever the request count.
   */
  criticalPath = 0;
  /** End (performance.now() ms) of the last request counted in `criticalPath`. */
  lastChainEnd = Number.NEGATIVE_INFINITY;
  readonly endpoints = new Map<string, number>();
  readonly statuses = new Map<number, number>();
  readonly faults = new Map<string, number>();
}

/** The critical path over the nodes that served at least one request since the last reset. */
export interface CriticalPathSummary {
  /** Nodes counted (those with no request are left out: they were not part of the run). */
  nodes: number;
  /** Median chain length in requests (mean of the two middle values for an even count); 0 with no node. */
  median: number;
  max: number;
  mean: number;
}

export function summarizeCriticalPaths(counters: Iterable<NodeCounters>): CriticalPathSummary {
  const chains: number[] = [];
  for (const c of counters) if (c.requests > 0) chains.push(c.criticalPath);
  if (chains.length === 0) return { nodes: 0, median: 0, max: 0, mean: 0 };
  chains.sort((a, b) => a - b);
  const mid = chains.length >> 1;
  const median = chains.length % 2 === 1 ? chains[mid]! : (chains[mid - 1]! + chains[mid]!) / 2;
  const sum = chains.reduce((a, b) => a + b, 0);
  return { nodes: chains.length, median, max: chains[chains.length - 1]!, mean: sum / chains.length };
}

const WINDOW_S = 10;

export class FleetStats {
  readonly startedAt: number;
  total = 0;
  private readonly buckets = new Array<number>(WINDOW_S + 1).fill(0);
  private bucketSecond = 0;
  readonly perNode = new Map<string, NodeCounters>();
  readonly faults = new Map<string, number>();
  /** Bumped by `reset()`: a request counted before a reset must not extend a chain after it. */
  private generation = 0;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
    this.bucketSecond = Math.floor(this.startedAt / 1000);
  }

  node(name: string): NodeCounters {
    let c = this.perNode.get(name);
    if (!c) this.perNode.set(name, (c = new NodeCounters()));
    return c;
  }

  /** Counts one request; returns the token to hand to `finished` when it is done. */
  request(node: string, method: string, path: string): number {
    this.total++;
    const c = this.node(node);
    c.requests++;
    const key = endpointKey(method, path);
    c.endpoints.set(key, (c.endpoints.get(key) ?? 0) + 1);
    this.advance();
    const i = this.bucketSecond % this.buckets.length;
    this.buckets[i] = (this.buckets[i] ?? 0) + 1;
    return this.generation;
  }

  /**
   * A request of `node` counted by `request` (which gave `token`) is done: it arrived at `startMs` and
   * its response was handed to the socket at `endMs` (both performance.now(), any injected latency in
   * between). Called in finish order, i.e. by increasing `endMs`; the request extends the node's chain
   * when it started no earlier than the chain's last request ended, so requests in flight together
   * count once and a strictly sequential client counts every request.
   */
  finished(node: string, token: number, startMs: number, endMs: number): void {
    if (token !== this.generation) return;
    const c = this.node(node);
    if (startMs < c.lastChainEnd) return;
    c.criticalPath++;
    c.lastChainEnd = endMs;
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
    this.generation++;
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
