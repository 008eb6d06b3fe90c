/**
 * A real `hwctl sim` fleet over HTTPS loopback with one BMC per generated Redfish personality, and a
 * small client that talks to it the way the DMTF Redfish-Protocol-Validator does (sessions, Basic,
 * no auth, raw methods the HTTP parser does not know).
 */
import { afterAll, beforeAll } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:tls';
import { startSimulator, type Simulator } from '../../../src/sim/fleet.js';
import type { GeneratedPersonality } from '../../../src/sim/redfish/personalities.js';
import { FIXTURES } from '../../helpers/fixtures.js';
import { http, type HttpOptions, type HttpResult } from '../http.js';

export const PERSONALITIES: readonly GeneratedPersonality[] = ['generic', 'openbmc', 'idrac', 'ilo'];
/** The generated personalities and a served capture (DMTF's public rackmount mockup). */
export type Target = GeneratedPersonality | 'mockup';
export const TARGETS: readonly Target[] = [...PERSONALITIES, 'mockup'];

export interface Fleet {
  sim: Simulator;
  ca: string;
  password: string;
}

/** One BMC per generated personality, or (`mockup`) one serving the DMTF rackmount capture. */
export async function startFleet(kind: 'generated' | 'mockup' = 'generated'): Promise<Fleet> {
  const sim = await startSimulator(
    kind === 'mockup'
      ? { fromMockup: `${FIXTURES}/dmtf-public-rackmount1`, transitionMs: 50, seed: 11, adminPort: false }
      : { nodes: 4, personality: 'mixed', transitionMs: 50, seed: 11, adminPort: false },
  );
  const ca = await readFile(sim.caFile ?? '', 'utf8');
  const password = (await readFile(sim.passwordFile, 'utf8')).trim();
  return { sim, ca, password };
}

/**
 * A generated fleet for the whole test file, started before its tests and stopped after them; read it
 * through the getter once the tests run.
 */
export function fleetForFile(): () => Fleet {
  let fleet: Fleet | undefined;
  beforeAll(async () => {
    fleet = await startFleet();
  });
  afterAll(async () => {
    await fleet?.sim.stop();
  });
  return () => fleet!;
}

export type Auth = 'none' | 'admin' | { user: string; password: string } | { token: string };

/** One BMC of the fleet, addressed by personality. */
export class Bmc {
  readonly base: string;

  constructor(
    readonly fleet: Fleet,
    readonly personality: Target,
  ) {
    const n = fleet.sim.nodes.find((x) => x.personality === personality);
    if (!n) throw new Error(`no ${personality} node`);
    this.base = fleet.sim.url(n.name);
  }

  request(method: string, path: string, auth: Auth = 'admin', o: HttpOptions = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...o.headers };
    const opts: HttpOptions = { ...o, method, ca: this.fleet.ca, headers };
    if (auth === 'admin') opts.auth = { user: this.fleet.sim.username, password: this.fleet.password };
    else if (auth !== 'none' && 'token' in auth) headers['X-Auth-Token'] = auth.token;
    else if (auth !== 'none') opts.auth = auth;
    return http(`${this.base}${path}`, opts);
  }

  get(path: string, auth: Auth = 'admin', o: HttpOptions = {}): Promise<HttpResult> {
    return this.request('GET', path, auth, o);
  }

  /** GET a document, failing on a non-200. */
  async doc(path: string, auth: Auth = 'admin'): Promise<Record<string, unknown>> {
    const r = await this.get(path, auth);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.text}`);
    return r.json();
  }

  /** PATCH with the resource's current ETag as If-Match (what the validator does). */
  async patch(path: string, body: unknown, auth: Auth = 'admin', etag?: string): Promise<HttpResult> {
    const tag = etag ?? String((await this.get(path, auth)).headers.etag ?? '');
    return this.request('PATCH', path, auth, {
      body: body as object,
      headers: tag ? { 'If-Match': tag } : {},
    });
  }

  async login(user = this.fleet.sim.username, password = this.fleet.password): Promise<Login> {
    const r = await this.request('POST', '/redfish/v1/SessionService/Sessions', 'none', {
      body: { UserName: user, Password: password },
    });
    if (r.status !== 201) throw new Error(`login ${user}: ${r.status} ${r.text}`);
    return {
      token: String(r.headers['x-auth-token']),
      location: new URL(String(r.headers.location), this.base).pathname,
    };
  }

  async logout(s: Login): Promise<void> {
    await this.request('DELETE', s.location, { token: s.token });
  }

  /**
   * A request with a method Node's HTTP client would send but the server's parser does not know:
   * written by hand over TLS; resolves to the status line's code, or the transport error.
   */
  rawMethod(method: string, path: string): Promise<number | string> {
    const u = new URL(this.base);
    return new Promise((resolve) => {
      const s = connect({ host: u.hostname, port: Number(u.port), ca: this.fleet.ca });
      let data = '';
      s.setTimeout(3000, () => s.destroy(new Error('timeout')));
      s.on('secureConnect', () =>
        s.write(`${method} ${path} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: close\r\n\r\n`),
      );
      s.on('data', (c: Buffer) => (data += c.toString('utf8')));
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      s.on('close', () => {
        const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
        resolve(m ? Number(m[1]) : `closed without a status line (${JSON.stringify(data.slice(0, 40))})`);
      });
    });
  }
}

export interface Login {
  token: string;
  location: string;
}

/** The ETag grammar of RFC 7232 §2.3 (what the validator's PROTO_ETAG_RFC7232 checks). */
export const ETAG = /^(W\/)?"[\x21\x23-\x7e\x80-\xff]*"$/;

/** `rel=describedby` target of a Link header, if any. */
export function describedBy(link: string | string[] | undefined): string | undefined {
  const text = Array.isArray(link) ? link.join(', ') : (link ?? '');
  const m = /<([^>]+)>\s*;\s*rel="?describedby"?/i.exec(text);
  return m?.[1];
}

/** The version in a schema URI (`.../ServiceRoot.v1_15_0.json` → `v1_15_0`), as the validator reads it. */
export function schemaVersion(uri: string): string | undefined {
  const base = (uri.replace(/\/+$/, '').split('/').pop() ?? '').replace(/\.json$/, '').split('.');
  return base.length === 2 && base[1]?.startsWith('v') ? base[1] : undefined;
}

/** The version in an `@odata.type` (`#ServiceRoot.v1_15_0.ServiceRoot` → `v1_15_0`). */
export function typeVersion(odataType: unknown): string | undefined {
  const t = String(odataType ?? '')
    .replace(/^#/, '')
    .split('.');
  return t.length === 3 ? t[1] : undefined;
}

export function messageIds(body: Record<string, unknown>): string[] {
  const err = (body.error ?? body) as { '@Message.ExtendedInfo'?: { MessageId: string }[] };
  return (err['@Message.ExtendedInfo'] ?? []).map((m) => m.MessageId.split('.').pop() ?? '');
}
