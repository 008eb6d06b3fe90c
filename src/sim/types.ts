/**
 * Contracts inside the simulator.
 *
 * The fleet core (fleet.ts) owns sockets, TLS, faults, stats and routing: for each virtual BMC it
 * holds one `SimMachine` (the hardware state: power, boot, LEDs, logs, sensors, firmware...) and one
 * protocol `Frontend` (Redfish or OpenBMC REST) that turns HTTP requests into reads and changes of that
 * machine. Frontends never touch sockets; the core never knows a URL of either protocol beyond the
 * root paths it reports in stats.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { SimClock } from './clock.js';
import type { SimMachine } from './machine.js';

export type SimFlavor = 'redfish' | 'openbmc';
export type Personality = 'generic' | 'openbmc' | 'idrac' | 'ilo' | 'mockup';
export const PERSONALITIES: readonly Personality[] = ['generic', 'openbmc', 'idrac', 'ilo', 'mockup'];

/** A request as a frontend sees it: already read in full, path without query string. */
export interface SimRequest {
  method: string;
  /** Decoded path, e.g. `/redfish/v1/Systems/1`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Client address (for session metadata and logs). */
  remoteAddress?: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or Buffer as is. */
  body?: unknown;
  /**
   * A response that stays open (Server-Sent Events): called once the status and headers are sent, with
   * a sink the frontend writes to until either side ends it. `body` is ignored.
   */
  stream?: (sink: SimStreamSink) => void;
}

/** The open end of a streamed response. */
export interface SimStreamSink {
  write(chunk: string): void;
  end(): void;
  /** Called once when the connection is gone (client closed, BMC down, simulator stopped). */
  onClose(fn: () => void): void;
}

export interface Frontend {
  readonly flavor: SimFlavor;
  handle(req: SimRequest): Promise<SimResponse> | SimResponse;
  /** Sessions currently open on this BMC (for stats: tests prove no session leaks). */
  openSessions(): number;
  /** Drop every session (used for the `expired sessions` fault and BMC reboot). */
  expireSessions(): void;
  /**
   * An error response in this protocol's shape, for errors the core injects (fault 503s, BMC not
   * ready). Optional: without it the core sends a plain JSON `{error: message}`.
   */
  faultResponse?(status: number, message: string): SimResponse;
  /** Release timers and listeners (the fleet calls it on stop). */
  dispose?(): void;
}

/** What the core hands a frontend factory besides the machine. */
export interface FrontendOptions {
  personality: Personality;
  /** Redfish Mockup-Creator capture served as this BMC (personality `mockup`). */
  mockupDir?: string;
  /** The machine's clock (sessions and tasks must use it, not Date.now). */
  clock: SimClock;
  /** Idle timeout of login sessions. */
  sessionTimeoutMs: number;
  /** Concurrent session limit; undefined = the personality's own default. */
  sessionLimit?: number;
  /** True while the `sessionsFull` fault holds: logins are refused as at the session limit. */
  sessionsFull?: () => boolean;
  /** Fleet seed, for anything the frontend randomises. */
  seed: number;
  /** How the BMC is served (cookies are `Secure` only over https). Default https. */
  scheme?: 'http' | 'https';
  /** Over HTTPS: the certificate the BMC serves, and how a client replaces it (Redfish ReplaceCertificate). */
  tls?: BmcTls;
  /**
   * Redfish: the UpdateService offers only HttpPushUri (raw image, applied at once) and SimpleUpdate where
   * the personality has it, as bmcweb did before MultipartHttpPushUri (2022) and as several vendors' older
   * firmware does: the push path of a client, end to end.
   */
  updatePushOnly?: boolean;
}

export interface BmcTls {
  /** PEM of the certificate served now. */
  certificatePem: string;
  /**
   * Serve `certificatePem` with `keyPem` on new connections from now on. Throws when they do not make a
   * usable TLS identity (malformed, or the key is not the certificate's).
   */
  replace(certificatePem: string, keyPem: string): void;
}

/** `createRedfishFrontend` and `createOpenbmcFrontend` have this shape. */
export type FrontendFactory = (machine: SimMachine, opts: FrontendOptions) => Frontend | Promise<Frontend>;
