/**
 * sshcfg on OpenBMC: not REST. The key is appended to the BMC user's authorized_keys over SSH, as xCAT
 * does with paramiko (reference §2.8), and read back.
 */
import { sshAuthorizeKey } from '../../bmc/ssh.js';
import type { NodeContext } from '../../engine/executor.js';
import type { SshcfgArgs, SshcfgExecutor } from '../../managers/rspconfig-sshcfg.js';

class OpenBmcSshcfgExecutor implements SshcfgExecutor {
  readonly capability = 'sshcfg' as const;
  readonly flavor = 'openbmc';

  async authorizeKey(args: SshcfgArgs, ctx: NodeContext): Promise<{ via: 'ssh' }> {
    await sshAuthorizeKey(ctx, args.key.line);
    return { via: 'ssh' };
  }
}

export default new OpenBmcSshcfgExecutor();
