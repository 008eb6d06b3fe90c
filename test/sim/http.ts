/**
 * A minimal HTTP(S) client for the simulator tests: one request per connection unless an agent is
 * given, the raw status/headers/body back, never throws on HTTP status.
 */
import { request as httpRequest, type IncomingHttpHeaders, type Agent } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json: <T = Record<string, unknown>>() => T;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
  /** CA bundle (PEM) to trust for https. */
  ca?: string;
  /** Skip certificate checks (only where a test says so). */
  insecure?: boolean;
  /** Basic credentials. */
  auth?: { user: string; password: string };
  timeoutMs?: number;
  agent?: Agent;
}

export function http(url: string, o: HttpOptions = {}): Promise<HttpResult> {
  const u = new URL(url);
  const body =
    o.body === undefined
      ? undefined
      : Buffer.isBuffer(o.body)
        ? o.body
        : Buffer.from(typeof o.body === 'string' ? o.body : JSON.stringify(o.body));
  const headers: Record<string, string> = { ...o.headers };
  if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
    headers['Content-Type'] = 'application/json';
  if (body) headers['Content-Length'] = String(body.length);
  if (o.auth)
    headers['Authorization'] = `Basic ${Buffer.from(`${o.auth.user}:${o.auth.password}`).toString('base64')}`;
  const fn = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = fn(
      url,
      {
        method: o.method ?? 'GET',
        headers,
        ...(u.protocol === 'https:' ? { ca: o.ca, rejectUnauthorized: !o.insecure } : {}),
        agent: o.agent ?? false,
        timeout: o.timeoutMs ?? 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          const text = buf.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: buf,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

/** Resolves to the error code of a request that is expected to fail at the transport level. */
export async function transportError(url: string, o: HttpOptions = {}): Promise<string> {
  try {
    const r = await http(url, o);
    return `HTTP ${r.status}`;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` until it returns true or `ms` pass. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = 3000, step = 20): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(step);
  }
  throw new Error(`condition not met within ${ms} ms`);
}
