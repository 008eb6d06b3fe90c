/**
 * Fault injection: what can go wrong with a BMC, how it is specified, and the per-request decision.
 *
 * A `FaultSpec` applies fleet-wide or to one node (a node's spec overrides the fleet's field by
 * field). Rates are probabilities per request in [0, 1]; at most one rate fault hits a request
 * (one uniform draw walks the cumulative rates in the order of `RATE_FAULTS`). Decisions come from a
 * per-node PRNG seeded with the fleet seed and the node name, so the same requests in the same order
 * meet the same faults on every run.
 */
import { Prng } from './prng.js';

export interface FaultSpec {
  /** Added before every answer. */
  latencyMs?: number;
  /** Uniform ± spread around `latencyMs`. */
  jitterMs?: number;
  /** Connection reset (TCP RST) instead of an answer. */
  reset?: number;
  /** Accept the request and never answer. */
  hang?: number;
  /** 503 Service Unavailable in the protocol's error shape, with Retry-After. */
  error503?: number;
  /** 500 with an HTML body (what a crashed web server in front of the BMC sends). */
  error500Html?: number;
  /** A 200 whose JSON body is cut short. */
  malformedJson?: number;
  /** The answer's body trickles in over `slowBodyMs`. */
  slowBody?: number;
  /** How long a slow body takes. Default 3000 ms. */
  slowBodyMs?: number;
  /**
   * The request is processed (a login opens its session) and the status line and headers go out, then
   * half the body, then nothing more until the client gives up: a BMC whose web server stalls mid-answer.
   */
  stallBody?: number;
  /** A 200 whose body is `hugeBodyBytes` of valid JSON (a string property padded out), sent at line speed. */
  hugeBody?: number;
  /** A 200 whose chunked JSON body never ends: it streams padding until the client closes the connection. */
  endlessBody?: number;
  /** A 200 with `Content-Encoding: gzip` whose small body inflates to `hugeBodyBytes` (a gzip bomb). */
  gzipBomb?: number;
  /** Size of a huge body, inflated gzip bomb included. Default 256 MiB. */
  hugeBodyBytes?: number;
  /** The BMC is down: its listener is closed, connections are refused. */
  down?: boolean;
  /** New TLS connections get a certificate that names neither the address nor localhost. */
  certMismatch?: boolean;
  /** Drop all sessions every N ms (clients see their sessions expire). */
  expireSessionsEveryMs?: number;
  /**
   * The session table is full: every login is refused as at the personality's session limit (Redfish
   * 503 `SessionLimitExceeded`, iDRAC 503 `IDRAC.2.8.RAC0218`, OpenBMC REST 503); sessions already
   * open, and HTTP Basic, keep working.
   */
  sessionsFull?: boolean;
  /** Only requests whose path matches this regular expression get latency and rate faults. */
  pathPattern?: string;
  /**
   * Only requests whose method matches this regular expression (e.g. `^DELETE$`) get latency and rate
   * faults; with `pathPattern`, both must match (login and logout share a path on Redfish).
   */
  methodPattern?: string;
}

export const RATE_FAULTS = [
  'reset',
  'hang',
  'error503',
  'error500Html',
  'malformedJson',
  'slowBody',
  // Appended, not sorted: the order is part of the seeded decisions of existing specs.
  'stallBody',
  'hugeBody',
  'endlessBody',
  'gzipBomb',
] as const;
export type RateFault = (typeof RATE_FAULTS)[number];

const NUMBER_FIELDS = [
  'latencyMs',
  'jitterMs',
  'slowBodyMs',
  'hugeBodyBytes',
  'expireSessionsEveryMs',
  ...RATE_FAULTS,
] as const;
const BOOLEAN_FIELDS = ['down', 'certMismatch', 'sessionsFull'] as const;
const PATTERN_FIELDS = ['pathPattern', 'methodPattern'] as const;
const ALL_FIELDS = new Set<string>([...NUMBER_FIELDS, ...BOOLEAN_FIELDS, ...PATTERN_FIELDS]);

export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

/** Validates untrusted input (admin API JSON, CLI) into a FaultSpec; unknown fields are errors. */
export function parseFaultSpec(input: unknown, where = 'fault spec'): FaultSpec {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new FaultSpecError(`${where}: expected an object`);
  const out: FaultSpec = {};
  for (const [key, value] of Object.entries(input)) {
    if (!ALL_FIELDS.has(key))
      throw new FaultSpecError(`${where}: unknown field "${key}" (known: ${[...ALL_FIELDS].join(', ')})`);
    if (value === null || value === undefined) continue;
    if ((BOOLEAN_FIELDS as readonly string[]).includes(key)) {
      if (typeof value !== 'boolean') throw new FaultSpecError(`${where}: "${key}" must be true or false`);
      (out as Record<string, unknown>)[key] = value;
    } else if ((PATTERN_FIELDS as readonly string[]).includes(key)) {
      if (typeof value !== 'string') throw new FaultSpecError(`${where}: "${key}" must be a string`);
      try {
        new RegExp(value);
      } catch (e) {
        throw new FaultSpecError(
          `${where}: "${key}" is not a valid regular expression: ${(e as Error).message}`,
        );
      }
      (out as Record<string, unknown>)[key] = value;
    } else {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
        throw new FaultSpecError(`${where}: "${key}" must be a number >= 0`);
      if ((RATE_FAULTS as readonly string[]).includes(key) && value > 1)
        throw new FaultSpecError(`${where}: "${key}" is a rate and must be between 0 and 1`);
      (out as Record<string, unknown>)[key] = value;
    }
  }
  const total = RATE_FAULTS.reduce((sum, k) => sum + (out[k] ?? 0), 0);
  if (total > 1 + 1e-9) throw new FaultSpecError(`${where}: the fault rates add up to ${total}, more than 1`);
  return out;
}

