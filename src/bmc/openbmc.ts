/**
 * The OpenBMC REST client (phosphor-rest, `/xyz/openbmc_project`): `/login` cookie plus HTTP Basic on
 * every request (OP940+ firmware needs both, xCAT PR #6425), `{data}` envelopes unwrapped, xCAT's
 * error wording, `/logout` at the end with a short timeout that never blocks the run.
 */
import { NodeError } from '../core/errors.js';
import { isRecord, openbmcMessage, statusError, textMessage, wrongFormat } from './errors.js';
import { missingCredentials } from './http.js';
import type { BmcRequest, BmcResponse, BmcTransport } from './http.js';
import { recordSession } from './ledger.js';
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
  private forget: (() => void) | undefined;
  private closed = false;

  constructor(private readonly init: OpenBmcInit) {
    this.t = init.transport;
  }

  login(): Promise<void> {
    this.loginDone ??= this.doLogin();
    return this.loginDone;
  }

  private async doLogin(): Promise<void> {
    if (this.init.username === undefined || this.init.password === undefined) throw missingCredentials();
    const res = await this.t.request({
      method: 'POST',
      path: '/login',
      json: { data: [this.init.username, this.init.password] },
      basic: true,
      timeoutMs: this.t.settings.loginMs,
      retry: 'rejected',
      // Interrupted mid-login, the session still opens on the BMC: take its cookie to close it.
      completeOnceSent: true,
    });
    if (res.status !== 200) throw this.error(res, 'POST', '/login', true);
    this.envelope(res, 'POST'); // a 200 that is not an envelope is not an OpenBMC login
    this.storeCookies(res);
    this.forget?.();
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

  private storeCookies(res: BmcResponse): void {
    const set = res.headers['set-cookie'] ?? [];
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
    await this.login();
    if (this.closed) throw new NodeError('interrupted', 'the BMC session was closed');
    const req: BmcRequest = { method, path };
    if (data !== undefined) req.json = { data };
    if (opts.timeoutMs !== undefined) req.timeoutMs = opts.timeoutMs;
    if (opts.headers) req.headers = opts.headers;
    let res = await this.t.request(this.withSession(req));
    if (res.status === 401 && !this.reloggedIn) {
      // Session dropped (BMC reboot, idle expiry): one new login, then the request again.
      this.reloggedIn = true;
      this.t.debug('401: logging in again');
      this.relogin ??= (async () => {
        this.cookies.clear();
        this.loginDone = undefined;
        await this.login();
      })();
      await this.relogin;
      res = await this.t.request(this.withSession(req));
    }
    if (res.status !== 200) throw this.error(res, method, path);
    return this.envelope(res, method);
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

  /** POST /logout, bounded by the logout timeout and without the node's signal; never throws. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.loginDone?.catch(() => undefined);
    await this.relogin?.catch(() => undefined);
    if (!this.forget) return;
    this.forget();
    this.forget = undefined;
    try {
      const res = await this.t.request(
        this.withSession({
          method: 'POST',
          path: '/logout',
          json: { data: [] },
          timeoutMs: this.t.settings.logoutMs,
          retry: 'none',
          signal: null,
        }),
      );
      if (res.status !== 200) this.t.debug(`logout answered ${res.status}`);
    } catch (e) {
      // xcat2/xcat-core#4278: a hanging /logout must never hold the run.
      this.t.debug(`logout failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
