/**
 * Sockets to BMCs: one keep-alive agent per BMC origin (and TLS setting), shared by every node and
 * request of the process, with `maxSockets` = the per-BMC in-flight cap.
 *
 * The agent opens connections itself (async `createConnection`) so that it can
 *  - bound TCP connect + TLS handshake by the connect timeout, separately from the request timeout;
 *  - check a pinned certificate (tls: pin) BEFORE the socket is handed to HTTP: nothing, not even
 *    the request line, let alone credentials, is written to a BMC whose certificate does not match.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { TlsMode } from '../core/types.js';
import { CONNECT_TIMEOUT, PIN_MISMATCH } from './errors.js';
import { knownBmcs } from './known-bmcs.js';

export interface AgentConfig {
  protocol: 'http:' | 'https:';
  /** `host:port`, the known_bmcs key. */
  hostport: string;
  tlsMode: TlsMode;
  /** PEM text of the CA bundle (verify mode). */
  caPem?: string;
  caPath?: string;
  connectMs: number;
  perBmc: number;
  knownBmcs: string;
}

/** Told when a certificate is pinned on first use (the transport turns it into a warning). */
export type PinNotifier = (hostport: string, fingerprint: string, file: string) => void;

type Callback = (err: Error | null, socket?: Duplex) => void;
type ConnectOptions = { host?: string | null; hostname?: string | null; port?: number | string | null };

function fail(code: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code }, extra);
}

/**
 * One TLS context per CA bundle for the whole run. Without it every connection builds its own context
 * and parses the CA again: a third of a millisecond of CPU each, 0.65 s over a 1,000-BMC `rpower stat`.
 */
const secureContexts = new Map<string, tls.SecureContext>();
function secureContextFor(caPem: string | undefined): tls.SecureContext {
  const key = caPem ?? '';
  let ctx = secureContexts.get(key);
  if (!ctx) {
    ctx = tls.createSecureContext(caPem === undefined ? {} : { ca: caPem });
    secureContexts.set(key, ctx);
  }
  return ctx;
}

/** Open a socket, call back once it is usable (connected, handshaken, pin checked) or failed. */
function openSocket(
  cfg: AgentConfig,
  state: { notify: PinNotifier; node: string },
  opts: ConnectOptions,
  cb: Callback,
): void {
  const host = String(opts.hostname ?? opts.host ?? 'localhost').replace(/^\[|\]$/g, '');
  const port = Number(opts.port);
  let done = false;
  const finish = (err: Error | null, socket?: Duplex) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (err) {
      sock.destroy();
      cb(err);
    } else {
      sock.removeListener('error', onError);
      sock.on('error', () => undefined); // HTTP attaches its own listener on the next tick
      cb(null, socket);
    }
  };
  const onError = (e: Error) => finish(e);
  let sock: net.Socket;
  if (cfg.protocol === 'http:') {
    sock = net.connect({ host, port });
    sock.once('connect', () => finish(null, sock));
  } else {
    const t = tls.connect({
      host,
      port,
      // SNI must not be an IP address (RFC 6066).
      ...(net.isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: cfg.tlsMode === 'verify',
      secureContext: secureContextFor(cfg.tlsMode === 'verify' ? cfg.caPem : undefined),
    });
    sock = t;
    t.once('secureConnect', () => {
      if (cfg.tlsMode !== 'pin') return finish(null, t);
      const actual = t.getPeerCertificate()?.fingerprint256;
      if (!actual) return finish(fail('ERR_TLS_NO_CERT', 'the BMC presented no certificate'));
      const store = knownBmcs(cfg.knownBmcs);
      const storeError = (e: unknown) =>
        finish(fail('ERR_TLS_PIN_STORE', `cannot use ${cfg.knownBmcs}: ${(e as Error).message}`));
      const check = (pinned: string) =>
        pinned === actual
          ? finish(null, t)
          : finish(fail(PIN_MISMATCH, `certificate of ${cfg.hostport} changed`, { pinned, actual }));
      let pinned: string | undefined;
      try {
        pinned = store.get(cfg.hostport);
      } catch (e) {
        return storeError(e);
      }
      if (pinned !== undefined) return check(pinned);
      // First use: pinned under the store's lock, against the file as it is then; another run (or node)
      // may have pinned this BMC meanwhile, and then its pin is the one to match.
      store.pinFirstUse(cfg.hostport, actual, state.node).then((r) => {
        if (r.added) state.notify(cfg.hostport, actual, cfg.knownBmcs);
        check(r.pinned);
      }, storeError);
    });
  }
  sock.once('error', onError);
  const timer = setTimeout(
    () => finish(fail(CONNECT_TIMEOUT, `no connection within ${cfg.connectMs} ms`)),
    cfg.connectMs,
  );
  timer.unref?.();
}

/**
 * BMC web servers close idle keep-alive connections after a few seconds; a request written on a
 * socket just closed by the BMC fails with a reset that, for an action, cannot be safely retried.
 * So pooled sockets are dropped after IDLE_MS (the agent destroys free sockets on 'timeout').
 */
