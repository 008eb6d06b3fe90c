/**
 * The one HTTP layer every BMC request goes through (on got): per-BMC keep-alive agent and in-flight
 * cap, connect/request timeouts, safe retries, --debug as curl with secrets masked, and transport
 * failures turned into NodeErrors. HTTP error statuses are returned, not thrown: the protocol
 * clients know how to read their error bodies.
 */
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { TLSSocket } from 'node:tls';
import got from 'got';
import type { StreamOptions } from 'got';
import { NodeError } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import type { RunServices } from '../engine/executor.js';
import { agentFor, gotAgents, releaseAgent, requestFunction, retainAgent } from './agent.js';
import type { AgentConfig, BmcAgent } from './agent.js';
import { CONNECT_TIMEOUT, bodyTooLarge, errorCode, transportError, wrongFormat } from './errors.js';
import type { ErrorContext } from './errors.js';
import { pinnedMessage } from './known-bmcs.js';
import { limiterFor } from './limiter.js';
import { peerCertificate } from './tls-peer.js';
import type { Limiter } from './limiter.js';
import { DEFAULTS } from './options.js';
import type { NodeTransportSettings } from './options.js';
import { recordExchange } from './recorder.js';
import { Redactor, curlCommand } from './redact.js';
import { dialerFor, TransportNotHere } from './transport.js';

/**
 * When a failed request may be sent again:
 *  idempotent  reads: connection reset/refused, 429, 502, 503, 504
 *  rejected    logins: connection refused, 429, 503 (the BMC refused it before doing anything)
 *  unsent      actions: connection refused only (provably never processed: no double power cycle)
 *  none        never (logout, cleanup)
 */
export type RetryPolicy = 'idempotent' | 'rejected' | 'unsent' | 'none';

export interface BmcRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path on the BMC, or an absolute URL (only its path and query are used: always our origin). */
  path: string;
  json?: unknown;
  headers?: Record<string, string>;
  /** Send the node's credentials as HTTP Basic. */
  basic?: boolean;
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** undefined: the node's signal; null: none (cleanups run after the node's signal aborted). */
  signal?: AbortSignal | null;
  /**
   * A login: the signal may stop it before it is sent, not after. Once sent, the BMC may open a session
   * whatever happens to us; dropping the answer would lose the token that closes it. So it runs to its
   * answer, for at most the logout timeout after the signal aborted (and timeoutMs in all), and the answer
   * is returned even if the signal aborted meanwhile: the caller records the session and the node's
   * cleanup closes it.
   */
  completeOnceSent?: boolean;
  /**
   * Called with the status and headers as soon as the answer's head arrives, before its body: a login's
   * head already names the session it opened (token, Location, cookie), which must be closed even when
   * the body then stalls or fails.
   */
  onHead?: OnHead;
  /**
   * Write a 2xx answer's body to this file (through `FILE.part`, renamed when complete) instead of
   * holding it: a BMC dump or firmware image can be larger than any document, and a fleet's worth must
   * not sit in memory. `--max-body` does not apply to it; an error answer is read as usual.
   */
  saveTo?: string;
  /**
   * A request body streamed from its source (a firmware image, a multipart form built around it), never
   * held in memory. `open` is called once per attempt: only a connection refused (nothing was sent) is
   * tried again, or a 401 answered before the body was read; never after a timeout.
   */
  upload?: UploadBody;
}

/** A streamed request body (BmcRequest.upload). */
export interface UploadBody {
  /** A fresh stream of the whole body. */
  open(): Readable;
  /** Its length in bytes (sent as Content-Length: BMCs refuse chunked uploads). */
  length: number;
  contentType: string;
  /** Bytes sent so far, as the body goes out. */
  onProgress?(sent: number, total: number): void;
}

export type OnHead = (status: number, headers: IncomingHttpHeaders) => void;

export interface BmcResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  text: string;
  /** Path (and query) that was requested. */
  path: string;
  elapsedMs: number;
  tries: number;
  /** With BmcRequest.saveTo and a 2xx answer: the bytes written to the file (`text` is then empty). */
  savedBytes?: number;
  /** SHA-256 fingerprint of the certificate of the connection that carried the answer (https only). */
  fingerprint?: string;
}

