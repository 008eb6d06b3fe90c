/**
 * user/ objects (phosphor-user-manager as the REST server shows it), on the machine's accounts that the
 * Redfish frontend shares:
 *  - `user/<name>`: UserPrivilege (`priv-admin|priv-operator|priv-user|priv-noaccess`), UserEnabled,
 *    UserGroups, UserLockedForFailedAttempt; PUT attr UserPrivilege / UserEnabled /
 *    UserLockedForFailedAttempt (false only); actions SetPassword [pw] and Delete [];
 *  - `user`: AllPrivileges, AllGroups, MinPasswordLength; action CreateUser [name, groups, priv, enabled]
 *    (the password is set afterwards with SetPassword, as phosphor-user-manager has no password argument:
 *    a new account cannot log in until then).
 * Only priv-admin may change accounts; anyone may SetPassword on their own (403 otherwise). A password
 * outside the policy is a 400 whose message does not hold it.
 */
import type { AccountRole, SimMachine } from '../machine.js';
import { MachineError } from '../machine.js';
import { RestError } from './envelope.js';
import {
  BASE,
  argAt,
  asBool,
  asString,
  asStringList,
  badValue,
  type ObjectMap,
  type Provider,
} from './objects.js';

const PRIV: Record<AccountRole, string> = {
  Administrator: 'priv-admin',
  Operator: 'priv-operator',
  ReadOnly: 'priv-user',
  NoAccess: 'priv-noaccess',
};
const GROUPS = ['ipmi', 'redfish', 'ssh', 'web'];

function roleOf(priv: unknown): AccountRole {
  const found = Object.entries(PRIV).find(([, p]) => p === priv);
  if (!found) throw badValue('UserPrivilege', priv);
  return found[0] as AccountRole;
}

function machineCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof MachineError)) throw e;
    if (e.kind === 'notFound')
      throw new RestError(404, e.message, 'org.freedesktop.DBus.Error.UnknownObject');
    if (e.kind === 'conflict')
      throw new RestError(400, e.message, 'xyz.openbmc_project.Common.Error.ResourceAlreadyExists');
    throw new RestError(400, e.message, 'xyz.openbmc_project.Common.Error.InvalidArgument');
  }
}

function forbidden(): RestError {
  return new RestError(
    403,
    'Insufficient privilege: only an administrator (priv-admin) may change user accounts',
    'org.freedesktop.DBus.Error.AccessDenied',
  );
}

/** `requester()`: the user of the request being served (session or Basic). */
export function userProvider(m: SimMachine, requester: () => string | undefined): Provider {
  const isAdmin = () => {
    const who = requester();
    return who === undefined || (m.account(who)?.role ?? 'Administrator') === 'Administrator';
  };
  const admin =
    <A extends unknown[], T>(fn: (...a: A) => T) =>
    (...a: A): T => {
      if (!isAdmin()) throw forbidden();
      return fn(...a);
    };
  return {
    root: `${BASE}/user`,
    build(into: ObjectMap) {
      into.set(`${BASE}/user`, {
        props: {
          AllPrivileges: Object.values(PRIV),
          AllGroups: [...GROUPS],
          MinPasswordLength: m.passwordPolicy.minLength,
        },
        actions: {
          CreateUser: admin((args: unknown[]) => {
            const name = asString(argAt(args, 0, 'user name'), 'user name');
            asStringList(argAt(args, 1, 'groups'), 'groups');
            const role = roleOf(argAt(args, 2, 'privilege'));
            const enabled = asBool(argAt(args, 3, 'enabled'), 'enabled');
            // No password yet: a random one nobody knows until SetPassword.
            machineCall(() =>
              m.createAccount(name, `unset-${Math.random().toString(36).slice(2, 12)}`, role, enabled),
            );
            return null;
          }),
        },
      });
      for (const a of m.listAccounts()) {
        const name = a.name;
        into.set(`${BASE}/user/${name}`, {
          props: {
            UserEnabled: a.enabled,
            UserGroups: [...GROUPS],
            UserPrivilege: PRIV[a.role],
            UserLockedForFailedAttempt: a.locked,
          },
          set: {
            UserPrivilege: admin((v: unknown) =>
              machineCall(() => m.updateAccount(name, { role: roleOf(v) })),
            ),
            UserEnabled: admin((v: unknown) =>
              machineCall(() => m.updateAccount(name, { enabled: asBool(v, 'UserEnabled') })),
            ),
            UserLockedForFailedAttempt: admin((v: unknown) =>
              machineCall(() => m.updateAccount(name, { locked: asBool(v, 'UserLockedForFailedAttempt') })),
            ),
          },
          actions: {
            SetPassword: (args) => {
              if (requester() !== name && !isAdmin()) throw forbidden();
              const pw = argAt(args, 0, 'password');
              if (typeof pw !== 'string') throw new RestError(400, 'The password must be a string');
              machineCall(() => m.setPassword(name, pw));
              return null;
            },
            Delete: admin(() => {
              machineCall(() => m.deleteAccount(name));
              return null;
            }),
          },
          remove: admin(() => void machineCall(() => m.deleteAccount(name))),
        });
      }
    },
  };
}
