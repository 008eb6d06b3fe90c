/**
 * The Redfish client: discovery from the service root, session or Basic auth, one re-login on a 401,
 * Systems/Managers/Chassis found by walking Members, ETag/If-Match on PATCH, actions with
 * AllowableValues/ActionInfo, task-monitor polling, logout on close.
 */
import { append } from '../core/arrays.js';
import { NodeError, isNodeError } from '../core/errors.js';
import type { AuthMode } from '../core/types.js';
import { trimRoot } from './discovery-cache.js';
import type { DiscoveryEntry } from './discovery-cache.js';
import { isRecord, redfishMessage, statusError, textMessage } from './errors.js';
import type { StatusContext } from './errors.js';
import { missingCredentials, retryAfterMs, sleep } from './http.js';
import type { BmcRequest, BmcResponse, BmcTransport, UploadBody } from './http.js';
import { recordSession } from './ledger.js';
import {
  chassisOfSystem,
  chooseManager,
  lastSegment,
  odataIdOf,
  refList,
  samePath,
} from './redfish-topology.js';
import { sendLogout, sessionClosed, sessionExpiredAgain } from './session.js';
import type {
  ActionOptions,
  OpenSession,
  PatchOptions,
  RedfishClient,
  RedfishResource,
  RedfishResponse,
  RequestOptions,
  WaitTaskOptions,
} from './types.js';

const ROOT = '/redfish/v1/';
const DEFAULT_SESSIONS = '/redfish/v1/SessionService/Sessions';
const OK_WRITE = new Set([200, 201, 202, 204]);
const TASK_DONE = new Set(['Completed']);
const TASK_FAILED = new Set(['Exception', 'Killed', 'Cancelled']);

/** The inventory's `system:` names no System of this BMC: say which it has. */
export function systemNotFound(want: string, ids: readonly string[]): NodeError {
  return new NodeError(
    'failed',
    `System '${want}' not found on this BMC; it has: ${ids.map(lastSegment).join(', ')} (fix system: in the inventory)`,
  );
}

/** Several Systems and no `system:` in the inventory: the node cannot guess which one is meant. */
export function severalSystems(ids: readonly string[]): NodeError {
  return new NodeError(
    'failed',
    `This BMC has ${ids.length} systems (${ids.map(lastSegment).join(', ')}): choose one with system: <id> in the inventory`,
  );
}

/**
 * Thrown by send() when a request built from cached facts met a stale cache (the client has rediscovered
 * meanwhile): system()/manager()/chassis() catch it and ask again with the new facts. Never reaches a node.
 */
class StaleDiscovery extends NodeError {
  constructor(path: string) {
    super('failed', `the cached discovery of this BMC was stale (${path}); rediscovery did not help`);
  }
}

/** This node's entry in the discovery cache (discovery-cache.ts). */
export interface DiscoveryHandle {
  /** The facts as of the last run, if fresh. */
  readonly entry: DiscoveryEntry | undefined;
  save(entry: DiscoveryEntry): void;
  drop(): void;
}

interface Session {
  token: string;
  uri: string | undefined;
  /** Its ledger entry (uri filled in when only the body names the session). */
  info: OpenSession;
  forget: () => void;
}

export interface RedfishInit {
  transport: BmcTransport;
  username: string | undefined;
  password: string | undefined;
  auth: AuthMode;
  /** node.system: which ComputerSystem when there are several. */
  system?: string;
  /** The discovery cache's entry for this BMC (absent with --no-cache). */
  cache?: DiscoveryHandle;
  /**
   * With `auth: auto`: use Basic even where a SessionService exists, falling back to a session on a 401.
   * For commands of one or two requests, where a login and a logout would be most of the traffic
   * (docs/performance.md, "Auth per command").
   */
  preferBasic?: boolean;
}

export class Redfish implements RedfishClient {
  root: RedfishResource = {};
  authMode: 'session' | 'basic' = 'basic';
  private readonly t: BmcTransport;
  private session: Session | undefined;
  private sessionsPath = DEFAULT_SESSIONS;
  private relogin: Promise<void> | undefined;
  private reloggedIn = false;
  private loginDone: Promise<void> | undefined;
  /** Set when the logout starts: from then on no login is sent for this client. */
  private closed = false;
  private closing: Promise<void> | undefined;
  private systemPath: Promise<string> | undefined;
  /** The System as last read (see system()). */
  private lastSystem: RedfishResource | undefined;
  private managerPath: Promise<string> | undefined;
  private chassisPaths: Promise<string[]> | undefined;
  /** The facts learned this run, saved to the discovery cache at close(). */
  private facts: DiscoveryEntry | undefined;
  private factsChanged = false;
  /** The facts in use came from the cache and are not yet confirmed (certificate, no 404). */
  private fromCache = false;
  private fingerprintChecked = false;
  private rediscovery: Promise<void> | undefined;
  /** Basic is used by choice (preferBasic, or a cached choice), not asked: a 401 falls back to a session. */
  private basicByChoice = false;
  /** The session login that replaced a refused Basic (see send()). */
  private basicFallback: Promise<void> | undefined;
  private rootFingerprint = '';
  /** Bumped by each rediscovery: a path found before it is not kept. */
  private generation = 0;

