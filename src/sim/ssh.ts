/**
 * A virtual BMC's SSH side (`hwctl sim --ssh`): what dropbear and BusyBox's shell are on an OpenBMC, for
 * the one job hwctl needs them for, `rspconfig sshcfg` (xCAT copies the admin's public key into the BMC
 * user's authorized_keys over SSH; reference §2.8).
 *
 * Real SSH on the wire (the ssh2 library, the same protocol OpenSSH's client speaks), logins against the
 * machine's accounts: a password, or a public key the account's authorized_keys holds, verified by
 * signature. So a test can prove sshcfg worked the way an admin would: `ssh -i key root@bmc` gets in.
 *
 * The shell is not a shell: it answers the few commands a BMC user runs through hwctl (the key-append line
 * of core/ssh-authorized-keys.ts, `cat ~/.ssh/authorized_keys`, `hostname`, `true`) and says `not found`
 * (exit 127) to anything else, as a shell does to a program it does not have. A BMC that is rebooting
 * refuses SSH as it refuses HTTPS.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import type { AuthContext, Connection, ParsedKey, ServerChannel } from 'ssh2';
import { AUTHORIZE_KEY_SCRIPT } from '../core/ssh-authorized-keys.js';
import type { SimMachine } from './machine.js';

const { Server, utils } = ssh2;

export interface SimSshOptions {
  machine: SimMachine;
  /** One host key (OpenSSH private key text) for the fleet: generating one per BMC costs for nothing. */
  hostKey: string;
  listen: string;
  /** Candidate ports, tried until one binds (the fleet's port walker); 0 = the kernel's choice. */
  nextPort?: () => number;
}

/** A generated ed25519 host key in OpenSSH format. */
export function generateHostKey(): string {
  return utils.generateKeyPairSync('ed25519').private;
}

export interface ShellAnswer {
  stdout: string;
  stderr: string;
  code: number;
}

/** What the BMC's shell answers to `command` with `stdin`, run as `user`. */
export function bmcShell(machine: SimMachine, user: string, command: string, stdin: string): ShellAnswer {
  const home = user === 'root' ? '/home/root' : `/home/${user}`;
  const cmd = command.trim();
  if (cmd === AUTHORIZE_KEY_SCRIPT) {
    const key = stdin.replace(/\n+$/, ''); // $(cat) drops trailing newlines
    machine.authorizeKey(user, key);
    const count = machine.authorizedKeys(user).filter((l) => l === key).length;
    return { stdout: `${count}\n`, stderr: '', code: 0 };
  }
  if (cmd === 'cat ~/.ssh/authorized_keys') {
    const keys = machine.authorizedKeys(user);
    if (keys.length === 0)
      return {
        stdout: '',
        stderr: `cat: can't open '${home}/.ssh/authorized_keys': No such file or directory\n`,
        code: 1,
      };
    return { stdout: keys.map((k) => `${k}\n`).join(''), stderr: '', code: 0 };
  }
  if (cmd === 'hostname') return { stdout: `${machine.network.state.hostName}\n`, stderr: '', code: 0 };
  if (cmd === 'true' || cmd === '') return { stdout: '', stderr: '', code: 0 };
  const word = cmd.split(/\s+/)[0] ?? cmd;
  return { stdout: '', stderr: `sh: ${word}: not found\n`, code: 127 };
}

/** Whether `ctx.key` is one of the account's authorized keys and, when signed, the signature holds. */
function publicKeyAccepted(machine: SimMachine, ctx: AuthContext): boolean {
  if (ctx.method !== 'publickey') return false;
  for (const line of machine.authorizedKeys(ctx.username)) {
    const parsed = utils.parseKey(line);
    if (parsed instanceof Error) continue;
    const key = (Array.isArray(parsed) ? parsed[0] : parsed) as ParsedKey | undefined;
    if (!key || key.type !== ctx.key.algo) continue;
    const ours = key.getPublicSSH();
    if (ours.length !== ctx.key.data.length || !timingSafeEqual(ours, ctx.key.data)) continue;
    // Without a signature the client only asks whether the key would do; with one it proves it holds it.
    if (!ctx.signature) return true;
    return key.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true;
  }
  return false;
}

export class SimSshServer {
  private readonly server: InstanceType<typeof Server>;
  private readonly clients = new Set<Connection>();
  port = 0;

  constructor(private readonly o: SimSshOptions) {
    this.server = new Server({ hostKeys: [o.hostKey] }, (client) => this.accept(client));
  }

  /** Open connections (the SSH analogue of sessions: tests check none is left behind). */
  get connections(): number {
    return this.clients.size;
  }

  async start(): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const port = this.o.nextPort ? this.o.nextPort() : 0;
      try {
        await new Promise<void>((resolve, reject) => {
          const onError = (e: Error) => reject(e);
          this.server.once('error', onError);
          this.server.listen(port, this.o.listen, () => {
            this.server.off('error', onError);
            resolve();
          });
        });
        this.port = (this.server.address() as AddressInfo).port;
        return this.port;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !this.o.nextPort || attempt > 1000) throw e;
      }
    }
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.end();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Connection): void {
    // A BMC that is down drops the connection, as its web server does (no handshake, no banner).
    if (this.o.machine.bmcState() !== 'Ready') {
      client.on('error', () => undefined);
      client.end();
      return;
    }
    this.clients.add(client);
    let user = '';
    client.on('close', () => this.clients.delete(client));
    client.on('error', () => this.clients.delete(client)); // a client that vanishes is not our failure
    client.on('authentication', (ctx) => {
      const m = this.o.machine;
      const ok =
        (ctx.method === 'password' && m.checkCredentials(ctx.username, ctx.password)) ||
        publicKeyAccepted(m, ctx);
      if (ok) {
        user = ctx.username;
        ctx.accept();
      } else ctx.reject(['password', 'publickey']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('exec', (acceptExec, _reject, info) => {
          const channel = acceptExec();
          this.run(channel, user, info.command);
        });
        session.on('shell', (acceptShell) => {
          const channel = acceptShell();
          channel.stderr.write('hwctl sim: this BMC has no interactive shell; run a command\r\n');
          channel.exit(1);
          channel.end();
        });
      });
    });
  }

  /** Reads the command's standard input to its end, then answers (the key-append line reads all of it). */
  private run(channel: ServerChannel, user: string, command: string): void {
    const chunks: Buffer[] = [];
    let size = 0;
    channel.on('data', (d: Buffer) => {
      size += d.length;
      if (size <= 64 * 1024) chunks.push(d); // a key is a few hundred bytes; more is not kept
    });
    channel.on('end', () => {
      const answer = bmcShell(this.o.machine, user, command, Buffer.concat(chunks).toString('utf8'));
      if (answer.stdout) channel.write(answer.stdout);
      if (answer.stderr) channel.stderr.write(answer.stderr);
      channel.exit(answer.code);
      channel.end();
    });
  }
}
