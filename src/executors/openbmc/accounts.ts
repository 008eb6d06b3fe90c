/**
 * User accounts on OpenBMC REST (phosphor-user-manager under /xyz/openbmc_project/user):
 *  - list: GET user/enumerate (UserPrivilege priv-admin|priv-operator|priv-user|priv-noaccess,
 *    UserEnabled, UserLockedForFailedAttempt);
 *  - add: POST user/action/CreateUser [name, groups, privilege, enabled], then SetPassword (CreateUser
 *    takes no password);
 *  - change: PUT user/<name>/attr/UserPrivilege | UserEnabled | UserLockedForFailedAttempt;
 *  - password: POST user/<name>/action/SetPassword [new] (xCAT's admin_passwd call, for root);
 *  - remove: POST user/<name>/action/Delete [].
 * A 403 here is the account lacking the privilege (not xCAT's "not supported by firmware" reading).
 */
import { NodeError, isNodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { openbmcClient, isRecord, type OpenBmcClient } from '../../bmc/index.js';
import type { Account, AccountsExecutor, Role, Secret } from '../../managers/rspconfig-accounts.js';

const USERS = '/xyz/openbmc_project/user';
const GROUPS = ['ipmi', 'redfish', 'ssh', 'web'];
const PRIV: Record<Role, string> = {
  Administrator: 'priv-admin',
  Operator: 'priv-operator',
  ReadOnly: 'priv-user',
  NoAccess: 'priv-noaccess',
};

function roleOf(priv: unknown): string {
  const hit = Object.entries(PRIV).find(([, p]) => p === priv);
  return hit ? hit[0] : typeof priv === 'string' ? priv : 'unknown';
}

function accountOf(user: string, props: unknown): Account {
  const p = isRecord(props) ? props : {};
  return {
    user,
    role: roleOf(p.UserPrivilege),
    enabled: p.UserEnabled !== false && p.UserEnabled !== 0,
    locked: p.UserLockedForFailedAttempt === true || p.UserLockedForFailedAttempt === 1,
  };
}

/** Errors of an account change read as what they are. */
async function guarded<T>(ctx: NodeContext, user: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!isNodeError(e)) throw e;
    if (e.status === 403)
      throw new NodeError(
        'auth',
        `[403] the BMC refused: ${ctx.node.username ?? 'this account'} may not change user accounts (an administrator, priv-admin, is needed)`,
        403,
      );
    if (e.status === 404) throw new NodeError('failed', `No user account named ${user} on this BMC`, 404);
    if (e.status === 400 && /password/i.test(e.message))
      throw new NodeError('failed', `the BMC refused the new password: ${e.message}`, 400);
    throw e;
  }
}

async function readOne(client: OpenBmcClient, user: string): Promise<Account> {
  return accountOf(user, await client.get(`${USERS}/${encodeURIComponent(user)}`));
}

async function setPassword(client: OpenBmcClient, ctx: NodeContext, user: string, password: string) {
  await client.post(`${USERS}/${encodeURIComponent(user)}/action/SetPassword`, [password]);
  if (user === ctx.node.username) client.updatePassword(password);
}

class OpenBmcAccountsExecutor implements AccountsExecutor {
  readonly capability = 'accounts' as const;
  readonly flavor = 'openbmc';

  async listAccounts(_args: undefined, ctx: NodeContext): Promise<Account[]> {
    const client = await openbmcClient(ctx);
    const data = await guarded(ctx, '', () => client.get(`${USERS}/enumerate`));
    if (!isRecord(data))
      throw new NodeError('protocol', 'Received wrong format response: user/enumerate is not an object map');
    const out: Account[] = [];
    for (const [path, props] of Object.entries(data)) {
      const m = /^\/xyz\/openbmc_project\/user\/([^/]+)$/.exec(path);
      if (m) out.push(accountOf(decodeURIComponent(m[1]!), props));
    }
    return out;
  }

  async setPassword(args: { user: string; password: Secret }, ctx: NodeContext): Promise<Account> {
    const client = await openbmcClient(ctx);
    const password = args.password.reveal();
    client.addSecret(password);
    return guarded(ctx, args.user, async () => {
      await setPassword(client, ctx, args.user, password);
      return readOne(client, args.user);
    });
  }

  async addAccount(args: { user: string; role: Role; password: Secret }, ctx: NodeContext): Promise<Account> {
    const client = await openbmcClient(ctx);
    const password = args.password.reveal();
    client.addSecret(password);
    return guarded(ctx, args.user, async () => {
      await client.post(`${USERS}/action/CreateUser`, [args.user, GROUPS, PRIV[args.role], true]);
      try {
        await setPassword(client, ctx, args.user, password);
      } catch (e) {
        // An account nobody can log in to is not left behind.
        await client
          .post(`${USERS}/${encodeURIComponent(args.user)}/action/Delete`, [])
          .catch(() => undefined);
        throw e;
      }
      return readOne(client, args.user);
    });
  }

  async changeAccount(
    args: { user: string; role?: Role; enabled?: boolean; unlock?: boolean; password?: Secret },
    ctx: NodeContext,
  ): Promise<Account> {
    const client = await openbmcClient(ctx);
    const password = args.password?.reveal();
    if (password !== undefined) client.addSecret(password);
    const path = `${USERS}/${encodeURIComponent(args.user)}`;
    return guarded(ctx, args.user, async () => {
      const before = await readOne(client, args.user);
      if (args.role !== undefined && before.role !== args.role)
        await client.put(`${path}/attr/UserPrivilege`, PRIV[args.role]);
      if (args.enabled !== undefined && before.enabled !== args.enabled)
        await client.put(`${path}/attr/UserEnabled`, args.enabled);
      if (args.unlock && before.locked) await client.put(`${path}/attr/UserLockedForFailedAttempt`, false);
      if (password !== undefined) await setPassword(client, ctx, args.user, password);
      return readOne(client, args.user);
    });
  }

  async removeAccount(args: { user: string }, ctx: NodeContext): Promise<void> {
    const client = await openbmcClient(ctx);
    await guarded(ctx, args.user, () =>
      client.post(`${USERS}/${encodeURIComponent(args.user)}/action/Delete`, []),
    );
  }
}

const executor: AccountsExecutor = new OpenBmcAccountsExecutor();
export default executor;
