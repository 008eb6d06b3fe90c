/**
 * `rspconfig` routes its words by key group: each group owns some keys and is a manager module with the
 * same shape as every other command's (parse → request → view, a default timeout). This table is light
 * (it is read for `--help` and for routing): a group's manager is imported only when its keys are used.
 *
 * To add a group (accounts, dump, gard...): add a row here naming its keys, its loader and, if it has
 * any, the yargs options only it uses (they are added to the command and handed to its parse).
 */
import type { Options } from 'yargs';
import type { NodeCommandSpec } from '../cli/node-command.js';
import type { Effect } from '../cli/safety.js';
import { HwctlUsageError } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import type { RunRequest } from '../engine/run.js';
import type { ResultView } from '../output/view.js';

/** What a group's manager module provides (loaded when the group's keys are used). */
export interface RspconfigGroupModule<A = unknown, R = unknown> {
  /** Check the words (all of this group's keys) with xCAT's messages; throws HwctlUsageError (exit 2).
   *  May read files or stdin (a new password), hence possibly async. */
  parse(words: readonly string[], options: Readonly<Record<string, unknown>>): A | Promise<A>;
  /** The engine request; may refuse the noderange (HwctlUsageError) before any BMC is touched. */
  request(nodes: readonly NodeDef[], args: A): RunRequest<A, R>;
  view: ResultView<R>;
  /** Default per-node deadline in ms. */
  timeoutMs: number;
  /** What the command does to the nodes (--max-nodes/--yes, the audit log): none for a query. */
  effect?(args: A): Effect | undefined;
  /** The words as json's `command` shows them (default: as typed). A group whose values are secrets
   *  (passwords) masks them here: secrets never reach the output. */
  shownWords?(words: readonly string[]): string[];
}

export interface RspconfigGroup {
  name: string;
  /** The keys this group owns: the word, or the part before `=`. */
  keys: readonly string[];
  describe: string;
  /** The words after the key are its arguments, not keys (xCAT's `dump -c 3`): routed by the first word. */
  takesArguments?: boolean;
  /** yargs options only this group uses (e.g. a dump's --list); handed to its parse by name. */
  options?: Readonly<Record<string, Options>>;
  load(): Promise<RspconfigGroupModule<any, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any -- each group has its own types
}

export const NETWORK_KEYS = [
  'ip',
  'netmask',
  'gateway',
  'vlan',
  'ipsrc',
  'hostname',
  'ntpservers',
  'timesyncmethod',
] as const;

export const POLICY_KEYS = [
  'powerrestorepolicy',
  'autoreboot',
  'bootmode',
  'powersupplyredundancy',
  'thermalmode',
] as const;

export const RSPCONFIG_GROUPS: readonly RspconfigGroup[] = [
  {
    name: 'network',
    keys: NETWORK_KEYS,
    describe: 'BMC address, VLAN, hostname, NTP servers, time sync method',
    load: async () => (await import('../managers/bmcnetwork.js')).networkGroup,
  },
  {
    name: 'policy',
    keys: POLICY_KEYS,
    describe: 'host policies: power restore, auto reboot, boot mode, PSU redundancy, thermal mode',
    load: async () => (await import('../managers/bmcpolicy.js')).policyGroup,
  },
  {
    name: 'accounts',
    keys: ['admin_passwd', 'userls', 'useradd', 'userch', 'userrm'],
    describe: 'BMC accounts: list, add, change (role, enabled, password), remove; the admin password',
    options: {
      'new-password-file': {
        type: 'string',
        describe:
          'admin_passwd, useradd, userch=NAME,password: read the new password from this file (mode 0600); or set HWCTL_NEW_PASSWORD, or --new-password-stdin',
      },
      'new-password-stdin': {
        type: 'boolean',
        describe: 'admin_passwd, useradd, userch=NAME,password: read the new password from standard input',
      },
    },
    load: async () => (await import('../managers/rspconfig-accounts.js')).accountGroup,
  },
  {
    name: 'dump',
    keys: ['dump', 'gard'],
    takesArguments: true,
    describe: 'BMC dumps (list, generate, clear, download) and GARD records (OpenBMC)',
    options: {
      list: { alias: 'l', type: 'boolean', describe: 'dump: list the BMC dumps' },
      generate: { alias: 'g', type: 'boolean', describe: 'dump: generate a BMC dump and wait for it' },
      // No -c alias: -c is --collate. xCAT's `dump -c ID` and `gard -c` are taken back in the handler.
      clear: { type: 'string', describe: 'dump: delete dump ID or all; gard: clear the GARD records' },
      download: { alias: 'd', type: 'string', describe: 'dump: download dump ID (or all) into --dump-dir' },
      'dump-dir': {
        type: 'string',
        describe: 'dump -d: directory for the downloaded dumps (default: the current directory)',
      },
    },
    load: async () => (await import('../managers/rspconfig-dump.js')).dumpGroup,
  },
  {
    name: 'sshcfg',
    keys: ['sshcfg'],
    takesArguments: true,
    describe: "copy the admin's SSH public key to the BMC user (key login to the BMC)",
    options: {
      'ssh-key': {
        type: 'string',
        describe:
          'sshcfg: the public key file to copy (default: ~/.ssh/id_rsa.pub, id_ed25519.pub, id_ecdsa.pub)',
      },
    },
    load: async () => (await import('../managers/rspconfig-sshcfg.js')).sshcfgGroup,
  },
];

