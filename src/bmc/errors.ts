/**
 * Turning what went wrong on the wire into a node's NodeError: a kind scripts can match, xCAT's
 * wording where xCAT has one, and always what to do next. The renderer prefixes the node name.
 */
import { NodeError, isNodeError } from '../core/errors.js';
import type { NodeErrorKind } from '../core/errors.js';
import { clip } from '../core/text.js';

/** xCAT's message for a BMC that cannot be reached (followed by the reason in parentheses). */
export const NO_RESPONSE = 'BMC did not respond. Validate BMC configuration and retry the command.';

/** Error codes our own socket layer raises (src/bmc/tls.ts). */
export const CONNECT_TIMEOUT = 'EBMC_CONNECT_TIMEOUT';
export const PIN_MISMATCH = 'EBMC_PIN_MISMATCH';
export const BODY_TOO_LARGE = 'EBMC_BODY_TOO_LARGE';

function megabytes(bytes: number): string {
  return `${+(bytes / 2 ** 20).toFixed(1)} MB`;
}

/**
 * An answer longer than the body cap (--max-body), counted after decompression; `announced` is its
 * Content-Length when that alone was over the cap (nothing was read).
 */
export function bodyTooLarge(maxBytes: number, path: string, announced?: number): Error {
  const size = announced === undefined ? 'more than that' : `Content-Length ${megabytes(announced)}`;
  return Object.assign(
    new Error(
      `The BMC's answer to ${path} is larger than the ${megabytes(maxBytes)} limit (${size}); stopped reading it. ` +
        'No BMC document is that large: check the BMC firmware, or raise the limit with --max-body MB',
    ),
    { code: BODY_TOO_LARGE },
  );
}

/** The connection broke under a request (after it may have been written). */
const RESET_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

/** Where a transport error happened, for the message. */
export interface ErrorContext {
  node: string;
  /** `host:port` of the BMC. */
  hostport: string;
  host: string;
  connectMs: number;
  /** The whole-request timeout of the call that failed. */
  requestMs: number;
  /** known_bmcs path, for pin mismatches. */
  knownBmcs: string;
  /**
   * `METHOD path` of an action (POST, PATCH, PUT, DELETE) that may have reached the BMC: a reset then
   * does not mean "no response" but "maybe done".
   */
  action?: string;
}

const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
]);

/** The innermost error code of a (got-wrapped) socket or TLS error, e.g. ECONNRESET. */
export function errorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  // got wraps the socket error (RequestError.cause); the innermost code is the informative one.
  let found: string | undefined;
  for (let depth = 0; depth < 4 && cur && typeof cur === 'object'; depth++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string' && c !== 'ERR_GOT_REQUEST_ERROR') found = c;
    cur = (cur as { cause?: unknown }).cause;
  }
  return found;
}

function innermost(e: unknown): unknown {
  let cur = e;
  for (let depth = 0; depth < 4; depth++) {
    const next = cur && typeof cur === 'object' ? (cur as { cause?: unknown }).cause : undefined;
    if (!next) break;
    cur = next;
  }
  return cur;
}

function seconds(ms: number): string {
  return `${+(ms / 1000).toFixed(1)} s`;
}

