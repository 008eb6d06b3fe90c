/**
 * `hwctl rspconfig NODERANGE KEY[=VALUE]...` — BMC configuration, as xCAT's rspconfig. The words are
 * routed to a key group (rspconfig-groups.ts), whose manager parses, runs and renders them. A light
 * definition: the handler imports the group's manager, the engine and BMC code when it runs.
 * Docs: docs/commands/rspconfig.md.
 */
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../cli/global-options.js';
import { RSPCONFIG_GROUPS, rspconfigKeys, rspconfigSpec } from './rspconfig-groups.js';

interface RspconfigArgs extends GlobalArgs {
  noderange: string;
  keys?: string[];
  [option: string]: unknown;
}

export const rspconfigCommand: CommandModule<GlobalArgs, RspconfigArgs> = {
  command: 'rspconfig <noderange> [keys..]',
  describe: 'Show or change BMC settings: network, hostname, NTP, host policies, accounts, dumps',
  builder: (y: Argv<GlobalArgs>) => {
    const b = y
      .positional('noderange', { type: 'string', describe: 'Nodes to act on', demandOption: true })
      .positional('keys', {
        type: 'string',
        array: true,
        describe: `key (query) or key=value (set): ${rspconfigKeys().join(' | ')}`,
      });
    // Options of the key groups (none of the built-in ones has any): one yargs call each.
    for (const g of RSPCONFIG_GROUPS) if (g.options) b.options(g.options);
    return b
      .example('$0 rspconfig rack1 ip netmask gateway', 'show the BMC addresses')
      .example('$0 rspconfig node01 ip=10.0.0.5 netmask=255.255.255.0 gateway=10.0.0.1', 'static address')
      .example('$0 rspconfig rack1 hostname=*', "set each BMC's hostname to its node's name")
      .example('$0 rspconfig rack1 ntpservers=10.0.0.3,10.0.0.4', 'set the NTP servers')
      .example('$0 rspconfig rack1 powerrestorepolicy=always_on', 'power on when AC returns')
      .example('$0 rspconfig node01 useradd=ops,Operator --new-password-file pw', 'add a BMC account')
      .example('$0 rspconfig node01 dump -g', 'generate a BMC dump and wait for it')
      .example(
        '$0 rspconfig node01 dump -d all /var/tmp/dumps',
        'download every dump',
      ) as Argv<RspconfigArgs>;
  },
  handler: async (argv) => {
    const words = xcatClearFlag(argv, (argv.keys ?? []).map(String), process.argv.slice(2));
    const spec = await rspconfigSpec(argv.noderange, words, argv);
    const { runNodeCommand } = await import('../cli/node-command.js');
    process.exitCode = await runNodeCommand(argv, spec);
  },
};

/**
 * xCAT's `dump -c ID` and `gard -c`: `-c` is hwctl's `--collate`, so yargs took it (and left ID among the
 * keys). For these two keys a bare `-c` typed after the key is their clear flag: put it back in the words
 * and drop the collation (`--collate` spelt out still collates).
 */
export function xcatClearFlag(
  argv: { collate?: boolean },
  words: string[],
  raw: readonly string[],
): string[] {
  const key = words[0];
  if ((key !== 'dump' && key !== 'gard') || !argv.collate) return words;
  const at = raw.indexOf(key);
  if (at < 0 || !raw.slice(at + 1).includes('-c')) return words;
  argv.collate = false;
  return [key, '-c', ...words.slice(1)];
}