const RETRY_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ERR_STREAM_PREMATURE_CLOSE']);
const RETRY_STATUS: Record<RetryPolicy, ReadonlySet<number>> = {
  idempotent: new Set([429, 502, 503, 504]),
  rejected: new Set([429, 503]),
  unsent: new Set(),
  none: new Set(),
};

const caCache = new Map<string, string>();
function readCa(path: string): string {
  let pem = caCache.get(path);
  if (pem === undefined) {
    try {
      pem = readFileSync(path, 'utf8');
    } catch (e) {
      throw new NodeError(
        'tls',
        `Cannot read the CA bundle ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): fix tls.ca in the inventory or --ca`,
      );
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new NodeError(
        'tls',
        `The CA bundle ${path} holds no PEM certificate: fix tls.ca in the inventory or --ca`,
      );
    }
    caCache.set(path, pem);
  }
  return pem;
}

const insecureWarned = new WeakSet<RunServices>();
const plaintextWarned = new WeakSet<RunServices>();

export interface TransportInit {
  node: NodeDef;
  settings: NodeTransportSettings;
  services: RunServices;
  signal?: AbortSignal;
  password?: string;
}

export class BmcTransport {
  /** Agents this transport used, released (and closed when nobody else uses them) by release(). */
  private readonly usedAgents = new Set<BmcAgent>();
  readonly node: NodeDef;
  readonly settings: NodeTransportSettings;
  readonly origin: string;
  readonly host: string;
  readonly hostport: string;
  readonly redactor = new Redactor();
  private readonly services: RunServices;
  /** The node's signal (deadline, interrupt). */
  readonly signal: AbortSignal | undefined;
  private password: string | undefined;
  private readonly agentConfig: AgentConfig;
  private readonly limiter: Limiter;

