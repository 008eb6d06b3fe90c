/**
 * The service node's side (`hwctl <command> <nodes> … --sn-stdin`): say hello, read the inventory slice
 * and its passwords from stdin, run as usual, and answer in the protocol (protocol.ts). Standard input
 * stays open for the whole run: when it closes (the control host was interrupted, or its ssh died), the
 * run stops as on Ctrl-C, so every node's BMC session is logged out.
 */
import { HwctlUsageError } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import type { Inventory } from '../inventory/index.js';
import { ndjsonLines, type Renderer } from '../output/render.js';
import type { ResultView } from '../output/view.js';
import { PROTOCOL, type Envelope, type Hello, type SliceNode } from './protocol.js';
import { HWCTL_VERSION } from '../core/version.js';

export interface Slice {
  inventory: Inventory;
  passwords: Map<string, string>;
  /** The run is over: stop watching stdin, which the control host may keep open (else we never exit). */
  done(): void;
}

/** Longest envelope read (a 10,000-node slice is ~3 MB). */
const MAX_ENVELOPE_BYTES = 256 * 1024 * 1024;

/**
 * Hello on stdout, then the envelope from stdin. `onHangup` is called once if stdin closes after the
 * envelope. Throws HwctlUsageError (exit 2) on a missing or unreadable envelope or a version mismatch.
 */
export async function receiveSlice(out: (line: string) => void, onHangup: () => void): Promise<Slice> {
  // main() exits at once on EPIPE (`hwctl … | head`); here a closed stdout means the control host has
  // gone: stop like Ctrl-C and log out, rather than exit with sessions open.
  for (const stream of [process.stdout, process.stderr]) {
    stream.removeAllListeners('error');
    stream.on('error', () => onHangup());
  }
  const hello: Hello = { type: 'hello', protocol: PROTOCOL, version: HWCTL_VERSION, node: process.version };
  out(JSON.stringify(hello));
  const envelope = parseEnvelope(await firstLine(onHangup));
  if (envelope.protocol !== PROTOCOL || envelope.version !== HWCTL_VERSION) {
    throw new HwctlUsageError(
      `--sn-stdin: the control host runs hwctl ${envelope.version} (protocol ${envelope.protocol}), ` +
        `this service node ${HWCTL_VERSION} (protocol ${PROTOCOL}); install the same version on both`,
    );
  }
  return sliceFrom(envelope);
}

/** The first line of stdin; afterwards stdin is watched for its end (`onHangup`). */
function firstLine(onHangup: () => void): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    return Promise.reject(
      new HwctlUsageError('--sn-stdin is for the control host (docs/hierarchy.md), not for a terminal'),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let got = false;
    const onData = (chunk: Buffer) => {
      if (got) return; // nothing follows the envelope; only the end of stdin matters
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        chunks.push(chunk);
        size += chunk.length;
        if (size > MAX_ENVELOPE_BYTES) {
          got = true;
          reject(new HwctlUsageError('--sn-stdin: the envelope is larger than 256 MB'));
        }
        return;
      }
      chunks.push(chunk.subarray(0, nl));
      got = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onEnd = () => {
      if (!got) {
        got = true;
        reject(new HwctlUsageError('--sn-stdin: standard input ended before the inventory slice'));
      } else onHangup();
    };
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.once('error', onEnd);
  });
}

function parseEnvelope(line: string): Envelope {
  let e: unknown;
  try {
    e = JSON.parse(line);
  } catch {
    throw new HwctlUsageError('--sn-stdin: the inventory slice is not JSON');
  }
  const env = e as Partial<Envelope>;
  if (
    env?.type !== 'envelope' ||
    !Array.isArray(env.nodes) ||
    !Array.isArray(env.secrets) ||
    !Array.isArray(env.plugins)
  ) {
    throw new HwctlUsageError('--sn-stdin: the first line of standard input is not an inventory slice');
  }
  return env as Envelope;
}

function sliceFrom(envelope: Envelope): Slice {
  const nodes = new Map<string, NodeDef>();
  const groups = new Map<string, string[]>();
  const passwords = new Map<string, string>();
  for (const s of envelope.nodes as SliceNode[]) {
    if (typeof s?.name !== 'string' || typeof s.bmc !== 'string') {
      throw new HwctlUsageError('--sn-stdin: a node of the inventory slice has no name or bmc');
    }
    const { secret: _secret, ...settings } = s;
    const node: NodeDef = { ...settings, groups: s.groups ?? [], attrs: s.attrs ?? {} };
    nodes.set(node.name, node);
    for (const g of node.groups) {
      const members = groups.get(g) ?? [];
      members.push(node.name);
      groups.set(g, members);
    }
    if (s.secret !== undefined) {
      const value = envelope.secrets[s.secret];
      if (typeof value !== 'string') {
        throw new HwctlUsageError(`--sn-stdin: node ${s.name} refers to a password the slice does not hold`);
      }
      passwords.set(node.name, value);
    }
  }
  const inventory: Inventory = {
    file: envelope.origin,
    nodes,
    groups,
    plugins: envelope.plugins,
    servicenodes: new Map(),
    warnings: [],
  };
  return {
    inventory,
    passwords,
    done: () => {
      process.stdin.removeAllListeners('end');
      process.stdin.removeAllListeners('error');
      process.stdin.destroy();
    },
  };
}

/**
 * The answer: ndjson's lines (so `-o ndjson` holds), each result with `raw`, the value as the command
 * made it, when the view's JSON form differs from it (the control host renders `raw` itself).
 */
export function protocolRenderer<T>(
  view: ResultView<T>,
  command: string,
  out: (line: string) => void,
): Renderer {
  return ndjsonLines(view, command, out, true);
}
