/**
 * Resolve every selected node's password before the run, so a missing variable or unreadable file is a
 * usage error (exit 2) instead of a thousand identical node errors. Values are never printed.
 */
import { HwctlUsageError } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import { resolveSecret } from '../inventory/index.js';
import { foldNodes } from '../noderange/nodeset.js';

export async function resolvePasswords(
  nodes: readonly NodeDef[],
  stdinPassword: string | undefined,
): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  // Many nodes share one reference: resolve each distinct reference once.
  const byRef = new Map<string, { ref: NodeDef['password']; nodes: string[] }>();
  for (const n of nodes) {
    if (stdinPassword !== undefined) {
      out.set(n.name, stdinPassword);
      continue;
    }
    if (!n.password) {
      out.set(n.name, undefined);
      continue;
    }
    const key = JSON.stringify(n.password);
    const entry = byRef.get(key) ?? { ref: n.password, nodes: [] };
    entry.nodes.push(n.name);
    byRef.set(key, entry);
  }
  for (const { ref, nodes: names } of byRef.values()) {
    let value: string;
    try {
      value = await resolveSecret(ref!, {});
    } catch (e) {
      throw new HwctlUsageError(
        `password for ${foldNodes(names)}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    for (const n of names) out.set(n, value);
  }
  return out;
}
