/**
 * `hwctl rvitals NODERANGE [temp|voltage|wattage|fanspeed|power|leds|altitude|all]...` — sensor
 * readings and LEDs, as xCAT's rvitals; readings past a threshold are marked. A light definition: the
 * handler imports the manager, engine and BMC code when it runs. Docs: docs/commands/rvitals.md.
 */
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../cli/global-options.js';

interface RvitalsArgs extends GlobalArgs {
  noderange: string;
  keyword?: string[];
}

export const rvitalsCommand: CommandModule<GlobalArgs, RvitalsArgs> = {
  command: 'rvitals <noderange> [keyword..]',
  describe: 'Show sensor readings (temperatures, voltages, power, fans) and LEDs',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('noderange', { type: 'string', describe: 'Nodes to query', demandOption: true })
      .positional('keyword', {
        type: 'string',
        array: true,
        describe:
          'temp | voltage | wattage | fanspeed | power (amps, energy, watts) | leds | altitude | all ' +
          '(default: all; several allowed)',
      })
      .example('$0 rvitals node01', 'every sensor and the LEDs')
      .example('$0 rvitals rack1 temp', 'temperatures; past a threshold: [WARNING > 42] / [CRITICAL > 45]')
      .example('$0 rvitals rack1 wattage -o table', 'power draw of every node in a table')
      .example(
        '$0 rvitals node01 all -o json',
        'readings with thresholds and health as json',
      ) as Argv<RvitalsArgs>,
  handler: async (argv) => {
    const { parseVitalsArgs, vitalsRequest, vitalsView, DEFAULT_VITALS_TIMEOUT_MS } =
      await import('../managers/sensors.js');
    const args = parseVitalsArgs(argv.keyword ?? []);
    const { runNodeCommand } = await import('../cli/node-command.js');
    process.exitCode = await runNodeCommand(argv, {
      command: ['rvitals', argv.noderange, ...args.keywords].join(' '),
      noderange: argv.noderange,
      request: (nodes) => vitalsRequest(nodes, args),
      view: vitalsView,
      defaultTimeoutMs: DEFAULT_VITALS_TIMEOUT_MS,
      preferredAuth: 'basic', // one or two requests per node warm (docs/performance.md)
    });
  },
};
