/**
 * One virtual BMC on the wire: its own listening port, TLS, fault injection, and the bridge between
 * HTTP and its protocol frontend.
 *
 * Memory: while idle a BMC holds one net.Server (a file descriptor), its SimMachine and a few
 * closures. The HTTP(S) server object, the TLS context (certificate signed for this BMC) and the
 * frontend are created on the first connection.
 *
 * Up/down: the listener is open only while the BMC is reachable, i.e. not stopped, no `down`
 * fault, and the machine's BMC is not rebooting. When it goes down the listener closes (new
 * connections are refused), idle connections are destroyed and those with a request in flight are
 * destroyed as soon as that answer is written (so a `Manager.Reset` still gets its 204).
 */
import { createServer as createNetServer, Socket, type Server as NetServer } from 'node:net';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
  type Server as HttpServer,
} from 'node:http';
import { TLSSocket, createSecureContext, type SecureContext } from 'node:tls';
import { constants as zlibConstants, createGzip } from 'node:zlib';
import type { SimClock, SimTimer } from './clock.js';
import type { SimCertificateAuthority } from './certs.js';
import { decideFault, type FaultSpec, type RateFault } from './faults.js';
import type { SimMachine } from './machine.js';
import type { Prng } from './prng.js';
import type { FleetStats } from './stats.js';
import type {
  Frontend,
  FrontendFactory,
  FrontendOptions,
  BmcTls,
  Personality,
  SimFlavor,
  SimRequest,
  SimResponse,
} from './types.js';

/** Bodies above this are refused with 413 (firmware images are the big ones). */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

export interface VirtualBmcOptions {
  name: string;
  index: number;
  flavor: SimFlavor;
  personality: Personality;
  machine: SimMachine;
  factory: FrontendFactory;
  frontendOptions: FrontendOptions;
  /** HTTPS when set; plain HTTP otherwise. */
  ca: SimCertificateAuthority | undefined;
  listen: string;
  /** The port to bind; 0 = take one from `nextPort` (or the kernel's choice without it). */
  port: number;
  /** Candidate ports for `port: 0`, tried in turn until one binds (see ports.ts). */
  nextPort?: () => number;
  /** The node's effective fault spec (fleet merged with node), read on every request. */
  faults: () => FaultSpec;
  rng: Prng;
  stats: FleetStats;
  clock: SimClock;
  /** One line per request (verbose mode). */
  log?: (line: string) => void;
}

const HTML_500 =
  '<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n' +
  '<body><h1>Internal Server Error</h1><p>The server encountered an internal error and was unable to ' +
  'complete your request.</p><hr><address>lighttpd</address></body></html>\n';

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

class BodyTooLarge extends Error {}

/** Default size of a `hugeBody` answer and of an inflated `gzipBomb`. */
export const DEFAULT_HUGE_BODY_BYTES = 256 * 1024 * 1024;
const PAD_CHUNK = Buffer.alloc(64 * 1024, 'a');
const PAD_HEAD = Buffer.from('{"Id":"pad","Padding":"');
const PAD_TAIL = Buffer.from('"}');

/** Resolves when the response is closed (the client went away, or the simulator stopped). */
function closed(res: ServerResponse): Promise<void> {
  return res.destroyed ? Promise.resolve() : new Promise((resolve) => res.once('close', () => resolve()));
}

/**
 * Writes `bytes` of padding (Infinity: until the client closes), honouring backpressure so the
 * simulator's memory stays flat whatever the client does with the bytes.
 */
async function pad(res: ServerResponse, bytes: number): Promise<void> {
  const gone = closed(res);
  for (let left = bytes; left > 0 && !res.destroyed; left -= PAD_CHUNK.length) {
    const chunk = left >= PAD_CHUNK.length ? PAD_CHUNK : PAD_CHUNK.subarray(0, left);
    if (!res.write(chunk)) await Promise.race([new Promise((r) => res.once('drain', r)), gone]);
  }
}

