/**
 * Writes the inventory hwctl reads to reach the fleet: credentials by reference (a 0600 password
 * file), TLS verification against the simulator CA, one entry per run of similar nodes (a bracket
 * range with a port template when ports are consecutive) or per node.
 */
import { writeFile, rename, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface InventoryNode {
  name: string;
  /** e.g. `https://127.0.0.1:40001`. */
  url: string;
  scheme: 'http' | 'https';
  host: string;
  port: number;
  mgt: 'redfish' | 'openbmc';
  personality: string;
  /** `system:` for a BMC with several Systems (one inventory node per System). */
  system?: string;
  /** The BMC's SSH port (`hwctl sim --ssh`), written as `attrs.sshport`. */
  sshPort?: number;
}

export interface InventoryText {
  username: string;
  passwordFile: string;
  /** Absent for plain HTTP. */
  caFile?: string;
  nodes: InventoryNode[];
  comment?: string;
}

const q = (s: string): string => JSON.stringify(s);

function trailingNumber(name: string): { prefix: string; digits: string } | undefined {
  const m = /^(.*\D)(\d+)$/.exec(name);
  return m && m[1] !== undefined && m[2] !== undefined ? { prefix: m[1], digits: m[2] } : undefined;
}

/** Groups consecutive nodes with equal settings, consecutive numbers and consecutive ports. */
function runs(nodes: InventoryNode[]): InventoryNode[][] {
  const out: InventoryNode[][] = [];
  for (const n of nodes) {
    const run = out[out.length - 1];
    const last = run?.[run.length - 1];
    const a = last && trailingNumber(last.name);
    const b = trailingNumber(n.name);
    const joins =
      run &&
      n.system === undefined &&
      last?.system === undefined &&
      last &&
      a &&
      b &&
      a.prefix === b.prefix &&
      a.digits.length === b.digits.length &&
      Number(b.digits) === Number(a.digits) + 1 &&
      n.port === last.port + 1 &&
      (n.sshPort === undefined) === (last.sshPort === undefined) &&
      (n.sshPort === undefined || n.sshPort - (last.sshPort ?? 0) === n.port - last.port) &&
      n.mgt === last.mgt &&
      n.personality === last.personality &&
      n.host === last.host &&
      n.scheme === last.scheme;
    if (joins) run.push(n);
    else out.push([n]);
  }
  return out;
}

function hostPart(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export function renderInventory(inv: InventoryText): string {
  const lines: string[] = [];
  if (inv.comment) for (const c of inv.comment.split('\n')) lines.push(`# ${c}`);
  lines.push('defaults:');
  lines.push(`  username: ${q(inv.username)}`);
  lines.push(`  password: {file: ${q(inv.passwordFile)}}`);
  if (inv.caFile) lines.push(`  tls: {mode: verify, ca: ${q(inv.caFile)}}`);
  // A plain-HTTP fleet (--http): hwctl refuses http:// BMCs unless the inventory says so.
  else if (inv.nodes.some((n) => n.scheme === 'http')) lines.push('  tls: plaintext');
  lines.push('nodes:');
  for (const run of runs(inv.nodes)) {
    const first = run[0] as InventoryNode;
    const sshOffset = first.sshPort === undefined ? undefined : first.sshPort - first.port;
    const attrsOf = (sshport: string | undefined) =>
      `attrs: {personality: ${q(first.personality)}${sshport === undefined ? '' : `, sshport: ${q(sshport)}`}}`;
    const attrs = attrsOf(first.sshPort === undefined ? undefined : String(first.sshPort));
    if (run.length === 1) {
      const system = first.system !== undefined ? `, system: ${q(first.system)}` : '';
      lines.push(`  ${q(first.name)}: {bmc: ${q(first.url)}, mgt: ${first.mgt}${system}, ${attrs}}`);
      continue;
    }
    const last = run[run.length - 1] as InventoryNode;
    const a = trailingNumber(first.name);
    const b = trailingNumber(last.name);
    if (!a || !b) throw new Error('internal: run without numbers');
    const offset = first.port - Number(a.digits);
    const plus = (k: number) => (k === 0 ? '{n}' : k > 0 ? `{n+${k}}` : `{n-${-k}}`);
    const bmc = `${first.scheme}://${hostPart(first.host)}:${plus(offset)}`;
    const runAttrs = attrsOf(sshOffset === undefined ? undefined : plus(offset + sshOffset));
    lines.push(
      `  ${q(`${a.prefix}[${a.digits}-${b.digits}]`)}: {bmc: ${q(bmc)}, mgt: ${first.mgt}, ${runAttrs}}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Atomic write (temp file + rename): a watcher never sees half an inventory. */
export async function writeInventory(path: string, inv: InventoryText): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, renderInventory(inv), { mode: 0o644 });
  await rename(tmp, path);
}
