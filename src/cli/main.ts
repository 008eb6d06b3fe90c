/**
 * hwctl's entry point. Builds the yargs command line from the light command definitions in
 * src/commands (each handler imports its heavy modules only when it runs, so `--version`, `--help`
 * and completion load no BMC or simulator code), and dispatches on the name it was invoked as:
 * `rpower node01 stat` is `hwctl rpower node01 stat`.
 */
import { basename } from 'node:path';
import yargs, { type Argv, type CommandModule, type Options } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { HwctlUsageError } from '../core/errors.js';
import { EXIT } from './exit-codes.js';
import { resolveDefaults, type Setting } from './defaults.js';
import { globalOptions, type GlobalArgs } from './global-options.js';
import { COMMANDS, XCAT_COMMAND_NAMES } from '../commands/index.js';
import { HWCTL_VERSION as version } from '../core/version.js';
import { rememberInvocation } from './invocation.js';

/** argv as hwctl sees it: when invoked as `rpower`, the command name is put in front. */
export function effectiveArgv(argv: string[], invokedAs: string): string[] {
  const name = basename(invokedAs).replace(/\.(c|m)?js$/, '');
  return (XCAT_COMMAND_NAMES as readonly string[]).includes(name) ? [name, ...argv] : argv;
}

/** The first word of each command's yargs definition (`rpower <noderange> [action]` → `rpower`). */
export function commandNames(): string[] {
  return COMMANDS.map((c) => String(Array.isArray(c.command) ? c.command[0] : c.command).split(' ')[0]!);
}

/** Words yargs itself answers as a command: help. */
const BUILTIN_WORDS = ['help'];

/**
 * `hwctl foo` names the unknown command and lists the real ones in one message. Left to yargs, a
 * mistyped command printed the whole help (60 lines) ending in "Did you mean sim?".
 */
function rejectUnknownCommand(argv: readonly string[]): void {
  const word = argv[0];
  if (word === undefined || word.startsWith('-')) return;
  const names = commandNames();
  if (names.includes(word) || BUILTIN_WORDS.includes(word)) return;
  throw new HwctlUsageError(`unknown command ${word}; commands: ${names.join(', ')} (hwctl --help)`);
}

/**
 * xCAT's r-commands print their version with `-v`, as `hwctl -v` and `hwctl --version` do: handled
 * before yargs, which would first demand the command's noderange. Not for `sim`, whose `-v` is verbose.
 */
function asksForVersion(argv: readonly string[]): boolean {
  const word = argv[0];
  if (
    word !== undefined &&
    !word.startsWith('-') &&
    !(XCAT_COMMAND_NAMES as readonly string[]).includes(word)
  )
    return false;
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  return options.includes('-v') || options.includes('--version');
}

/**
 * One line for a usage error yargs finds (unknown option, bad choice), with where to look, rather than
 * the whole help: the help is shown only when the command line is incomplete (no command, no noderange).
 */
function usageFailure(msg: string, argv: readonly string[]): { line: string; showHelp: boolean } {
  const showHelp = /^Not enough non-option arguments|^Name a command/.test(msg);
  const word = argv[0];
  const command = word !== undefined && commandNames().includes(word) ? ` ${word}` : '';
  const line = msg.replace(/\s*\n\s*/g, ' ').trim();
  return { line: showHelp ? line : `${line} (hwctl${command} --help lists the options)`, showHelp };
}

const helpWidth = () => Math.min(110, process.stdout.columns || 80);

/** Whether this command line shows help (flags, the `help` word, or no command at all). */
function asksForHelp(argv: readonly string[]): boolean {
  const words = argv.filter((a) => !a.startsWith('-'));
  return words.length === 0 || words[0] === 'help' || argv.some((a) => a === '--help' || a === '-h');
}

/**
 * The global options with their defaults from the environment and the config file (defaults.ts). The
 * inventory from $HWCTL_INVENTORY is left to the inventory lookup, which already reads it.
 */
function optionsWith(defaults: ReadonlyMap<string, Setting>): Record<string, Options> {
  const options = { ...globalOptions };
  for (const [key, s] of defaults) {
    if (key === 'inventory' && s.source === 'env') continue;
    options[key] = { ...options[key], default: s.value };
  }
  return options;
}

export function buildCli(
  argv: string[],
  defaults: ReadonlyMap<string, Setting> = new Map(),
): Argv<GlobalArgs> {
  let y = yargs(argv)
    .scriptName('hwctl')
    .usage(
      '$0 <command> <noderange> [args]\n\nFleet hardware control through BMCs (Redfish and OpenBMC REST).',
    )
    .options(optionsWith(defaults))
    .strict()
    .demandCommand(1, 'Name a command: see the list above.')
    .help('help')
    .alias('help', 'h')
    .version(version)
    // yargs renders the whole help text after starting a command's handler (to have it at hand should
    // the handler fail), and wrapping it costs 30-60 ms of start-up. Help is only shown for --help or a
    // usage error, so wrap only then (the fail handler below turns wrapping back on).
    .wrap(asksForHelp(argv) ? helpWidth() : null)
    .epilogue(
      'Exit codes: 0 all nodes ok, 1 a node failed, 2 usage/inventory/noderange error, 130 interrupted.\nDocs: docs/ in the hwctl repository.',
    )
    .fail((msg, err, yy) => {
      // A handler's own error (bad inventory, noderange...) is reported by main(), without the help text.
      if (err) throw err;
      const { line, showHelp } = usageFailure(msg, argv);
      if (showHelp) {
        yy.wrap(helpWidth());
        yy.showHelp((s) => process.stderr.write(s + '\n\n'));
      }
      process.stderr.write(`Error: ${line}\n`);
      process.exit(EXIT.usage);
    }) as unknown as Argv<GlobalArgs>;
  for (const c of COMMANDS) y = y.command(c as CommandModule<GlobalArgs, GlobalArgs>);
  return y;
}

export async function main(
  argv = hideBin(process.argv),
  invokedAs = process.argv[1] ?? 'hwctl',
): Promise<void> {
  // `hwctl ... | head` closes our stdout early: that is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  try {
    // The completion script's call on each Tab (src/cli/complete.ts): `hwctl __complete NAME WORD...`.
    if (argv[0] === '__complete') {
      const { complete } = await import('./complete.js');
      const candidates = await complete(argv[1] ?? 'hwctl', argv.slice(2));
      if (candidates.length) process.stdout.write(candidates.join('\n') + '\n');
      return;
    }
    const args = effectiveArgv(argv, invokedAs);
    if (asksForVersion(args)) {
      process.stdout.write(`${version}\n`);
      return;
    }
    rejectUnknownCommand(args);
    // A service node is handed the command as typed (src/hierarchy/argv.ts).
    rememberInvocation(args);
    await buildCli(args, resolveDefaults(process.env)).parseAsync();
  } catch (e) {
    // A value refused while the command line is parsed (global-options.ts `checkNumber`): yargs
    // rethrows the check's error as its own YError, keeping the message.
    if (e instanceof HwctlUsageError || (e instanceof Error && e.name === 'YError')) {
      process.stderr.write(`Error: ${e.message}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    process.stderr.write(
      `hwctl: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exitCode = EXIT.nodeFailed;
  }
}
