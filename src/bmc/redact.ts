/**
 * Keeping secrets out of everything the BMC layer prints or throws.
 *
 * Two layers: structural masking (we know where secrets go: the Basic credentials, X-Auth-Token,
 * cookies, `Password` fields, the OpenBMC `/login` data array) and a per-node `Redactor` that
 * replaces every secret value it was told about in any text (error messages built from a BMC's
 * answer, debug lines), in case a BMC echoes one back.
 */
import { isRecord } from './errors.js';
import { shellQuote } from '../core/text.js';

export const MASK = 'xxxxxx';

/** The shortest secret replaced by plain substring search (shorter ones would garble text). */
const MIN_SECRET_LENGTH = 3;

export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (secret && secret.length >= MIN_SECRET_LENGTH) {
      this.secrets.add(secret);
      // The Basic header carries the password base64-encoded; JSON bodies carry it escaped.
      const escaped = JSON.stringify(secret).slice(1, -1);
      if (escaped !== secret) this.secrets.add(escaped);
    }
  }

  mask(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is masked whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(MASK);
    return out;
  }
}

const SECRET_KEY = /pass(word)?|token|secret|cookie|credential/i;

/** A JSON body with secret-looking fields replaced (for debug output). */
export function maskBody(body: unknown, path: string): unknown {
  // OpenBMC login: {"data": ["user", "password"]}
  if (/\/login\/?$/.test(path) && isRecord(body) && Array.isArray(body.data)) {
    return { ...body, data: body.data.map((v, i) => (i === 1 ? MASK : v)) };
  }
  return maskDeep(body);
}

function maskDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(maskDeep);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    out[k] =
      SECRET_KEY.test(k) && (typeof val === 'string' || typeof val === 'number') ? MASK : maskDeep(val);
  }
  return out;
}

/** What `--debug` needs to know about a request to print it as curl. */
export interface CurlRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  basicUser?: string;
  body?: unknown;
  tls: { mode: string; ca?: string };
}

const SECRET_HEADER = /^(authorization|x-auth-token|cookie|x-xsrf-token)$/i;

/** `a=1; b=2` → `a=xxxxxx; b=xxxxxx` (a Cookie header; the first pair of a Set-Cookie). */
function maskCookie(value: string): string {
  return value
    .split(/;\s*/)
    .map((c) => c.replace(/=.*/, `=${MASK}`))
    .join('; ');
}

/**
 * Request or response headers with every secret masked (for `--record`): Authorization, X-Auth-Token,
 * X-XSRF-Token and Cookie whole; a Set-Cookie keeps its name and attributes, not its value.
 */
export function maskHeaders(
  headers: Readonly<Record<string, string | string[] | number | undefined>>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (/^set-cookie$/i.test(name)) {
      const list = ([] as Array<string | number>).concat(value).map(String);
      out[name] = list.map((c) => c.replace(/^([^=;]*)=[^;]*/, `$1=${MASK}`));
    } else if (/^cookie$/i.test(name)) out[name] = maskCookie(String(value));
    else if (SECRET_HEADER.test(name)) out[name] = MASK;
    else out[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}

/** An equivalent curl command with every secret masked, as xCAT's debug mode prints it. */
export function curlCommand(req: CurlRequest): string {
  const parts = ['curl', '-sS'];
  if (req.tls.mode === 'insecure' || req.tls.mode === 'pin') parts.push('-k');
  else if (req.tls.ca) parts.push('--cacert', shellQuote(req.tls.ca));
  parts.push('-X', req.method);
  if (req.basicUser !== undefined) parts.push('-u', shellQuote(`${req.basicUser}:${MASK}`));
  for (const [name, value] of Object.entries(req.headers)) {
    if (/^authorization$/i.test(name)) continue; // shown as -u
    if (/^cookie$/i.test(name)) {
      parts.push('-b', shellQuote(maskCookie(value)));
      continue;
    }
    parts.push('-H', shellQuote(`${name}: ${SECRET_HEADER.test(name) ? MASK : value}`));
  }
  parts.push(shellQuote(req.url));
  if (req.body !== undefined)
    parts.push('-d', shellQuote(JSON.stringify(maskBody(req.body, new URL(req.url).pathname))));
  return parts.join(' ');
}
