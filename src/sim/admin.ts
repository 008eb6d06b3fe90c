/**
 * The admin API: JSON over plain HTTP on its own 127.0.0.1 port, to watch the fleet and change
 * faults while it runs. Routes (docs/simulator.md has examples):
 *
 *   GET    /                         readiness and where things are
 *   GET    /nodes                    nodes with URL, flavor, personality, power
 *   GET    /nodes/<name>             one node's state (power, boot, LED, BMC, sessions, faults)
 *   GET    /stats[?nodes=<range>]    SimStats
 *   POST   /stats/reset
 *   GET    /faults                   {fleet, nodes}
 *   PUT    /faults[?nodes=<range>]   replace the fleet-wide spec (or those nodes' specs)
 *   PATCH  /faults[?nodes=<range>]   merge into it
 *   DELETE /faults[?nodes=<range>]   clear (everything without ?nodes)
 *   POST   /actions/<action>[?nodes=<range>]   expire-sessions | bmc-reboot {ms} | power {reset} |
 *                                              quiesce | sensor {id, value} | fill-log {count} | clear-log
 *
 * `nodes` is an xCAT noderange (`sim[001-004]`, `all`, `openbmc`, `idrac`, `mgt==redfish`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { NoderangeError } from '../core/errors.js';
import { FaultSpecError } from './faults.js';
import { MachineError, RESET_TYPES, type ResetType } from './machine.js';
import type { Simulator } from './fleet.js';

export interface AdminServer {
  url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, `body is not JSON: ${(e as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new HttpError(400, 'body must be a JSON object');
  return v as Record<string, unknown>;
}

function num(body: Record<string, unknown>, key: string, required: boolean): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw new HttpError(400, `"${key}" is required`);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new HttpError(400, `"${key}" must be a number`);
  return v;
}

function nodeView(sim: Simulator, name: string): Record<string, unknown> {
  const m = sim.machine(name);
  const info = sim.nodes.find((n) => n.name === name);
  const stats = sim.stats(name).perNode[name];
  return {
    ...info,
    listening: stats?.listening,
    power: m.powerState(),
    chassis: m.chassisState(),
    host: m.hostState(),
    bmc: m.bmcState(),
    boot: m.bootOverride(),
    lastBoot: m.lastBoot() ?? null,
    indicatorLed: m.indicatorLed(),
    sessions: stats?.sessions ?? 0,
    requests: stats?.requests ?? 0,
    logEntries: m.log.size,
    faults: sim.admin.faults().nodes[name] ?? {},
    identity: m.identity,
  };
}

async function route(sim: Simulator, req: IncomingMessage): Promise<{ status: number; body: unknown }> {
  const url = new URL(req.url ?? '/', 'http://admin');
  const method = req.method ?? 'GET';
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const nodes = url.searchParams.get('nodes') ?? undefined;
  const [a, b] = parts;

  if (parts.length === 0 && method === 'GET')
    return {
      status: 200,
      body: {
        ready: true,
        nodes: sim.nodes.length,
        inventory: sim.inventory,
        stateDir: sim.stateDir,
        caFile: sim.caFile ?? null,
        passwordFile: sim.passwordFile,
        username: sim.username,
      },
    };
  if (a === 'nodes' && parts.length === 1 && method === 'GET') {
    const names = new Set(nodes ? sim.admin.select(nodes) : sim.nodes.map((n) => n.name));
    return {
      status: 200,
      body: sim.nodes
        .filter((n) => names.has(n.name))
        .map((n) => ({ ...n, power: sim.machine(n.name).powerState() })),
    };
  }
  if (a === 'nodes' && b !== undefined && parts.length === 2 && method === 'GET') {
    if (!sim.nodes.some((n) => n.name === b)) throw new HttpError(404, `no such node: ${b}`);
    return { status: 200, body: nodeView(sim, b) };
  }
  if (a === 'stats' && parts.length === 1 && method === 'GET') return { status: 200, body: sim.stats(nodes) };
  if (a === 'stats' && b === 'reset' && method === 'POST') {
    sim.admin.resetStats();
    return { status: 200, body: { reset: true } };
  }
  if (a === 'faults' && parts.length === 1) {
    if (method === 'GET') return { status: 200, body: sim.admin.faults() };
    if (method === 'DELETE')
      return { status: 200, body: { nodes: sim.admin.clearFaults(nodes), faults: sim.admin.faults() } };
    if (method === 'PUT' || method === 'PATCH') {
      const spec = await readJson(req);
      const touched =
        method === 'PUT' ? sim.admin.setFaults(spec, nodes) : sim.admin.updateFaults(spec, nodes);
      return { status: 200, body: { nodes: nodes ? touched : 'fleet', faults: sim.admin.faults() } };
    }
  }
  if (a === 'actions' && b !== undefined && parts.length === 2 && method === 'POST') {
    const body = await readJson(req);
    const sel = nodes ?? 'all';
    switch (b) {
      case 'expire-sessions':
        return { status: 200, body: { nodes: sim.admin.expireSessions(sel) } };
      case 'bmc-reboot':
        return { status: 200, body: { nodes: sim.admin.bmcReboot(sel, num(body, 'ms', false)) } };
      case 'power': {
        const reset = body['reset'];
        if (typeof reset !== 'string' || !RESET_TYPES.includes(reset as ResetType))
          throw new HttpError(400, `"reset" must be one of ${RESET_TYPES.join(', ')}`);
        return { status: 200, body: { results: sim.admin.power(sel, reset as ResetType) } };
      }
      case 'quiesce':
        return { status: 200, body: { nodes: sim.admin.quiesce(sel) } };
      case 'sensor': {
        const id = body['id'];
        if (typeof id !== 'string') throw new HttpError(400, '"id" (sensor id) is required');
        return { status: 200, body: { nodes: sim.admin.setSensor(sel, id, num(body, 'value', false)) } };
      }
      case 'fill-log':
        return { status: 200, body: { nodes: sim.admin.fillLog(sel, num(body, 'count', true) ?? 0) } };
      case 'clear-log':
        return { status: 200, body: { nodes: sim.admin.clearLog(sel) } };
      default:
        throw new HttpError(404, `no such action: ${b}`);
    }
  }
  throw new HttpError(
    parts.length > 0 && ['nodes', 'stats', 'faults', 'actions'].includes(a ?? '') ? 405 : 404,
    `no route for ${method} ${url.pathname}`,
  );
}

export async function startAdminServer(sim: Simulator, port: number): Promise<AdminServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    route(sim, req)
      .catch((e: unknown) => {
        if (e instanceof HttpError) return { status: e.status, body: { error: e.message } };
        if (e instanceof FaultSpecError || e instanceof NoderangeError)
          return { status: 400, body: { error: e.message } };
        if (e instanceof MachineError)
          return { status: e.kind === 'notFound' ? 404 : 400, body: { error: e.message } };
        return { status: 500, body: { error: e instanceof Error ? e.message : String(e) } };
      })
      .then(({ status, body }) => {
        const text = JSON.stringify(body, null, 2) + '\n';
        res.writeHead(status, {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': Buffer.byteLength(text),
        });
        res.end(text);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve());
  });
  const addr = server.address();
  const actual = addr && typeof addr === 'object' ? addr.port : port;
  return {
    url: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