  constructor(init: TransportInit) {
    this.node = init.node;
    this.settings = init.settings;
    this.services = init.services;
    this.signal = init.signal;
    this.password = init.password;
    this.addSecret(init.password);
    let url: URL;
    try {
      url = new URL(init.node.bmc.includes('://') ? init.node.bmc : `https://${init.node.bmc}`);
    } catch {
      throw new NodeError(
        'unreachable',
        `Invalid bmc address '${init.node.bmc}': use https://HOST[:PORT] in the inventory`,
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new NodeError(
        'unreachable',
        `Invalid bmc address '${init.node.bmc}': only https:// (or http://) is supported`,
      );
    }
    // Plain HTTP puts the password on the wire in clear text: only with the inventory's explicit
    // `tls: plaintext` (checked when the inventory is read; here for nodes built otherwise), warned once a run.
    if ((url.protocol === 'http:') !== (init.node.tls?.mode === 'plaintext')) {
      throw new NodeError(
        'tls',
        url.protocol === 'http:'
          ? `Refusing plain HTTP to ${init.node.bmc}: the BMC password would cross the network in clear text; set tls: plaintext for this node to allow it`
          : `tls: plaintext is only for http:// BMCs, not ${init.node.bmc}`,
      );
    }
    if (url.protocol === 'http:' && !plaintextWarned.has(init.services)) {
      plaintextWarned.add(init.services);
      init.services.warn(
        `Plain HTTP (tls: plaintext) to the BMC of ${init.node.name} and possibly other nodes: ` +
          'the BMC password and session tokens cross the network in clear text and the BMC identity is not checked (docs/security.md)',
      );
    }
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.hostport = `${url.hostname}:${port}`;
    this.origin = `${url.protocol}//${url.hostname}:${port}`;
    const s = init.settings;
    this.agentConfig = {
      protocol: url.protocol,
      hostport: this.hostport,
      tlsMode: url.protocol === 'https:' ? s.tlsMode : 'verify',
      connectMs: s.connectMs,
      perBmc: s.perBmc,
      knownBmcs: s.knownBmcs,
    };
    const dial = nodeDialer(init.node, s.connectMs);
    if (dial) this.agentConfig.dial = dial;
    if (url.protocol === 'https:' && s.tlsMode === 'verify' && s.ca) {
      this.agentConfig.caPath = s.ca;
      this.agentConfig.caPem = readCa(s.ca);
    }
    if (url.protocol === 'https:' && s.tlsMode === 'insecure' && !insecureWarned.has(init.services)) {
      insecureWarned.add(init.services);
      init.services.warn(
        `TLS certificate verification is disabled (tls: insecure) for ${init.node.name} and possibly other nodes: ` +
          'BMC identities are not checked and credentials can be intercepted. Prefer tls: pin (hwctl trust) or a CA bundle (docs/security.md)',
      );
    }
    this.limiter = limiterFor(this.origin, s.perBmc);
  }

  /** Mask a secret (and its Basic form with the node's user) in every debug line and error from now on. */
  addSecret(secret: string | undefined): void {
    this.redactor.add(secret);
    if (secret !== undefined && this.node.username !== undefined)
      this.redactor.add(Buffer.from(`${this.node.username}:${secret}`).toString('base64'));
  }

  /** The node's own password changed on the BMC: Basic auth uses the new one from now on (masked). */
  setPassword(password: string): void {
    this.addSecret(password);
    this.password = password;
  }

  /** The node is done with this BMC: let go of its pooled connections (after the logout). */
  release(): void {
    for (const agent of this.usedAgents) releaseAgent(agent);
    this.usedAgents.clear();
  }

  /** A path (with query) on this BMC, from a path or an absolute URL a BMC handed out. */
  toPath(pathOrUrl: string): string {
    if (/^https?:\/\//i.test(pathOrUrl)) {
      const u = new URL(pathOrUrl);
      return u.pathname + u.search;
    }
    return pathOrUrl.startsWith('/') ? pathOrUrl : `/${pathOrUrl}`;
  }

  /** Whether a debug line would be printed (to avoid building it otherwise). */
  private get debugging(): boolean {
    return this.settings.debug && typeof this.services.debug === 'function';
  }

  debug(line: string): void {
    if (this.debugging) this.services.debug!(this.node.name, this.redactor.mask(line));
  }

  errorContext(timeoutMs: number): ErrorContext {
    return {
      node: this.node.name,
      host: this.host,
      hostport: this.hostport,
      connectMs: this.settings.connectMs,
      requestMs: timeoutMs,
      knownBmcs: this.settings.knownBmcs,
    };
  }

  async request(req: BmcRequest): Promise<BmcResponse> {
    const path = this.toPath(req.path);
    const url = this.origin + path;
    // An upload is an action whatever its method: never sent twice unless provably not sent at all.
    const policy =
      req.retry ?? (!req.upload && (req.method === 'GET' || req.method === 'HEAD') ? 'idempotent' : 'unsent');
    const timeoutMs = req.timeoutMs ?? this.settings.requestMs;
    const signal = req.signal === null ? undefined : (req.signal ?? this.signal);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'hwctl',
      ...(req.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(req.upload
        ? { 'content-type': req.upload.contentType, 'content-length': String(req.upload.length) }
        : {}),
      ...req.headers,
    };
    if (req.basic) {
      if (this.node.username === undefined || this.password === undefined) throw missingCredentials();
      headers.authorization =
        'Basic ' + Buffer.from(`${this.node.username}:${this.password}`).toString('base64');
    }
    for (const [k, v] of Object.entries(headers))
      if (/^(x-auth-token|cookie|x-xsrf-token)$/i.test(k)) this.redactor.add(v.replace(/^.*?=/, ''));
    const body = req.json !== undefined ? JSON.stringify(req.json) : undefined;
    const agent = agentFor(this.agentConfig, this.node.name, (hostport, fp, file) => {
      const node = this.node.name;
      if (this.services.pinned) this.services.pinned({ node, hostport, fingerprint: fp, file });
      else this.services.warn(pinnedMessage({ node, hostport, fingerprint: fp, file }));
    });
    if (!this.usedAgents.has(agent)) {
      this.usedAgents.add(agent);
      retainAgent(agent);
    }

    for (let attempt = 1; ; attempt++) {
      if (this.debugging) {
        const curlReq = {
          method: req.method,
          url,
          headers,
          body: req.json,
          tls: {
            mode: this.agentConfig.tlsMode,
            ...(this.agentConfig.caPath ? { ca: this.agentConfig.caPath } : {}),
          },
        };
        this.debug(curlCommand(req.basic ? { ...curlReq, basicUser: this.node.username! } : curlReq));
      }
      const release = await this.limiter.acquire(signal).catch((e: unknown) => {
        // Not the node's signal: the BMC let another request's connect time out (Limiter.failWaiting).
        throw signal?.aborted ? e : this.failure(e, req, path, policy, timeoutMs);
      });
      // Aborted while waiting for the slot: nothing was sent (a login in particular must not be).
      if (signal?.aborted) {
        release();
        throw signal.reason;
      }
      const sendSignal =
        req.completeOnceSent && signal ? graceAfter(signal, this.settings.logoutMs) : undefined;
      const started = Date.now();
      let res: BmcResponse | undefined;
      let failure: unknown;
      try {
        const upload = req.upload?.open();
        const r = await exchange(
          url,
          {
            method: req.method,
            headers,
            ...(body !== undefined ? { body } : {}),
            ...(upload ? { body: upload } : {}),
            agent: gotAgents(agent),
            request: requestFunction(signal),
            timeout: { request: timeoutMs },
            retry: { limit: 0 },
            throwHttpErrors: false,
            followRedirect: false,
            ...(sendSignal ? { signal: sendSignal.signal } : signal ? { signal } : {}),
          },
          {
            maxBodyBytes: this.settings.maxBodyBytes,
            ...(req.onHead ? { onHead: req.onHead } : {}),
            ...(req.saveTo !== undefined ? { saveTo: req.saveTo } : {}),
            ...(req.upload?.onProgress ? { onUpload: req.upload.onProgress } : {}),
          },
        ).finally(() => upload?.destroy());
        res = { ...r, path, elapsedMs: Date.now() - started, tries: attempt };
      } catch (e) {
        failure = e;
        if (errorCode(e) === CONNECT_TIMEOUT) this.limiter.failWaiting(e);
      } finally {
        sendSignal?.dispose();
        release();
      }
      const elapsed = Date.now() - started;
      if (this.settings.record) this.record(req, path, headers, attempt, elapsed, res, failure);
      if (signal?.aborted && !(req.completeOnceSent && res)) {
        this.debug(`-> aborted (${elapsed} ms)`);
        throw signal.reason;
      }
      if (res) {
        this.debug(`-> ${res.status} ${res.statusText} (${elapsed} ms)`);
      } else {
        this.debug(
          `-> ${errorCode(failure) ?? 'error'}: ${this.redactor.mask(failure instanceof Error ? failure.message : String(failure))} (${elapsed} ms)`,
        );
      }

      const retryable = res ? RETRY_STATUS[policy].has(res.status) : retryableError(policy, failure);
      if (retryable && attempt < DEFAULTS.tries) {
        const delay = res ? retryAfterMs(res.headers['retry-after']) : undefined;
        if (delay === undefined || delay <= DEFAULTS.maxRetryAfterMs) {
          const wait =
            delay !== undefined
              ? delay + Math.random() * 0.1 * delay
              : backoff(this.settings.retryBaseMs, attempt);
          this.debug(
            `retry ${attempt + 1}/${DEFAULTS.tries} in ${(wait / 1000).toFixed(2)} s (${res ? res.status : errorCode(failure)})`,
          );
          await sleep(wait, signal);
          continue;
        }
      }
      if (res) return res;
      throw this.failure(failure, req, path, policy, timeoutMs);
    }
  }

  /** `--record`: this attempt's exchange into the node's file (a write failure is a warning, not the node's). */
  private record(
    req: BmcRequest,
    path: string,
    headers: Record<string, string>,
    attempt: number,
    elapsedMs: number,
    res: BmcResponse | undefined,
    failure: unknown,
  ): void {
    try {
      recordExchange(this.settings.record!, this.node, this.redactor, {
        method: req.method,
        path,
        requestHeaders: headers,
        ...(req.json !== undefined ? { requestJson: req.json } : {}),
        ...(res ? { response: res } : { error: errorCode(failure) ?? 'error' }),
        elapsedMs,
        try: attempt,
      });
    } catch (e) {
      this.services.warn(
        `--record ${this.settings.record}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the run goes on unrecorded`,
      );
    }
  }

  /** A transport failure as the node's error, secrets masked. */
  private failure(
    failure: unknown,
    req: BmcRequest,
    path: string,
    policy: RetryPolicy,
    timeoutMs: number,
  ): NodeError {
    const ctx = this.errorContext(timeoutMs);
    if (policy === 'unsent') ctx.action = `${req.method} ${path}`;
    const err = transportError(failure, ctx);
    return new NodeError(err.kind, this.redactor.mask(err.message), err.status, { cause: failure });
  }

  /** Parse a response body as JSON, or fail as xCAT does: `Received wrong format response`. */
  json(res: BmcResponse, method = 'GET'): unknown {
    try {
      return JSON.parse(res.text);
    } catch {
      const e = wrongFormat(res.text, `${method} ${res.path}`);
      throw new NodeError(e.kind, this.redactor.mask(e.message), res.status);
    }
  }

  /** Mask secrets in an error built from a BMC's answer. */
  masked(e: NodeError): NodeError {
    const message = this.redactor.mask(e.message);
    return message === e.message ? e : new NodeError(e.kind, message, e.status, { cause: e.cause });
  }
}

/**
 * One request and its whole answer, through got's stream interface. got's promise interface (the
 * `got(url)` call) wraps that same stream in a cancelable promise with its own buffering and events: at
 * a few hundred BMC requests a second that wrapper was a quarter of the client's CPU (micro-benchmark
 * over HTTPS keep-alive: 0.49 → 0.36 ms per request; docs/performance.md). Errors are got's own either
 * way (RequestError, TimeoutError...), so transportError reads them the same. bench/floor.mjs calls it too,
 * to measure got as hwctl calls it.
 */
export function exchange(
  url: string,
  options: StreamOptions,
  limits: {
    maxBodyBytes?: number;
    onHead?: OnHead;
    saveTo?: string;
    onUpload?: (sent: number, total: number) => void;
  } = {},
): Promise<Pick<BmcResponse, 'status' | 'statusText' | 'headers' | 'text' | 'savedBytes' | 'fingerprint'>> {
  return new Promise((resolve, reject) => {
    const stream = got.stream(url, options);
    if (limits.onUpload) {
      const onUpload = limits.onUpload;
      stream.on('uploadProgress', (p: { transferred: number; total?: number }) =>
        onUpload(p.transferred, p.total ?? 0),
      );
    }
    let file: FileSink | undefined;
    const chunks: Buffer[] = [];
    let head: { statusCode: number; statusMessage?: string; headers: IncomingHttpHeaders } | undefined;
    let socket: unknown;
    let size = 0;
    const max = limits.maxBodyBytes;
    // An answer over the cap ends here, before (Content-Length) or as (decompressed bytes) it arrives: a
    // gzip bomb or an endless body must not take the process's memory, and every other node's result.
    const tooLarge = (announced?: number) => {
      stream.destroy();
      const { pathname, search } = new URL(url);
      reject(bodyTooLarge(max!, pathname + search, announced));
    };
    stream.once('response', (r: NonNullable<typeof head>) => {
      head = r;
      socket = stream.socket;
      limits.onHead?.(r.statusCode, r.headers);
      if (limits.saveTo !== undefined && r.statusCode >= 200 && r.statusCode < 300) {
        file = new FileSink(limits.saveTo, stream);
        return;
      }
      const length = Number(r.headers['content-length']);
      if (max !== undefined && length > max) tooLarge(length);
    });
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (file) return file.write(c);
      if (max !== undefined && size > max) return tooLarge();
      chunks.push(c);
    });
    stream.once('end', () => {
      // A GET's stream is never ended from our side, so it does not destroy itself, and until it is
      // destroyed got keeps listening on the node's signal, which lives as long as the run: 1,000
      // nodes' requests (sockets, buffers) stayed reachable and the run's memory doubled.
      stream.destroy();
      if (!head) return reject(new Error('the stream ended without a response'));
      const fingerprint = peerFingerprint(socket);
      const answer = {
        status: head.statusCode,
        statusText: head.statusMessage ?? '',
        headers: head.headers,
        ...(fingerprint !== undefined ? { fingerprint } : {}),
      };
      if (file) {
        file.finish().then(() => resolve({ ...answer, text: '', savedBytes: size }), reject);
        return;
      }
      resolve({
        ...answer,
        text: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'),
        ...(fingerprint !== undefined ? { fingerprint } : {}),
      });
    });
    stream.once('error', (e) => {
      stream.destroy();
      if (file) file.abandon().finally(() => reject(e));
      else reject(e);
    });
    // A stream request with a method that may carry a body waits for one; without a body, it is complete.
    if (options.body === undefined && options.method !== 'GET' && options.method !== 'HEAD') stream.end();
  });
}

