/**
 * rspconfig's account keys (the 'accounts' capability): `admin_passwd`, `userls`, `useradd=NAME[,ROLE]`,
 * `userch=NAME,CHANGE[,CHANGE...]`, `userrm=NAME`.
 *
 * Passwords are never taken from the command line (`ps` shows argv to every user of the host): xCAT's
 * `admin_passwd=current,new` is refused, with a message that does not repeat what was typed. The new
 * password comes from `--new-password-file F` (its mode checked as the inventory's password files are),
 * `--new-password-stdin`, or the environment variable HWCTL_NEW_PASSWORD; the current one is the
 * inventory's (the one hwctl logs in with). Values after a user name are never echoed in messages
 * either: a mistyped `useradd=bob,Secr3t` must not print the secret back.
 *
 * Every set is verified by reading the account back; a read-back that disagrees fails the node. After
 * `admin_passwd` the node's later requests of the run use the new password, and the result tells the
 * admin to update the inventory (hwctl cannot: the inventory holds a reference, not the value).
 */
import { readFile } from 'node:fs/promises';
import { HwctlUsageError, NodeError } from '../core/errors.js';
import type { RspconfigGroupModule } from '../commands/rspconfig-groups.js';
import type { NodeDef } from '../core/types.js';
import type { Executor, NodeContext } from '../engine/executor.js';
import type { RunRequest } from '../engine/run.js';
import { passwordFilePermissionWarning } from '../inventory/secret.js';
import type { ResultView } from '../output/view.js';
import { requireOps } from './executor-ops.js';

export const ACCOUNT_KEYS = ['admin_passwd', 'userls', 'useradd', 'userch', 'userrm'] as const;
export type AccountKey = (typeof ACCOUNT_KEYS)[number];

/** Redfish's predefined roles; the OpenBMC executor maps them to priv-admin/operator/user/noaccess. */
export const ROLES = ['Administrator', 'Operator', 'ReadOnly', 'NoAccess'] as const;
export type Role = (typeof ROLES)[number];

/** ipmitool / OpenBMC habits accepted for a role, case-insensitive. */
const ROLE_ALIASES: Record<string, Role> = {
  administrator: 'Administrator',
  admin: 'Administrator',
  'priv-admin': 'Administrator',
  operator: 'Operator',
  'priv-operator': 'Operator',
  readonly: 'ReadOnly',
  user: 'ReadOnly',
  'priv-user': 'ReadOnly',
  noaccess: 'NoAccess',
  none: 'NoAccess',
  no_access: 'NoAccess',
  'priv-noaccess': 'NoAccess',
};

export const NEW_PASSWORD_ENV = 'HWCTL_NEW_PASSWORD';

/** The yargs options the rspconfig command adds for these keys. */

/**
 * A password held so that it cannot be printed by accident: String(), JSON and util.inspect show the
 * mask; only reveal() gives the value (to the executor sending it to the BMC).
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return 'xxxxxx';
  }
  toJSON(): string {
    return 'xxxxxx';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'Secret(xxxxxx)';
  }
}

export interface AccountArgs {
  key: AccountKey;
  /** useradd/userch/userrm: the account; admin_passwd: filled per node with the node's username. */
  user?: string;
  role?: Role;
  enabled?: boolean;
  unlock?: boolean;
  /** admin_passwd, useradd, userch …,password. */
  password?: Secret;
  /** Where the password came from, for messages (`file '/root/new.pass'`, `HWCTL_NEW_PASSWORD`). */
  passwordSource?: string;
  /** Warnings to print once (a too-open password file). */
  warnings: string[];
}

