/** Shared helpers for the inventory tests. */
import { InventoryError } from '../../src/core/errors.js';
import { parseInventory, type Inventory } from '../../src/inventory/index.js';

export const FILE = '/inv/hwctl.yaml';

/** Template tag: drop the first newline and the common indentation, so line numbers are what they look like. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

export function parse(text: string, file = FILE): Inventory {
  return parseInventory(text, file);
}

/** The InventoryError that parsing `text` throws (fails the test when it parses). */
export function parseError(text: string, file = FILE): InventoryError {
  try {
    parseInventory(text, file);
  } catch (e) {
    if (e instanceof InventoryError) return e;
    throw e;
  }
  throw new Error('expected the inventory to be refused');
}

export function node(inv: Inventory, name: string): NonNullable<ReturnType<Inventory['nodes']['get']>> {
  const n = inv.nodes.get(name);
  if (!n) throw new Error(`no node ${name}; have ${[...inv.nodes.keys()].slice(0, 10).join(',')}`);
  return n;
}