const IDLE_MS = 3000;
function idleTimeout(socket: Duplex, idle: boolean): void {
  if (socket instanceof net.Socket) socket.setTimeout(idle ? IDLE_MS : 0);
}

interface AgentState {
  notify: PinNotifier;
  node: string;
}

export type BmcAgent = (http.Agent | https.Agent) & { readonly state: AgentState };

/**
 * The keep-alive agent of one BMC origin: Node's https or http agent (each accepts only its own
 * protocol's URLs) with our connect (TLS policy, pinning, connect timeout) and the idle limit on pooled
 * sockets. The same three methods for both protocols, so they are set on the instance.
 */
function bmcAgent(cfg: AgentConfig, state: AgentState): BmcAgent {
  const options = {
    keepAlive: true,
    maxSockets: cfg.perBmc,
    maxFreeSockets: cfg.perBmc,
    scheduling: 'lifo' as const,
  };
  const agent = cfg.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
  const keepSocketAlive = agent.keepSocketAlive.bind(agent);
  const reuseSocket = agent.reuseSocket.bind(agent);
  return Object.assign(agent, {
    state,
    createConnection(opts: ConnectOptions, cb: Callback): undefined {
      openSocket(cfg, state, opts, cb);
      return undefined;
    },
    keepSocketAlive(socket: Duplex): void {
      // Node returns whether to keep the socket (typed void); it also resets the socket timeout.
      const keep: unknown = keepSocketAlive(socket);
      idleTimeout(socket, true);
      return keep as void;
    },
    reuseSocket(socket: Duplex, request: http.ClientRequest): void {
      idleTimeout(socket, false);
      reuseSocket(socket, request);
    },
  });
}

/** The agent in the shape got takes. */
export function gotAgents(agent: BmcAgent): { http?: http.Agent; https?: https.Agent } {
  return agent instanceof https.Agent ? { https: agent } : { http: agent };
}

const agents = new Map<string, BmcAgent>();
const agentKeys = new WeakMap<BmcAgent, string>();

/** The process-wide agent for a BMC origin and TLS setting. */
export function agentFor(cfg: AgentConfig, node: string, notify: PinNotifier): BmcAgent {
  const key = [
    cfg.protocol,
    cfg.hostport,
    cfg.tlsMode,
    cfg.caPath ?? '',
    cfg.knownBmcs,
    cfg.connectMs,
    cfg.perBmc,
  ].join('\u0000');
  let agent = agents.get(key);
  if (!agent) {
    agent = bmcAgent(cfg, { notify, node });
    agents.set(key, agent);
    agentKeys.set(agent, key);
  } else {
    // The latest run's notifier and node name are used for pins made from now on.
    agent.state.notify = notify;
    agent.state.node = node;
  }
  return agent;
}

/**
 * Agents are shared by every node that talks to the same BMC origin (blades behind one manager), so they
 * are counted: each transport retains the agents it used and releases them when its node is done. The last
 * release closes the agent's pooled sockets, so a 5,000-node run does not hold 5,000 idle TLS connections
 * (and their buffers) until it exits.
 */
const agentUsers = new Map<BmcAgent, number>();

export function retainAgent(agent: BmcAgent): void {
  agentUsers.set(agent, (agentUsers.get(agent) ?? 0) + 1);
}

export function releaseAgent(agent: BmcAgent): void {
  const users = (agentUsers.get(agent) ?? 1) - 1;
  if (users > 0) {
    agentUsers.set(agent, users);
    return;
  }
  agentUsers.delete(agent);
  const key = agentKeys.get(agent);
  if (key !== undefined && agents.get(key) === agent) agents.delete(key);
  agent.destroy();
}

/** Close every pooled connection (end of a run, tests). */
export function destroyAgents(): void {
  agentUsers.clear();
  for (const a of agents.values()) a.destroy();
  agents.clear();
}

/** SHA-256 fingerprint of a BMC's certificate, without trusting or sending anything (hwctl trust). */
export function fetchFingerprint(hostport: string, connectMs: number, signal?: AbortSignal): Promise<string> {
  const idx = hostport.lastIndexOf(':');
  const host = hostport.slice(0, idx).replace(/^\[|\]$/g, '');
  const port = Number(hostport.slice(idx + 1));
  return new Promise((resolve, reject) => {
    const t = tls.connect({
      host,
      port,
      rejectUnauthorized: false,
      ...(net.isIP(host) ? {} : { servername: host }),
    });
    const timer = setTimeout(
      () => stop(fail(CONNECT_TIMEOUT, `no connection within ${connectMs} ms`)),
      connectMs,
    );
    const onAbort = () =>
      stop(signal?.reason instanceof Error ? signal.reason : fail('ABORT_ERR', 'aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    function stop(err: Error | null, fp?: string) {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      t.destroy();
      if (err) reject(err);
      else resolve(fp!);
    }
    t.once('secureConnect', () => {
      const fp = t.getPeerCertificate()?.fingerprint256;
      if (fp) stop(null, fp);
      else stop(fail('ERR_TLS_NO_CERT', 'the BMC presented no certificate'));
    });
    t.once('error', (e) => stop(e));
  });
}
