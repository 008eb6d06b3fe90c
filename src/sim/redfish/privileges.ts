/**
 * Who may do what: the predefined roles' privileges and the privilege each request needs, after the
 * Redfish Privilege Registry (DSP8011) as bmcweb applies it, reduced to the parts the simulator serves:
 *  - reading anything takes `Login`;
 *  - changing the BMC itself (Managers, SessionService, UpdateService, EventService, CertificateService,
 *    TaskService) takes `ConfigureManager`;
 *  - changing the server (Systems, Chassis, their actions and logs) takes `ConfigureComponents`;
 *  - a user may always end its own session (`ConfigureSelf`); ending another's takes `ConfigureManager`;
 *  - the AccountService checks its own requests (`ConfigureUsers`, `ConfigureSelf` for one's own password).
 * So a ReadOnly user reads everything and changes nothing (403 InsufficientPrivilege), and an Operator
 * powers the server on and off but cannot reconfigure the BMC.
 */
import type { AccountRole } from '../machine.js';

export type Privilege =
  'Login' | 'ConfigureManager' | 'ConfigureUsers' | 'ConfigureSelf' | 'ConfigureComponents';

export const ROLE_PRIVILEGES: Readonly<Record<AccountRole, readonly Privilege[]>> = {
  Administrator: ['Login', 'ConfigureManager', 'ConfigureUsers', 'ConfigureSelf', 'ConfigureComponents'],
  Operator: ['Login', 'ConfigureSelf', 'ConfigureComponents'],
  ReadOnly: ['Login', 'ConfigureSelf'],
  NoAccess: [],
};

/** Subtrees whose writes change the BMC rather than the server. */
const MANAGER_SUBTREES = [
  '/redfish/v1/Managers',
  '/redfish/v1/SessionService',
  '/redfish/v1/UpdateService',
  '/redfish/v1/EventService',
  '/redfish/v1/CertificateService',
  '/redfish/v1/TaskService',
  '/redfish/v1/SSE',
];

const within = (path: string, root: string): boolean => path === root || path.startsWith(`${root}/`);

export interface PrivilegeQuery {
  method: string;
  /** Normalised path (no trailing slash). */
  path: string;
  /** True when the request deletes the caller's own session. */
  ownSession?: boolean;
}

/**
 * The privilege a request needs, or `undefined` when the resource decides itself (the AccountService,
 * where what one may change depends on whose account it is).
 */
export function requiredPrivilege(q: PrivilegeQuery): Privilege | undefined {
  if (q.method === 'GET' || q.method === 'HEAD') return 'Login';
  if (within(q.path, '/redfish/v1/AccountService')) return undefined;
  if (q.method === 'DELETE' && q.ownSession) return 'ConfigureSelf';
  if (MANAGER_SUBTREES.some((root) => within(q.path, root))) return 'ConfigureManager';
  return 'ConfigureComponents';
}

export function hasPrivilege(role: AccountRole, privilege: Privilege): boolean {
  return ROLE_PRIVILEGES[role].includes(privilege);
}
