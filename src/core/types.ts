/**
 * The data model that flows between layers: inventory nodes in, per-node results out.
 * Nothing here does I/O.
 */
import type { NodeErrorKind, SourceLocation } from './errors.js';

/** BMC protocol flavor. `auto` is resolved per node at run time by probing the BMC. */
export type Flavor = 'redfish' | 'openbmc' | 'auto' | (string & {});

/** Where a secret comes from. The value itself is only read when a command needs it. */
export type SecretRef =
  | { kind: 'env'; name: string }
  | { kind: 'file'; path: string }
  | { kind: 'inline'; value: string }
  | { kind: 'stdin' };

/** `plaintext`: no TLS at all, the explicit opt-in an `http://` BMC needs (credentials go in clear text). */
export type TlsMode = 'verify' | 'pin' | 'insecure' | 'plaintext';

export interface TlsSettings {
  mode: TlsMode;
  /** PEM bundle file to trust (mode `verify`). */
  ca?: string;
}

export type AuthMode = 'session' | 'basic' | 'auto';

export interface TimeoutSettings {
  /** TCP/TLS connect timeout, ms. */
  connectMs?: number;
  /** Whole-request timeout, ms. */
  requestMs?: number;
  /** Login request timeout, ms. */
  loginMs?: number;
}

/** A node's transport: a registered name and its options (values rendered from templates). */
export interface TransportChoice {
  name: string;
  options: Readonly<Record<string, string>>;
}

/** One node of the inventory, fully resolved (defaults, group settings and templates applied). */
export interface NodeDef {
  name: string;
  /** BMC base URL, e.g. `https://10.0.0.5` or `https://127.0.0.1:8443`. No trailing slash. */
  bmc: string;
  mgt: Flavor;
  groups: string[];
  username?: string;
  password?: SecretRef;
  tls: TlsSettings;
  auth?: AuthMode;
  /** Redfish: which ComputerSystem to act on when the BMC has several. */
  system?: string;
  timeouts?: TimeoutSettings;
  /** How requests reach the BMC (inventory `transport:`); absent: `https`, direct. docs/plugins.md */
  transport?: TransportChoice;
  /** HTTP(S) proxy URL for `transport: proxy` (`http://host:port`). */
  proxy?: string;
  /** Free attributes (rack, row, serial...), usable in noderange selectors and `nodels`. */
  attrs: Record<string, string>;
  /** The service node that runs this node's commands (docs/hierarchy.md); absent: this host runs them. */
  servicenode?: string;
  /** Where this node was defined, for error messages. */
  source?: SourceLocation;
}

/** A node's outcome. Every node selected by a command gets exactly one. */
export type NodeResult<T = unknown> = NodeOk<T> | NodeFailed;

export interface NodeOk<T = unknown> {
  node: string;
  ok: true;
  value: T;
  /** The vendor workarounds this node used (Redfish, src/executors/redfish/quirks.ts); absent when none apply. */
  quirks?: string[];
  /** The service node that ran this node (docs/hierarchy.md); absent when it ran here. */
  servicenode?: string;
  elapsedMs: number;
}

export interface NodeFailed {
  node: string;
  ok: false;
  error: { kind: NodeErrorKind; message: string; status?: number };
  quirks?: string[];
  servicenode?: string;
  elapsedMs: number;
}

/**
 * A node's outcome once its value has been handed on (rendered) and dropped: the engine keeps only this
 * with `retainValues: false`, so memory does not grow with the values. A `NodeResult` is also one.
 */
export type NodeOutcome = NodeOkOutcome | NodeFailed;

export interface NodeOkOutcome {
  node: string;
  ok: true;
  elapsedMs: number;
}