/** gzip of `{"Id":"pad","Padding":"aaa…"}` inflating to `bytes`, made once per size (RLE: ~1,000:1). */
const bombs = new Map<number, Promise<Buffer>>();
function gzipBomb(bytes: number): Promise<Buffer> {
  let bomb = bombs.get(bytes);
  if (!bomb) {
    bomb = new Promise<Buffer>((resolve, reject) => {
      const gz = createGzip({ level: 9, strategy: zlibConstants.Z_RLE });
      const out: Buffer[] = [];
      gz.on('data', (c: Buffer) => out.push(c));
      gz.on('end', () => resolve(Buffer.concat(out)));
      gz.on('error', reject);
      const padding = Math.max(0, bytes - PAD_HEAD.length - PAD_TAIL.length);
      gz.write(PAD_HEAD);
      let left = padding;
      const more = (): void => {
        while (left > 0) {
          const chunk = left >= PAD_CHUNK.length ? PAD_CHUNK : PAD_CHUNK.subarray(0, left);
          left -= chunk.length;
          if (!gz.write(chunk)) return void gz.once('drain', more);
        }
        gz.end(PAD_TAIL);
      };
      more();
    });
    bombs.set(bytes, bomb);
  }
  return bomb;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The TCP socket under a TLS socket (for a real RST); the socket itself for plain HTTP. */
function tcpSocketOf(s: Socket): Socket {
  const parent: unknown = (s as unknown as { _parent?: unknown })._parent;
  return parent instanceof Socket ? parent : s;
}

interface Serialized {
  status: number;
  headers: Record<string, string>;
  payload: Buffer | undefined;
}

function serialize(resp: SimResponse): Serialized {
  const headers: Record<string, string> = { ...resp.headers };
  const hasType = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
  let payload: Buffer | undefined;
  if (resp.body === undefined || resp.body === null) payload = undefined;
  else if (Buffer.isBuffer(resp.body)) payload = resp.body;
  else if (typeof resp.body === 'string') {
    payload = Buffer.from(resp.body);
    if (!hasType) headers['Content-Type'] = 'text/plain; charset=utf-8';
  } else {
    payload = Buffer.from(JSON.stringify(resp.body));
    if (!hasType) headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  return { status: resp.status, headers, payload };
}

export class VirtualBmc {
  readonly name: string;
  readonly index: number;
  readonly flavor: SimFlavor;
  readonly personality: Personality;
  readonly machine: SimMachine;
  port: number;
  private listener: NetServer | undefined;
  private opening: Promise<void> | undefined;
  /** Set once the port was bound: later re-binds (after a reboot or `down`) retry on EADDRINUSE. */
  private everListened = false;
  private readonly sockets = new Set<Socket>();
  private readonly busy = new Set<Socket>();
  private frontendPromise: Promise<Frontend> | undefined;
  /** A certificate a client installed (Redfish ReplaceCertificate); new connections get it. */
  private replacedContext: SecureContext | undefined;
  private frontendReady: Frontend | undefined;
  private server: HttpServer | undefined;
  private stopped = false;
  private expireTimer: SimTimer | undefined;
  private expirePeriod = 0;

  constructor(private readonly o: VirtualBmcOptions) {
    this.name = o.name;
    this.index = o.index;
    this.flavor = o.flavor;
    this.personality = o.personality;
    this.machine = o.machine;
    this.port = o.port;
    this.machine.on('bmc', (e) => {
      if (e === 'down') this.frontendReady?.expireSessions();
      this.sync();
    });
  }

  get scheme(): 'http' | 'https' {
    return this.o.ca ? 'https' : 'http';
  }

  /** Base URL, e.g. `https://127.0.0.1:40001`. */
  get url(): string {
    const host = this.o.listen.includes(':') ? `[${this.o.listen}]` : this.o.listen;
    return `${this.scheme}://${host}:${this.port}`;
  }

  get listening(): boolean {
    return this.listener !== undefined;
  }

  /** Open sessions (0 before the first request created the frontend). */
  openSessions(): number {
    return this.frontendReady?.openSessions() ?? 0;
  }

  expireSessions(): void {
    this.frontendReady?.expireSessions();
  }

  frontend(): Promise<Frontend> {
    this.frontendPromise ??= this.tls()
      .then((tls) => this.o.factory(this.machine, { ...this.o.frontendOptions, ...(tls ? { tls } : {}) }))
      .then((f) => {
        this.frontendReady = f;
        return f;
      });
    return this.frontendPromise;
  }

  /** Over HTTPS: the served certificate, and the hook that swaps it (a client's ReplaceCertificate). */
  private async tls(): Promise<BmcTls | undefined> {
    const ca = this.o.ca;
    if (!ca) return undefined;
    const tls: BmcTls = {
      certificatePem: await ca.certificateFor(this.name),
      replace: (cert, key) => {
        this.replacedContext = createSecureContext({ key, cert, minVersion: 'TLSv1.2' });
        tls.certificatePem = cert;
      },
    };
    return tls;
  }

  /** Binds the port (the first time: learns the ephemeral port). */
  async start(): Promise<void> {
    this.sync();
    // A BMC that starts down (a `down` fault) still gets its port, bound once and let go: the inventory
    // then names an address that refuses connections, as an unplugged BMC's does, instead of port 0.
    if (!this.reachable() && !this.everListened) await this.open();
    await this.opening;
    if (!this.listening && this.reachable())
      throw new Error(`${this.name}: could not listen on ${this.o.listen}:${this.port}`);
  }

  /** Faults changed: open/close, (re)arm session expiry, drop idle connections on a certificate switch. */
  faultsChanged(previous: FaultSpec): void {
    const now = this.o.faults();
    if (!!previous.certMismatch !== !!now.certMismatch)
      for (const s of this.sockets) if (!this.busy.has(s)) s.destroy();
    const period = now.expireSessionsEveryMs ?? 0;
    if (period !== this.expirePeriod) {
      this.expireTimer?.cancel();
      this.expireTimer = undefined;
      this.expirePeriod = period;
      if (period > 0) this.armExpiry();
    }
    this.sync();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.expireTimer?.cancel();
    await this.opening;
    this.closeListener();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.frontendReady?.dispose?.();
    this.machine.dispose();
  }

  private armExpiry(): void {
    this.expireTimer = this.o.clock.setTimer(this.expirePeriod, () => {
      this.frontendReady?.expireSessions();
      this.o.stats.fault(this.name, 'expireSessions');
      if (this.expirePeriod > 0 && !this.stopped) this.armExpiry();
    });
  }

  private reachable(): boolean {
    return !this.stopped && !this.o.faults().down && this.machine.bmcReady();
  }

  private sync(): void {
    if (this.reachable()) {
      if (!this.listener && !this.opening)
        this.opening = this.open().finally(() => (this.opening = undefined));
    } else {
      this.closeListener();
      for (const s of this.sockets) if (!this.busy.has(s)) s.destroy();
    }
  }

  private async open(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const server = createNetServer({ pauseOnConnect: true }, (raw) => this.onConnection(raw));
      const choosing = !this.everListened && this.o.port === 0 && this.o.nextPort !== undefined;
      const port = choosing && this.o.nextPort ? this.o.nextPort() : this.port;
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: this.o.listen, port, backlog: 511 }, () => {
            server.off('error', reject);
            resolve();
          });
        });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // A candidate port taken by someone else: try the next one.
        if (choosing && attempt < 1000 && (code === 'EADDRINUSE' || code === 'EACCES')) continue;
        // Re-binding after a reboot can race with the kernel releasing the port: retry a little.
        if (this.everListened && attempt < 20 && (e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          await delay(50);
          continue;
        }
        throw e;
      }
      const addr = server.address();
      if (addr && typeof addr === 'object') this.port = addr.port;
      this.everListened = true;
      if (!this.reachable()) {
        server.close();
        return;
      }
      this.listener = server;
      return;
    }
  }

  private closeListener(): void {
    this.listener?.close();
    this.listener = undefined;
  }

  private onConnection(raw: Socket): void {
    if (!this.reachable()) {
      raw.destroy();
      return;
    }
    this.sockets.add(raw);
    raw.once('close', () => {
      this.sockets.delete(raw);
      this.busy.delete(raw);
    });
    raw.on('error', () => undefined); // clients resetting is normal
    raw.setNoDelay(true);
    const ca = this.o.ca;
    this.server ??= this.makeServer();
    const server = this.server;
    if (!ca) {
      server.emit('connection', raw);
      raw.resume();
      return;
    }
    const context = this.o.faults().certMismatch
      ? ca.mismatchContext()
      : this.replacedContext
        ? Promise.resolve(this.replacedContext)
        : ca.contextFor(this.name);
    context.then(
      (secureContext) => {
        if (raw.destroyed) return;
        // What https.Server does per connection, with one shared context instead of one per server.
        const tls = new TLSSocket(raw, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
        const handshake = setTimeout(() => tls.destroy(), 30_000).unref();
        tls.once('secure', () => clearTimeout(handshake));
        tls.once('close', () => clearTimeout(handshake));
        tls.on('error', () => tls.destroy());
        server.emit('connection', tls);
      },
      () => raw.destroy(),
    );
  }

  private makeServer(): HttpServer {
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      this.onRequest(req, res).catch(() => req.socket.destroy());
    };
    const server = createHttpServer(
      { keepAliveTimeout: 30_000, headersTimeout: 30_000, requestTimeout: 0 },
      handler,
    );
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      // A method the HTTP parser does not know (`FOO /redfish/v1`): 501, as DSP0266 asks, not a dropped
      // connection. Anything else malformed is dropped.
      if (err.code === 'HPE_INVALID_METHOD' && socket.writable) {
        const body = JSON.stringify({
          error: {
            code: 'Base.1.16.GeneralError',
            message: 'The HTTP method is not implemented by this service.',
            '@Message.ExtendedInfo': [],
          },
        });
        socket.end(
          `HTTP/1.1 501 Not Implemented\r\nContent-Type: application/json; charset=utf-8\r\n` +
            `OData-Version: 4.0\r\nAllow: GET, HEAD, PATCH, POST, DELETE\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        return;
      }
      socket.destroy();
    });
    return server;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const tcp = tcpSocketOf(req.socket);
    if (!this.reachable()) {
      tcp.destroy();
      return;
    }
    this.busy.add(tcp);
    const method = req.method ?? 'GET';
    let status = 0;
    let faultName: RateFault | undefined;
    let statsToken: number | undefined; // set once the request is counted: it then belongs to the critical path
    try {
      let body: Buffer;
      try {
        body = await readBody(req);
      } catch (e) {
        if (e instanceof BodyTooLarge)
          await this.send(res, { status: 413, body: { error: 'request body too large' } }, undefined);
        else tcp.destroy();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://bmc');
      let path: string;
      try {
        path = decodeURIComponent(url.pathname);
      } catch {
        status = 400;
        await this.send(res, { status, body: { error: `malformed path ${url.pathname}` } }, undefined);
        return;
      }
      statsToken = this.o.stats.request(this.name, method, path);
      const decision = decideFault(this.o.faults(), this.o.rng, path, method);
      faultName = decision.fault;
      if (faultName) this.o.stats.fault(this.name, faultName);
      if (faultName === 'reset') {
        tcp.resetAndDestroy();
        return;
      }
      if (faultName === 'hang') {
        statsToken = undefined; // never finishes, so never part of a chain
        return; // never answered; the socket is destroyed at stop or by the client
      }
      if (decision.delayMs > 0) await delay(decision.delayMs);
      if (!this.reachable() || res.destroyed) {
        tcp.destroy();
        return;
      }
      const frontend = await this.frontend();
      let resp: SimResponse;
      if (faultName === 'error503') {
        resp = frontend.faultResponse?.(503, 'The service is temporarily unavailable.') ?? {
          status: 503,
          body: { error: 'The service is temporarily unavailable.' },
        };
        resp = { ...resp, headers: { ...resp.headers, 'Retry-After': '1' } };
      } else if (faultName === 'error500Html') {
        resp = { status: 500, headers: { 'Content-Type': 'text/html' }, body: HTML_500 };
      } else {
        const simReq: SimRequest = {
          method,
          path,
          query: url.searchParams,
          headers: req.headers,
          body,
          ...(req.socket.remoteAddress ? { remoteAddress: req.socket.remoteAddress } : {}),
        };
        // A write that takes the BMC off the address the client came to (rspconfig ip=): the answer never
        // reaches the client, as on a real BMC (the simulator itself keeps listening where it did).
        const servedAt = method === 'GET' ? undefined : this.machine.network.primaryAddress();
        try {
          resp = await frontend.handle(simReq);
          if (servedAt !== undefined && !this.machine.network.holds(servedAt)) {
            this.o.log?.(`${this.name} ${method} ${path}: the BMC left ${servedAt}, connection dropped`);
            tcp.destroy();
            return;
          }
        } catch (e) {
          const message = `internal simulator error: ${e instanceof Error ? e.message : String(e)}`;
          this.o.log?.(
            `${this.name} ${method} ${path} frontend threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
          );
          resp = frontend.faultResponse?.(500, message) ?? { status: 500, body: { error: message } };
        }
      }
      status = resp.status;
      await this.send(res, resp, faultName);
    } finally {
      this.busy.delete(tcp);
      // after send(): the interval holds the injected latency and the response write
      if (statsToken !== undefined) this.o.stats.finished(this.name, statsToken, started, performance.now());
      if (status) this.o.stats.status(this.name, status);
      if (!this.reachable()) tcp.destroy();
      if (this.o.log) {
        const ms = (performance.now() - started).toFixed(1);
        this.o.log(
          `${this.name} ${method} ${req.url ?? ''} ${status || '-'} ${ms}ms${faultName ? ` fault=${faultName}` : ''}`,
        );
      }
    }
  }

  /**
   * An open-ended response (SSE): headers now, then whatever the frontend writes. The request is done
   * for the core once handed over, so the socket is not `busy` and a BMC reboot or stop cuts it.
   */
  private sendStream(res: ServerResponse, s: Serialized, stream: NonNullable<SimResponse['stream']>): void {
    delete s.headers['Content-Length'];
    res.writeHead(s.status, s.headers);
    res.flushHeaders();
    const live = (): boolean => !res.writableEnded && !res.destroyed;
    stream({
      write: (chunk) => {
        if (live()) res.write(chunk);
      },
      end: () => {
        if (live()) res.end();
      },
      onClose: (fn) => {
        if (res.destroyed || res.writableFinished) fn();
        else res.once('close', fn);
      },
    });
  }

  private async send(res: ServerResponse, resp: SimResponse, fault: RateFault | undefined): Promise<void> {
    if (fault === 'hugeBody' || fault === 'endlessBody' || fault === 'gzipBomb')
      return this.sendBomb(res, fault);
    const s = serialize(resp);
    if (resp.stream) {
      if (!fault) return this.sendStream(res, s, resp.stream);
      // A body fault on a stream (slowBody, malformedJson...): the client gets the faulty empty answer,
      // and the frontend learns at once that its stream is closed (or it would wait for it forever).
      resp.stream({ write: () => undefined, end: () => undefined, onClose: (fn) => fn() });
    }
    let payload = s.payload;
    if (fault === 'malformedJson') {
      const text = payload?.toString('utf8') ?? '{"data": ';
      payload = Buffer.from(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      s.headers['Content-Type'] = 'application/json; charset=utf-8';
    }
    const head = res.req.method === 'HEAD';
    if (payload !== undefined || head) s.headers['Content-Length'] = String(payload?.length ?? 0);
    res.writeHead(s.status, s.headers);
    if (head || payload === undefined) {
      res.end();
      return;
    }
    if (fault === 'stallBody') {
      // Half the body, then silence: the client has the status and headers but never the end.
      res.write(payload.subarray(0, Math.max(1, Math.floor(payload.length / 2))));
      await closed(res);
      return;
    }
    if (fault !== 'slowBody') {
      res.end(payload);
      return;
    }
    const total = this.o.faults().slowBodyMs ?? 3000;
    const pieces = Math.min(10, payload.length);
    const size = Math.ceil(payload.length / pieces);
    for (let i = 0; i < pieces; i++) {
      if (res.destroyed) return;
      res.write(payload.subarray(i * size, (i + 1) * size));
      if (i < pieces - 1) await delay(total / pieces);
    }
    res.end();
  }

  /** A 200 whose body is too big to hold: huge (Content-Length), endless (chunked) or a gzip bomb. */
  private async sendBomb(res: ServerResponse, fault: 'hugeBody' | 'endlessBody' | 'gzipBomb'): Promise<void> {
    const bytes = this.o.faults().hugeBodyBytes ?? DEFAULT_HUGE_BODY_BYTES;
    const json = 'application/json; charset=utf-8';
    if (fault === 'gzipBomb') {
      const body = await gzipBomb(bytes);
      res.writeHead(200, {
        'Content-Type': json,
        'Content-Encoding': 'gzip',
        'Content-Length': String(body.length),
      });
      res.end(body);
      return;
    }
    const padding = Math.max(0, bytes - PAD_HEAD.length - PAD_TAIL.length);
    res.writeHead(200, {
      'Content-Type': json,
      ...(fault === 'hugeBody' ? { 'Content-Length': String(bytes) } : {}),
    });
    res.write(PAD_HEAD);
    await pad(res, fault === 'hugeBody' ? padding : Number.POSITIVE_INFINITY);
    if (!res.destroyed) res.end(PAD_TAIL);
  }
}
