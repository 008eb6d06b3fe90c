/** `hwctl config`: the settings in effect, each with its source (src/cli/defaults.ts). */
import { join } from 'node:path';
import { hideBin } from 'yargs/helpers';
import { stateDir } from '../core/state.js';
import { DEFAULT_MAX_NODES } from './safety.js';
import { locateInventory } from '../inventory/locate.js';
import { configPath, CONFIGURABLE, resolveDefaults, type Setting } from './defaults.js';
import type { GlobalArgs } from './global-options.js';
import { globalOptions } from './global-options.js';
import { stdSink } from './node-command.js';
import type { Sink } from '../output/render.js';

/** What an option left unset means, for display. */
const BUILT_IN: Record<string, (env: NodeJS.ProcessEnv) => string> = {
  timeout: () => '(per command)',
  'known-bmcs': (env) => join(stateDir(env), 'known_bmcs'),
  color: () => 'auto (on a terminal)',
  'max-nodes': () => String(DEFAULT_MAX_NODES),
};

/** Whether `--name`, `--name=…`, `--no-name` or the option's one-letter alias is on the command line. */
function onCommandLine(name: string, argv: readonly string[]): boolean {
  const alias = globalOptions[name]?.alias;
  const short = typeof alias === 'string' && alias.length === 1 ? `-${alias}` : undefined;
  return argv.some(
    (a) =>
      a === `--${name}` ||
      a.startsWith(`--${name}=`) ||
      a === `--no-${name}` ||
      (short !== undefined && (a === short || (a.startsWith(short) && !a.startsWith('--')))),
  );
}

export function showConfig(
  args: GlobalArgs,
  argv: readonly string[] = hideBin(process.argv),
  env: NodeJS.ProcessEnv = process.env,
  sink: Sink = stdSink,
): number {
  const defaults = resolveDefaults(env);
  const parsed = args as unknown as Record<string, unknown>;
  const rows: Array<{ setting: string; value: string; from: string }> = [];
  for (const key of Object.keys(CONFIGURABLE)) {
    const camel = key.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    const s: Setting | undefined = defaults.get(key);
    let value = parsed[camel];
    let from: string;
    if (onCommandLine(key, argv)) from = 'command line';
    else if (s) from = s.source === 'env' ? `environment ${s.where}` : `config ${s.where}`;
    else from = 'default';
    if (key === 'inventory') {
      // Where the lookup lands, and how (an explicit file, $HWCTL_INVENTORY, or the search path).
      try {
        value = locateInventory({
          explicit: parsed.inventory as string | undefined,
          env,
          cwd: process.cwd(),
        });
        if (from === 'default') from = 'lookup (./hwctl.yaml, ~/.config/hwctl/inventory.yaml, /etc/hwctl)';
      } catch {
        value = '(none found)';
      }
    }
    if (value === undefined) value = BUILT_IN[key]?.(env);
    rows.push({ setting: key, value: value === undefined ? '' : String(value), from });
  }
  const file = configPath(env);
  if (args.output === 'json' || args.output === 'ndjson') {
    sink.out(
      JSON.stringify({ configFile: file, settings: rows }, null, args.output === 'json' ? 2 : undefined),
    );
    return 0;
  }
  const w1 = Math.max(...rows.map((r) => r.setting.length), 7);
  const w2 = Math.max(...rows.map((r) => r.value.length), 5);
  sink.out(`${'SETTING'.padEnd(w1)}  ${'VALUE'.padEnd(w2)}  FROM`);
  for (const r of rows) sink.out(`${r.setting.padEnd(w1)}  ${r.value.padEnd(w2)}  ${r.from}`.trimEnd());
  sink.out(
    `\nconfig file: ${file}${defaults.size && [...defaults.values()].some((s) => s.source === 'config') ? '' : ' (none read)'}`,
  );
  return 0;
}