/** Every key rspconfig knows, in table order. */
export function rspconfigKeys(groups: readonly RspconfigGroup[] = RSPCONFIG_GROUPS): string[] {
  return groups.flatMap((g) => g.keys);
}

/** The key of a word: `ip=10.0.0.5` → `ip`. */
export const keyOf = (word: string): string => {
  const eq = word.indexOf('=');
  return eq < 0 ? word : word.slice(0, eq);
};

/**
 * The group whose keys the words use. Every word must belong to one group: keys of different groups are
 * different operations on the BMC (xCAT runs them one at a time too). Throws HwctlUsageError.
 */
export function routeRspconfig(
  words: readonly string[],
  groups: readonly RspconfigGroup[] = RSPCONFIG_GROUPS,
): RspconfigGroup {
  const valid = `valid keys: ${rspconfigKeys(groups).join(', ')}`;
  if (words.length === 0) throw new HwctlUsageError(`No option specified for rspconfig (${valid})`);
  // xCAT's own message for sshcfg with anything else, wherever it stands.
  if (words.length > 1 && words.includes('sshcfg'))
    throw new HwctlUsageError('Configure sshcfg must be issued without other options.');
  const first = groups.find((g) => g.keys.includes(keyOf(words[0]!)));
  if (first?.takesArguments) return first;
  let chosen: { group: RspconfigGroup; key: string } | undefined;
  for (const word of words) {
    const key = keyOf(word);
    const group = groups.find((g) => g.keys.includes(key));
    if (!group) throw new HwctlUsageError(`Unsupported command: rspconfig ${word} (${valid})`);
    if (chosen && chosen.group !== group)
      throw new HwctlUsageError(
        `The option '${key}' can not work with '${chosen.key}': ${group.name} and ${chosen.group.name} keys are given in separate rspconfig commands`,
      );
    chosen ??= { group, key };
  }
  return chosen!.group;
}

/**
 * The node-command spec of `rspconfig <noderange> <words>`: route, load the group, check the words (usage
 * errors here, before any inventory or BMC is read). `options` holds the values of the groups' own options.
 */
export async function rspconfigSpec(
  noderange: string,
  words: readonly string[],
  options: Readonly<Record<string, unknown>> = {},
  groups: readonly RspconfigGroup[] = RSPCONFIG_GROUPS,
): Promise<NodeCommandSpec<unknown, unknown>> {
  const group = routeRspconfig(words, groups);
  const mod = await group.load();
  const own: Record<string, unknown> = {};
  for (const name of Object.keys(group.options ?? {})) own[name] = options[name];
  const args: unknown = await mod.parse(words, own);
  return {
    command: ['rspconfig', noderange, ...(mod.shownWords?.(words) ?? words)].join(' '),
    noderange,
    request: (nodes) => mod.request(nodes, args),
    view: mod.view,
    defaultTimeoutMs: mod.timeoutMs,
    ...(mod.effect?.(args) ? { effect: mod.effect(args) } : {}),
  };
}
