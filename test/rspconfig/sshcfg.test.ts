/**
 * rspconfig sshcfg: the key-append line on a real POSIX shell, the key file checks (before any BMC), and end
 * to end against simulated BMCs with an SSH side (`ssh: true`) on every kind: OpenBMC REST and bmcweb take
 * the key over SSH, and OpenSSH's own client then logs in with it; the other Redfish kinds say why not.
 * Host keys are pinned on first use; a changed one is refused. No SSH connection or session stays open.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTHORIZE_KEY_SCRIPT } from '../../src/core/ssh-authorized-keys.js';
import { loadPublicKey, parseSshcfgArgs } from '../../src/managers/rspconfig-sshcfg.js';
import { routeRspconfig } from '../../src/commands/rspconfig-groups.js';
import { resetKnownBmcsCache } from '../../src/bmc/known-bmcs.js';
import { startKindFleet, type KindFleet } from '../helpers/sim-harness.js';
import { rspconfig } from './config-harness.js';

/** OpenSSH's client, its status and output. */
function sshAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('ssh', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => child.kill(), 20_000);
    child.on('close', (status) => {
      clearTimeout(t);
      resolve({ status, stdout, stderr });
    });
  });
}

let tmp: string;
let pub: string;
let priv: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'hwctl-sshcfg-'));
  priv = join(tmp, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'admin@hwctl-test', '-f', priv]);
  pub = `${priv}.pub`;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the key-append line (core/ssh-authorized-keys.ts) on a real /bin/sh', () => {
  const run = (home: string, key: string) =>
    spawnSync('/bin/sh', ['-c', AUTHORIZE_KEY_SCRIPT], {
      input: `${key}\n`,
      env: { HOME: home, PATH: process.env.PATH },
    });

  it('creates ~/.ssh (0700) and authorized_keys (0600), appends once, prints the count', () => {
    const home = mkdtempSync(join(tmp, 'home-'));
    const key = readFileSync(pub, 'utf8').trim();
    const first = run(home, key);
    expect(first.status).toBe(0);
    expect(first.stdout.toString()).toBe('1\n');
    const again = run(home, key);
    expect(again.stdout.toString()).toBe('1\n');
    expect(readFileSync(join(home, '.ssh/authorized_keys'), 'utf8')).toBe(`${key}\n`);
    expect(statSync(join(home, '.ssh')).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, '.ssh/authorized_keys')).mode & 0o777).toBe(0o600);
    // another key goes after, the first stays
    const other = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 other@host';
    expect(run(home, other).stdout.toString()).toBe('1\n');
    expect(readFileSync(join(home, '.ssh/authorized_keys'), 'utf8')).toBe(`${key}\n${other}\n`);
  });
});

describe('sshcfg arguments and the key file, before any BMC', () => {
  it("sshcfg with anything else: xCAT's message, wherever it stands", async () => {
    for (const words of [
      ['sshcfg', 'ip'],
      ['ip', 'sshcfg'],
      ['sshcfg', 'x'],
    ])
      expect(() => routeRspconfig(words)).toThrow('Configure sshcfg must be issued without other options.');
    expect(routeRspconfig(['sshcfg']).name).toBe('sshcfg');
  });

  it('reads the given public key: type and OpenSSH fingerprint as ssh-keygen -l prints it', () => {
    const k = loadPublicKey(pub);
    expect(k.type).toBe('ssh-ed25519');
    const keygen = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pub], { encoding: 'utf8' });
    expect(keygen).toContain(k.fingerprint);
    expect(parseSshcfgArgs(['sshcfg'], { sshKey: pub }).key.line).toBe(readFileSync(pub, 'utf8').trim());
  });

  it("defaults: xCAT's id_rsa.pub first, then id_ed25519.pub; none: says which files and how to make one", () => {
    const home = mkdtempSync(join(tmp, 'home-'));
    expect(() => loadPublicKey(undefined, home)).toThrow(
      /no SSH public key found \(.*\.ssh\/id_rsa\.pub, .*id_ed25519\.pub, .*id_ecdsa\.pub\): create one with ssh-keygen, or give --ssh-key FILE/,
    );
    execFileSync('mkdir', ['-p', join(home, '.ssh')]);
    writeFileSync(join(home, '.ssh/id_ed25519.pub'), readFileSync(pub));
    expect(loadPublicKey(undefined, home).file).toBe(join(home, '.ssh/id_ed25519.pub'));
    writeFileSync(join(home, '.ssh/id_rsa.pub'), 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 me@x\n');
    expect(loadPublicKey(undefined, home).file).toBe(join(home, '.ssh/id_rsa.pub'));
  });

  it('refuses a private key without printing it, and anything that is not one public key line', () => {
    let message = '';
    try {
      loadPublicKey(priv);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(`sshcfg: ${priv} is a private key; give its .pub file`);
    const bad = join(tmp, 'bad.pub');
    writeFileSync(bad, 'hello world\n');
    expect(() => loadPublicKey(bad)).toThrow(/is not an OpenSSH public key/);
    writeFileSync(bad, `${readFileSync(pub, 'utf8')}${readFileSync(pub, 'utf8')}`);
    expect(() => loadPublicKey(bad)).toThrow(/must hold exactly one public key line \(found 2\)/);
    expect(() => loadPublicKey(join(tmp, 'missing.pub'))).toThrow(/cannot read the public key file/);
  });
});

