/**
 * `hwctl sim` — run a fleet of simulated Redfish / OpenBMC BMCs in the foreground (docs/simulator.md).
 */
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../cli/global-options.js';
import { simCommandOptions } from '../sim/cli-options.js';
import type { SimCliOptions } from '../sim/cli.js';

export const simCommand: CommandModule<GlobalArgs, GlobalArgs & SimCliOptions> = {
  command: 'sim',
  describe: 'Run simulated BMCs (Redfish personalities, OpenBMC REST, your own captures) until Ctrl-C',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .options(simCommandOptions)
      .example(
        '$0 sim --nodes 100 --inventory-out sim.yaml',
        '100 Redfish BMCs; then: HWCTL_INVENTORY=sim.yaml rpower all stat',
      )
      .example(
        '$0 sim --flavor mixed --personality mixed --fault sim003:hang=1',
        'a mixed fleet with one hung BMC',
      )
      .example(
        '$0 sim --from-mockup ./my-idrac-capture',
        'serve your own Redfish Mockup-Creator capture',
      ) as Argv<GlobalArgs & SimCliOptions>,
  handler: async (argv) => {
    const { runSimCommand } = await import('../sim/cli.js');
    process.exitCode = await runSimCommand(argv);
  },
};
