/**
 * One command on a BMC over SSH, for what a BMC offers only there (`rspconfig sshcfg`: xCAT copies the
 * admin's public key with paramiko, reference §2.8). In-process SSH (the ssh2 library) rather than
 * OpenSSH's client: the BMC password is used from memory (OpenSSH takes a password only from a terminal
 * or an askpass program), and a fleet's worth of logins costs no process each.
 *
 * Host keys are trusted as `tls: pin` trusts certificates: pinned on first use in `<known_bmcs>_ssh`
 * (same format and locking as known_bmcs), and a changed key is refused. `tls: insecure` (or
 * `--insecure`) skips the check, as it skips certificate checks.
 *
 * The connection is closed on every path: answer, error, deadline and interruption (ctx.signal).
 */
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import { NodeError } from '../core/errors.js';
import { AUTHORIZE_KEY_SCRIPT } from '../core/ssh-authorized-keys.js';
import { clip } from '../core/text.js';
import type { NodeContext } from '../engine/executor.js';
import { knownBmcs } from './known-bmcs.js';
import { resolveSettings } from './options.js';

const { Client } = ssh2;

export interface SshExecResult {
  stdout: string;
  stderr: string;
  /** Exit status; undefined when the BMC ended the channel without one (a signal). */
  code: number | undefined;
}

/** Where a node's BMC answers SSH: the BMC's host, port `attrs.sshport` (default 22). */
export function sshTarget(ctx: NodeContext): { host: string; port: number } {
  // SSH goes straight to the BMC: a node reached through a proxy, a local agent or a service node
  // (docs/plugins.md) may not be reachable that way, and must not be tried behind the admin's back.
  const via = ctx.node.transport?.name;
  if (via !== undefined && via !== 'https')
    throw new NodeError(
      'unsupported',
      `SSH to the BMC goes direct, and this node is reached through transport '${via}'`,
    );
  const url = new URL(ctx.node.bmc);
  const raw = ctx.node.attrs.sshport;
  const port = raw === undefined ? 22 : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new NodeError('failed', `attrs.sshport is not a port number: ${raw}`);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

/** The host key's SHA-256, colon hex (the pin store's form). */
export function hostKeyFingerprint(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').toUpperCase().match(/.{2}/g)!.join(':');
}

const SSH_PINS_HEADER =
  '# hwctl known BMC SSH host keys (rspconfig sshcfg). Format: <host:port> <SHA-256 of the host key> [nodes]\n' +
  '# Pinned on first use; a changed key is refused. Delete a line to forget a BMC.\n';

/** Output kept per stream: a BMC's answer to these commands is a few lines. */
const MAX_OUTPUT = 256 * 1024;

/**
 * Run `command` on the node's BMC as its inventory user with its password, `stdin` as its standard input.
 * Fails with a NodeError that says what went wrong (refused, auth, host key, timeout).
 */
export async function sshExec(ctx: NodeContext, command: string, stdin = ''): Promise<SshExecResult> {
  const { host, port } = sshTarget(ctx);
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const settings = resolveSettings(ctx.node, ctx.services.options);
  const username = ctx.node.username ?? 'root';
  if (ctx.password === undefined)
    throw new NodeError('auth', 'no password for the BMC user (inventory password:)');
  const pins =
    settings.tlsMode === 'insecure' ? undefined : knownBmcs(`${settings.knownBmcs}_ssh`, SSH_PINS_HEADER);
  let keyProblem: NodeError | undefined;
  ctx.signal.throwIfAborted();

  const client = new Client();
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  const abort = () => client.destroy();
  ctx.signal.addEventListener('abort', abort, { once: true });
  ctx.services.debug?.(ctx.node.name, `ssh ${username}@${where}: ${command.split(' ')[0]}...`);
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', (e: Error & { level?: string; code?: string }) =>
        reject(connectError(e, where, keyProblem)),
      );
      client.once('close', () =>
        reject(connectError(ctx.signal.reason ?? new Error('connection closed'), where, keyProblem)),
      );
      client.connect({
        host,
        port,
        username,
        password: ctx.password,
        tryKeyboard: false,
        readyTimeout: settings.connectMs + settings.loginMs,
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          if (!pins) return verify(true);
          const fp = hostKeyFingerprint(key);
          pins.pinFirstUse(where, fp, ctx.node.name).then(
            ({ pinned }) => {
              if (pinned !== fp)
                keyProblem = new NodeError(
                  'tls',
                  `the SSH host key of ${where} changed (pinned SHA256 ${pinned}, now ${fp}); if the BMC was re-keyed, delete its line from ${pins.file}`,
                );
              verify(pinned === fp);
            },
            (e: unknown) => {
              keyProblem = new NodeError('failed', `cannot record the SSH host key: ${(e as Error).message}`);
              verify(false);
            },
          );
        },
      });
    });
    ctx.signal.throwIfAborted();
    return await new Promise<SshExecResult>((resolve, reject) => {
      client.exec(command, (err, channel: ClientChannel) => {
        if (err) return reject(new NodeError('failed', `ssh ${where}: ${err.message}`));
        let stdout = '';
        let stderr = '';
        let code: number | undefined;
        channel.on('data', (d: Buffer) => {
          if (stdout.length < MAX_OUTPUT) stdout += d.toString('utf8');
        });
        channel.stderr.on('data', (d: Buffer) => {
          if (stderr.length < MAX_OUTPUT) stderr += d.toString('utf8');
        });
        channel.on('exit', (c: number | null) => (code = c ?? undefined));
        channel.on('close', () => resolve({ stdout, stderr, code }));
        channel.end(stdin);
      });
      client.once('close', () =>
        reject(connectError(ctx.signal.reason ?? new Error('connection closed'), where, keyProblem)),
      );
    });
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    client.end();
    // Wait for the socket to go (bounded: a BMC that never answers the close is dropped).
    const t = setTimeout(() => client.destroy(), settings.logoutMs);
    await closed;
    clearTimeout(t);
  }
}

