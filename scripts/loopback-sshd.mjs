/**
 * A real OpenSSH server on loopback for the service-node tests (test/hierarchy) and benchmark
 * (bench/hierarchy.mjs): its own config, host key, authorized key and free port, started with
 * `/usr/sbin/sshd -D`, stopped by the caller. Plus the client side: a key and an ssh config with one Host
 * alias per service node (all 127.0.0.1), the host key already known. Plain JavaScript so that the
 * benchmark, which is not compiled, runs the same server as the tests; types in loopback-sshd.d.mts.
 *
 * sshd missing is a failure with the install hint, not a skip: CI installs it (scripts/install-sshd.sh).
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * @param {readonly string[]} aliases
 * @returns {Promise<import('./loopback-sshd.d.mts').Sshd>}
 */
export async function startSshd(aliases) {
  if (!existsSync(SSHD)) {
    throw new Error(
      `${SSHD} is not installed: the service-node tests need OpenSSH's server. Run scripts/install-sshd.sh ` +
        '(apt-get install -y openssh-server); .ci/run does.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'sshd-'));
  const keygen = (/** @type {string} */ file) =>
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hwctl-test', '-f', file]);
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'id_ed25519'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'id_ed25519.pub')));
  const port = await freePort();
  // Privilege separation needs this directory (a package install creates it at boot only).
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const sshdConfig = join(dir, 'sshd_config');
  writeFileSync(
    sshdConfig,
    [
      `ListenAddress 127.0.0.1`,
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'MaxStartups 100',
      'MaxSessions 100',
      'LogLevel ERROR',
    ].join('\n') + '\n',
  );
  const hostKey = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`);
  const config = join(dir, 'ssh_config');
  writeFileSync(
    config,
    aliases
      .map((a) =>
        [
          `Host ${a}`,
          '  HostName 127.0.0.1',
          `  Port ${port}`,
          '  User root',
          `  IdentityFile ${join(dir, 'id_ed25519')}`,
          '  IdentitiesOnly yes',
          `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
          '  StrictHostKeyChecking yes',
          '  LogLevel ERROR',
        ].join('\n'),
      )
      .join('\n') + '\n',
  );
  // Its log to a file, not a pipe: each connection's sshd inherits it, and one outliving the test would
  // hold the pipe (and jest's worker) open.
  const logFile = join(dir, 'sshd.log');
  const logFd = openSync(logFile, 'w');
  const child = spawn(SSHD, ['-D', '-e', '-f', sshdConfig, '-p', String(port)], {
    stdio: ['ignore', 'ignore', logFd],
  });
  closeSync(logFd);
  const log = () => readFileSync(logFile, 'utf8');
  const stop = async () => {
    // A signal-killed sshd has a null exitCode too: its 'exit' has been and gone.
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready when it accepts a login; if it never does, nothing is left behind (process, keys, config).
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      const message = `sshd exited (${child.exitCode}): ${log()}`;
      await stop();
      throw new Error(message);
    }
    try {
      execFileSync('ssh', ['-F', config, '-o', 'BatchMode=yes', aliases[0], 'true'], { stdio: 'pipe' });
      break;
    } catch (e) {
      if (Date.now() > deadline) {
        const message = `sshd did not accept a login: ${String(e)} ${log()}`;
        await stop();
        throw new Error(message);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { port, dir, config, stop };
}