/** A transport failure (no HTTP status): refused, reset, DNS, TLS, timeouts, pin mismatch. */
export function transportError(e: unknown, ctx: ErrorContext): NodeError {
  const code = errorCode(e);
  const inner = innermost(e);
  const detail = inner instanceof Error ? inner.message : String(inner);
  const make = (kind: NodeErrorKind, message: string) =>
    new NodeError(kind, message, undefined, { cause: e });
  const noResponse = (kind: NodeErrorKind, reason: string) => make(kind, `${NO_RESPONSE} (${reason})`);
  if (ctx.action && code !== undefined && RESET_CODES.has(code)) {
    // The request went out: the BMC may have carried it out before the connection broke. "Did not
    // respond ... retry the command" would invite a second power cycle. (A timeout keeps its "no response
    // within N s", which says as much.)
    return make(
      'unreachable',
      `${ctx.action}: connection reset by ${ctx.hostport} after the request was sent: the action may have been applied. ` +
        `Check the node's state (e.g. \`rpower ${ctx.node} stat\`) before retrying`,
    );
  }
  switch (code) {
    case 'ECONNREFUSED':
      return noResponse('unreachable', `connection refused by ${ctx.hostport}`);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return noResponse('unreachable', `connection reset by ${ctx.hostport}`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return noResponse('unreachable', `no route to ${ctx.hostport}`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return make(
        'unreachable',
        `Unable to resolve ip address for bmc: ${ctx.host} (DNS lookup failed: check the node's bmc address in the inventory)`,
      );
    case CONNECT_TIMEOUT:
      return noResponse('timeout', `no connection to ${ctx.hostport} within ${seconds(ctx.connectMs)}`);
    case 'ETIMEDOUT':
      // got's whole-request timeout (the OS connect timeout has the same code but comes later than ours).
      return noResponse('timeout', `no response within ${seconds(ctx.requestMs)}`);
    case BODY_TOO_LARGE:
      return make('protocol', detail);
    case PIN_MISMATCH: {
      const p = inner as { pinned?: string; actual?: string };
      return make(
        'tls',
        `TLS certificate of ${ctx.hostport} has CHANGED since it was pinned (pinned SHA256 ${p.pinned}, now SHA256 ${p.actual}): ` +
          `this is a man-in-the-middle or a regenerated certificate. If the change is expected, accept it with \`hwctl trust ${ctx.node}\` (${ctx.knownBmcs})`,
      );
    }
    case 'ERR_TLS_CERT_ALTNAME_INVALID': {
      const cert = (inner as { cert?: { subjectaltname?: unknown } }).cert;
      const alt =
        typeof cert?.subjectaltname === 'string'
          ? cert.subjectaltname
          : /(?:altnames|list): (.*)$/.exec(detail)?.[1];
      return make(
        'tls',
        `TLS certificate name mismatch: the certificate of ${ctx.hostport} is for ${alt ?? 'another name'}, not ${ctx.host}. ` +
          `Use an address the certificate names as bmc:, or pin it (tls: pin, then \`hwctl trust ${ctx.node}\`)`,
      );
    }
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return make(
        'tls',
        `TLS certificate of ${ctx.hostport} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not yet valid'} (check the BMC clock or renew its certificate; or pin it: tls: pin, then \`hwctl trust ${ctx.node}\`)`,
      );
  }
  if (code && UNTRUSTED.has(code)) {
    const why =
      code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ? 'self-signed certificate' : 'unknown certificate authority';
    return make(
      'tls',
      `TLS certificate of ${ctx.hostport} is not trusted (${why}). Give its CA with tls: {ca: FILE} or --ca FILE, ` +
        `or pin it on first use (tls: pin, then \`hwctl trust ${ctx.node}\`), or use --insecure`,
    );
  }
  if (code && (code.startsWith('ERR_SSL') || code === 'EPROTO' || code.startsWith('ERR_TLS'))) {
    return make(
      'tls',
      `TLS handshake with ${ctx.hostport} failed (${clip(detail, 120)}): is this an HTTPS port of a BMC?`,
    );
  }
  return noResponse('unreachable', clip(detail, 120));
}

// ---------------------------------------------------------------------------------------------
// HTTP statuses

export interface StatusContext {
  method: string;
  path: string;
  /** The request was the login (401 there means bad credentials). */
  login?: boolean;
  /** How many tries were made (for busy BMCs). */
  tries?: number;
}

/** The message a Redfish error body carries, whatever its shape. */
export function redfishMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const err = body.error;
  if (isRecord(err)) {
    const info = err['@Message.ExtendedInfo'];
    if (Array.isArray(info)) {
      const first: unknown = info[0];
      if (isRecord(first) && typeof first.Message === 'string' && first.Message) return first.Message;
    }
    if (typeof err.message === 'string' && err.message) return err.message;
  }
  // Cray CSM emulator: {"Status":400,"Message":...}; old iLO: {"Messages":[{MessageID}]}; others.
  for (const k of ['Message', 'message', 'description', 'detail']) {
    if (typeof body[k] === 'string' && body[k]) return body[k] as string;
  }
  const messages = body.Messages;
  if (Array.isArray(messages) && isRecord(messages[0])) {
    const m = messages[0];
    if (typeof m.Message === 'string') return m.Message;
    if (typeof m.MessageID === 'string') return m.MessageID;
    if (typeof m.MessageId === 'string') return m.MessageId;
  }
  return undefined;
}

/** The message an OpenBMC REST error envelope carries. */
export function openbmcMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const data = body.data;
  if (isRecord(data)) {
    if (typeof data.description === 'string' && data.description) return data.description;
    if (typeof data.exception === 'string' && data.exception) return data.exception;
  }
  if (typeof body.message === 'string' && body.message) return body.message;
  return undefined;
}

