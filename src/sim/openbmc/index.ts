/**
 * The OpenBMC REST frontend (phosphor-rest / bmcweb's REST compatibility layer): `/login` and
 * `/logout` with a cookie session (HTTP Basic accepted too, alone or together with the cookie), the
 * `{data, message, status}` envelope, and the D-Bus object tree under `/xyz/openbmc_project` with
 * `enumerate`, `list`, `attr/<Prop>` and `action/<Method>`. Paths are case-sensitive.
 *
 * Facts: ../shared/reference/xcat-openbmc.md section 2. Behaviour notes: docs/simulator.md.
 */
import type { SimMachine } from '../machine.js';
import { SessionStore, type SimSession } from '../sessions.js';
import type { Frontend, FrontendOptions, SimRequest, SimResponse } from '../types.js';
import { RestError, fail, notFound, ok } from './envelope.js';
import { BASE, type DbusObject, type ObjectMap, type Provider } from './objects.js';
import { BootSettings, controlProvider, stateProvider, timeProvider } from './state.js';
import { inventoryProvider, ledProvider, sensorsProvider } from './hardware.js';
import { dumpProvider, loggingProvider } from './logs.js';
import { networkProvider } from './network.js';
import { userProvider } from './users.js';
import { firmwareCall, softwareProvider } from './software.js';

/** Concurrent sessions per BMC unless the fleet sets `sessionLimit`. */
export const OPENBMC_SESSION_LIMIT = 64;
export const SESSION_COOKIE = 'SESSION';

