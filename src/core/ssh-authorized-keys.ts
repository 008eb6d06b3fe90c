/**
 * What `rspconfig sshcfg` runs on a BMC over SSH (xCAT copies ~/.ssh/id_rsa.pub and a helper script that
 * appends it to the BMC user's authorized_keys; reference §2.8). One POSIX shell line that BusyBox ash and
 * dropbear (OpenBMC's shell and SSH server) run as they are: the key arrives on standard input (no quoting
 * of key text into a command line), is appended only when absent (running sshcfg twice adds it once), and
 * the line count printed at the end is the read-back: `1` means the key is there exactly once.
 *
 * It lives in core because both sides speak it: hwctl's client sends it and the simulator's BMC shell
 * (src/sim/ssh.ts) answers it, as a real BMC's shell would.
 */
import { createHash } from 'node:crypto';

export const AUTHORIZE_KEY_SCRIPT =
  'umask 077 && mkdir -p ~/.ssh && touch ~/.ssh/authorized_keys && k=$(cat) && ' +
  '{ grep -qxF "$k" ~/.ssh/authorized_keys || printf \'%s\\n\' "$k" >> ~/.ssh/authorized_keys; } && ' +
  'grep -cxF "$k" ~/.ssh/authorized_keys';

/** A public key line as authorized_keys holds it: `<type> <base64> [comment]`, checked loosely. */
export const PUBLIC_KEY_LINE =
  /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9@.-]+) [A-Za-z0-9+/]+={0,3}( .*)?$/;

/** A key's identity, `<type> <base64>`: the same key may carry another comment (or none) elsewhere. */
export function sshKeyIdentity(line: string): string {
  return line.trim().split(/\s+/).slice(0, 2).join(' ');
}

/** OpenSSH's `SHA256:…` fingerprint of a public key line (what `ssh-keygen -lf` prints). */
export function sshKeyFingerprint(line: string): string {
  const b64 = line.trim().split(/\s+/)[1] ?? '';
  return `SHA256:${createHash('sha256').update(Buffer.from(b64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}