export interface AccountParseOptions {
  newPasswordFile?: string;
  newPasswordStdin?: boolean;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Reads standard input once (the CLI's reader); required with newPasswordStdin. */
  readStdin?: () => Promise<string>;
}

/** One account as read from a BMC. */
export interface Account {
  user: string;
  role: Role | string;
  enabled: boolean;
  locked: boolean;
}

/** The primitives an accounts executor provides. Every set returns the account read back. */
export interface AccountsExecutor extends Executor {
  listAccounts(args: undefined, ctx: NodeContext): Promise<Account[]>;
  /** Change a password; when `user` is the one hwctl logs in with, later requests use the new one. */
  setPassword(args: { user: string; password: Secret }, ctx: NodeContext): Promise<Account>;
  addAccount(args: { user: string; role: Role; password: Secret }, ctx: NodeContext): Promise<Account>;
  changeAccount(
    args: { user: string; role?: Role; enabled?: boolean; unlock?: boolean; password?: Secret },
    ctx: NodeContext,
  ): Promise<Account>;
  removeAccount(args: { user: string }, ctx: NodeContext): Promise<void>;
}

export interface AccountResult {
  key: AccountKey;
  /** Lines printed after `node: `. */
  lines: string[];
  user?: string;
  accounts?: Account[];
  /** The account as read back after a set. */
  account?: Account;
  changed: boolean;
  /** admin_passwd: the inventory still holds the old password. */
  updateInventory?: boolean;
}

export const accountView: ResultView<AccountResult> = {
  text: (r) => r.lines,
  columns: [
    { header: 'KEY', value: (r) => r.key },
    { header: 'RESULT', value: (r) => r.lines.join('; ') },
  ],
  json: (r) => {
    const o: Record<string, unknown> = { key: r.key, changed: r.changed };
    if (r.user !== undefined) o.user = r.user;
    if (r.accounts) o.accounts = r.accounts;
    if (r.account) o.account = r.account;
    if (r.updateInventory) o.updateInventory = true;
    o.message = r.lines.join('\n');
    return o;
  },
};

export const DEFAULT_ACCOUNT_TIMEOUT_MS = 60_000;

const SOURCES = `--new-password-file FILE, the environment variable ${NEW_PASSWORD_ENV} or --new-password-stdin`;

function usage(message: string): never {
  throw new HwctlUsageError(message);
}

function roleOf(word: string, key: string): Role {
  const role = ROLE_ALIASES[word.toLowerCase()];
  // The value is not shown: a password typed where the role goes must not be printed back.
  if (!role)
    usage(
      `Invalid role for '${key}' (the value is not shown, in case it is a password): valid roles are ${ROLES.join(', ')} ` +
        `(or admin, operator, user, noaccess). Passwords are never taken from the command line: use ${SOURCES}`,
    );
  return role;
}

const USER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;

function userOf(word: string | undefined, key: string, form: string): string {
  if (word === undefined || word === '') usage(`No user name given for '${key}' (${form})`);
  if (!USER_NAME.test(word))
    usage(`Invalid user name for '${key}': a letter or _, then letters, digits, _ . - (at most 32)`);
  return word;
}

/** Split `key[=value]`; the key part only is ever quoted in messages. */
function splitWord(word: string): { key: string; value?: string } {
  const eq = word.indexOf('=');
  return eq < 0 ? { key: word } : { key: word.slice(0, eq), value: word.slice(eq + 1) };
}

/** The words alone (sync): what the key asks, whether it needs a new password. */
export function parseAccountWords(words: readonly string[]): Omit<AccountArgs, 'warnings'> & {
  needsPassword: boolean;
} {
  if (words.length === 0) usage('No option specified for rspconfig');
  const parts = words.map((w) => splitWord(String(w)));
  const first = parts[0]!;
  const key = first.key as AccountKey;
  if (!(ACCOUNT_KEYS as readonly string[]).includes(key))
    usage(`Unsupported command: rspconfig ${first.key} (account keys: ${ACCOUNT_KEYS.join(', ')})`);
  if (words.length > 1) usage(`The option '${key}' can not work with other options`);
  const v = first.value;
  switch (key) {
    case 'admin_passwd':
      if (v !== undefined)
        usage(
          `admin_passwd takes no value: passwords are never taken from the command line, where ps shows them ` +
            `(the value given is not shown). The current password is the inventory's; give the new one with ${SOURCES}`,
        );
      return { key, needsPassword: true };
    case 'userls':
      if (v !== undefined) usage(`Invalid parameter for option userls: it takes no value`);
      return { key, needsPassword: false };
    case 'userrm': {
      const user = userOf(v, key, 'userrm=NAME');
      return { key, user, needsPassword: false };
    }
    case 'useradd': {
      const [name, ...rest] = (v ?? '').split(',');
      const user = userOf(name, key, 'useradd=NAME[,ROLE]');
      if (rest.length > 1)
        usage(
          `useradd takes NAME[,ROLE] (the rest is not shown, in case it is a password): passwords are never taken ` +
            `from the command line; use ${SOURCES}`,
        );
      const role = rest.length === 1 ? roleOf(rest[0]!, key) : 'ReadOnly';
      return { key, user, role, needsPassword: true };
    }
    case 'userch': {
      const [name, ...changes] = (v ?? '').split(',');
      const user = userOf(name, key, 'userch=NAME,CHANGE[,CHANGE...]');
      if (changes.length === 0)
        usage(`No change given for 'userch': userch=NAME,{ROLE|enabled|disabled|unlock|password}[,...]`);
      const out: Omit<AccountArgs, 'warnings'> & { needsPassword: boolean } = {
        key,
        user,
        needsPassword: false,
      };
      for (const c of changes) {
        const lc = c.toLowerCase();
        if (lc === 'enabled' || lc === 'enable' || lc === 'disabled' || lc === 'disable') {
          const enabled = lc.startsWith('enable');
          if (out.enabled !== undefined && out.enabled !== enabled)
            usage(`'userch' cannot both enable and disable ${user}`);
          out.enabled = enabled;
        } else if (lc === 'unlock') out.unlock = true;
        else if (lc === 'password') out.needsPassword = true;
        else {
          const role = ROLE_ALIASES[lc];
          if (!role)
            usage(
              `Invalid change for 'userch' (the value is not shown, in case it is a password): use a role ` +
                `(${ROLES.join(', ')}), enabled, disabled, unlock, or password (the new password then comes from ${SOURCES})`,
            );
          if (out.role !== undefined && out.role !== role) usage(`'userch' got two roles for ${user}`);
          out.role = role;
        }
      }
      return out;
    }
  }
  return usage(`Unsupported command: rspconfig ${String(key)}`);
}

/** The new password from exactly one source. */
async function readNewPassword(
  o: AccountParseOptions,
  warnings: string[],
): Promise<{ password: Secret; source: string }> {
  const env = o.env ?? process.env;
  const flags = [o.newPasswordFile !== undefined, o.newPasswordStdin === true].filter(Boolean).length;
  if (flags > 1)
    usage('Give the new password one way: --new-password-file or --new-password-stdin, not both');
  let value: string;
  let source: string;
  if (o.newPasswordFile !== undefined) {
    const path = o.newPasswordFile;
    source = `file '${path}'`;
    try {
      const w = await passwordFilePermissionWarning(path);
      value = await readFile(path, 'utf8');
      if (w) warnings.push(w.replace('password file', 'new password file'));
    } catch (e) {
      const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : 'unreadable';
      usage(`--new-password-file: cannot read '${path}' (${code === 'ENOENT' ? 'no such file' : code})`);
    }
  } else if (o.newPasswordStdin) {
    source = 'standard input';
    if (!o.readStdin) usage('--new-password-stdin: standard input cannot be read here');
    value = await o.readStdin();
  } else if (env[NEW_PASSWORD_ENV] !== undefined) {
    source = `environment variable ${NEW_PASSWORD_ENV}`;
    value = env[NEW_PASSWORD_ENV]!;
  } else {
    return usage(`No new password given: passwords are never taken from the command line; use ${SOURCES}`);
  }
  value = value.replace(/[\r\n]+$/, '');
  if (value === '') usage(`The new password from ${source} is empty`);
  if (/[\r\n]/.test(value)) usage(`The new password from ${source} has more than one line`);
  return { password: new Secret(value), source };
}

/**
 * Check the words (xCAT's messages where xCAT has them) and read the new password when the key needs
 * one. Throws HwctlUsageError (exit 2) before any BMC is touched.
 */
export async function parseAccountArgs(
  words: readonly string[],
  options: AccountParseOptions = {},
): Promise<AccountArgs> {
  const { needsPassword, ...parsed } = parseAccountWords(words);
  const args: AccountArgs = { ...parsed, warnings: [] };
  if (needsPassword) {
    const { password, source } = await readNewPassword(options, args.warnings);
    args.password = password;
    args.passwordSource = source;
  } else if (options.newPasswordFile !== undefined || options.newPasswordStdin) {
    usage(`'${args.key}' sets no password: --new-password-file / --new-password-stdin do not apply`);
  }
  return args;
}

export function accountRequest(
  nodes: readonly NodeDef[],
  args: AccountArgs,
): RunRequest<AccountArgs, AccountResult> {
  return {
    capability: 'accounts',
    op: args.key,
    args,
    nodes,
    perNode: (executor, ctx) => runAccounts(asAccountsExecutor(executor), args, ctx),
  };
}

function asAccountsExecutor(executor: Executor): AccountsExecutor {
  return requireOps<AccountsExecutor>(executor, 'accounts', [
    'listAccounts',
    'setPassword',
    'addAccount',
    'changeAccount',
    'removeAccount',
  ]);
}

const describe = (a: Account) =>
  `${a.role}, ${a.enabled ? 'enabled' : 'disabled'}${a.locked ? ', locked' : ''}`;

/** A read-back that disagrees with what was asked is the node's failure. */
function verify(a: Account, want: { role?: Role; enabled?: boolean; unlock?: boolean }, what: string): void {
  const wrong: string[] = [];
  if (want.role !== undefined && a.role !== want.role) wrong.push(`role ${a.role}, not ${want.role}`);
  if (want.enabled !== undefined && a.enabled !== want.enabled)
    wrong.push(a.enabled ? 'enabled' : 'disabled');
  if (want.unlock && a.locked) wrong.push('still locked');
  if (wrong.length > 0)
    throw new NodeError('failed', `the BMC accepted ${what} but ${a.user} reads back ${wrong.join(', ')}`);
}

/** One node's account key. Exported for tests; the engine calls it through accountRequest. */
export async function runAccounts(
  ex: AccountsExecutor,
  args: AccountArgs,
  ctx: NodeContext,
): Promise<AccountResult> {
  switch (args.key) {
    case 'userls': {
      const accounts = await ex.listAccounts(undefined, ctx);
      const lines =
        accounts.length === 0 ? ['No user accounts'] : accounts.map((a) => `User ${a.user}: ${describe(a)}`);
      return { key: args.key, lines, accounts, changed: false };
    }
    case 'admin_passwd': {
      const user = ctx.node.username;
      if (user === undefined)
        throw new NodeError('auth', 'No username for this BMC in the inventory: whose password to change?');
      const account = await ex.setPassword({ user, password: args.password! }, ctx);
      return {
        key: args.key,
        user,
        account,
        changed: true,
        updateInventory: true,
        lines: [
          `BMC password changed for ${user} (read back with the new password).`,
          `Update this node's password in the inventory: hwctl used the new one for the rest of this run only.`,
        ],
      };
    }
    case 'useradd': {
      const user = args.user!;
      const account = await ex.addAccount({ user, role: args.role!, password: args.password! }, ctx);
      verify(account, { role: args.role!, enabled: true }, `useradd ${user}`);
      return {
        key: args.key,
        user,
        account,
        changed: true,
        lines: [`User ${user} added: ${describe(account)}`],
      };
    }
    case 'userch': {
      const user = args.user!;
      const change: Parameters<AccountsExecutor['changeAccount']>[0] = { user };
      if (args.role !== undefined) change.role = args.role;
      if (args.enabled !== undefined) change.enabled = args.enabled;
      if (args.unlock) change.unlock = true;
      if (args.password) change.password = args.password;
      const account = await ex.changeAccount(change, ctx);
      verify(account, change, `userch ${user}`);
      const pw = args.password ? ' (password changed)' : '';
      const lines = [`User ${user} changed: ${describe(account)}${pw}`];
      const self = args.password !== undefined && user === ctx.node.username;
      if (self)
        lines.push(
          `Update this node's password in the inventory: hwctl used the new one for the rest of this run only.`,
        );
      return {
        key: args.key,
        user,
        account,
        changed: true,
        lines,
        ...(self ? { updateInventory: true } : {}),
      };
    }
    case 'userrm': {
      const user = args.user!;
      if (user === ctx.node.username)
        throw new NodeError(
          'failed',
          `Refusing to remove ${user}: it is the account hwctl logs in with on this BMC`,
        );
      await ex.removeAccount({ user }, ctx);
      const left = await ex.listAccounts(undefined, ctx);
      if (left.some((a) => a.user === user))
        throw new NodeError('failed', `the BMC accepted userrm ${user} but the account is still listed`);
      return { key: args.key, user, changed: true, lines: [`User ${user} removed`] };
    }
  }
}

/** rspconfig's account group (src/commands/rspconfig-groups.ts, which declares its options). */
export const accountGroup: RspconfigGroupModule<AccountArgs, AccountResult> = {
  parse: async (words, o) => {
    if (o['new-password-stdin'] === true && o.passwordStdin === true)
      throw new HwctlUsageError(
        '--new-password-stdin and --password-stdin both read standard input: give the new password in a file (--new-password-file) or HWCTL_NEW_PASSWORD',
      );
    const { readStdinOnce } = await import('../cli/node-command.js');
    const args = await parseAccountArgs(words, {
      ...(typeof o['new-password-file'] === 'string' ? { newPasswordFile: o['new-password-file'] } : {}),
      ...(o['new-password-stdin'] === true ? { newPasswordStdin: true } : {}),
      readStdin: () => readStdinOnce('--new-password-stdin'),
    });
    for (const w of args.warnings) process.stderr.write(`Warning: ${w}\n`);
    return args;
  },
  request: accountRequest,
  view: accountView,
  timeoutMs: DEFAULT_ACCOUNT_TIMEOUT_MS,
  // The login password and removed accounts lock people (and hwctl's inventory) out.
  effect: (a) =>
    a.key === 'userls'
      ? undefined
      : a.key === 'admin_passwd' || a.key === 'userrm'
        ? 'destructive'
        : 'change',
};