function header(req: SimRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function cookie(req: SimRequest, name: string): string | undefined {
  const raw = header(req, 'cookie');
  if (!raw) return undefined;
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function basicCredentials(req: SimRequest): { user: string; password: string } | undefined {
  const auth = header(req, 'authorization');
  const m = auth && /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth);
  if (!m || !m[1]) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** `{"data": X}` → X; a missing body or `data` is a 400. */
function dataOf(req: SimRequest): unknown {
  const text = req.body.toString('utf8').trim();
  if (text === '') throw new RestError(400, 'The request body is empty; expected {"data": ...}');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RestError(400, 'Invalid JSON in request body');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !('data' in parsed))
    throw new RestError(400, 'Missing "data" in the request body; expected {"data": ...}');
  return (parsed as { data: unknown }).data;
}

function argsOf(req: SimRequest): unknown[] {
  if (req.body.length === 0) return [];
  const d = dataOf(req);
  if (d === null || d === undefined) return [];
  return Array.isArray(d) ? d : [d];
}

function under(path: string, base: string): boolean {
  return base === '' || base === '/' || path === base || path.startsWith(`${base}/`);
}

export class OpenbmcFrontend implements Frontend {
  readonly flavor = 'openbmc' as const;
  private readonly sessions: SessionStore;
  private readonly providers: Provider[];
  private readonly secureCookie: boolean;
  /** The user of the request being served (handle() is synchronous), for user/ privilege checks. */
  private requester: string | undefined;

  constructor(
    private readonly machine: SimMachine,
    opts: FrontendOptions,
  ) {
    this.sessions = new SessionStore({
      clock: opts.clock,
      limit: opts.sessionLimit ?? OPENBMC_SESSION_LIMIT,
      idleTimeoutMs: opts.sessionTimeoutMs,
      ...(opts.sessionsFull ? { full: opts.sessionsFull } : {}),
    });
    this.secureCookie = (opts.scheme ?? 'https') === 'https';
    const boot = new BootSettings(machine);
    this.providers = [
      stateProvider(machine),
      controlProvider(machine, boot),
      timeProvider(machine),
      inventoryProvider(machine),
      sensorsProvider(machine),
      ledProvider(machine),
      loggingProvider(machine),
      dumpProvider(machine),
      networkProvider(machine),
      userProvider(machine, () => this.requester),
      softwareProvider(machine),
    ];
    machine.on('bmc', (e) => {
      if (e === 'down') this.sessions.clear();
    });
  }

  openSessions(): number {
    return this.sessions.count();
  }

  expireSessions(): void {
    this.sessions.clear();
  }

  faultResponse(status: number, message: string): SimResponse {
    return fail(status, message);
  }

  handle(req: SimRequest): SimResponse {
    try {
      return this.route(req);
    } catch (e) {
      if (e instanceof RestError) return fail(e.status, e.message, e.exception);
      throw e;
    } finally {
      this.requester = undefined;
    }
  }

  private route(req: SimRequest): SimResponse {
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const path = req.path;
    if (!this.machine.bmcReady()) return fail(503, 'The BMC is not ready');
    if (path === '/login') {
      if (method !== 'POST') throw new RestError(405, 'Method Not Allowed');
      return this.login(req);
    }
    if (path === '/logout') {
      if (method !== 'POST') throw new RestError(405, 'Method Not Allowed');
      return this.logout(req);
    }
    if (path === '/' && method === 'GET')
      return {
        status: 200,
        headers: { 'Content-Type': 'text/html' },
        body: '<!DOCTYPE html><html><head><title>OpenBMC</title></head><body>OpenBMC</body></html>\n',
      };
    if (path.startsWith('/redfish')) throw new RestError(404, `path or object not found: ${path}`);

    this.requester = this.authenticate(req);

    if (path === '/upload/image' || path === '/upload/image/') {
      if (method !== 'PUT' && method !== 'POST') throw new RestError(405, 'Method Not Allowed');
      if (req.body.length === 0)
        throw new RestError(400, 'Empty upload: expected the image file as the request body');
      try {
        return ok(firmwareCall(() => this.machine.firmware.upload(req.body)).id);
      } catch (e) {
        if (e instanceof RestError)
          throw new RestError(400, 'Version already exists or failed to be extracted', e.message);
        throw e;
      }
    }
    const dump = /^\/download\/dump\/(\d+)$/.exec(path);
    if (dump && dump[1]) {
      if (method !== 'GET') throw new RestError(405, 'Method Not Allowed');
      const bytes = this.machine.dumpContent(Number(dump[1]));
      if (!bytes) return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Path not found' };
      return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: bytes };
    }
    if (path === '/org/open_power/control/gard/action/Reset') {
      if (method !== 'POST') throw new RestError(405, 'Method Not Allowed');
      return ok(null);
    }
    if (!under(path, BASE) && path !== `${BASE}/`) throw notFound(path);
    return this.objectRequest(method, path, req);
  }

  // ------------------------------------------------------------------ sessions

  private login(req: SimRequest): SimResponse {
    let user: unknown;
    let password: unknown;
    const text = req.body.toString('utf8').trim();
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new RestError(400, 'Invalid JSON in request body');
    }
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const b = body as Record<string, unknown>;
      if (Array.isArray(b.data)) [user, password] = b.data as unknown[];
      else if ('username' in b) [user, password] = [b.username, b.password];
    }
    if (typeof user !== 'string' || typeof password !== 'string')
      throw new RestError(400, 'Invalid login request: expected {"data": ["<user>", "<password>"]}');
    if (!this.machine.checkCredentials(user, password))
      throw new RestError(401, 'Invalid username or password');
    const created = this.sessions.create(user, { address: req.remoteAddress ?? '' });
    if (!created.ok)
      throw new RestError(
        503,
        `Maximum number of sessions (${this.sessions.limit}) reached; log out of a session first`,
      );
    const attrs = `Path=/; ${this.secureCookie ? 'Secure; ' : ''}HttpOnly; SameSite=Strict`;
    return ok(`User '${user}' logged in`, {
      'Set-Cookie': `${SESSION_COOKIE}=${created.session.token}; ${attrs}`,
      'X-Auth-Token': created.session.token,
    });
  }

  private logout(req: SimRequest): SimResponse {
    const s = this.sessionOf(req);
    if (!s) return ok('No user logged in');
    this.sessions.deleteByToken(s.token);
    return ok(`User '${s.username}' logged out`, { 'Set-Cookie': `${SESSION_COOKIE}=; Path=/; Max-Age=0` });
  }

  private sessionOf(req: SimRequest): SimSession | undefined {
    const token = cookie(req, SESSION_COOKIE) ?? header(req, 'x-auth-token');
    return token ? this.sessions.touch(token) : undefined;
  }

  /** A live session cookie/token, or valid Basic credentials; else 401. */
  private authenticate(req: SimRequest): string {
    const session = this.sessionOf(req);
    if (session) return session.username;
    const basic = basicCredentials(req);
    if (basic && this.machine.checkCredentials(basic.user, basic.password)) return basic.user;
    if (basic) throw new RestError(401, 'Invalid username or password');
    throw new RestError(401, 'Login required');
  }

  // ------------------------------------------------------------------ objects

  private objects(base: string): ObjectMap {
    const map: ObjectMap = new Map();
    for (const p of this.providers) if (under(p.root, base) || under(base, p.root)) p.build(map);
    return map;
  }

  /** True when `base` is a namespace someone serves (even if it holds no objects now). */
  private known(base: string, map: ObjectMap): boolean {
    if (map.has(base)) return true;
    for (const k of map.keys()) if (k.startsWith(`${base}/`)) return true;
    return this.providers.some((p) => under(p.root, base) || p.root === base);
  }

  private objectRequest(method: string, path: string, req: SimRequest): SimResponse {
    const attr = /^(.*)\/attr\/([^/]+)$/.exec(path);
    const action = /^(.*)\/action\/([^/]+)$/.exec(path);
    if (path.endsWith('/enumerate') || path.endsWith('/list')) {
      if (method !== 'GET') throw new RestError(405, 'Method Not Allowed');
      const base = path.slice(0, path.lastIndexOf('/'));
      const map = this.objects(base);
      if (!this.known(base, map)) throw notFound(path);
      const matched = [...map].filter(([k, o]) => under(k, base) && Object.keys(o.props).length > 0);
      matched.sort(([a], [b]) => a.localeCompare(b));
      if (path.endsWith('/list')) return ok(matched.map(([k]) => k));
      return ok(Object.fromEntries(matched.map(([k, o]) => [k, o.props])));
    }
    if (attr && attr[1] !== undefined && attr[2] !== undefined) {
      const [, objPath, prop] = attr;
      const obj = this.object(objPath);
      if (method === 'GET') {
        if (!(prop in obj.props))
          throw new RestError(
            404,
            `The specified property cannot be found: '${prop}'`,
            'org.freedesktop.DBus.Error.UnknownProperty',
          );
        return ok(obj.props[prop]);
      }
      if (method === 'PUT') {
        const setter = obj.set?.[prop];
        if (!setter) {
          if (!(prop in obj.props))
            throw new RestError(
              404,
              `The specified property cannot be found: '${prop}'`,
              'org.freedesktop.DBus.Error.UnknownProperty',
            );
          throw new RestError(
            403,
            `The specified property is read-only: '${prop}'`,
            'org.freedesktop.DBus.Error.PropertyReadOnly',
          );
        }
        setter(dataOf(req));
        return ok(null);
      }
      throw new RestError(405, 'Method Not Allowed');
    }
    if (action && action[1] !== undefined && action[2] !== undefined) {
      const [, objPath, name] = action;
      if (method !== 'POST') throw new RestError(405, 'Method Not Allowed');
      const fn = this.object(objPath).actions?.[name];
      if (!fn)
        throw new RestError(404, `Method not found: ${name}`, 'org.freedesktop.DBus.Error.UnknownMethod');
      return ok(fn(argsOf(req)) ?? null);
    }
    if (path.endsWith('/')) {
      if (method !== 'GET') throw new RestError(405, 'Method Not Allowed');
      const base = path.slice(0, -1);
      const map = this.objects(base);
      if (!this.known(base, map)) throw notFound(path);
      const children = new Set<string>();
      for (const k of map.keys()) {
        if (!k.startsWith(`${base}/`)) continue;
        const seg = k.slice(base.length + 1).split('/')[0];
        if (seg) children.add(`${base}/${seg}`);
      }
      return ok([...children].sort());
    }
    const map = this.objects(path);
    const obj = map.get(path);
    if (method === 'GET') {
      if (obj) return ok(obj.props);
      if (this.known(path, map)) return this.objectRequest('GET', `${path}/`, req);
      throw notFound(path);
    }
    if (method === 'DELETE') {
      if (!obj) throw notFound(path);
      if (!obj.remove) throw new RestError(405, 'Method Not Allowed');
      obj.remove();
      return ok(null);
    }
    if (method === 'PUT') {
      if (!obj) throw notFound(path);
      const d = dataOf(req);
      if (d === null || typeof d !== 'object' || Array.isArray(d))
        throw new RestError(400, 'Expected {"data": {"Property": value, ...}}');
      const entries = Object.entries(d as Record<string, unknown>);
      for (const [k] of entries)
        if (!obj.set?.[k]) throw new RestError(403, `The specified property is read-only or unknown: '${k}'`);
      for (const [k, v] of entries) obj.set?.[k]?.(v);
      return ok(null);
    }
    throw new RestError(405, 'Method Not Allowed');
  }

  private object(path: string): DbusObject {
    const obj = this.objects(path).get(path);
    if (!obj) throw notFound(path);
    return obj;
  }
}

export function createOpenbmcFrontend(machine: SimMachine, opts: FrontendOptions): Frontend {
  return new OpenbmcFrontend(machine, opts);
}
