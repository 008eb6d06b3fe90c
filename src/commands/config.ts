/**
 * `hwctl config` — each configurable option's value and where it came from (command line, environment,
 * config file, built-in default). Touches no BMC and no inventory beyond locating it. Docs: docs/cli.md.
 */
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../cli/global-options.js';

export const configCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'config',
  describe: 'Show the settings in effect and where each comes from (flag, HWCTL_* variable, config file)',
  builder: (y) =>
    y
      .example('$0 config', 'the settings and their sources')
      .example('HWCTL_FANOUT=128 $0 config -o json', 'as JSON'),
  handler: async (argv) => {
    const { showConfig } = await import('../cli/config-show.js');
    process.exitCode = showConfig(argv);
  },
};