  constructor(private readonly init: RedfishInit) {
    this.t = init.transport;
  }

  addSecret(secret: string): void {
    this.t.addSecret(secret);
  }

  updatePassword(password: string): void {
    this.t.setPassword(password);
    this.init.password = password;
  }

  // -------------------------------------------------------------------------------------------
  // Login / logout

  /** Read the service root and authenticate (session, or Basic where that is the choice). */
  login(): Promise<void> {
    this.loginDone ??= this.doLogin();
    return this.loginDone;
  }

  private async doLogin(): Promise<void> {
    const cached = this.init.cache?.entry;
    if (cached) return this.warmLogin(cached);
    this.root = await this.readRoot();
    this.learn(this.root);
    if (this.init.username === undefined || this.init.password === undefined) throw missingCredentials();
    await this.authenticate();
  }

  /**
   * Login with the cached facts: nothing is sent with Basic, only the session login otherwise. The facts
   * are confirmed by the first answer (same certificate) and by the cached paths answering.
   */
  private async warmLogin(cached: DiscoveryEntry): Promise<void> {
    this.fromCache = true;
    this.facts = { ...cached, ...(cached.memo ? { memo: { ...cached.memo } } : {}) };
    this.root = cached.root;
    if (cached.system) this.systemPath = Promise.resolve(cached.system);
    if (cached.manager) this.managerPath = Promise.resolve(cached.manager);
    if (cached.chassis) this.chassisPaths = Promise.resolve(cached.chassis);
    if (cached.sessions) this.sessionsPath = cached.sessions;
    this.t.debug('discovery: from the cache (no service root read)');
    if (this.init.username === undefined || this.init.password === undefined) throw missingCredentials();
    await this.authenticate();
  }

  /** The facts of a fresh service root (cold login or rediscovery); the paths are added as they are found. */
  private learn(root: RedfishResource): void {
    const previous = this.facts;
    this.facts = { fp: this.rootFingerprint, at: Date.now(), root: trimRoot(root) };
    // Still true of the BMC whatever its root says now (they are learned only by trying).
    if (previous?.basicWorks) this.facts.basicWorks = true;
    this.factsChanged = true;
  }

  private async readRoot(): Promise<RedfishResource> {
    let res = await this.t.request({ method: 'GET', path: ROOT });
    // Some services answer only without the trailing slash.
    if (res.status === 404) res = await this.t.request({ method: 'GET', path: '/redfish/v1' });
    if (res.status === 401 && this.init.auth !== 'session') {
      // A root that wants credentials (non-conformant but seen): read it with Basic.
      res = await this.t.request({ method: 'GET', path: ROOT, basic: true });
    }
    this.check(res, { method: 'GET', path: ROOT });
    const root = this.parse(res, 'GET');
    if (!isRecord(root))
      throw this.t.masked(
        new NodeError(
          'protocol',
          `Received wrong format response: the Redfish service root ${ROOT} is not a JSON object`,
        ),
      );
    this.rootFingerprint = res.fingerprint ?? '';
    return root;
  }

  /** Session or Basic, from the asked mode, the command's preference and what the root (or cache) says. */
  private async authenticate(): Promise<void> {
    const root = this.root;
    const sessionsPath = odataIdOf(isRecord(root.Links) ? root.Links.Sessions : undefined);
    const hasSessionService = sessionsPath !== undefined || odataIdOf(root.SessionService) !== undefined;
    const auto = this.init.auth === 'auto';
    const cachedBasic = auto && this.fromCache && this.facts?.auth === 'basic';
    if (this.init.auth === 'basic' || (auto && !hasSessionService) || cachedBasic) {
      this.authMode = 'basic';
      if (auto && this.facts) this.facts.auth = 'basic';
      this.t.debug(
        `auth: basic (${this.init.auth === 'basic' ? 'asked' : cachedBasic ? 'cached: no usable SessionService' : 'no SessionService in the service root'})`,
      );
      return;
    }
    this.sessionsPath = sessionsPath ?? this.facts?.sessions ?? DEFAULT_SESSIONS;
    if (this.facts) {
      this.facts.sessions = this.sessionsPath;
      this.facts.auth ??= 'session';
    }
    if (auto && this.init.preferBasic) {
      // One or two requests: Basic costs none; a session costs a login and a logout. A 401 falls back.
      this.authMode = 'basic';
      this.basicByChoice = true;
      this.t.debug('auth: basic (this command prefers it; a session if Basic is refused)');
      return;
    }
    await this.createSession(this.sessionsPath);
  }

