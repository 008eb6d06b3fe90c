/**
 * The ssh command line for one service node: OpenSSH's own client, so the user's ~/.ssh/config, keys,
 * agent, known_hosts and jump hosts all apply. The inventory's `ssh:` arguments come first: ssh keeps the
 * first value it sees of an option, so they override hwctl's defaults below (and the defaults override
 * ~/.ssh/config, which ssh reads after the command line).
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stateDir } from '../core/state.js';
import { shellQuote } from '../core/text.js';
import type { ServiceNodeDef } from '../inventory/servicenodes.js';

/**
 * Where the ControlMaster sockets live: hwctl's state directory. A Unix socket path has at most 107
 * bytes and ssh adds 17 while it binds, so a deep state directory falls back to a private one in /tmp.
 */
export function controlDir(env: NodeJS.ProcessEnv = process.env): string {
  const preferred = join(stateDir(env), 'ssh');
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const dir =
    preferred.length + '/cm-'.length + 40 + 17 <= 107 ? preferred : join(tmpdir(), `hwctl-ssh-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/**
 * hwctl's defaults: never prompt (stdin carries the protocol), give up on an unreachable host in 10 s,
 * notice a dead connection within a minute, and share one connection per service node between runs
 * (ControlMaster; the master stays 60 s after the last run).
 */
export function defaultSshOptions(control: string): string[] {
  return [
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=10',
    '-o', 'ServerAliveInterval=15',
    '-o', 'ServerAliveCountMax=4',
    '-o', 'ControlMaster=auto',
    '-o', `ControlPath=${join(control, 'cm-%C')}`,
    '-o', 'ControlPersist=60',
  ]; // prettier-ignore
}

/** `ssh` and its arguments to run `remote` (hwctl's words) on `sn`. */
export function sshCommand(sn: ServiceNodeDef, remote: readonly string[], control: string): string[] {
  return [
    ...sn.ssh,
    ...(sn.config ? ['-F', sn.config] : []),
    ...defaultSshOptions(control),
    '-T',
    '--',
    sn.host,
    // `hwctl:` is the inventory's own shell text (`sudo -n hwctl`, `env X=1 /opt/hwctl/bin/hwctl`): as written.
    [sn.hwctl, ...remote.map(shellQuote)].join(' '),
  ];
}
