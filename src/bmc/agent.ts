/**
 * Sockets to BMCs: one keep-alive agent per BMC origin (and TLS setting), shared by every node and
 * request of the process. The per-BMC in-flight cap is the limiter's (src/bmc/limiter.ts), not the agent's.
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
import { connectTls, peerCertificate } from './tls-peer.js';
import type { Dialer } from './transport.js';

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
  /** The node's transport when it is not straight TCP (inventory `transport:`, src/bmc/transport.ts). */
  dial?: Dialer;
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

/**
 * The signal of the request a connection is opened for. The agent opens connections on its own, out of
 * reach of got's abort: without it, a node whose deadline passed while connecting to a dead BMC left that
 * connect running for the whole connect timeout, and the process with it (3 nodes on a silent address
 * with -t 3 answered at 3 s but exited at 8 s).
 *
 * Node's request function asks the agent for a socket synchronously (ClientRequest → addRequest →
 * createSocket → createConnection), so the signal is set for exactly that call (requestFunction below).
 * An AsyncLocalStorage did the same job, but once used it puts a hook on every promise of the process:
 * 4 % of the CPU of a 1,000-BMC `rpower stat` (docs/performance.md).
 */
let connectingFor: AbortSignal | undefined;

type RequestFunction = (
  url: URL,
  options: https.RequestOptions,
  callback?: (res: http.IncomingMessage) => void,
) => http.ClientRequest;

