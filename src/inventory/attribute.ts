/**
 * Attribute lookup shared by noderange selectors (`mgt==redfish`, `rack=~^a`) and `nodels node attr...`.
 */
import type { NodeDef } from '../core/types.js';
import { describeSecretBrief } from './secret.js';

export { BUILTIN_ATTRIBUTES } from './settings.js';

/**
 * A node's attribute as text, or undefined when the node does not have it.
 * Built-ins: name, bmc, mgt, groups (comma list), username, password (the reference, never the value:
 * `env:VAR`, `file:/path`, `inline`, `stdin`), tls (the mode), auth, system. Anything else is a free
 * attribute from `attrs`.
 */
export function nodeAttribute(node: NodeDef, attr: string): string | undefined {
  switch (attr) {
    case 'name':
      return node.name;
    case 'bmc':
      return node.bmc;
    case 'mgt':
      return node.mgt;
    case 'groups':
      return node.groups.join(',');
    case 'username':
      return node.username;
    case 'password':
      return node.password ? describeSecretBrief(node.password) : undefined;
    case 'tls':
      return node.tls.mode;
    case 'auth':
      return node.auth;
    case 'system':
      return node.system;
    case 'transport':
      return node.transport?.name ?? 'https';
    case 'proxy':
      return node.proxy;
    case 'servicenode':
      return node.servicenode;
    default:
      return Object.prototype.hasOwnProperty.call(node.attrs, attr) ? node.attrs[attr] : undefined;
  }
}
