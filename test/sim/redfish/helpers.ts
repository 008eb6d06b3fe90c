/** Test helpers: a Redfish frontend over a SimMachine with a manual clock, and request builders. */
import { ManualClock } from '../../../src/sim/clock.js';
import { SimMachine, type VendorProfile } from '../../../src/sim/machine.js';
import { createRedfishFrontend, type RedfishFrontendOptions } from '../../../src/sim/redfish/index.js';
import type { Frontend, Personality, SimRequest, SimResponse } from '../../../src/sim/types.js';

export const USER = 'root';
export const PASS = '0penBmc';
export { FIXTURES } from '../../helpers/fixtures.js';
export const CAPTURES = [
  'dmtf-public-rackmount1',
  'dmtf-public-bladed',
  'dmtf-public-tower',
  'openbmc-bmcweb',
] as const;
export const GENERATED: readonly Personality[] = ['generic', 'openbmc', 'idrac', 'ilo'];

const VENDOR: Record<Personality, VendorProfile> = {
  generic: 'generic',
  openbmc: 'openbmc',
  idrac: 'dell',
  ilo: 'hpe',
  mockup: 'generic',
};

export interface Body {
  [k: string]: unknown;
}

export interface TestBmc {
  clock: ManualClock;
  machine: SimMachine;
  fe: Frontend;
  /** A request with Basic auth unless `auth` says otherwise. */
  call(method: string, path: string, opts?: CallOptions): SimResponse;
  get(path: string, opts?: CallOptions): SimResponse;
  /** GET and return the body (fails the test on a non-2xx). */
  doc(path: string): Body;
  /** POST Sessions; returns the token and Location. */
  login(): { token: string; location: string };
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** `basic` (default), `none`, or a session token. */
  auth?: 'basic' | 'none' | { token: string };
  raw?: Buffer;
}

export function basic(user = USER, pass = PASS): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

export function request(method: string, url: string, opts: CallOptions = {}): SimRequest {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const headers: Record<string, string> = {};
  const auth = opts.auth ?? 'basic';
  if (auth === 'basic') headers.authorization = basic();
  else if (auth !== 'none') headers['x-auth-token'] = auth.token;
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = v;
  const body =
    opts.raw ?? (opts.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(opts.body)));
  if (opts.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  return { method, path: decodeURIComponent(path), query, headers, body };
}

export function makeBmc(
  personality: Personality,
  extra: Partial<RedfishFrontendOptions> & {
    initialPower?: 'On' | 'Off';
    logEntries?: number;
    name?: string;
  } = {},
): TestBmc {
  const clock = new ManualClock();
  const machine = new SimMachine({
    name: extra.name ?? 'node01',
    seed: 42,
    clock,
    vendor: VENDOR[personality],
    transitionMs: 1000,
    username: USER,
    password: PASS,
    initialPower: extra.initialPower ?? 'On',
    initialLogEntries: extra.logEntries ?? 0,
  });
  const fe = createRedfishFrontend(machine, { personality, clock, sessionTimeoutMs: 60_000, ...extra });
  const call = (method: string, path: string, opts: CallOptions = {}): SimResponse => {
    const r = fe.handle(request(method, path, opts));
    if (r instanceof Promise) throw new Error('the Redfish frontend answers synchronously');
    return r;
  };
  return {
    clock,
    machine,
    fe,
    call,
    get: (path, opts) => call('GET', path, opts),
    doc(path) {
      const r = call('GET', path);
      if (r.status < 200 || r.status > 299)
        throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body as Body;
    },
    login() {
      const r = call('POST', '/redfish/v1/SessionService/Sessions', {
        auth: 'none',
        body: { UserName: USER, Password: PASS },
      });
      if (r.status !== 201) throw new Error(`login: ${r.status} ${JSON.stringify(r.body)}`);
      return { token: r.headers?.['X-Auth-Token'] ?? '', location: r.headers?.Location ?? '' };
    },
  };
}

/** The `@Message.ExtendedInfo[0].MessageId` of an error response. */
export function messageId(r: SimResponse): string | undefined {
  const b = r.body as { error?: { '@Message.ExtendedInfo'?: { MessageId?: string }[] } } | undefined;
  return b?.error?.['@Message.ExtendedInfo']?.[0]?.MessageId;
}

/** Every `@odata.id` reachable from the root (fragments and queries cut), breadth first. */
export function crawl(bmc: TestBmc, start = '/redfish/v1', limit = 2000): Map<string, Body> {
  const seen = new Map<string, Body>();
  const queue = [start];
  while (queue.length > 0 && seen.size < limit) {
    const path = (queue.shift() as string).split('#')[0]?.split('?')[0] as string;
    const key = path.replace(/\/+$/, '') || '/';
    if (seen.has(key)) continue;
    const r = bmc.get(path);
    if (r.status !== 200 || typeof r.body !== 'object' || r.body === null) continue;
    seen.set(key, r.body as Body);
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === '@odata.id' && typeof x === 'string' && x.startsWith('/redfish/v1')) queue.push(x);
          else walk(x);
        }
      }
    };
    walk(r.body);
  }
  return seen;
}