  private async createSession(path: string): Promise<void> {
    // A request still running after its node's logout must not open a session nobody will close.
    if (this.closed) throw sessionClosed();
    // The head names the session (token, Location): recorded at once (opened), it is closed by close()
    // even if the body then stalls or fails.
    const res = await this.t.request({
      method: 'POST',
      path,
      // No Basic header here: it confuses some services (ansible dropped it for that reason).
      json: { UserName: this.init.username, Password: this.init.password },
      timeoutMs: this.t.settings.loginMs,
      // auto falls back to Basic on 429/503 (session table full) at once rather than retrying.
      retry: this.init.auth === 'auto' ? 'unsent' : 'rejected',
      // Interrupted mid-login, the session still opens on the BMC: take its token to close it.
      completeOnceSent: true,
      onHead: (status, headers) => this.opened(status, headers, path),
    });
    if (this.init.auth === 'auto' && [404, 405, 501, 429, 503].includes(res.status)) {
      // No usable SessionService (emulators), or the session table is full: Basic still works.
      this.authMode = 'basic';
      this.t.debug(`auth: basic (session login answered ${res.status})`);
      // A full session table is a moment's state, not the BMC's: only the others are remembered.
      if (this.facts && ![429, 503].includes(res.status)) {
        this.facts.auth = 'basic';
        this.factsChanged = true;
      }
      return;
    }
    if (res.status === 401)
      throw statusError('redfish', 401, undefined, { method: 'POST', path, login: true });
    if (res.status === 404 || res.status === 405 || res.status === 501) {
      throw new NodeError(
        'unsupported',
        `This BMC has no usable SessionService (POST ${path} answered ${res.status}): use auth: basic or auto`,
        res.status,
      );
    }
    if (res.status !== 200 && res.status !== 201) this.check(res, { method: 'POST', path, login: true });
    // Normally recorded from the head already; a transport that reports no head is recorded here.
    const session = this.opened(res.status, res.headers, path);
    if (!session)
      throw new NodeError(
        'auth',
        'Login Failed: Did not get Session Token from response (no X-Auth-Token header)',
        res.status,
      );
    if (!session.uri) {
      let body: unknown;
      try {
        body = res.text ? JSON.parse(res.text) : undefined;
      } catch {
        body = undefined;
      }
      // No Location: the body's @odata.id (openbmc/openbmc#3353).
      session.uri = odataIdOf(body);
      if (session.uri) session.info.uri = session.uri;
      else this.t.debug('session has no Location and no @odata.id: it cannot be deleted at logout');
    }
    this.authMode = 'session';
  }

  /**
   * The session a login answer opened, recorded in the ledger and as this client's session as soon as its
   * token is known (once per login). Called from the answer's head; never throws.
   */
  private opened(status: number, headers: BmcResponse['headers'], path: string): Session | undefined {
    if (this.session) return this.session;
    const token = first(headers['x-auth-token']);
    if ((status !== 200 && status !== 201) || !token) return undefined;
    this.t.redactor.add(token);
    const location = first(headers.location);
    let uri: string | undefined;
    try {
      uri = location ? this.t.toPath(location) : undefined;
    } catch {
      uri = undefined; // a Location that is no URL: the body's @odata.id may still name the session
    }
    const info: OpenSession = {
      node: this.t.node.name,
      origin: this.t.origin,
      flavor: 'redfish',
      uri: uri ?? path,
      openedAt: Date.now(),
    };
    const session: Session = { token, uri, info, forget: () => undefined };
    session.forget = recordSession(info, () => this.close());
    this.session = session;
    return session;
  }

