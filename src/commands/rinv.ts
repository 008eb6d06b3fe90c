/**
 * `hwctl rinv NODERANGE [model|serial|uuid|firm|bios|cpu|dimm|nic|storage|all]... [-V]` — hardware
 * inventory and firmware versions, as xCAT's rinv. A light definition: the handler imports the
 * manager, engine and BMC code when it runs. Docs: docs/commands/rinv.md.
 */
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../cli/global-options.js';

interface RinvArgs extends GlobalArgs {
  noderange: string;
  keyword?: string[];
}

export const rinvCommand: CommandModule<GlobalArgs, RinvArgs> = {
  command: 'rinv <noderange> [keyword..]',
  describe: 'Show hardware inventory and firmware versions',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('noderange', { type: 'string', describe: 'Nodes to query', demandOption: true })
      .positional('keyword', {
        type: 'string',
        array: true,
        describe:
          'model | serial | uuid | firm | bios | cpu | dimm | nic | storage | all (default: all; several allowed). ' +
          '-V with firm: every firmware image and its additional versions',
      })
      .example('$0 rinv node01', 'everything: system, processors, memory, NICs, storage, firmware')
      .example('$0 rinv rack1 model serial -c', 'model and serial number, identical answers grouped')
      .example('$0 rinv rack1 firm -V', 'every firmware image, running (*) and pending (+)')
      .example('$0 rinv node01 dimm -o json', 'memory modules as typed json') as Argv<RinvArgs>,
  handler: async (argv) => {
    const { parseInventoryArgs, inventoryRequest, inventoryView, DEFAULT_INVENTORY_TIMEOUT_MS } =
      await import('../managers/inventory.js');
    const args = parseInventoryArgs(argv.keyword ?? [], argv.verbose);
    const { runNodeCommand } = await import('../cli/node-command.js');
    const words = args.all ? ['all'] : args.keywords;
    process.exitCode = await runNodeCommand(argv, {
      command: ['rinv', argv.noderange, ...words, ...(args.verbose ? ['-V'] : [])].join(' '),
      noderange: argv.noderange,
      request: (nodes) => inventoryRequest(nodes, args),
      view: inventoryView,
      defaultTimeoutMs: DEFAULT_INVENTORY_TIMEOUT_MS,
    });
  },
};