describe('rspconfig sshcfg against simulated BMCs with SSH', () => {
  let f: KindFleet;
  let pins: string;
  const home = process.env.HOME;
  beforeAll(async () => {
    f = await startKindFleet({ ssh: true });
    pins = join(tmp, 'known_bmcs');
    // the default key (xCAT's ~/.ssh/id_rsa.pub) is looked up under HOME
    process.env.HOME = tmp;
    execFileSync('mkdir', ['-p', join(tmp, '.ssh')]);
    writeFileSync(join(tmp, '.ssh/id_rsa.pub'), readFileSync(pub));
  });
  afterAll(async () => {
    process.env.HOME = home;
    await f?.sim.stop();
  });
  afterEach(async () => {
    expect(f.sim.stats().openSessions).toBe(0);
    // hwctl waits for its side of each SSH connection to close; the BMC's side sees it a moment later
    for (let i = 0; i < 100 && f.sim.sshConnections() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(f.sim.sshConnections()).toBe(0);
  });
  const run = (nodes: string, o: { debug?: boolean; insecure?: boolean; output?: 'json' | 'text' } = {}) =>
    rspconfig(f.sim.inventory, nodes, ['sshcfg'], {
      output: o.output ?? 'json',
      extra: {
        knownBmcs: pins,
        ...(o.debug ? { debug: true } : {}),
        ...(o.insecure ? { insecure: true } : {}),
      },
    });
  const sshPort = (node: string) => f.sim.nodes.find((n) => n.name === node)!.sshPort!;
  // Asynchronous: the simulator answers from this very process, so a synchronous spawn would starve it.
  const sshLogin = (node: string, command: string) =>
    sshAsync([
      ...['-i', priv, '-p', String(sshPort(node)), '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes'],
      ...['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'],
      ...['-o', 'ConnectTimeout=10', 'root@127.0.0.1', command],
    ]);

  it('OpenBMC REST and bmcweb: the key lands in the user’s authorized_keys; OpenSSH logs in with it', async () => {
    const ok = [f.node['openbmc-rest'], f.node.bmcweb];
    for (const n of ok) expect((await sshLogin(n, 'hostname')).status).toBe(255); // no key yet: refused
    const r = await run(ok.join(','), { output: 'text' });
    expect(r.code).toBe(0);
    for (const n of ok) expect(r.lines.get(n)).toEqual(['ssh keys copied to 127.0.0.1']);
    const line = readFileSync(pub, 'utf8').trim();
    for (const n of ok) {
      expect(f.sim.machine(n).authorizedKeys('root')).toEqual([line]);
      const login = await sshLogin(n, 'hostname');
      expect(login.stderr).toBe('');
      expect(login.status).toBe(0);
      expect(login.stdout).toBe(`${f.sim.machine(n).network.state.hostName}\n`);
    }
    // the host keys were pinned on first use, one line per BMC
    const pinned = readFileSync(`${pins}_ssh`, 'utf8');
    expect(pinned).toMatch(/^# hwctl known BMC SSH host keys \(rspconfig sshcfg\)/);
    for (const n of ok) expect(pinned).toContain(`127.0.0.1:${sshPort(n)} `);
  });

  it('a second run adds nothing; generic Redfish takes it into ManagerAccount.Keys; iDRAC and iLO say why not', async () => {
    const r = await run('all');
    expect(r.code).toBe(1);
    for (const n of [f.node['openbmc-rest'], f.node.bmcweb]) {
      expect(r.values.get(n)).toMatchObject({
        key: 'sshcfg',
        via: 'ssh',
        keyType: 'ssh-ed25519',
        bmc: '127.0.0.1',
      });
      expect(f.sim.machine(n).authorizedKeys('root')).toHaveLength(1);
    }
    // The standard Keys collection: POSTed over Redfish, and the BMC's SSH side then lets OpenSSH in with it.
    expect(r.values.get(f.node.generic)).toMatchObject({ via: 'redfish-keys' });
    expect(f.sim.machine(f.node.generic).authorizedKeys('root')).toEqual([readFileSync(pub, 'utf8').trim()]);
    const login = await sshLogin(f.node.generic, 'hostname');
    expect(login.status).toBe(0);
    for (const n of [f.node.idrac, f.node.ilo]) {
      const res = r.json!.results.find((x) => x.node === n)!;
      expect(res.error).toEqual({
        kind: 'unsupported',
        message:
          'this BMC takes no SSH key over Redfish: account root has no Keys collection (ManagerAccount.Keys, Redfish 2023.1) and the BMC is not an OpenBMC',
      });
    }
    // once more: nothing added anywhere
    expect((await run(f.node.generic)).code).toBe(0);
    expect(f.sim.machine(f.node.generic).authorizedKeys('root')).toHaveLength(1);
  });

  it('a changed host key is refused (and named); --insecure skips the check', async () => {
    const n = f.node['openbmc-rest'];
    const text = readFileSync(`${pins}_ssh`, 'utf8');
    writeFileSync(
      `${pins}_ssh`,
      text.replace(new RegExp(`(127\\.0\\.0\\.1:${sshPort(n)} )(\\S+)`), '$1AA:BB'),
    );
    resetKnownBmcsCache();
    try {
      const r = await run(n);
      expect(r.code).toBe(1);
      expect(r.json!.results[0]!.error).toMatchObject({
        kind: 'tls',
        message: expect.stringMatching(
          new RegExp(
            `^the SSH host key of 127\\.0\\.0\\.1:${sshPort(n)} changed \\(pinned SHA256 AA:BB, now [0-9A-F:]+\\); if the BMC was re-keyed, delete its line from .*known_bmcs_ssh$`,
          ),
        ),
      });
      expect((await run(n, { insecure: true })).code).toBe(0);
    } finally {
      writeFileSync(`${pins}_ssh`, text);
      resetKnownBmcsCache();
    }
  });

  it('a rebooting BMC fails as unreachable, a refused password as auth; one node never stops another', async () => {
    const rest = f.node['openbmc-rest'];
    const web = f.node.bmcweb;
    f.sim.machine(rest).bmcReboot(60_000);
    try {
      const r = await run(`${rest},${web}`);
      expect(r.json!.results.find((x) => x.node === rest)!.error!.kind).toBe('unreachable');
      expect(r.values.get(web)).toMatchObject({ via: 'ssh' });
    } finally {
      f.sim.machine(rest).bmcReboot(1);
    }
    await new Promise((res) => setTimeout(res, 30));
    const password = readFileSync(f.sim.passwordFile, 'utf8').trim();
    f.sim.machine(rest).setPassword('root', 'Different#Pass1');
    try {
      const r = await run(rest);
      expect(r.json!.results[0]!.error).toEqual({
        kind: 'auth',
        message: expect.stringMatching(/SSH authentication failed/),
      });
    } finally {
      f.sim.machine(rest).setPassword('root', password);
    }
    expect((await run(rest)).code).toBe(0);
  });

  it('--debug shows the SSH step, never the password', async () => {
    const password = readFileSync(f.sim.passwordFile, 'utf8').trim();
    const r = await run(f.node['openbmc-rest'], { debug: true, output: 'text' });
    expect(r.code).toBe(0);
    const all = r.writes.map((w) => w.text).join('');
    expect(all).toMatch(/ssh root@127\.0\.0\.1:\d+: umask\.\.\./);
    expect(all).not.toContain(password);
  });
});
