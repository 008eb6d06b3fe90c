/**
 * What the Redfish and OpenBMC REST clients share about their sessions: the logout, sent until the BMC
 * answers it but never beyond the logout timeout, and the errors of a session that was closed or that
 * the BMC keeps dropping.
 */
import { NodeError } from '../core/errors.js';
import { errorCode } from './errors.js';
import { backoff, retryAfterMs, sleep } from './http.js';
import type { BmcRequest, BmcResponse, BmcTransport } from './http.js';

/** Tries in all for one logout. */
const LOGOUT_TRIES = 3;
/** A retry is not worth sending with less time than this left. */
const MIN_TRY_MS = 200;
/** Answers of a BMC that did not process the logout (busy, starting, a proxy in front of it). */
const BUSY = new Set([429, 502, 503, 504]);
/** The connection dropped before an answer: the logout may not have been received. */
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * Send a logout (Redfish DELETE of the session, OpenBMC POST /logout) and return its answer, or undefined
 * when none came. Both are idempotent (a second one finds nothing to close), so a busy answer or a dropped
 * connection is retried: up to 3 tries, all before `deadline` (default: the logout timeout from now), a
 * Retry-After honoured only when it fits in what is left. A timeout is not retried (xcat-core#4278: a
 * hanging logout must not hold the run). Never throws, never uses the node's signal (it runs after the
 * node's deadline or interrupt).
 */
export async function sendLogout(
  t: BmcTransport,
  req: BmcRequest,
  deadline = Date.now() + t.settings.logoutMs,
): Promise<BmcResponse | undefined> {
  for (let attempt = 1; ; attempt++) {
    let res: BmcResponse | undefined;
    let failure: unknown;
    try {
      res = await t.request({
        ...req,
        timeoutMs: Math.max(1, deadline - Date.now()),
        retry: 'none',
        signal: null,
      });
    } catch (e) {
      failure = e;
    }
    const why = res ? (BUSY.has(res.status) ? String(res.status) : undefined) : errorCode(failure);
    const retryable = why !== undefined && (res !== undefined || DROPPED.has(why));
    const wait = retryable
      ? (retryAfterMs(res?.headers['retry-after']) ?? backoff(t.settings.retryBaseMs, attempt))
      : 0;
    if (retryable && attempt < LOGOUT_TRIES && deadline - Date.now() - wait >= MIN_TRY_MS) {
      t.debug(`logout retry ${attempt + 1}/${LOGOUT_TRIES} in ${(wait / 1000).toFixed(2)} s (${why})`);
      await sleep(wait);
      continue;
    }
    if (failure !== undefined)
      t.debug(`logout failed: ${failure instanceof Error ? failure.message : String(failure)}`);
    return res;
  }
}

/** A request of a node whose session is already closed (its logout started): it may not log in again. */
export function sessionClosed(): NodeError {
  return new NodeError('interrupted', 'the BMC session was closed (the node had finished)');
}

/**
 * A request answered 401 with a session obtained by the re-login that followed an expiry: the
 * credentials are good (that login succeeded), the BMC drops its sessions.
 */
export function sessionExpiredAgain(): NodeError {
  return new NodeError(
    'auth',
    'The BMC session expired again after a new login (the BMC drops sessions: check its session timeout and session limit)',
    401,
  );
}
