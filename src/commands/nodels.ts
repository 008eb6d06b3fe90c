/**
 * `hwctl nodels [noderange] [attr ...]` — list nodes and their attributes, as xCAT's nodels.
 * Touches no BMC; uses the same renderers as every other command.
 */
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../cli/global-options.js';

interface NodelsArgs extends GlobalArgs {
  noderange?: string;
  attr?: string[];
}

export const nodelsCommand: CommandModule<GlobalArgs, NodelsArgs> = {
  command: 'nodels [noderange] [attr..]',
  describe: 'List nodes of the inventory, with attributes',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('noderange', { type: 'string', describe: 'Nodes to list (default: all)' })
      .positional('attr', {
        type: 'string',
        array: true,
        describe: 'Attributes to show: bmc, mgt, groups, username, tls, auth, system or any free attribute',
      })
      .example('$0 nodels', 'every node')
      .example('$0 nodels rack01 bmc mgt', 'BMC address and flavor of rack01 nodes')
      .example('$0 nodels "mgt==openbmc" -o json', 'OpenBMC nodes as JSON') as Argv<NodelsArgs>,
  handler: async (argv) => {
    const { runNodels } = await import('../cli/nodels.js');
    process.exitCode = await runNodels(argv);
  },
};
