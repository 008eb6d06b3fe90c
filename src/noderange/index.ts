/**
 * Noderange public API: xCAT noderange expansion against an inventory, and inventory-free node
 * patterns (expand / fold / natural order). See docs/noderange.md.
 */
export {
  expandNoderange,
  fileLineNoderange,
  normalizeAttribute,
  type NoderangeContext,
} from './noderange.js';
export {
  expandNodeset,
  expandNodesetDetailed,
  foldNodes,
  hasBrackets,
  NodesetSyntaxError,
  type ExpandedName,
} from './nodeset.js';
export { compareNodeNames, sortNodeNames } from './natural.js';
export { parseNoderange } from './parser.js';
