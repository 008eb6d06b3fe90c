/**
 * Error types shared by every layer.
 *
 * Two families:
 *  - `HwctlUsageError` and subclasses: the invocation itself is wrong (bad argument, noderange or
 *    inventory). They are raised before any BMC is touched and end the process with exit code 2.
 *  - `NodeError`: one node's operation failed. It becomes that node's result; the others go on.
 */

/** Where in a file something was found (1-based line and column), for error messages. */
export interface SourceLocation {
  file: string;
  line?: number;
  col?: number;
}

export function formatLocation(loc: SourceLocation): string {
  if (loc.line === undefined) return loc.file;
  return loc.col === undefined ? `${loc.file}:${loc.line}` : `${loc.file}:${loc.line}:${loc.col}`;
}

/** The invocation is wrong; nothing was attempted. Exit code 2. */
export class HwctlUsageError extends Error {
  override name = 'HwctlUsageError';
}

/** A noderange that does not parse or names unknown nodes/groups. */
export class NoderangeError extends HwctlUsageError {
  override name = 'NoderangeError';
}

/** The inventory file is missing, unreadable or invalid. The message carries file:line:col. */
export class InventoryError extends HwctlUsageError {
  override name = 'InventoryError';
  constructor(
    message: string,
    readonly location?: SourceLocation,
  ) {
    super(location ? `${formatLocation(location)}: ${message}` : message);
  }
}

/**
 * Why a node failed. Kept small and stable: scripts match on it (docs/output.md).
 *  unreachable  connection refused/reset, DNS failure, BMC down
 *  timeout      the node's deadline or a request timeout expired
 *  auth         401/403 on login, bad or missing credentials
 *  tls          certificate verification, name mismatch or pin mismatch
 *  http         any other unexpected HTTP status
 *  unsupported  the BMC or its flavor cannot do this (no executor, not allowed by the BMC)
 *  protocol     the BMC answered something malformed or unexpected
 *  interrupted  the run was cancelled (SIGINT/SIGTERM) before this node finished
 *  failed       the operation ran and reports failure (e.g. state not reached, --expect mismatch)
 */
export type NodeErrorKind =
  'unreachable' | 'timeout' | 'auth' | 'tls' | 'http' | 'unsupported' | 'protocol' | 'interrupted' | 'failed';

export const NODE_ERROR_KINDS: readonly NodeErrorKind[] = [
  'unreachable',
  'timeout',
  'auth',
  'tls',
  'http',
  'unsupported',
  'protocol',
  'interrupted',
  'failed',
];

/** One node's failure. `message` is what the user sees after `node: Error: `. */
export class NodeError extends Error {
  override name = 'NodeError';
  constructor(
    readonly kind: NodeErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isNodeError(e: unknown): e is NodeError {
  return e instanceof NodeError;
}
