/**
 * Public types of the BMC layer (src/bmc). Executors code against these; keep them stable.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { UploadBody } from './http.js';

export type { UploadBody } from './http.js';

/** Any Redfish resource as parsed JSON. `@odata.id` is an opaque path, never built from ids. */
export interface RedfishResource {
  '@odata.id'?: string;
  '@odata.type'?: string;
  '@odata.etag'?: string;
  Id?: string;
  Name?: string;
  [key: string]: unknown;
}

/** What a Redfish write (POST/PATCH/action) answered. */
export interface RedfishResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined for an empty body (204) or a non-JSON body. */
  body: RedfishResource | undefined;
  /** The `Location` header as a path (task monitor, created resource), when present. */
  location?: string;
  /** For an action answered 202 and followed: the finished Task (or the monitor's final body). */
  task?: RedfishResource;
}

export interface RequestOptions {
  /** Whole-request timeout in ms for this call (default: the node's request timeout). */
  timeoutMs?: number;
  /** Extra headers (never put secrets here: they are not masked in --debug output). */
  headers?: Record<string, string>;
}

export interface PatchOptions extends RequestOptions {
  /** ETag to send as If-Match. Without it the client GETs the resource first for its ETag. */
  etag?: string;
}

export interface ActionOptions extends RequestOptions {
  /** On 202 Accepted, poll the task monitor until it completes (default true). */
  waitTask?: boolean;
  /** Options for that polling. */
  task?: WaitTaskOptions;
}

export interface WaitTaskOptions {
  /** Give up after this many ms (default 600 000); the node's deadline applies regardless. */
  timeoutMs?: number;
  /** Poll interval in ms when the BMC does not send Retry-After (default 2000). */
  intervalMs?: number;
  /** Called with TaskState/PercentComplete as polling goes (e.g. to feed services.progress). */
  onProgress?: (state: string, percent?: number) => void;
}

export interface RedfishClient {
  /** The service root (`GET /redfish/v1/`), read once at login. */
  readonly root: RedfishResource;
  /** `session` or `basic`: what this client actually uses after `auth: auto` resolution. */
  readonly authMode: 'session' | 'basic';
  /** GET a resource (path or absolute URL). Retried on connection reset, 429, 502-504. */
  get<T = RedfishResource>(path: string, opts?: RequestOptions): Promise<T>;
  /** GET a file (a dump, an attachment) into `file`, streamed; the bytes written. Non-2xx throws. */
  download(path: string, file: string, opts?: RequestOptions): Promise<number>;
  /**
   * Send a streamed body (a firmware image or a multipart form around one: UploadBody); 200/201/202/204
   * accepted, anything else throws. Never re-sent once sent (only a refused connection is tried again).
   */
  upload(
    method: 'POST' | 'PUT',
    path: string,
    body: UploadBody,
    opts?: RequestOptions,
  ): Promise<RedfishResponse>;
  /** GET with status and headers (e.g. the ETag header). Non-2xx statuses throw NodeError. */
  read(path: string, opts?: RequestOptions): Promise<RedfishResponse>;
  /** POST; 200/201/202/204 accepted, anything else throws NodeError. Never retried once sent. */
  post(path: string, body: unknown, opts?: RequestOptions): Promise<RedfishResponse>;
  /** PATCH with If-Match (ETag header or @odata.etag); on 412 re-reads the ETag and retries once. */
  patch(path: string, body: unknown, opts?: PatchOptions): Promise<RedfishResponse>;
  delete(path: string, opts?: RequestOptions): Promise<void>;
  /** Every member path of a collection, following nextLink pages (a repeated link ends the walk). */
  members(collection: string): Promise<string[]>;
  /** The chosen ComputerSystem, read fresh on each call (ids discovered once by walking Members;
   *  `node.system` selects one; several and none chosen → NodeError listing them). `reuse`: the System
   *  as this client last read it, if it did (an action needs only its Actions, which do not change). */
  system(opts?: { reuse?: boolean }): Promise<RedfishResource>;
  /** The Manager of that system (Links.ManagedBy, else the only/first BMC manager), read fresh. */
  manager(): Promise<RedfishResource>;
  /** The system's chassis (Links.Chassis), else every Chassis member, read fresh. */
  chassis(): Promise<RedfishResource[]>;
  /**
   * Allowed values of an action parameter: inline `<param>@Redfish.AllowableValues`, else the
   * `@Redfish.ActionInfo` resource's Parameters. undefined when the BMC does not say.
   * `action` is the Actions key, with or without `#` (e.g. `ComputerSystem.Reset`).
   */
  /**
   * A fact derived from the BMC's documents, computed once and then kept across runs in the discovery
   * cache (absent with --no-cache): a value that never changes while the firmware does not (the vendor a
   * Manager names, a Settings URI). Never a live value (state, health, readings) and never a secret.
   */
  remember<T>(key: string, compute: () => Promise<T>): Promise<T>;
  allowableValues(
    resource: RedfishResource,
    action: string,
    parameter: string,
  ): Promise<string[] | undefined>;
  /** POST the action's target (no If-Match). On 202 follows the task monitor unless waitTask: false.
   *  Throws NodeError kind `unsupported` when the resource has no such action. */
  action(
    resource: RedfishResource,
    action: string,
    body: unknown,
    opts?: ActionOptions,
  ): Promise<RedfishResponse>;
  /** Poll a task monitor URI or a Task resource until it ends; throws NodeError `failed` when the
   *  task ends in Exception/Killed/Cancelled. Returns the final Task (or final response body). */
  waitTask(monitorOrTask: string, opts?: WaitTaskOptions): Promise<RedfishResource>;
  /** Log out (DELETE the session). Idempotent, never throws; registered with ctx.defer already. */
  close(): Promise<void>;
  /** Mask a secret (e.g. a password about to be sent to the BMC) in every debug line and error. */
  addSecret(secret: string): void;
  /**
   * The password this client logs in with changed on the BMC: a re-login and Basic auth use the new one
   * from now on (the session in use, if any, is kept).
   */
  updatePassword(password: string): void;
}

