/**
 * `hwctl rbeacon NODERANGE on|off|blink|stat` — the identify LED, as xCAT's rbeacon. A light definition:
 * the handler imports the manager, engine and BMC code when it runs. Docs: docs/commands/rbeacon.md.
 */
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../cli/global-options.js';

interface RbeaconArgs extends GlobalArgs {
  noderange: string;
  action?: string[];
}

export const rbeaconCommand: CommandModule<GlobalArgs, RbeaconArgs> = {
  command: 'rbeacon <noderange> [action..]',
  describe: 'Turn the identify LED on, off or blinking, or show it',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('noderange', { type: 'string', describe: 'Nodes to act on', demandOption: true })
      .positional('action', {
        type: 'string',
        array: true,
        describe: 'on | off | blink | stat',
      })
      .example('$0 rbeacon node01 on', 'light the identify LED (read back after the set)')
      .example('$0 rbeacon rack1 off', 'turn every identify LED in the rack off')
      .example('$0 rbeacon rack1 stat -c', 'show the LEDs, identical states grouped') as Argv<RbeaconArgs>,
  handler: async (argv) => {
    const { parseBeaconArgs, beaconRequest, beaconView, DEFAULT_BEACON_TIMEOUT_MS } =
      await import('../managers/beacon.js');
    const args = parseBeaconArgs(argv.action ?? []);
    const { runNodeCommand } = await import('../cli/node-command.js');
    process.exitCode = await runNodeCommand(argv, {
      command: ['rbeacon', argv.noderange, args.verb].join(' '),
      noderange: argv.noderange,
      request: (nodes) => beaconRequest(nodes, args),
      view: beaconView,
      defaultTimeoutMs: DEFAULT_BEACON_TIMEOUT_MS,
      preferredAuth: 'basic', // one or two requests per node warm (docs/performance.md)
      effect: args.verb === 'stat' ? undefined : 'change',
    });
  },
};
