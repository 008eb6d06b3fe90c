/**
 * The inventory: which nodes exist, how to reach their BMCs, which groups they are in.
 * Format and semantics: docs/inventory.md.
 */
export {
  locateInventory,
  defaultInventoryCandidates,
  SYSTEM_INVENTORY,
  type LocateOptions,
} from './locate.js';
export { loadInventory } from './load.js';
export { parseInventory, TOP_LEVEL_KEYS, type Inventory } from './parse.js';
export {
  resolveSecret,
  resolvePasswords,
  describeSecret,
  describeSecretBrief,
  secretLocation,
  passwordFilePermissionWarning,
  type ResolveSecretOptions,
} from './secret.js';
export { nodeAttribute, BUILTIN_ATTRIBUTES } from './attribute.js';
export { normalizeBmcAddress, BmcAddressError } from './address.js';
export { compileTemplate, TemplateError, type CompiledTemplate, type TemplateVars } from './template.js';
export { parseDuration, BUILTIN_FLAVORS, SETTING_KEYS, NODE_KEYS } from './settings.js';
