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

export type SimFlavor = 'redfish' | 'openbmc';
export type Personality = 'generic' | 'openbmc' | 'idrac' | 'ilo' | 'mockup';

/** A request as a frontend sees it: already read in full, path without query string. */
export interface SimRequest {
  method: string;
  /** Decoded path, e.g. `/redfish/v1/Systems/1`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or Buffer as is. */
  body?: unknown;
}

export interface Frontend {
  readonly flavor: SimFlavor;
  handle(req: SimRequest): Promise<SimResponse> | SimResponse;
  /** Sessions currently open on this BMC (for stats: tests prove no session leaks). */
  openSessions(): number;
  /** Drop every session (used for the `expired sessions` fault and BMC reboot). */
  expireSessions(): void;
}
