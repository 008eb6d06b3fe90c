/**
 * sshcfg on Redfish. The standard way is the account's Keys collection (ManagerAccount.Keys, Redfish
 * 2023.1; a Key is `{KeyType: "SSH", KeyString}`): POST the key unless it is there, then read the
 * collection back. A BMC without it but running OpenBMC (bmcweb) takes the key over SSH as xCAT does; any
 * other is unsupported, with the reason (iDRAC and iLO keep SSH keys in Oem settings of their own).
 */
import { redfishClient, isRecord, type RedfishClient, type RedfishResource } from '../../bmc/index.js';
import { odataIdOf } from '../../bmc/redfish-topology.js';
import { sshAuthorizeKey } from '../../bmc/ssh.js';
import { NodeError } from '../../core/errors.js';
import { sshKeyIdentity } from '../../core/ssh-authorized-keys.js';
import type { NodeContext } from '../../engine/executor.js';
import type { SshcfgArgs, SshcfgExecutor } from '../../managers/rspconfig-sshcfg.js';
import { findAccount } from './accounts.js';
import { vendorOfManager, vendorOfRoot } from './quirks.js';

async function keyStrings(client: RedfishClient, keysPath: string): Promise<string[]> {
  const coll = await client.get(keysPath);
  const out: string[] = [];
  for (const m of Array.isArray(coll.Members) ? coll.Members : []) {
    const path = odataIdOf(m);
    const doc: RedfishResource | undefined =
      isRecord(m) && 'KeyString' in m ? (m as RedfishResource) : path ? await client.get(path) : undefined;
    if (doc && typeof doc.KeyString === 'string' && (doc.KeyType === undefined || doc.KeyType === 'SSH'))
      out.push(doc.KeyString);
  }
  return out;
}

async function isOpenBmc(client: RedfishClient): Promise<boolean> {
  const vendor = vendorOfRoot(client.root) ?? vendorOfManager(await client.manager().catch(() => ({})));
  return vendor?.id === 'openbmc';
}

class RedfishSshcfgExecutor implements SshcfgExecutor {
  readonly capability = 'sshcfg' as const;
  readonly flavor = 'redfish';

  async authorizeKey(args: SshcfgArgs, ctx: NodeContext): Promise<{ via: 'ssh' | 'redfish-keys' }> {
    const client = await redfishClient(ctx);
    const user = ctx.node.username ?? 'root';
    const account = await findAccount(client, user);
    const keysPath = odataIdOf(account.doc.Keys);
    if (keysPath) {
      const want = sshKeyIdentity(args.key.line);
      if (!(await keyStrings(client, keysPath)).some((k) => sshKeyIdentity(k) === want)) {
        await client.post(keysPath, { KeyType: 'SSH', KeyString: args.key.line });
        if (!(await keyStrings(client, keysPath)).some((k) => sshKeyIdentity(k) === want))
          throw new NodeError('failed', `the BMC accepted the key but ${keysPath} does not list it`);
      }
      return { via: 'redfish-keys' };
    }
    if (await isOpenBmc(client)) {
      await sshAuthorizeKey(ctx, args.key.line);
      return { via: 'ssh' };
    }
    throw new NodeError(
      'unsupported',
      `this BMC takes no SSH key over Redfish: account ${user} has no Keys collection (ManagerAccount.Keys, Redfish 2023.1) and the BMC is not an OpenBMC`,
    );
  }
}

export default new RedfishSshcfgExecutor();