function connectError(e: unknown, where: string, keyProblem: NodeError | undefined): NodeError {
  if (keyProblem) return keyProblem;
  if (e instanceof NodeError) return e;
  const err = e as Error & { level?: string; code?: string };
  if (err.name === 'AbortError' || err.name === 'TimeoutError')
    return new NodeError('timeout', `ssh ${where}: ${err.message}`);
  if (err.level === 'client-authentication')
    return new NodeError(
      'auth',
      `ssh ${where}: the BMC refused the user's password (SSH authentication failed)`,
    );
  if (err.level === 'client-timeout' || /Timed out/.test(err.message))
    return new NodeError('timeout', `ssh ${where}: no SSH answer in time`);
  if (err.code === 'ECONNREFUSED')
    return new NodeError('unreachable', `ssh ${where}: connection refused (is SSH enabled on the BMC?)`);
  return new NodeError('unreachable', `ssh ${where}: ${err.message}`);
}

/**
 * Append `keyLine` to the BMC user's authorized_keys over SSH (core/ssh-authorized-keys.ts) and check
 * the read-back the script prints: the key must be there exactly once.
 */
export async function sshAuthorizeKey(ctx: NodeContext, keyLine: string): Promise<void> {
  const r = await sshExec(ctx, AUTHORIZE_KEY_SCRIPT, `${keyLine}\n`);
  if (r.code !== 0) {
    const why = r.stderr.trim().split('\n').pop() || `exit status ${r.code ?? 'none'}`;
    throw new NodeError('failed', `the BMC's shell could not add the key: ${clip(why, 200)}`);
  }
  const count = Number(r.stdout.trim());
  if (count !== 1)
    throw new NodeError(
      'failed',
      `the key is in the BMC's authorized_keys ${Number.isFinite(count) ? `${count} times` : 'an unknown number of times'} after the copy (read back: ${clip(r.stdout.trim(), 40)})`,
    );
}