/** OpenBMC REST (`/xyz/openbmc_project`): bodies are `{data: ...}` envelopes, unwrapped here. */
export interface OpenBmcClient {
  get<T = unknown>(path: string, opts?: RequestOptions): Promise<T>;
  /** PUT `{data}`; returns the unwrapped `data` of the answer. */
  put(path: string, data: unknown, opts?: RequestOptions): Promise<unknown>;
  post(path: string, data: unknown, opts?: RequestOptions): Promise<unknown>;
  delete(path: string, opts?: RequestOptions): Promise<unknown>;
  /** PUT a streamed body (`/upload/image`); the unwrapped `data` of a 200. Never re-sent once sent. */
  upload(path: string, body: UploadBody, opts?: RequestOptions): Promise<unknown>;
  /** GET a file (a dump) into `file`, streamed; the bytes written. Non-200 throws. */
  download(path: string, file: string, opts?: RequestOptions): Promise<number>;
  /** POST /logout with a short timeout; never throws, never blocks the run. Registered with ctx.defer. */
  close(): Promise<void>;
  /** Mask a secret (e.g. a password about to be sent to the BMC) in every debug line and error. */
  addSecret(secret: string): void;
  /**
   * The password this client logs in with changed on the BMC: a re-login and Basic auth use the new one
   * from now on (the session in use, if any, is kept).
   */
  updatePassword(password: string): void;
}

/** A BMC session this process holds (the ledger). */
export interface OpenSession {
  node: string;
  /** BMC origin, e.g. `https://10.0.0.5:443`. */
  origin: string;
  flavor: 'redfish' | 'openbmc';
  /** Redfish session URI, or `/login` for OpenBMC. */
  uri: string;
  openedAt: number;
}

/** `hwctl trust`: what happened to one node's pin. */
export interface TrustResult {
  /** `host:port` key in known_bmcs. */
  host: string;
  /** SHA-256 fingerprint, colon-separated hex (as `openssl x509 -fingerprint -sha256`). */
  fingerprint: string;
  /** The fingerprint that was pinned before, when it differed. */
  previous?: string;
  status: 'added' | 'updated' | 'unchanged';
}
