/**
 * `hwctl sim --replay DIR`: serve a run recorded with `--record DIR` (src/bmc/recorder.ts) back, one
 * virtual BMC per recorded node, so a bug report from a real BMC becomes a test fixture.
 *
 * Each BMC answers a request with the recorded answer to the same method + path (query included). When
 * the same request was recorded several times the answers come in the recorded order (a power state read
 * before `rpower on` answers off, the one after answers on) and the last one repeats. Logins are answered
 * as recorded whatever the password (the recorded token is masked; the client sends it back and nothing
 * checks it). A request never recorded gets a 404 with a Redfish error body. Exchanges that got no answer
 * (a reset, a timeout) are in the file for the reader, not replayed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedExchange, RecordHeader } from '../bmc/recorder.js';
import { baseMessage, errorBody } from './redfish/errors.js';
import type { Frontend, SimFlavor, SimRequest, SimResponse } from './types.js';

export interface RecordedNode {
  name: string;
  flavor: SimFlavor;
  system?: string;
  exchanges: RecordedExchange[];
}

export class ReplayError extends Error {
  override name = 'ReplayError';
}

/** Headers of the recorded answer that describe the recorded transfer, not the document: not resent. */
const TRANSFER_HEADERS = /^(content-length|transfer-encoding|content-encoding|connection|keep-alive|date)$/i;

/** `path?query` with the query in one canonical encoding, so `$expand=.($levels=1)` matches however sent. */
function requestKey(method: string, path: string, query: URLSearchParams): string {
  const q = query.toString();
  return `${method.toUpperCase()} ${path}${q ? `?${q}` : ''}`;
}

function recordedKey(x: RecordedExchange): string {
  const u = new URL(x.path, 'http://bmc');
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    path = u.pathname;
  }
  return requestKey(x.method, path, u.searchParams);
}

/** The nodes recorded in DIR (every `*.ndjson` with a record header), in name order. */
export function loadRecording(dir: string): RecordedNode[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.ndjson'));
  } catch (e) {
    throw new ReplayError(`--replay ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const nodes: RecordedNode[] = [];
  for (const f of files.sort()) {
    const lines = readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean);
    let header: RecordHeader;
    const exchanges: RecordedExchange[] = [];
    try {
      header = JSON.parse(lines[0] ?? '{}') as RecordHeader;
      for (const l of lines.slice(1)) exchanges.push(JSON.parse(l) as RecordedExchange);
    } catch (e) {
      throw new ReplayError(`--replay ${join(dir, f)}: not a recording (${(e as Error).message})`);
    }
    if (header.hwctlRecord !== 1 || typeof header.node !== 'string')
      throw new ReplayError(`--replay ${join(dir, f)}: not a recording made with hwctl --record`);
    // The flavor the inventory names; a recorded `auto` is told by the paths the probe and the command used.
    const flavor: SimFlavor =
      header.mgt === 'openbmc' || header.mgt === 'redfish'
        ? header.mgt
        : exchanges.some((x) => x.path.startsWith('/redfish'))
          ? 'redfish'
          : 'openbmc';
    nodes.push({
      name: header.node,
      flavor,
      ...(header.system ? { system: header.system } : {}),
      exchanges,
    });
  }
  if (nodes.length === 0)
    throw new ReplayError(`--replay ${dir}: no recording there (*.ndjson from --record)`);
  return nodes;
}

function responseOf(x: RecordedExchange): SimResponse {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(x.response?.headers ?? {}))
    if (!TRANSFER_HEADERS.test(k)) headers[k] = v;
  const r = x.response;
  const body = r?.json !== undefined ? JSON.stringify(r.json) : (r?.text ?? undefined);
  // Several Set-Cookie lines stay an array: node:http's writeHead sends one line each.
  return {
    status: x.status ?? 500,
    headers: headers as Record<string, string>,
    ...(body !== undefined ? { body } : {}),
  };
}

/** A frontend answering from one node's recorded exchanges. */
export function createReplayFrontend(node: RecordedNode): Frontend {
  const queues = new Map<string, RecordedExchange[]>();
  for (const x of node.exchanges) {
    if (x.status === undefined) continue; // no answer was recorded
    const key = recordedKey(x);
    const q = queues.get(key) ?? [];
    q.push(x);
    queues.set(key, q);
  }
  const served = new Map<string, number>();
  const style = { basePrefix: 'Base.1.16' };
  return {
    flavor: node.flavor,
    handle(req: SimRequest): SimResponse {
      const key = requestKey(req.method, req.path, req.query);
      const q = queues.get(key);
      if (!q) {
        return {
          status: 404,
          body: errorBody(style, [baseMessage(style, 'ResourceMissingAtURI', [req.path])]),
        };
      }
      const i = served.get(key) ?? 0;
      served.set(key, i + 1);
      return responseOf(q[Math.min(i, q.length - 1)]!);
    },
    // Sessions are the recorded ones: nothing is held here.
    openSessions: () => 0,
    expireSessions: () => undefined,
  };
}
