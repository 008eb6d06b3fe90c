/**
 * `--record DIR`: every HTTP exchange of a run written down, secrets masked, so that a run against a real
 * BMC becomes a bug report and then a test fixture (`hwctl sim --replay DIR`, src/sim/replay.ts).
 *
 * One file per node, `DIR/<node>.ndjson` (the name URI-encoded): a header line
 * `{"hwctlRecord":1,"node","mgt","system"?}`, then one line per exchange, in the order the answers came:
 *
 *   {"at","method","path","request":{"headers","json"?},"status","statusText","response":{"headers","json"|"text"},"elapsedMs","try"}
 *
 * or, for a request that got no answer, `"error"` (the transport's code) instead of status and response.
 * Runs append: `rpower on` then `rpower stat` into the same DIR replay in that order.
 *
 * Secrets: headers through `maskHeaders` (Authorization, X-Auth-Token, cookies), bodies through `maskBody`
 * (fields named like password/token/secret, the OpenBMC login array), then the whole line through the
 * node's Redactor, which knows the password, its Basic encoding and every session token this node sent or
 * was handed (added here), wherever a BMC echoes one. Lines are appended synchronously: an interrupted run
 * keeps what it recorded, and recording is a diagnosis mode, not a fleet-speed one.
 */
import { appendFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { HwctlUsageError } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import { maskBody, maskHeaders, type Redactor } from './redact.js';

export const RECORD_VERSION = 1;

/** The header line of a node's file. */
export interface RecordHeader {
  hwctlRecord: number;
  node: string;
  mgt: string;
  system?: string;
}

/** One exchange line. */
export interface RecordedExchange {
  at: string;
  method: string;
  /** Path and query as sent. */
  path: string;
  request: { headers: Record<string, string | string[]>; json?: unknown };
  status?: number;
  statusText?: string;
  response?: { headers: Record<string, string | string[]>; json?: unknown; text?: string };
  /** No answer: the transport's error code (ECONNRESET, ETIMEDOUT...). */
  error?: string;
  elapsedMs: number;
  try: number;
}

export function recordFile(dir: string, node: string): string {
  return join(dir, `${encodeURIComponent(node)}.ndjson`);
}

/** Create DIR (and parents) before the run, so a DIR that cannot be written is a usage error (exit 2). */
export function prepareRecordDir(dir: string): void {
  try {
    makeDir(resolve(dir));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new HwctlUsageError(`--record ${dir}: cannot create the directory (${code})`);
  }
}

/**
 * `mkdir -p`, one level at a time: Node's `mkdirSync(…, {recursive: true})` never returns for a path under
 * /proc (`--record /proc/x/rec` spun at 100 % CPU), where mkdir answers ENOENT under a parent that exists.
 */
function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(dir).isDirectory()) return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw e;
    makeDir(dirname(dir));
    mkdirSync(dir, { mode: 0o700 });
  }
}

/** Session tokens a BMC handed out in this answer, for the Redactor (they may be echoed later). */
function tokensIn(headers: IncomingHttpHeaders): string[] {
  const out: string[] = [];
  const token = headers['x-auth-token'];
  if (typeof token === 'string') out.push(token);
  for (const c of headers['set-cookie'] ?? []) {
    const value = /^[^=;]*=([^;]*)/.exec(c)?.[1];
    if (value) out.push(value);
  }
  return out;
}

export interface ExchangeToRecord {
  method: string;
  path: string;
  requestHeaders: Record<string, string>;
  requestJson?: unknown;
  response?: { status: number; statusText: string; headers: IncomingHttpHeaders; text: string };
  error?: string;
  elapsedMs: number;
  try: number;
}

/** Append one exchange of `node` to its file in `dir`, every secret masked. */
export function recordExchange(dir: string, node: NodeDef, redactor: Redactor, x: ExchangeToRecord): void {
  const file = recordFile(dir, node.name);
  if (!existsSync(file)) {
    const header: RecordHeader = {
      hwctlRecord: RECORD_VERSION,
      node: node.name,
      mgt: String(node.mgt),
      ...(node.system ? { system: node.system } : {}),
    };
    appendFileSync(file, JSON.stringify(header) + '\n', { mode: 0o600 });
  }
  const line: RecordedExchange = {
    at: new Date().toISOString(),
    method: x.method,
    path: x.path,
    request: {
      headers: maskHeaders(x.requestHeaders),
      ...(x.requestJson !== undefined ? { json: maskBody(x.requestJson, x.path) } : {}),
    },
    elapsedMs: x.elapsedMs,
    try: x.try,
  };
  if (x.response) {
    for (const t of tokensIn(x.response.headers)) redactor.add(t);
    line.status = x.response.status;
    line.statusText = x.response.statusText;
    let json: unknown;
    try {
      json = x.response.text === '' ? undefined : JSON.parse(x.response.text);
    } catch {
      json = undefined;
    }
    line.response = {
      headers: maskHeaders(x.response.headers),
      ...(json !== undefined ? { json: maskBody(json, x.path) } : { text: x.response.text }),
    };
  } else line.error = x.error ?? 'error';
  appendFileSync(file, redactor.mask(JSON.stringify(line)) + '\n');
}