/** Node spec over fleet spec, field by field. */
export function mergeFaults(fleet: FaultSpec, node: FaultSpec | undefined): FaultSpec {
  return node ? { ...fleet, ...node } : fleet;
}

export function isEmptyFaultSpec(spec: FaultSpec): boolean {
  return Object.values(spec).every((v) => v === undefined || v === 0 || v === false);
}

export interface FaultDecision {
  /** Delay before answering, ms. */
  delayMs: number;
  fault: RateFault | undefined;
}

const patternCache = new Map<string, RegExp>();

function matches(pattern: string | undefined, text: string): boolean {
  if (!pattern) return true;
  let re = patternCache.get(pattern);
  if (!re) patternCache.set(pattern, (re = new RegExp(pattern)));
  return re.test(text);
}

/** Decides latency and at most one rate fault for one request. Consumes exactly two draws. */
export function decideFault(spec: FaultSpec, rng: Prng, path: string, method = 'GET'): FaultDecision {
  const u1 = rng.next();
  const u2 = rng.next();
  if (!matches(spec.pathPattern, path) || !matches(spec.methodPattern, method))
    return { delayMs: 0, fault: undefined };
  const base = spec.latencyMs ?? 0;
  const jitter = spec.jitterMs ?? 0;
  const delayMs = Math.max(0, Math.round(base + (u1 * 2 - 1) * jitter));
  let acc = 0;
  for (const k of RATE_FAULTS) {
    acc += spec[k] ?? 0;
    if (u2 < acc) return { delayMs, fault: k };
  }
  return { delayMs, fault: undefined };
}

/** Parses `50ms`, `2s`, `1.5s`, `250` (ms), `50ms~20ms` / `50ms±20ms` (latency with jitter). */
export function parseLatency(text: string): { latencyMs: number; jitterMs: number } {
  const [base, jitter] = text.split(/[~±]/);
  const latencyMs = parseMs(base ?? '', 'latency');
  return { latencyMs, jitterMs: jitter === undefined ? 0 : parseMs(jitter, 'latency jitter') };
}

export function parseMs(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text);
  if (!m || m[1] === undefined)
    throw new FaultSpecError(`invalid ${what} "${text}" (expected e.g. 50ms, 2s)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return Math.round(unit === 'ms' ? n : unit === 's' ? n * 1000 : n * 60_000);
}

const CLI_KINDS: Record<string, keyof FaultSpec> = {
  reset: 'reset',
  hang: 'hang',
  '503': 'error503',
  error503: 'error503',
  '500': 'error500Html',
  '500-html': 'error500Html',
  error500html: 'error500Html',
  malformed: 'malformedJson',
  'malformed-json': 'malformedJson',
  slow: 'slowBody',
  'slow-body': 'slowBody',
  stall: 'stallBody',
  'stall-body': 'stallBody',
  huge: 'hugeBody',
  'huge-body': 'hugeBody',
  endless: 'endlessBody',
  'endless-body': 'endlessBody',
  'gzip-bomb': 'gzipBomb',
  'sessions-full': 'sessionsFull',
  down: 'down',
  refused: 'down',
  'cert-mismatch': 'certMismatch',
  certmismatch: 'certMismatch',
  'expire-sessions': 'expireSessionsEveryMs',
  latency: 'latencyMs',
};

/**
 * Parses one `--fault` value: `[NODES:]KIND[=VALUE]`, e.g. `503=0.1`, `reset=0.05`, `down`,
 * `sim003:hang=1`, `sim[001-004]:cert-mismatch`, `expire-sessions=30s`, `latency=200ms~50ms`,
 * `slow=0.2`, `sim002:sessions-full`, `gzip-bomb=1`. Returns the node selector (undefined = fleet-wide) and the spec fragment.
 */
export function parseFaultArg(arg: string): { nodes: string | undefined; spec: FaultSpec } {
  const colon = arg.lastIndexOf(':');
  const nodes = colon > 0 ? arg.slice(0, colon) : undefined;
  const rest = colon > 0 ? arg.slice(colon + 1) : arg;
  const eq = rest.indexOf('=');
  const kindText = (eq < 0 ? rest : rest.slice(0, eq)).trim().toLowerCase();
  const value = eq < 0 ? undefined : rest.slice(eq + 1).trim();
  const field = CLI_KINDS[kindText];
  if (!field)
    throw new FaultSpecError(
      `unknown fault "${kindText}" in --fault ${arg} (known: ${Object.keys(CLI_KINDS).join(', ')})`,
    );
  const spec: FaultSpec = {};
  if (field === 'down' || field === 'certMismatch' || field === 'sessionsFull') {
    if (value !== undefined && !/^(true|1|yes|on)$/i.test(value))
      throw new FaultSpecError(`--fault ${arg}: ${kindText} takes no value`);
    spec[field] = true;
  } else if (field === 'latencyMs') {
    Object.assign(spec, parseLatency(value ?? ''));
  } else if (field === 'expireSessionsEveryMs') {
    spec.expireSessionsEveryMs = parseMs(value ?? '', 'session expiry period');
  } else {
    const rate =
      value === undefined ? 1 : Number(value.endsWith('%') ? Number(value.slice(0, -1)) / 100 : value);
    if (!Number.isFinite(rate) || rate < 0 || rate > 1)
      throw new FaultSpecError(`--fault ${arg}: rate must be between 0 and 1 (or a percentage)`);
    (spec as Record<string, number>)[field] = rate;
  }
  return { nodes, spec: parseFaultSpec(spec, `--fault ${arg}`) };
}
