/**
 * `hwctl rsetboot NODERANGE hd|net|cd|def|default|setup|floppy|stat [-p] [-u]` — the next boot device, as
 * xCAT's rsetboot. A light definition: the handler imports the manager, engine and BMC code when it runs.
 * Docs: docs/commands/rsetboot.md.
 */
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../cli/global-options.js';

interface RsetbootArgs extends GlobalArgs {
  noderange: string;
  device?: string[];
  persistent: boolean;
  uefi: boolean;
}

export const rsetbootCommand: CommandModule<GlobalArgs, RsetbootArgs> = {
  command: 'rsetboot <noderange> [device..]',
  describe: 'Set or show the boot device of the next boot',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('noderange', { type: 'string', describe: 'Nodes to act on', demandOption: true })
      .positional('device', {
        type: 'string',
        array: true,
        describe: 'hd | net | cd | def | default | setup (BIOS setup) | floppy | stat (default: stat)',
      })
      .option('persistent', {
        alias: 'p',
        type: 'boolean',
        default: false,
        describe: 'Keep the setting for every boot, not just the next one',
      })
      .option('uefi', {
        alias: 'u',
        type: 'boolean',
        default: false,
        describe: 'Boot in UEFI mode (Redfish BootSourceOverrideMode; not supported by OpenBMC REST)',
      })
      .example('$0 rsetboot node01 net', 'network boot, next boot only')
      .example('$0 rsetboot rack1 hd -p', 'boot from disk on every boot')
      .example(
        '$0 rsetboot rack1 stat -c',
        'show the override, identical results grouped',
      ) as Argv<RsetbootArgs>,
  handler: async (argv) => {
    const { parseBootArgs, bootRequest, bootView, DEFAULT_BOOT_TIMEOUT_MS } =
      await import('../managers/boot.js');
    const args = parseBootArgs({ actions: argv.device ?? [], persistent: argv.persistent, uefi: argv.uefi });
    const { runNodeCommand } = await import('../cli/node-command.js');
    const flags = [args.persistent && args.device ? '-p' : '', args.uefi && args.device ? '-u' : ''].filter(
      Boolean,
    );
    process.exitCode = await runNodeCommand(argv, {
      command: ['rsetboot', argv.noderange, args.device ?? 'stat', ...flags].join(' '),
      noderange: argv.noderange,
      request: (nodes) => bootRequest(nodes, args),
      view: bootView,
      defaultTimeoutMs: DEFAULT_BOOT_TIMEOUT_MS,
      preferredAuth: 'basic', // one or two requests per node warm (docs/performance.md)
      // Setting the next boot device changes the node but loses nothing: audited, no --yes.
      effect: args.device ? 'change' : undefined,
    });
  },
};
