/**
 * `hwctl completion [bash|zsh]` — print the shell completion script (src/cli/complete.ts): commands,
 * options, verbs and keywords, the inventory's groups and nodes; for hwctl and every installed xCAT name.
 */
import { basename } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../cli/global-options.js';

interface CompletionArgs extends GlobalArgs {
  shell?: 'bash' | 'zsh';
}

export const completionCommand: CommandModule<GlobalArgs, CompletionArgs> = {
  command: 'completion [shell]',
  describe: 'Print the bash or zsh completion script (default: the shell in $SHELL); see docs/cli.md',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('shell', { choices: ['bash', 'zsh'] as const, describe: 'Shell (default: from $SHELL)' })
      .example('source <($0 completion bash)', 'in ~/.bashrc')
      .example('$0 completion zsh > "${fpath[1]}/_hwctl"', 'zsh, installed once') as Argv<CompletionArgs>,
  handler: async (argv) => {
    const { completionScript } = await import('../cli/complete.js');
    const shell = argv.shell ?? (basename(process.env.SHELL ?? '') === 'zsh' ? 'zsh' : 'bash');
    process.stdout.write(completionScript(shell));
  },
};