/**
 * The certificate fingerprint of a TLS connection (the discovery cache is keyed by it: a BMC replaced or
 * re-keyed at the same address is rediscovered). undefined over plain HTTP. The certificate is read once
 * per connection (tls-peer.ts) and X509Certificate keeps its fingerprint once computed.
 */
function peerFingerprint(socket: unknown): string | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  return peerCertificate(socket)?.fingerprint256 || undefined;
}

/**
 * A body written to `FILE.part` as it arrives, renamed to FILE when complete, removed when not: a
 * half-written dump never takes the real name. The socket is paused while the disk is behind, so memory
 * stays at a chunk or two whatever the size.
 */
class FileSink {
  private readonly part: string;
  private readonly out: WriteStream;
  private failed: Error | undefined;

  constructor(
    private readonly target: string,
    private readonly source: NodeJS.ReadableStream,
  ) {
    this.part = `${target}.part`;
    this.out = createWriteStream(this.part, { mode: 0o600 });
    this.out.on('error', (e) => {
      this.failed ??= e;
      (source as unknown as { destroy(e: Error): void }).destroy(e);
    });
  }

  write(chunk: Buffer): void {
    if (!this.out.write(chunk)) {
      this.source.pause();
      this.out.once('drain', () => this.source.resume());
    }
  }

