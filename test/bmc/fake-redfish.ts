/**
 * A small scriptable Redfish service on nock for unit tests: resources by path, sessions, Basic auth,
 * and per-request overrides. Records every request (method, path, headers, body) for assertions.
 */
import nock from 'nock';
import { PASSWORD } from './helpers.js';

export const ORIGIN = 'https://bmc01.test:443';

export interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export type Reply = [number, unknown?, Record<string, string>?];
/** A reply, `'hang'` (never answer), or undefined for the default behaviour. */
export type Handler = (req: Recorded, n: number) => Reply | 'hang' | undefined;

export interface FakeOptions {
  resources?: Record<string, unknown>;
  /** `METHOD /path` → handler; returning undefined falls through to the default behaviour. */
  handlers?: Record<string, Handler>;
  /** How the session is handed out: Location header (default), only the body's @odata.id, or neither. */
  sessionLocation?: 'header' | 'absolute' | 'body' | 'none';
  /** No SessionService at all: POST to Sessions is 405. */
  noSessions?: boolean;
}

export const SYSTEM = '/redfish/v1/Systems/System.Embedded.1';
export const MANAGER = '/redfish/v1/Managers/iDRAC.Embedded.1';
export const CHASSIS = '/redfish/v1/Chassis/Self';

export function standardResources(): Record<string, unknown> {
  return {
    '/redfish/v1': {
      '@odata.id': '/redfish/v1',
      '@odata.type': '#ServiceRoot.v1_15_0.ServiceRoot',
      RedfishVersion: '1.15.0',
      Systems: { '@odata.id': '/redfish/v1/Systems' },
      Managers: { '@odata.id': '/redfish/v1/Managers' },
      Chassis: { '@odata.id': '/redfish/v1/Chassis' },
      SessionService: { '@odata.id': '/redfish/v1/SessionService' },
      Links: { Sessions: { '@odata.id': '/redfish/v1/SessionService/Sessions' } },
    },
    '/redfish/v1/Systems': { Members: [{ '@odata.id': SYSTEM }] },
    '/redfish/v1/Managers': {
      Members: [{ '@odata.id': '/redfish/v1/Managers/Other' }, { '@odata.id': MANAGER }],
    },
    '/redfish/v1/Chassis': {
      Members: [{ '@odata.id': CHASSIS }, { '@odata.id': '/redfish/v1/Chassis/Enclosure' }],
    },
    [SYSTEM]: {
      '@odata.id': SYSTEM,
      Id: 'System.Embedded.1',
      PowerState: 'On',
      Links: { ManagedBy: [{ '@odata.id': MANAGER }], Chassis: [{ '@odata.id': CHASSIS }] },
      Actions: {
        '#ComputerSystem.Reset': {
          target: `${SYSTEM}/Actions/ComputerSystem.Reset`,
          'ResetType@Redfish.AllowableValues': ['On', 'ForceOff', 'ForceRestart'],
        },
      },
    },
    [MANAGER]: { '@odata.id': MANAGER, Id: 'iDRAC.Embedded.1', ManagerType: 'BMC' },
    '/redfish/v1/Managers/Other': {
      '@odata.id': '/redfish/v1/Managers/Other',
      Id: 'Other',
      ManagerType: 'EnclosureManager',
    },
    [CHASSIS]: { '@odata.id': CHASSIS, Id: 'Self' },
    '/redfish/v1/Chassis/Enclosure': { '@odata.id': '/redfish/v1/Chassis/Enclosure', Id: 'Enclosure' },
  };
}

const norm = (p: string) => p.replace(/\?.*$/, '').replace(/\/+$/, '') || '/';

export class FakeRedfish {
  readonly requests: Recorded[] = [];
  readonly resources: Record<string, unknown>;
  /** Tokens of sessions currently open. */
  readonly sessions = new Map<string, string>();
  private counts = new Map<string, number>();
  private nextSession = 1;

  constructor(private readonly opts: FakeOptions = {}) {
    this.resources = { ...standardResources(), ...opts.resources };
    nock.cleanAll(); // one fake BMC at a time: a new one replaces the previous
    const s = nock(ORIGIN).persist();
    for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']) {
      // eslint-disable-next-line @typescript-eslint/no-this-alias
      const fake = this;
      s.intercept(/.*/, method).reply(function (uri, body, cb) {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(this.req.headers))
          headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
        const reply = fake.handle({ method, path: uri, headers, body: parseBody(body) });
        if (reply === 'hang') return;
        const [status, resBody, resHeaders] = reply;
        cb(null, [
          status,
          resBody === undefined ? '' : typeof resBody === 'string' ? resBody : JSON.stringify(resBody),
          resHeaders ?? {},
        ]);
      });
    }
  }

  /** Recorded requests with this method whose path equals (or matches) pathPart. */
  find(method: string, pathPart: string | RegExp): Recorded[] {
    return this.requests.filter(
      (r) =>
        r.method === method && (typeof pathPart === 'string' ? r.path === pathPart : pathPart.test(r.path)),
    );
  }

  private authorized(req: Recorded): boolean {
    const token = req.headers['x-auth-token'];
    if (token !== undefined) return [...this.sessions.values()].includes(token);
    return req.headers.authorization === 'Basic ' + Buffer.from(`root:${PASSWORD}`).toString('base64');
  }

  handle(req: Recorded): Reply | 'hang' {
    this.requests.push(req);
    const key = `${req.method} ${norm(req.path)}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    const custom = this.opts.handlers?.[key]?.(req, n);
    if (custom) return custom;
    const path = norm(req.path);
    if (req.method === 'GET' && path === '/redfish/v1') return [200, this.resources['/redfish/v1']];
    if (req.method === 'POST' && path === '/redfish/v1/SessionService/Sessions') {
      if (this.opts.noSessions) return [405, { error: { message: 'Method not allowed' } }];
      const b = req.body as { UserName?: string; Password?: string };
      if (b?.UserName !== 'root' || b?.Password !== PASSWORD)
        return [401, { error: { message: 'Login failed' } }];
      const id = String(this.nextSession++);
      const token = `token-${id}-xyzzy`;
      const uri = `/redfish/v1/SessionService/Sessions/${id}`;
      this.sessions.set(uri, token);
      const where = this.opts.sessionLocation ?? 'header';
      const headers: Record<string, string> = { 'X-Auth-Token': token };
      if (where === 'header') headers.Location = uri;
      if (where === 'absolute') headers.Location = `https://bmc01.test${uri}`;
      return [201, where === 'none' ? { Id: id } : { '@odata.id': uri, Id: id, UserName: 'root' }, headers];
    }
    if (!this.authorized(req))
      return [401, { error: { code: 'Base.1.8.NoValidSession', message: 'no valid session' } }];
    if (req.method === 'DELETE' && this.sessions.has(path)) {
      this.sessions.delete(path);
      return [204];
    }
    if (req.method === 'GET') {
      const r = this.resources[path];
      return r === undefined
        ? [
            404,
            {
              error: {
                '@Message.ExtendedInfo': [{ Message: `The resource at the URI ${path} was not found.` }],
              },
            },
          ]
        : [200, r];
    }
    if (req.method === 'POST' && path.includes('/Actions/')) return [204];
    if (req.method === 'PATCH' && this.resources[path] !== undefined) return [204];
    return [405, { error: { message: `${req.method} not allowed on ${path}` } }];
  }
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string' || body === '') return body === '' ? undefined : body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
