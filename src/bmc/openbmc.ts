/**
 * The OpenBMC REST client (phosphor-rest, `/xyz/openbmc_project`): `/login` cookie plus HTTP Basic on
 * every request (OP940+ firmware needs both, xCAT PR #6425), `{data}` envelopes unwrapped, xCAT's
 * error wording, `/logout` at the end with a short timeout that never blocks the run. A full session table
 * (429/503 on /login) leaves Basic alone, which every request carries anyway.
 */
import { NodeError } from '../core/errors.js';
import { isRecord, openbmcMessage, statusError, textMessage, wrongFormat } from './errors.js';
import { missingCredentials } from './http.js';
import type { BmcRequest, BmcResponse, BmcTransport, UploadBody } from './http.js';
import { recordSession } from './ledger.js';
import { sendLogout, sessionClosed, sessionExpiredAgain } from './session.js';
import type { OpenBmcClient, RequestOptions } from './types.js';

export interface OpenBmcInit {
  transport: BmcTransport;
  username: string | undefined;
  password: string | undefined;
}

export class OpenBmc implements OpenBmcClient {
  private readonly t: BmcTransport;
  private cookies = new Map<string, string>();
  private loginDone: Promise<void> | undefined;
  private relogin: Promise<void> | undefined;
  private reloggedIn = false;
  /** Removes the open session from the ledger; set while this client holds a session. */
  private forget: (() => void) | undefined;
  /** Bumped by the re-login: a 401 tells whether one started after its request was sent. */
  private generation = 0;
  /** No session (the table was full): Basic only, nothing to re-login or log out. */
  private basicOnly = false;
  /** Set when the logout starts: from then on no login is sent for this client. */
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly init: OpenBmcInit) {
    this.t = init.transport;
  }

  addSecret(secret: string): void {
    this.t.addSecret(secret);
  }

  updatePassword(password: string): void {
    this.t.setPassword(password);
    this.init.password = password;
  }

  login(): Promise<void> {
    this.loginDone ??= this.doLogin();
    return this.loginDone;
  }

  private async doLogin(): Promise<void> {
    if (this.init.username === undefined || this.init.password === undefined) throw missingCredentials();
    // A request still running after its node's logout must not open a session nobody will close.
    if (this.closed) throw sessionClosed();
    const res = await this.t.request({
      method: 'POST',
      path: '/login',
      json: { data: [this.init.username, this.init.password] },
      basic: true,
      timeoutMs: this.t.settings.loginMs,
      // A full session table (429/503) falls back to Basic at once rather than retrying.
      retry: 'unsent',
      // Interrupted mid-login, the session still opens on the BMC: take its cookie to close it.
      completeOnceSent: true,
      // The cookie is in the head: recorded at once, the session is closed whatever the body then does
      // (stalls, fails, is not an envelope).
      onHead: (status, headers) => this.opened(status, headers),
    });
    if (res.status === 429 || res.status === 503) {
      // Session table full (or the REST server busy): Basic, which every request carries, still works.
      this.basicOnly = true;
      this.t.debug(`auth: basic only (/login answered ${res.status})`);
      return;
    }
    if (res.status !== 200) throw this.error(res, 'POST', '/login', true);
    this.opened(res.status, res.headers); // a transport that reports no head
    this.envelope(res, 'POST'); // a 200 that is not an envelope is not an OpenBMC login
  }

  /** Record the session a 200 to /login opened (its cookies), once per login. Never throws. */
  private opened(status: number, headers: BmcResponse['headers']): void {
    if (status !== 200 || this.forget) return;
    this.storeCookies(headers['set-cookie'] ?? []);
    this.forget = recordSession(
      {
        node: this.t.node.name,
        origin: this.t.origin,
        flavor: 'openbmc',
        uri: '/login',
        openedAt: Date.now(),
      },
      () => this.close(),
    );
  }

  private storeCookies(set: readonly string[]): void {
    for (const c of set) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      this.cookies.set(name, value);
      this.t.redactor.add(value);
    }
  }

  private withSession(req: BmcRequest): BmcRequest {
    const headers: Record<string, string> = { ...req.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    // bmcweb wants its XSRF token echoed on cookie-authenticated writes.
    const xsrf = this.cookies.get('XSRF-TOKEN');
    if (xsrf) headers['x-xsrf-token'] = xsrf;
    return { ...req, headers, basic: true };
  }

  /** `{"data": …}` of a 200, or xCAT's "Received wrong format response". */
  private envelope(res: BmcResponse, method: string): unknown {
    const body = this.t.json(res, method);
    if (!isRecord(body) || !('data' in body)) {
      throw this.t.masked(wrongFormat(res.text, `${method} ${res.path}`));
    }
    return body.data;
  }

  private error(res: BmcResponse, method: string, path: string, login = false): NodeError {
    let message: string | undefined;
    try {
      message = openbmcMessage(JSON.parse(res.text));
    } catch {
      message = textMessage(res.text);
    }
    return this.t.masked(
      statusError('openbmc', res.status, message, { method, path, login, tries: res.tries }),
    );
  }

  private async call(
    method: BmcRequest['method'],
    path: string,
    data: unknown,
    opts: RequestOptions,
  ): Promise<unknown> {
    const req: BmcRequest = { method, path };
    if (data !== undefined) req.json = { data };
    if (opts.timeoutMs !== undefined) req.timeoutMs = opts.timeoutMs;
    if (opts.headers) req.headers = opts.headers;
    const res = await this.send(req);
    if (res.status !== 200) throw this.error(res, method, path);
    return this.envelope(res, method);
  }

  /** A request with the session (one new login on a 401), its answer whatever the status. */
  private async send(req: BmcRequest): Promise<BmcResponse> {
    await this.login();
    if (this.closed) throw sessionClosed();
    const sentWith = this.generation;
    let res = await this.t.request(this.withSession(req));
    if (res.status === 401 && !this.basicOnly) {
      // The logout (ours) ended the session under this request: no new login after it.
      if (this.closed) throw sessionClosed();
      if (sentWith === this.generation) {
        // Dropped again after a re-login: a second one would fare no better.
        if (this.reloggedIn) throw sessionExpiredAgain();
        // Session dropped (BMC reboot, idle expiry): one new login, then the request again.
        this.reloggedIn = true;
        this.generation++;
        this.t.debug('401: logging in again');
        this.forget?.();
        this.forget = undefined;
        this.cookies.clear();
        this.loginDone = this.doLogin();
        this.relogin = this.loginDone;
      }
      // Requests that met the same expiry wait for that one re-login.
      await this.relogin;
      if (this.closed) throw sessionClosed();
      res = await this.t.request(this.withSession(req));
      if (res.status === 401 && !this.basicOnly) {
        if (this.closed) throw sessionClosed();
        // The re-login succeeded, so the credentials are good: the BMC dropped the new session too.
        throw sessionExpiredAgain();
      }
    }
    return res;
  }

  async download(path: string, file: string, opts: RequestOptions = {}): Promise<number> {
    const req: BmcRequest = {
      method: 'GET',
      path,
      saveTo: file,
      headers: { accept: '*/*', ...opts.headers },
    };
    if (opts.timeoutMs !== undefined) req.timeoutMs = opts.timeoutMs;
    const res = await this.send(req);
    if (res.status !== 200) throw this.error(res, 'GET', path);
    return res.savedBytes ?? 0;
  }

  /** PUT a streamed body (the image of `/upload/image`); the unwrapped `data` of the answer. */
  async upload(path: string, body: UploadBody, opts: RequestOptions = {}): Promise<unknown> {
    const req: BmcRequest = { method: 'PUT', path, upload: body };
    if (opts.timeoutMs !== undefined) req.timeoutMs = opts.timeoutMs;
    if (opts.headers) req.headers = opts.headers;
    const res = await this.send(req);
    if (res.status !== 200) throw this.error(res, 'PUT', path);
    return this.envelope(res, 'PUT');
  }

  get<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
    return this.call('GET', path, undefined, opts) as Promise<T>;
  }

  put(path: string, data: unknown, opts: RequestOptions = {}): Promise<unknown> {
    return this.call('PUT', path, data, opts);
  }

  post(path: string, data: unknown, opts: RequestOptions = {}): Promise<unknown> {
    return this.call('POST', path, data, opts);
  }

  delete(path: string, opts: RequestOptions = {}): Promise<unknown> {
    return this.call('DELETE', path, undefined, opts);
  }

  /**
   * POST /logout, bounded by the logout timeout and without the node's signal; never throws. From the
   * first call on, this client sends no login: a request of the node still running gets an error instead
   * of a new session that nobody would close.
   */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= (async () => {
      // A login already sent is waited for: the session it opens is closed too.
      await this.loginDone?.catch(() => undefined);
      await this.relogin?.catch(() => undefined);
      if (!this.forget) return;
      this.forget();
      this.forget = undefined;
      // xcat2/xcat-core#4278: a hanging /logout must never hold the run (sendLogout is bounded).
      const res = await sendLogout(
        this.t,
        this.withSession({ method: 'POST', path: '/logout', json: { data: [] } }),
      );
      if (res && res.status !== 200) this.t.debug(`logout answered ${res.status}`);
    })();
    return this.closing;
  }
}
