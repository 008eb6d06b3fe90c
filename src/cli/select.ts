/**
 * From arguments to the selected nodes: locate and load the inventory, expand the noderange.
 * Everything here fails with a usage error (exit 2) before any BMC is touched.
 */
import type { NodeDef } from '../core/types.js';
import { loadInventory, locateInventory, nodeAttribute, type Inventory } from '../inventory/index.js';
import { expandNoderange, type NoderangeContext } from '../noderange/index.js';
import { readFailed } from './failed.js';

export async function openInventory(explicit: string | undefined): Promise<Inventory> {
  const file = locateInventory({ explicit, env: process.env, cwd: process.cwd() });
  return loadInventory(file);
}

export function noderangeContext(inv: Inventory): NoderangeContext {
  const names = [...inv.nodes.keys()];
  return {
    nodes: names,
    groupMembers: (g) => (g === 'all' ? names : inv.groups.get(g)),
    // `@failed`: read only when a noderange names it.
    savedSet: () => readFailed(),
    attribute: (node, attr) => {
      const def = inv.nodes.get(node);
      return def ? nodeAttribute(def, attr) : undefined;
    },
  };
}

export function selectNodes(inv: Inventory, noderange: string): NodeDef[] {
  return expandNoderange(noderange, noderangeContext(inv)).map((n) => inv.nodes.get(n)!);
}