/** got's `request` option: Node's own request function, with `signal` seen by a connect it opens. */
export function requestFunction(signal: AbortSignal | undefined): RequestFunction {
  return (url, options, callback) => {
    const request = url.protocol === 'https:' ? https.request : http.request;
    connectingFor = signal;
    try {
      return request(url, options, callback);
    } finally {
      connectingFor = undefined;
    }
  };
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
  const signal = connectingFor;
  const onAbort = () => finish(fail('ABORT_ERR', 'the request was aborted while connecting'));
  /** The socket handed to HTTP, and (with a transport's dialer) the stream under it. */
  let sock: Duplex | undefined;
  let raw: Duplex | undefined;
  const finish = (err: Error | null, socket?: Duplex) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    if (err) {
      sock?.destroy();
      raw?.destroy();
      cb(err);
    } else {
      for (const s of [sock, raw]) {
        s?.removeListener('error', onError);
        s?.on('error', () => undefined); // HTTP attaches its own listener on the next tick
      }
      cb(null, socket);
    }
  };
  const onError = (e: Error) => finish(e);
  const attach = (s: Duplex) => {
    sock = s;
    s.once('error', onError);
  };
  /** TLS to the BMC, straight over TCP or over a transport's stream: verified or pinned either way. */
  const secure = (under?: Duplex) => {
    const t = connectTls({
      // With a transport's stream, `host` is still given: the certificate is checked against it.
      ...(under ? { socket: under, host } : { host, port }),
      // SNI must not be an IP address (RFC 6066).
      ...(net.isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: cfg.tlsMode === 'verify',
      secureContext: secureContextFor(cfg.tlsMode === 'verify' ? cfg.caPem : undefined),
    });
    attach(t);
    if (under) t.once('close', () => under.destroy());
    t.once('secureConnect', () => {
      if (cfg.tlsMode !== 'pin') return finish(null, t);
      const actual = peerCertificate(t)?.fingerprint256;
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
  };
  const timer = setTimeout(
    () => finish(fail(CONNECT_TIMEOUT, `no connection within ${cfg.connectMs} ms`)),
    cfg.connectMs,
  );
  timer.unref?.();
  if (signal?.aborted) return onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const dial = cfg.dial;
  if (dial) {
    // The node's transport (src/bmc/transport.ts) opens the stream; TLS, when it is ours, runs inside it.
    dial.open({ host, port }, signal).then(
      (s) => {
        if (done) return void s.destroy();
        raw = s;
        s.once('error', onError);
        if (cfg.protocol === 'https:' && dial.tls) secure(s);
        else finish(null, s);
      },
      (e: unknown) => finish(e instanceof Error ? e : new Error(String(e))),
    );
  } else if (cfg.protocol === 'http:') {
    const s = net.connect({ host, port });
    attach(s);
    s.once('connect', () => finish(null, s));
  } else {
    secure();
  }
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

/** The undocumented part of Node's Agent that bmcAgent wraps (stable since Node 0.12). */
interface InternalAgent {
  createSocket(req: http.ClientRequest, options: unknown, cb: Callback): void;
}

/** Requests that were handed a connection error (each must get one error at most). */
const failedRequests = new WeakSet<http.ClientRequest>();

/** Take a request out of the agent's wait queues (it has had its error). */
function dequeue(agent: http.Agent, req: http.ClientRequest): void {
  // Node types the queues read-only; the agent's own code splices them the same way.
  const queues = agent.requests as unknown as Record<string, http.ClientRequest[] | undefined>;
  for (const [name, queue] of Object.entries(queues)) {
    const i = queue?.indexOf(req) ?? -1;
    if (i < 0) continue;
    queue!.splice(i, 1);
    if (queue!.length === 0) delete queues[name];
  }
}

/**
 * The keep-alive agent of one BMC origin: Node's https or http agent (each accepts only its own
 * protocol's URLs) with our connect (TLS policy, pinning, connect timeout) and the idle limit on pooled
 * sockets. The same three methods for both protocols, so they are set on the instance.
 */
function bmcAgent(cfg: AgentConfig, state: AgentState): BmcAgent {
  const options = {
    keepAlive: true,
    // No cap here: the limiter already holds requests beyond the per-BMC cap, where the node's deadline
    // and interrupt reach them. A second queue in the agent caught the requests sent right after a
    // connection reset, before the dying sockets had left the agent's count: they waited there
    // unseen by any signal, and handed to Node's removeSocket path (see createSocket below) crashed the run.
    maxSockets: Infinity,
    maxFreeSockets: cfg.perBmc,
    scheduling: 'lifo' as const,
  };
  const agent = cfg.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
  const keepSocketAlive = agent.keepSocketAlive.bind(agent);
  const reuseSocket = agent.reuseSocket.bind(agent);
  const createSocket = (agent as unknown as InternalAgent).createSocket.bind(agent);
  return Object.assign(agent, {
    state,
    /**
     * When a pooled socket closes while requests wait in the agent's queue, Node's removeSocket opens a
     * connection for the first waiting request and, if that fails, hands it the error but leaves it in
     * the queue (Node 20 _http_agent.js). With a connect that fails through its callback, as ours does, the
     * next socket to close (a BMC reboot resets both pooled connections) hands the same request a second
     * error: got listens once, and the second 'error' on the ClientRequest crashed the process. A request
     * that got its connection error leaves the queue, as it would have with Node's own synchronous connect.
     */
    createSocket(req: http.ClientRequest, opts: unknown, cb: Callback): void {
      createSocket(req, opts, (err, socket) => {
        if (err) {
          // Two sockets closing open two connections for the same first waiter: one error is enough.
          if (failedRequests.has(req)) return;
          failedRequests.add(req);
          dequeue(agent, req);
        }
        cb(err, socket);
      });
    },
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
    cfg.dial?.key ?? '',
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

/**
 * SHA-256 fingerprint of a BMC's certificate, without trusting or sending anything (hwctl trust); through
 * the node's transport when it has one, as its requests will go.
 */
export function fetchFingerprint(
  hostport: string,
  connectMs: number,
  signal?: AbortSignal,
  dial?: Dialer,
): Promise<string> {
  const idx = hostport.lastIndexOf(':');
  const host = hostport.slice(0, idx).replace(/^\[|\]$/g, '');
  const port = Number(hostport.slice(idx + 1));
  return new Promise((resolve, reject) => {
    let t: tls.TLSSocket | undefined;
    let stopped = false;
    const timer = setTimeout(
      () => stop(fail(CONNECT_TIMEOUT, `no connection within ${connectMs} ms`)),
      connectMs,
    );
    const onAbort = () =>
      stop(signal?.reason instanceof Error ? signal.reason : fail('ABORT_ERR', 'aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    function stop(err: Error | null, fp?: string) {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      t?.destroy();
      if (err) reject(err);
      else resolve(fp!);
    }
    const handshake = (under?: Duplex) => {
      if (stopped) return void under?.destroy();
      t = connectTls({
        ...(under ? { socket: under, host } : { host, port }),
        rejectUnauthorized: false,
        ...(net.isIP(host) ? {} : { servername: host }),
      });
      if (under) t.once('close', () => under.destroy());
      t.once('secureConnect', () => {
        const fp = peerCertificate(t!)?.fingerprint256;
        if (fp) stop(null, fp);
        else stop(fail('ERR_TLS_NO_CERT', 'the BMC presented no certificate'));
      });
      t.once('error', (e) => stop(e));
    };
    if (dial) {
      dial
        .open({ host, port }, signal)
        .then(handshake, (e: unknown) => stop(e instanceof Error ? e : new Error(String(e))));
    } else handshake();
  });
}
