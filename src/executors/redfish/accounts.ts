/**
 * User accounts on Redfish: AccountService → Accounts (ManagerAccount: UserName, RoleId, Enabled, Locked).
 * Create is a POST to the collection, changes a PATCH of the account (If-Match from its ETag), removal a
 * DELETE. Every set reads the account back. The new password is masked in every debug line and error
 * before it is sent; when it is the password hwctl logs in with, the client uses it from then on (bmcweb
 * keeps the session that made the change, a re-login or Basic auth needs the new one).
 */
import { odataIdOf } from '../../bmc/redfish-topology.js';
import { NodeError, isNodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { redfishClient, isRecord, type RedfishClient, type RedfishResource } from '../../bmc/index.js';
import type { Account, AccountsExecutor, Role, Secret } from '../../managers/rspconfig-accounts.js';

const DEFAULT_ACCOUNT_SERVICE = '/redfish/v1/AccountService';

async function accountsPath(client: RedfishClient): Promise<string> {
  const servicePath = odataIdOf(client.root.AccountService) ?? DEFAULT_ACCOUNT_SERVICE;
  let service: RedfishResource;
  try {
    service = await client.get(servicePath);
  } catch (e) {
    if (isNodeError(e) && (e.status === 404 || e.status === 405))
      throw new NodeError(
        'unsupported',
        `This BMC has no AccountService (${servicePath} answered ${e.status})`,
      );
    throw e;
  }
  const accounts = odataIdOf(service.Accounts);
  if (!accounts) throw new NodeError('unsupported', `${servicePath} has no Accounts collection`);
  return accounts;
}

function accountOf(doc: RedfishResource): Account {
  return {
    user: typeof doc.UserName === 'string' ? doc.UserName : (doc.Id ?? '?'),
    role: typeof doc.RoleId === 'string' ? doc.RoleId : 'unknown',
    enabled: doc.Enabled !== false,
    locked: doc.Locked === true,
  };
}

async function readAll(client: RedfishClient): Promise<Array<{ path: string; doc: RedfishResource }>> {
  const coll = await client.get(await accountsPath(client));
  const out: Array<{ path: string; doc: RedfishResource }> = [];
  for (const m of Array.isArray(coll.Members) ? coll.Members : []) {
    const path = odataIdOf(m);
    if (!path) continue;
    // Members inlined by the BMC ($expand-like) carry UserName already.
    const doc = isRecord(m) && 'UserName' in m ? (m as RedfishResource) : await client.get(path);
    out.push({ path, doc });
  }
  return out;
}

/** The account named `user` (its path and resource); fails the node when there is none. */
export async function findAccount(
  client: RedfishClient,
  user: string,
): Promise<{ path: string; doc: RedfishResource }> {
  const hit = (await readAll(client)).find((a) => accountOf(a.doc).user === user);
  if (!hit) throw new NodeError('failed', `No user account named ${user} on this BMC`);
  return hit;
}

/** A refusal of the new password (policy) says so; the BMC's message is already masked. */
function passwordRefused(e: unknown): unknown {
  if (isNodeError(e) && e.status === 400 && /password/i.test(e.message))
    return new NodeError('failed', `the BMC refused the new password: ${e.message}`, 400);
  return e;
}

class RedfishAccountsExecutor implements AccountsExecutor {
  readonly capability = 'accounts' as const;
  readonly flavor = 'redfish';

  async listAccounts(_args: undefined, ctx: NodeContext): Promise<Account[]> {
    const client = await redfishClient(ctx);
    return (await readAll(client)).map((a) => accountOf(a.doc));
  }

  async setPassword(args: { user: string; password: Secret }, ctx: NodeContext): Promise<Account> {
    return this.changeAccount(args, ctx);
  }

  async addAccount(args: { user: string; role: Role; password: Secret }, ctx: NodeContext): Promise<Account> {
    const client = await redfishClient(ctx);
    const password = args.password.reveal();
    client.addSecret(password);
    const path = await accountsPath(client);
    let res;
    try {
      res = await client.post(path, {
        UserName: args.user,
        Password: password,
        RoleId: args.role,
        Enabled: true,
      });
    } catch (e) {
      throw passwordRefused(e);
    }
    const created = res.location ?? odataIdOf(res.body);
    return accountOf(created ? await client.get(created) : (await findAccount(client, args.user)).doc);
  }

  async changeAccount(
    args: { user: string; role?: Role; enabled?: boolean; unlock?: boolean; password?: Secret },
    ctx: NodeContext,
  ): Promise<Account> {
    const client = await redfishClient(ctx);
    const password = args.password?.reveal();
    if (password !== undefined) client.addSecret(password);
    const { path, doc } = await findAccount(client, args.user);
    const body: Record<string, unknown> = {};
    if (password !== undefined) body.Password = password;
    if (args.role !== undefined && doc.RoleId !== args.role) body.RoleId = args.role;
    if (args.enabled !== undefined && doc.Enabled !== args.enabled) body.Enabled = args.enabled;
    if (args.unlock && doc.Locked === true) body.Locked = false;
    if (Object.keys(body).length === 0) return accountOf(doc);
    try {
      await client.patch(path, body, doc['@odata.etag'] ? { etag: doc['@odata.etag'] } : {});
    } catch (e) {
      throw passwordRefused(e);
    }
    if (password !== undefined && args.user === ctx.node.username) client.updatePassword(password);
    return accountOf(await client.get(path));
  }

  async removeAccount(args: { user: string }, ctx: NodeContext): Promise<void> {
    const client = await redfishClient(ctx);
    const { path } = await findAccount(client, args.user);
    await client.delete(path);
  }
}

const executor: AccountsExecutor = new RedfishAccountsExecutor();
export default executor;
