/**
 * What travels between hwctl on the control host and hwctl on a service node (docs/hierarchy.md).
 *
 *  control host                                     service node (`hwctl <command> <nodes> … --sn-stdin`)
 *                                      ◄── hello     {"type":"hello","protocol":1,"version":"0.1.0",…}
 *  (compare version; on mismatch close, nothing sent)
 *  envelope (one JSON line on stdin) ──►            the inventory slice and its passwords
 *                                      ◄── result    one line per node, the ndjson `result` line plus `raw`
 *                                      ◄── progress  a node's transitional state (ndjson's)
 *                                      ◄── summary   ndjson's, last
 *  stdin closed ──►                                 stop (as on Ctrl-C): nodes end `interrupted`, sessions logged out
 *
 * Results carry `raw`, the value as the command produced it, because the ndjson `value` is the view's JSON
 * form (rounded, renamed): the control host renders `raw` with the same view, so merged output is exactly
 * what a local run prints. Secrets travel only in the envelope, never on argv, in a file or in a log.
 */
import type { NodeErrorKind } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';

/** Bumped when either side could misread the other. */
export const PROTOCOL = 1;

export interface Hello {
  type: 'hello';
  protocol: number;
  version: string;
  /** The service node's Node.js version, for reports. */
  node: string;
}

/**
 * A node as it travels: every setting of its NodeDef (transport, proxy... any added later travel too), but
 * not its password reference (the value goes in `secrets`), its service node (it runs there) or where it
 * was defined; and which of the envelope's secrets is its password.
 */
export type SliceNode = Omit<NodeDef, 'password' | 'servicenode' | 'source'> & {
  /** Index into `secrets`. */
  secret?: number;
};

export interface Envelope {
  type: 'envelope';
  protocol: number;
  /** The control host's version (the service node checks it too). */
  version: string;
  /** Where the slice came from, for messages: `hwctl.yaml (via control host)`. */
  origin: string;
  nodes: SliceNode[];
  /** Each distinct password once (a thousand nodes usually share one). */
  secrets: string[];
  /** Plugin modules (paths on the service node). */
  plugins: string[];
}

/** A result line: ndjson's, plus `raw`. */
export interface ResultEvent {
  type: 'result';
  node: string;
  ok: boolean;
  value?: unknown;
  raw?: unknown;
  error?: { kind: NodeErrorKind; message: string; status?: number };
  quirks?: string[];
  elapsedMs?: number;
}

/** The envelope for `nodes` (all of one service node) with their resolved passwords. */
export function makeEnvelope(
  nodes: readonly NodeDef[],
  passwords: ReadonlyMap<string, string | undefined>,
  plugins: readonly string[],
  origin: string,
  version: string,
): Envelope {
  const secrets: string[] = [];
  const index = new Map<string, number>();
  const slice = nodes.map((n): SliceNode => {
    const { password: _ref, servicenode: _sn, source: _src, ...rest } = n;
    const s: SliceNode = rest;
    // On its service node the node is local: `transport: servicenode` (saying so explicitly) stays here.
    if (s.transport?.name === 'servicenode') delete s.transport;
    const password = passwords.get(n.name);
    if (password !== undefined) {
      let i = index.get(password);
      if (i === undefined) {
        i = secrets.push(password) - 1;
        index.set(password, i);
      }
      s.secret = i;
    }
    return s;
  });
  return {
    type: 'envelope',
    protocol: PROTOCOL,
    version,
    origin,
    nodes: slice,
    secrets,
    plugins: [...plugins],
  };
}