  async finish(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.out.end((e?: Error | null) => (e ? reject(e) : resolve()));
    });
    if (this.failed) throw this.failed;
    await rename(this.part, this.target);
  }

  async abandon(): Promise<void> {
    this.out.destroy();
    await rm(this.part, { force: true });
  }
}

/**
 * A signal that aborts `graceMs` after `signal` does: a login already sent gets that long to bring back
 * the token of the session it opened (BmcRequest.completeOnceSent), so an interrupted or timed-out node
 * waiting on a BMC that never answers its login is let go as quickly as its logout would be.
 */
function graceAfter(signal: AbortSignal, graceMs: number): { signal: AbortSignal; dispose(): void } {
  const grace = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    timer = setTimeout(() => grace.abort(signal.reason), graceMs);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return {
    signal: grace.signal,
    dispose: () => {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(timer);
    },
  };
}

/** The node's transport (inventory `transport:`), or undefined for a direct connection. */
function nodeDialer(node: NodeDef, connectMs: number): ReturnType<typeof dialerFor> {
  try {
    return dialerFor(node, connectMs);
  } catch (e) {
    if (e instanceof TransportNotHere) throw new NodeError('unsupported', e.message);
    throw new NodeError('failed', e instanceof Error ? e.message : String(e));
  }
}

export function missingCredentials(): NodeError {
  return new NodeError(
    'auth',
    'No username or password for this BMC: set username and password (env:, file: or stdin reference) in the inventory (docs/security.md)',
  );
}

function retryableError(policy: RetryPolicy, e: unknown): boolean {
  const code = errorCode(e);
  if (!code) return false;
  if (policy === 'idempotent') return RETRY_CODES.has(code);
  if (policy === 'rejected' || policy === 'unsent') return code === 'ECONNREFUSED';
  return false;
}

/** Retry-After in ms: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with jitter: base·2^(n-1), scaled by a random 50-100 %. */
export function backoff(baseMs: number, attempt: number): number {
  return baseMs * 2 ** (attempt - 1) * (0.5 + Math.random() * 0.5);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
