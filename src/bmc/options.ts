/**
 * The run-wide options the BMC layer reads from `services.options` (set by the CLI from flags),
 * and how they combine with a node's inventory settings. Precedence: flag > inventory > default.
 *
 * | key (services.options) | type    | flag (suggested)        | meaning                                        |
 * |------------------------|---------|-------------------------|------------------------------------------------|
 * | connectTimeoutMs       | number  | --connect-timeout SECS  | TCP + TLS handshake limit (default 5000)       |
 * | requestTimeoutMs       | number  | --request-timeout SECS  | one request, start to end (default 30000)      |
 * | loginTimeoutMs         | number  | --login-timeout SECS    | session login request (default 20000)          |
 * | logoutTimeoutMs        | number  |                         | session DELETE / OpenBMC /logout (default 3000)|
 * | perBmc                 | number  | --per-bmc N             | in-flight requests per BMC (default 2)         |
 * | tls                    | string  | --tls verify|pin|insecure | TLS mode for every node                      |
 * | insecure               | boolean | --insecure / -k         | same as tls: insecure                          |
 * | ca                     | string  | --ca FILE               | PEM bundle; implies tls: verify                |
 * | knownBmcs              | string  | --known-bmcs FILE       | pin store (default $XDG_STATE_HOME/hwctl/known_bmcs) |
 * | auth                   | string  | --auth session|basic|auto | Redfish auth for every node                  |
 * | debug                  | boolean | --debug                 | each request as curl via services.debug        |
 * | retryBaseMs            | number  |                         | first retry backoff (default 500; tests lower it) |
 * | maxBodyBytes           | number  | --max-body MB           | longest answer read, after decompression (32 MiB) |
 * | record                 | string  | --record DIR            | write every exchange to DIR, secrets masked (recorder.ts) |
 * | cache                  | boolean | --no-cache              | false: no discovery cache (discovery-cache.ts) |
 */
import { stateDir } from '../core/state.js';
import { join } from 'node:path';
import type { AuthMode, NodeDef, TlsMode } from '../core/types.js';

export const BMC_OPTIONS = [
  'connectTimeoutMs',
  'requestTimeoutMs',
  'loginTimeoutMs',
  'logoutTimeoutMs',
  'perBmc',
  'tls',
  'insecure',
  'ca',
  'knownBmcs',
  'auth',
  'debug',
  'retryBaseMs',
  'maxBodyBytes',
  'record',
  'cache',
] as const;

export const DEFAULTS = {
  connectTimeoutMs: 5000,
  requestTimeoutMs: 30000,
  loginTimeoutMs: 20000,
  logoutTimeoutMs: 3000,
  perBmc: 2,
  retryBaseMs: 500,
  /** Tries in all for a request that may be retried. */
  tries: 3,
  /** The longest Retry-After we wait for; longer ones end the request with the error. */
  maxRetryAfterMs: 30000,
  /**
   * The longest answer read from a BMC, counted after decompression. The largest real documents (an
   * expanded event log, a $expand of every DIMM) are a few MB; beyond this it is a broken or hostile BMC.
   */
  maxBodyBytes: 32 * 2 ** 20,
} as const;

/** Everything one node's transport needs, resolved. */
export interface NodeTransportSettings {
  connectMs: number;
  requestMs: number;
  loginMs: number;
  logoutMs: number;
  perBmc: number;
  tlsMode: TlsMode;
  ca?: string;
  knownBmcs: string;
  auth: AuthMode;
  debug: boolean;
  retryBaseMs: number;
  maxBodyBytes: number;
  /** `--record DIR`: where every exchange is written (recorder.ts). */
  record?: string;
}

type Options = Readonly<Record<string, unknown>>;

function num(options: Options, key: string): number | undefined {
  const v = options[key];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

function str(options: Options, key: string): string | undefined {
  const v = options[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function defaultKnownBmcsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'known_bmcs');
}

/** The discovery cache file (discovery-cache.ts) in the state dir, or undefined with --no-cache. */
export function discoveryCacheFile(
  options: Options,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return options.cache === false ? undefined : join(stateDir(env), 'discovery_cache.json');
}

const TLS_MODES: readonly string[] = ['verify', 'pin', 'insecure'];
const AUTH_MODES: readonly string[] = ['session', 'basic', 'auto'];

/** Resolve a node's transport settings: flags (services.options) over inventory over defaults. */
export function resolveSettings(node: NodeDef, options: Options): NodeTransportSettings {
  const t = node.timeouts ?? {};
  let tlsMode: TlsMode = node.tls?.mode ?? 'verify';
  let ca = node.tls?.ca;
  const flagTls = str(options, 'tls');
  if (flagTls && TLS_MODES.includes(flagTls)) tlsMode = flagTls as TlsMode;
  const flagCa = str(options, 'ca');
  if (flagCa) {
    ca = flagCa;
    tlsMode = 'verify';
  }
  if (options.insecure === true) tlsMode = 'insecure';
  const flagAuth = str(options, 'auth');
  const auth: AuthMode =
    flagAuth && AUTH_MODES.includes(flagAuth) ? (flagAuth as AuthMode) : (node.auth ?? 'auto');
  const settings: NodeTransportSettings = {
    connectMs: num(options, 'connectTimeoutMs') ?? t.connectMs ?? DEFAULTS.connectTimeoutMs,
    requestMs: num(options, 'requestTimeoutMs') ?? t.requestMs ?? DEFAULTS.requestTimeoutMs,
    loginMs: num(options, 'loginTimeoutMs') ?? t.loginMs ?? DEFAULTS.loginTimeoutMs,
    logoutMs: num(options, 'logoutTimeoutMs') ?? DEFAULTS.logoutTimeoutMs,
    perBmc: Math.max(1, Math.floor(num(options, 'perBmc') ?? DEFAULTS.perBmc)),
    tlsMode,
    knownBmcs: str(options, 'knownBmcs') ?? defaultKnownBmcsPath(),
    auth,
    debug: options.debug === true,
    retryBaseMs: num(options, 'retryBaseMs') ?? DEFAULTS.retryBaseMs,
    maxBodyBytes: num(options, 'maxBodyBytes') ?? DEFAULTS.maxBodyBytes,
  };
  if (tlsMode === 'verify' && ca) settings.ca = ca;
  const record = str(options, 'record');
  if (record) settings.record = record;
  return settings;
}