  /**
   * DELETE the session (bounded by the logout timeout, without the node's signal). Never throws. From the
   * first call on, this client sends no login: a request of the node still running gets an error instead
   * of a new session that nobody would close.
   */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= (async () => {
      this.saveFacts();
      // A login already sent is waited for: the session it opens is closed with the others.
      await this.loginDone?.catch(() => undefined);
      await this.relogin?.catch(() => undefined);
      await this.basicFallback?.catch(() => undefined);
      const session = this.session;
      this.session = undefined;
      await this.deleteSession(session);
    })();
    return this.closing;
  }

  private async deleteSession(session: Session | undefined): Promise<void> {
    if (!session) return;
    session.forget();
    if (!session.uri) return;
    const deadline = Date.now() + this.t.settings.logoutMs;
    const del = (path: string) =>
      sendLogout(this.t, { method: 'DELETE', path, headers: { 'x-auth-token': session.token } }, deadline);
    let res = await del(session.uri);
    // Old iLO 4 answers 405 to DELETE with a trailing slash (python-ilorest-library#45).
    if (res && (res.status === 405 || res.status === 404) && session.uri.endsWith('/'))
      res = await del(session.uri.replace(/\/+$/, ''));
    if (res && res.status >= 300 && res.status !== 401 && res.status !== 404)
      this.t.debug(`logout answered ${res.status}: the session may stay open until it expires`);
  }

  // -------------------------------------------------------------------------------------------
  // Requests

  /** Send with the current credentials; on a 401 mid-run, log in again once and resend. */
  private async send(req: BmcRequest, ctx: StatusContext): Promise<BmcResponse> {
    await this.login();
    await this.relogin; // a request sent while a re-login runs would go without its session
    if (this.closed) throw sessionClosed();
    const sentWith = this.session;
    const res = await this.t.request(this.withAuth(req));
    if (this.fromCache) {
      const stale = this.staleness(res, req.path);
      if (stale) {
        const cachedPath = this.isDiscoveredPath(req.path); // before the rediscovery forgets the paths
        await this.rediscover(stale);
        // A request on a cached path is asked again by its caller, with the new path.
        if (cachedPath) throw new StaleDiscovery(req.path);
        return this.send(req, ctx);
      }
    }
    if (res.status !== 401) {
      if (!sentWith && this.facts && !this.facts.basicWorks && res.status < 300) {
        this.facts.basicWorks = true;
        this.factsChanged = true;
      }
      return res;
    }
    if (!sentWith && (this.basicByChoice || this.basicFallback) && !this.closed) {
      // Basic was our choice (this command's preference, or the cache), not asked: the normal path is a
      // session. Requests that met the same refusal wait for that one login.
      this.basicFallback ??= (async () => {
        this.basicByChoice = false;
        if (this.facts) {
          this.facts.basicWorks = false;
          this.factsChanged = true;
        }
        this.t.debug('401 with Basic (chosen, not asked): logging in with a session');
        if (this.fromCache) await this.rediscover('Basic refused');
        await this.createSession(this.sessionsPath);
      })();
      await this.basicFallback;
      if (this.session) return this.send(req, ctx);
    }
    // Basic: the BMC refused the credentials themselves.
    if (!sentWith) throw statusError('redfish', 401, undefined, ctx);
    // The logout (ours) deleted the session under this request: no new login after it.
    if (this.closed) throw sessionClosed();
    if (this.session === sentWith) {
      // A session that a re-login had already replaced is dropped again: a second re-login would fare no
      // better (and each one is a session on a BMC that is short of them).
      if (this.reloggedIn) throw sessionExpiredAgain();
      // The session expired or was deleted on the BMC (another client, BMC reboot): one new login.
      this.reloggedIn = true;
      this.t.debug('401 with a session: logging in again');
      sentWith.forget();
      this.session = undefined;
      this.relogin = this.createSession(this.sessionsPath);
    }
    // Requests that met the same expiry wait for that one re-login.
    await this.relogin;
    if (this.closed) throw sessionClosed();
    const again = await this.t.request(this.withAuth(req));
    if (again.status !== 401) return again;
    if (this.closed) throw sessionClosed();
    // The re-login succeeded, so the credentials are good: the BMC dropped the new session too.
    throw this.authMode === 'session' ? sessionExpiredAgain() : statusError('redfish', 401, undefined, ctx);
  }

  // -------------------------------------------------------------------------------------------
  // The discovery cache

  /** Why the cached facts are no longer the BMC's, judged on an answer; undefined while they hold. */
  private staleness(res: BmcResponse, path: string): string | undefined {
    if (!this.fingerprintChecked) {
      this.fingerprintChecked = true;
      if ((res.fingerprint ?? '') !== (this.facts?.fp ?? ''))
        return 'the certificate differs from the one the cached facts were read through';
    }
    if (res.status === 404 && this.isDiscoveredPath(path)) return `cached ${path} answered 404`;
    return undefined;
  }

  private isDiscoveredPath(path: string): boolean {
    const f = this.facts;
    if (!f) return false;
    const p = this.t.toPath(path);
    return (
      (f.system !== undefined && samePath(f.system, p)) ||
      (f.manager !== undefined && samePath(f.manager, p)) ||
      (f.chassis ?? []).some((c) => samePath(c, p))
    );
  }

  /**
   * Drop the cached facts and read the service root again (once per run: a second stale answer is the
   * BMC's own error). The paths are found again when asked for.
   */
  private rediscover(why: string): Promise<void> {
    this.rediscovery ??= (async () => {
      this.t.debug(`discovery cache: ${why}: rediscovering`);
      this.fromCache = false;
      this.generation++;
      this.init.cache?.drop();
      this.systemPath = this.managerPath = this.chassisPaths = undefined;
      this.lastSystem = undefined;
      this.facts = undefined;
      const root = await this.readRoot();
      this.learn(root);
      this.root = root;
      const sessionsPath = odataIdOf(isRecord(root.Links) ? root.Links.Sessions : undefined);
      if (sessionsPath) this.sessionsPath = sessionsPath;
    })();
    return this.rediscovery;
  }

  /** Run a discovery-based read; asked again once when the cached facts it used were stale. */
  private async fresh<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof StaleDiscovery && this.rediscovery) return fn();
      throw e;
    }
  }

  /**
   * A fact derived from the BMC's documents (not a live value), computed once and kept in the discovery
   * cache: e.g. an ActionInfo's AllowableValues, or the vendor a Manager's Model names.
   */
  async remember<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const memo = this.facts?.memo;
    if (memo && key in memo) return memo[key] as T;
    const value = await compute();
    if (this.facts && value !== undefined) {
      this.facts.memo = { ...this.facts.memo, [key]: value };
      this.factsChanged = true;
    }
    return value;
  }

  private saveFacts(): void {
    const f = this.facts;
    if (!this.init.cache || !f || !this.factsChanged) return;
    this.factsChanged = false;
    this.init.cache.save(f);
  }

  private withAuth(req: BmcRequest): BmcRequest {
    if (this.authMode === 'session' && this.session)
      return { ...req, headers: { ...req.headers, 'x-auth-token': this.session.token } };
    return { ...req, basic: true };
  }

  /** Throw the node's error for a non-2xx answer. */
  private check(res: BmcResponse, ctx: StatusContext): void {
    if (res.status >= 200 && res.status < 300) return;
    let message: string | undefined;
    try {
      message = redfishMessage(JSON.parse(res.text));
    } catch {
      message = textMessage(res.text);
    }
    throw this.t.masked(statusError('redfish', res.status, message, { ...ctx, tries: res.tries }));
  }

  private parse(res: BmcResponse, method: string): unknown {
    return this.t.json(res, method);
  }

  private response(res: BmcResponse): RedfishResponse {
    let body: RedfishResource | undefined;
    if (res.text.trim()) {
      try {
        const parsed: unknown = JSON.parse(res.text);
        if (isRecord(parsed)) body = parsed;
      } catch {
        body = undefined; // a 2xx with a non-JSON body (tolerated on writes)
      }
    }
    const out: RedfishResponse = { status: res.status, headers: res.headers, body };
    const location = header(res, 'location');
    if (location) out.location = this.t.toPath(location);
    return out;
  }

  async read(path: string, opts: RequestOptions = {}): Promise<RedfishResponse> {
    const req: BmcRequest = { method: 'GET', path, ...reqOpts(opts) };
    const res = await this.send(req, { method: 'GET', path });
    this.check(res, { method: 'GET', path });
    const out = this.response(res);
    if (!out.body) this.parse(res, 'GET'); // throws "Received wrong format response"
    return out;
  }

  async download(path: string, file: string, opts: RequestOptions = {}): Promise<number> {
    const req: BmcRequest = {
      method: 'GET',
      path,
      saveTo: file,
      ...reqOpts(opts),
      headers: { accept: '*/*', ...opts.headers },
    };
    const res = await this.send(req, { method: 'GET', path });
    this.check(res, { method: 'GET', path });
    return res.savedBytes ?? 0;
  }

  async upload(
    method: 'POST' | 'PUT',
    path: string,
    body: UploadBody,
    opts: RequestOptions = {},
  ): Promise<RedfishResponse> {
    const res = await this.send({ method, path, upload: body, ...reqOpts(opts) }, { method, path });
    this.checkWrite(res, method, path);
    return this.response(res);
  }

  async get<T = RedfishResource>(path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.send({ method: 'GET', path, ...reqOpts(opts) }, { method: 'GET', path });
    this.check(res, { method: 'GET', path });
    return this.parse(res, 'GET') as T;
  }

  async post(path: string, body: unknown, opts: RequestOptions = {}): Promise<RedfishResponse> {
    const res = await this.send(
      { method: 'POST', path, json: body, ...reqOpts(opts) },
      { method: 'POST', path },
    );
    this.checkWrite(res, 'POST', path);
    return this.response(res);
  }

  private checkWrite(res: BmcResponse, method: string, path: string): void {
    if (OK_WRITE.has(res.status)) return;
    this.check(res.status < 300 ? { ...res, status: 500 } : res, { method, path });
  }

  async patch(path: string, body: unknown, opts: PatchOptions = {}): Promise<RedfishResponse> {
    let etag = opts.etag ?? (await this.etagOf(path, opts));
    const attempt = () =>
      this.send(
        {
          method: 'PATCH',
          path,
          json: body,
          ...reqOpts(opts),
          headers: { ...opts.headers, ...(etag ? { 'if-match': etag } : {}) },
        },
        { method: 'PATCH', path },
      );
    let res = await attempt();
    if (res.status === 412 || (res.status === 428 && !etag)) {
      // Stale or missing ETag (Lenovo XCC, iDRAC): read it again and retry once.
      this.t.debug(`PATCH answered ${res.status}: re-reading the ETag and retrying once`);
      etag = await this.etagOf(path, opts);
      res = await attempt();
    }
    this.checkWrite(res, 'PATCH', path);
    return this.response(res);
  }

  /** The resource's ETag: the ETag header, else `@odata.etag` in the body. */
  private async etagOf(path: string, opts: RequestOptions): Promise<string | undefined> {
    const r = await this.read(path, opts);
    const h = r.headers.etag;
    if (typeof h === 'string' && h) return h;
    const b = r.body?.['@odata.etag'];
    return typeof b === 'string' && b ? b : undefined;
  }

  async delete(path: string, opts: RequestOptions = {}): Promise<void> {
    const res = await this.send({ method: 'DELETE', path, ...reqOpts(opts) }, { method: 'DELETE', path });
    this.checkWrite(res, 'DELETE', path);
  }

  // -------------------------------------------------------------------------------------------
  // Discovery

  /** Every member of a collection, following nextLink pages (with a guard against loops). */
  async members(collection: string): Promise<string[]> {
    const out: string[] = [];
    const seen = new Set<string>();
    let next: string | undefined = collection;
    while (next && !seen.has(next)) {
      seen.add(next);
      const page: RedfishResource = await this.get(next);
      append(out, refList(page.Members));
      const link: unknown = page['Members@odata.nextLink'] ?? page['@odata.nextLink'];
      next = typeof link === 'string' ? link : undefined;
    }
    return out;
  }

  private collection(name: 'Systems' | 'Managers' | 'Chassis'): string {
    const id = odataIdOf(this.root[name]);
    if (!id)
      throw new NodeError(
        'unsupported',
        `This Redfish service has no ${name} collection in its service root`,
      );
    return id;
  }

  /**
   * The node's ComputerSystem, read now; with `reuse`, the one this client read last if any. An action
   * needs only the System's Actions and their AllowableValues, which do not change with its state, and
   * power managers read the state just before acting: reusing that read saves a request per node.
   */
  async system(opts: { reuse?: boolean } = {}): Promise<RedfishResource> {
    if (opts.reuse && this.lastSystem) return this.lastSystem;
    await this.login();
    return this.fresh(async () => {
      this.systemPath ??= this.findSystem().then(this.finder('system'));
      const system: RedfishResource = await this.get(await this.systemPath);
      this.lastSystem = system;
      return system;
    });
  }

  /** A path discovery found, kept in the facts for the cache. */
  private finder<K extends 'system' | 'manager' | 'chassis'>(
    key: K,
  ): (value: NonNullable<DiscoveryEntry[K]>) => NonNullable<DiscoveryEntry[K]> {
    const generation = this.generation;
    return (value) => {
      if (this.facts && generation === this.generation) {
        this.facts[key] = value;
        this.factsChanged = true;
      }
      return value;
    };
  }

  private async findSystem(): Promise<string> {
    const members = await this.members(this.collection('Systems'));
    if (members.length === 0)
      throw new NodeError('unsupported', 'This BMC exposes no ComputerSystem (Systems collection is empty)');
    const want = this.init.system;
    if (want !== undefined) {
      const byPath = members.find((m) => lastSegment(m) === want || samePath(m, want));
      if (byPath) return byPath;
      // Ids are not always the last path segment: compare the members' Id properties.
      for (const m of members) {
        const r: RedfishResource = await this.get(m);
        if (r.Id === want) return m;
      }
      throw systemNotFound(want, members);
    }
    if (members.length > 1) {
      throw severalSystems(members);
    }
    return members[0]!;
  }

  async manager(): Promise<RedfishResource> {
    await this.login();
    return this.fresh(async () => {
      this.managerPath ??= this.findManager().then(this.finder('manager'));
      return this.get(await this.managerPath);
    });
  }

  private async findManager(): Promise<string> {
    const system = odataIdOf(this.root.Systems) ? await this.system().catch(() => undefined) : undefined;
    const managedBy = refList(isRecord(system?.Links) ? system.Links.ManagedBy : undefined);
    if (managedBy.length > 0) return managedBy[0]!;
    const members = await this.members(this.collection('Managers'));
    if (members.length === 0)
      throw new NodeError('unsupported', 'This BMC exposes no Manager (Managers collection is empty)');
    if (members.length === 1) return members[0]!;
    // Same choice as the readers (rinv, reventlog): not Managers[0], which on some enclosures is an
    // auxiliary controller.
    const read = await this.readPresent(members, 'Managers member');
    const chosen = chooseManager(
      read.map((r) => r.doc),
      system,
      'FirmwareVersion',
    );
    if (!chosen)
      throw new NodeError('unsupported', 'This BMC exposes no readable Manager (every member is 404)');
    const path = odataIdOf(chosen.manager) ?? read.find((r) => r.doc === chosen.manager)!.path;
    this.t.debug(
      `Manager ${path} used (of ${members.length}; the System has no Links.ManagedBy): ${chosen.why}`,
    );
    return path;
  }

  async chassis(): Promise<RedfishResource[]> {
    await this.login();
    return this.fresh(async () => {
      this.chassisPaths ??= this.findChassis().then(this.finder('chassis'));
      return (await this.readPresent(await this.chassisPaths, 'Chassis member')).map((r) => r.doc);
    });
  }

  /**
   * Each path read; a member the BMC answers 404 for (a dangling link: Cray EX lists a Manager MCU0 it
   * does not serve) is left out with a --debug line instead of failing the node. Other errors throw, and so
   * does a 404 on every member: those paths are stale (the discovery cache's), not one dangling link, and
   * the 404 makes fresh() rediscover them.
   */
  private async readPresent(
    paths: readonly string[],
    what: string,
  ): Promise<Array<{ path: string; doc: RedfishResource }>> {
    let missing: unknown;
    const read = await Promise.all(
      paths.map(async (path) => {
        try {
          return { path, doc: await this.get(path) };
        } catch (e) {
          if (!isNodeError(e) || e.status !== 404) throw e;
          missing ??= e;
          this.t.debug(`${what} ${path} left out: 404 (a dangling link)`);
          return undefined;
        }
      }),
    );
    const present = read.filter((r): r is { path: string; doc: RedfishResource } => r !== undefined);
    if (present.length === 0 && missing !== undefined) throw missing;
    return present;
  }

  /**
   * The System's own chassis first (its Links.Chassis; else chassisOfSystem: by Id on link-less blade
   * enclosures), then the enclosure or shared ones: never another System's chassis, whose LED or power
   * is another node's.
   */
  private async findChassis(): Promise<string[]> {
    const system = odataIdOf(this.root.Systems) ? await this.system().catch(() => undefined) : undefined;
    const linked = refList(isRecord(system?.Links) ? system.Links.Chassis : undefined);
    if (linked.length > 0) return linked;
    const members = await this.members(this.collection('Chassis'));
    if (!system || members.length === 0) return members;
    const systemPaths = await this.members(this.collection('Systems'));
    const [systems, read] = await Promise.all([
      Promise.all(systemPaths.map((p) => (samePath(p, odataIdOf(system) ?? '') ? system : this.get(p)))),
      this.readPresent(members, 'Chassis member'),
    ]);
    const chassis = read.map((r) => r.doc);
    const mine = chassisOfSystem(system, systems, chassis);
    this.t.debug(`Chassis of ${odataIdOf(system) ?? 'the System'}: ${mine.how}`);
    const ordered = [...mine.own, ...mine.chassis.filter((c) => !mine.own.includes(c))];
    return ordered.map((c) => odataIdOf(c) ?? read[chassis.indexOf(c)]!.path);
  }

  // -------------------------------------------------------------------------------------------
  // Actions and tasks

  private actionEntry(resource: RedfishResource, action: string): Record<string, unknown> | undefined {
    const actions = resource.Actions;
    if (!isRecord(actions)) return undefined;
    const bare = action.replace(/^#/, '');
    const entry = actions[`#${bare}`] ?? actions[bare];
    return isRecord(entry) ? entry : undefined;
  }

  async allowableValues(
    resource: RedfishResource,
    action: string,
    parameter: string,
  ): Promise<string[] | undefined> {
    const entry = this.actionEntry(resource, action);
    if (!entry) return undefined;
    const inline = entry[`${parameter}@Redfish.AllowableValues`];
    if (Array.isArray(inline)) return inline.filter((v): v is string => typeof v === 'string');
    const infoPath = entry['@Redfish.ActionInfo'];
    if (typeof infoPath !== 'string') return undefined;
    // What an action allows is the firmware's, not a live value: kept in the discovery cache.
    return this.remember(`actioninfo ${infoPath} ${parameter}`, async () => {
      let info: RedfishResource;
      try {
        info = await this.get(infoPath);
      } catch (e) {
        // An ActionInfo the BMC does not serve (Cray EX names one it answers 404 for) says nothing:
        // the standard values are tried, as when there is no ActionInfo at all.
        if (!isNodeError(e) || e.status !== 404) throw e;
        this.t.debug(`${infoPath}: 404; the allowable ${parameter} values are not known`);
        return undefined;
      }
      const params = Array.isArray(info.Parameters) ? info.Parameters : [];
      const p: unknown = params.find((x) => isRecord(x) && x.Name === parameter);
      if (!isRecord(p) || !Array.isArray(p.AllowableValues)) return undefined;
      return p.AllowableValues.filter((v): v is string => typeof v === 'string');
    });
  }

  async action(
    resource: RedfishResource,
    action: string,
    body: unknown,
    opts: ActionOptions = {},
  ): Promise<RedfishResponse> {
    const entry = this.actionEntry(resource, action);
    const target = entry?.target;
    if (typeof target !== 'string') {
      const where = resource['@odata.id'] ?? resource.Id ?? 'this resource';
      throw new NodeError('unsupported', `This BMC does not offer ${action.replace(/^#/, '')} on ${where}`);
    }
    // Never If-Match on an action (iDRAC answers 412 to it).
    const res = await this.post(target, body, opts);
    if (res.status === 202 && opts.waitTask !== false) {
      const monitor = res.location ?? odataIdOf(res.body);
      if (monitor) res.task = await this.waitTask(monitor, opts.task);
    }
    return res;
  }

  async waitTask(monitorOrTask: string, opts: WaitTaskOptions = {}): Promise<RedfishResource> {
    const limit = opts.timeoutMs ?? 600_000;
    const interval = opts.intervalMs ?? 2000;
    const started = Date.now();
    let polls = 0;
    let last = 'New';
    for (;;) {
      const res = await this.send(
        { method: 'GET', path: monitorOrTask },
        { method: 'GET', path: monitorOrTask },
      );
      polls++;
      let body: RedfishResource | undefined;
      if (res.text.trim()) {
        const parsed = this.parse(res, 'GET');
        body = isRecord(parsed) ? parsed : undefined;
      }
      if (res.status === 404 && polls > 1) {
        // Some monitors vanish once the task is done and its result was consumed.
        this.t.debug(`task monitor ${monitorOrTask} is gone (404): taking the task as finished`);
        return { TaskState: 'Completed' };
      }
      if (res.status !== 202) this.check(res, { method: 'GET', path: monitorOrTask });
      const state = typeof body?.TaskState === 'string' ? body.TaskState : undefined;
      const percent = typeof body?.PercentComplete === 'number' ? body.PercentComplete : undefined;
      if (state) {
        last = percent !== undefined ? `${state} ${percent}%` : state;
        opts.onProgress?.(state, percent);
      }
      if (res.status !== 202) {
        if (!state || TASK_DONE.has(state)) {
          if (state && body?.TaskStatus === 'Critical') throw taskFailure(body, monitorOrTask, state);
          return body ?? {};
        }
        if (TASK_FAILED.has(state)) throw taskFailure(body!, monitorOrTask, state);
      }
      if (Date.now() - started >= limit) {
        throw new NodeError(
          'timeout',
          `Task ${monitorOrTask} did not finish within ${Math.round(limit / 1000)} s (last state: ${last})`,
        );
      }
      const wait = retryAfterMs(res.headers['retry-after']) ?? interval;
      await sleep(Math.min(wait, Math.max(0, limit - (Date.now() - started))), this.t.signal);
    }
  }
}

function taskFailure(task: RedfishResource, uri: string, state: string): NodeError {
  const messages = Array.isArray(task.Messages) ? task.Messages : [];
  const first: unknown = messages[0];
  const msg = isRecord(first) && typeof first.Message === 'string' ? `: ${first.Message}` : '';
  return new NodeError('failed', `Task ${typeof task.Id === 'string' ? task.Id : uri} ended ${state}${msg}`);
}

function header(res: BmcResponse, name: string): string | undefined {
  return first(res.headers[name]);
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function reqOpts(opts: RequestOptions): Partial<BmcRequest> {
  const out: Partial<BmcRequest> = {};
  if (opts.timeoutMs !== undefined) out.timeoutMs = opts.timeoutMs;
  if (opts.headers) out.headers = opts.headers;
  return out;
}