/** Text of a non-JSON error body: an HTML page's title/heading, or the first line of plain text. */
export function textMessage(text: string): string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  if (/^<(!doctype|html|\?xml|head|body)/i.test(t) || /<\/(html|body|title|h1)>/i.test(t)) {
    const title =
      /<title[^>]*>([\s\S]*?)<\/title>/i.exec(t)?.[1] ?? /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(t)?.[1];
    const plain = (title ?? t.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
    return plain ? `${clip(plain, 80)} (HTML error page)` : 'HTML error page';
  }
  return clip(t.split('\n')[0]!.trim(), 120);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** An HTTP error status → NodeError, with `[code] message` as xCAT prints it plus what to do. */
export function statusError(
  flavor: 'redfish' | 'openbmc',
  status: number,
  message: string | undefined,
  ctx: StatusContext,
): NodeError {
  const msg = message ?? STATUS_TEXT[status] ?? `HTTP ${status}`;
  const what = `${ctx.method} ${ctx.path}`;
  const e = (kind: NodeErrorKind, text: string) => new NodeError(kind, text, status);
  switch (status) {
    case 401:
      // xCAT's exact wording: scripts grep for it.
      return e('auth', '[401] Invalid username or password');
    case 403:
      if (flavor === 'openbmc' && !ctx.login) {
        return e(
          'unsupported',
          '403 Forbidden - Requested endpoint does not exist or may indicate function is not yet supported by OpenBMC firmware.',
        );
      }
      return e(
        'auth',
        `[403] ${msg} (the account is not allowed to do this: use an account with the needed role, or check that it is not locked)`,
      );
    case 404:
      if (flavor === 'openbmc') {
        return e(
          'unsupported',
          `404 Not Found - Requested endpoint does not exist or may indicate function is not supported on this OpenBMC firmware. (${what})`,
        );
      }
      return e('http', `[404] ${msg} (${what}: not found on this BMC; its firmware may not support it)`);
    case 405:
      return e('unsupported', `[405] ${msg} (this BMC does not allow ${what})`);
    case 409:
      return e('http', `[409] ${msg}`);
    case 412:
      return e('http', `[412] ${msg} (the resource changed while it was being updated: retry the command)`);
    case 428:
      return e(
        'http',
        `[428] ${msg} (the BMC requires an ETag/If-Match it did not provide: retry the command)`,
      );
    case 501:
      return e('unsupported', `[501] ${msg} (this BMC does not implement ${what})`);
    case 502:
      return e('unreachable', `${NO_RESPONSE} (Verify REST server is running on the BMC)`);
    case 429:
    case 503: {
      const tries = ctx.tries && ctx.tries > 1 ? `, ${ctx.tries} tries` : '';
      return e('http', `[${status}] ${msg} (the BMC is busy or starting up${tries}: retry later)`);
    }
    case 504:
      return e('timeout', `[504] ${msg} (the BMC did not answer in time: retry later)`);
    default:
      return e('http', `[${status}] ${msg}`);
  }
}

/** A 2xx answer whose body is not what the protocol promises. */
export function wrongFormat(text: string, what: string): NodeError {
  const t = text.trim();
  const snippet = t ? `'${clip(t.replace(/\s+/g, ' '), 60)}'` : 'an empty body';
  return new NodeError(
    'protocol',
    `Received wrong format response: ${snippet} from ${what} (expected JSON; retry, and report the BMC firmware if it persists)`,
  );
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A failure of the BMC-reboot request that means the BMC went down while (or before) answering: the
 * connection reset or timed out after the request was sent, or a 502/504 from a front end whose
 * backend left. A refused connection is not one: the request never arrived.
 */
export function droppedByReboot(e: unknown): boolean {
  if (!isNodeError(e)) return false;
  if (e.status === 502 || e.status === 504) return true;
  if (e.kind !== 'unreachable' && e.kind !== 'timeout') return false;
  // Never connected (refused, no route, DNS, connect timeout): the BMC did not get the request.
  return !/refused|no route|no connection|resolve|DNS|ENOTFOUND|EAI_AGAIN/i.test(e.message);
}
