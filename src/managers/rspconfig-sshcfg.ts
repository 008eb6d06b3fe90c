/**
 * rspconfig's `sshcfg` key (the 'sshcfg' capability): put the admin's SSH public key on the BMC so that
 * `ssh root@bmc` works without a password (xCAT §1.9: `node: ssh keys copied to <bmcip>`).
 *
 * xCAT copies `~/.ssh/id_rsa.pub`; hwctl takes `--ssh-key FILE`, else the first of ~/.ssh/id_rsa.pub,
 * id_ed25519.pub, id_ecdsa.pub. The key file is read and checked before any BMC is touched: a private key
 * given by mistake is refused without its text ever leaving this process.
 *
 * How the key gets there is the flavor's: OpenBMC appends it to the user's authorized_keys over SSH (as
 * xCAT does); a Redfish BMC takes it into the account's Keys collection where it has one (Redfish
 * 2023.1 ManagerAccount.Keys), else over SSH when it is an OpenBMC, else the node is unsupported. Either
 * way the key is read back before the node reports success.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HwctlUsageError } from '../core/errors.js';
import { PUBLIC_KEY_LINE, sshKeyFingerprint } from '../core/ssh-authorized-keys.js';
import { clip } from '../core/text.js';
import type { RspconfigGroupModule } from '../commands/rspconfig-groups.js';
import type { NodeDef } from '../core/types.js';
import type { Executor, NodeContext } from '../engine/executor.js';
import type { RunRequest } from '../engine/run.js';
import type { ResultView } from '../output/view.js';
import { requireOps } from './executor-ops.js';

export interface SshKey {
  /** The authorized_keys line: `<type> <base64> [comment]`. */
  line: string;
  type: string;
  /** OpenSSH's `SHA256:...` fingerprint of the key (what `ssh-keygen -lf` prints). */
  fingerprint: string;
  file: string;
}

export interface SshcfgArgs {
  key: SshKey;
}

export interface SshcfgExecutor extends Executor {
  /** Install the key for the inventory's BMC user and read it back; how it got there, for the result. */
  authorizeKey(args: SshcfgArgs, ctx: NodeContext): Promise<{ via: 'ssh' | 'redfish-keys' }>;
}

export interface SshcfgResult {
  /** The BMC's host, as xCAT names it in its line. */
  bmc: string;
  via: 'ssh' | 'redfish-keys';
  keyType: string;
  fingerprint: string;
}

/** xCAT's key first, then the types ssh-keygen makes today. */
export const DEFAULT_KEY_FILES = ['id_rsa.pub', 'id_ed25519.pub', 'id_ecdsa.pub'];

function usage(m: string): never {
  throw new HwctlUsageError(m);
}

/** The public key to copy: `--ssh-key FILE` or the first default that exists; checked here. */
export function loadPublicKey(file: string | undefined, home = process.env.HOME || homedir()): SshKey {
  const candidates = file !== undefined ? [file] : DEFAULT_KEY_FILES.map((f) => join(home, '.ssh', f));
  const path = candidates.find((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
  if (path === undefined)
    usage(
      file !== undefined
        ? `sshcfg: cannot read the public key file ${file}`
        : `sshcfg: no SSH public key found (${candidates.join(', ')}): create one with ssh-keygen, or give --ssh-key FILE`,
    );
  if (statSync(path).size > 16 * 1024) usage(`sshcfg: ${path} is too large to be a public key`);
  const text = readFileSync(path, 'utf8');
  // Never echo a private key: say what it is and stop.
  if (/PRIVATE KEY/.test(text)) usage(`sshcfg: ${path} is a private key; give its .pub file`);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (lines.length !== 1)
    usage(`sshcfg: ${path} must hold exactly one public key line (found ${lines.length})`);
  const line = lines[0]!.trim();
  if (!PUBLIC_KEY_LINE.test(line))
    usage(`sshcfg: ${path} is not an OpenSSH public key (${clip(line.split(' ')[0] ?? '', 30)}...)`);
  const type = line.split(' ')[0]!;
  return { line, type, fingerprint: sshKeyFingerprint(line), file: path };
}

export function parseSshcfgArgs(words: readonly string[], options: { sshKey?: string } = {}): SshcfgArgs {
  if (words.length !== 1 || words[0] !== 'sshcfg')
    usage('Configure sshcfg must be issued without other options.');
  return { key: loadPublicKey(options.sshKey) };
}

const bmcHost = (node: NodeDef): string => new URL(node.bmc).hostname.replace(/^\[|\]$/g, '');

export const sshcfgView: ResultView<SshcfgResult> = {
  text: (r) => [`ssh keys copied to ${r.bmc}`],
  columns: [
    { header: 'BMC', value: (r) => r.bmc },
    { header: 'KEY', value: (r) => `${r.keyType} ${r.fingerprint}` },
    { header: 'VIA', value: (r) => r.via },
  ],
  json: (r) => ({ key: 'sshcfg', bmc: r.bmc, via: r.via, keyType: r.keyType, fingerprint: r.fingerprint }),
};

export function sshcfgRequest(
  nodes: readonly NodeDef[],
  args: SshcfgArgs,
): RunRequest<SshcfgArgs, SshcfgResult> {
  return {
    capability: 'sshcfg',
    op: 'sshcfg',
    args,
    nodes,
    perNode: async (executor, ctx) => {
      const ex = requireOps<SshcfgExecutor>(executor, 'sshcfg', ['authorizeKey']);
      const { via } = await ex.authorizeKey(args, ctx);
      return { bmc: bmcHost(ctx.node), via, keyType: args.key.type, fingerprint: args.key.fingerprint };
    },
  };
}

/** rspconfig's `sshcfg` group (src/commands/rspconfig-groups.ts declares --ssh-key). */
export const sshcfgGroup: RspconfigGroupModule<SshcfgArgs, SshcfgResult> = {
  parse: (words, o) =>
    parseSshcfgArgs(words, typeof o['ssh-key'] === 'string' ? { sshKey: o['ssh-key'] } : {}),
  request: sshcfgRequest,
  view: sshcfgView,
  timeoutMs: 60_000,
  effect: () => 'change',
};
