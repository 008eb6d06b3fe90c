/**
 * Shell completion (`hwctl completion bash|zsh` prints the script; the script calls the hidden
 * `hwctl __complete NAME WORD...` on each Tab). Candidates: the commands, each command's options (read
 * from its yargs definition, so they never drift), the values of `-o` and `--tls`, each command's verbs
 * and keywords (the managers' own lists), and the inventory's groups and node names for a noderange.
 *
 * The script registers itself for `hwctl` and every name it is installed under (rpower, rinv, …), so
 * `rpower no<Tab>` completes like `hwctl rpower no<Tab>`. Completion never fails loudly: an unreadable
 * inventory only means no node names.
 */
import type { CommandModule, Options } from 'yargs';
import { COMMANDS, XCAT_COMMAND_NAMES } from '../commands/index.js';
import { globalOptions } from './global-options.js';

/** The names the script completes for (package.json `bin`): hwctl and the xCAT commands it serves. */
export const COMPLETED_NAMES = ['hwctl', ...XCAT_COMMAND_NAMES];

interface Shape {
  positionals: string[];
  options: Record<string, Options>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- yargs command modules differ in their argument types
type AnyCommand = CommandModule<any, any>;

const nameOf = (c: AnyCommand) => String(Array.isArray(c.command) ? c.command[0] : c.command).split(' ')[0]!;

/** A command's positionals and options, read by running its yargs builder against a recorder. */
function shapeOf(c: AnyCommand): Shape {
  const shape: Shape = { positionals: [], options: {} };
  const recorder: unknown = new Proxy(
    {},
    {
      get:
        (_t, prop) =>
        (...args: unknown[]) => {
          if (prop === 'positional') shape.positionals.push(String(args[0]));
          else if (prop === 'option') shape.options[String(args[0])] = (args[1] ?? {}) as Options;
          else if (prop === 'options') Object.assign(shape.options, args[0]);
          return recorder;
        },
    },
  );
  if (typeof c.builder === 'function') (c.builder as (y: unknown) => unknown)(recorder);
  else if (c.builder) Object.assign(shape.options, c.builder);
  return shape;
}

function flags(options: Record<string, Options>): string[] {
  const out: string[] = [];
  for (const [name, o] of Object.entries(options)) {
    out.push(`--${name}`);
    const aliases = o.alias === undefined ? [] : Array.isArray(o.alias) ? o.alias : [o.alias];
    for (const a of aliases) out.push(a.length === 1 ? `-${a}` : `--${a}`);
  }
  return out;
}

/** Values an option takes, when they are a fixed list. */
function optionValues(option: Options | undefined): string[] | undefined {
  if (!option) return undefined;
  if (Array.isArray(option.choices)) return option.choices.map(String);
  return undefined;
}

/** The option a flag word names (`-o` → output), in `options`. */
function optionFor(word: string, options: Record<string, Options>): Options | undefined {
  const bare = word.replace(/^--?/, '');
  for (const [name, o] of Object.entries(options)) {
    const aliases = o.alias === undefined ? [] : Array.isArray(o.alias) ? o.alias : [o.alias];
    if (name === bare || aliases.includes(bare)) return o;
  }
  return undefined;
}

/** Each command's verbs/keywords (the positionals after the noderange). */
async function keywords(
  command: string,
  inventory: () => Promise<InventoryLike | undefined>,
): Promise<string[]> {
  switch (command) {
    case 'rpower':
      return [...(await import('../managers/power.js')).POWER_VERBS];
    case 'rsetboot':
      return [...(await import('../managers/boot.js')).BOOT_VERBS];
    case 'rinv':
      return [...(await import('../managers/inventory.js')).INVENTORY_KEYWORDS];
    case 'rvitals':
      return [...(await import('../managers/sensors.js')).VITALS_KEYWORDS];
    case 'rbeacon':
      return [...(await import('../managers/beacon.js')).BEACON_VERBS];
    case 'reventlog':
      return ['all', 'clear', 'resolved='];
    case 'rspconfig':
      return (await import('../commands/rspconfig-groups.js')).rspconfigKeys();
    case 'nodels': {
      const { BUILTIN_ATTRIBUTES } = await import('../inventory/attribute.js');
      const inv = await inventory();
      const free = new Set<string>();
      for (const n of inv?.nodes.values() ?? []) for (const k of Object.keys(n.attrs)) free.add(k);
      return [...BUILTIN_ATTRIBUTES, ...[...free].sort()];
    }
    case 'completion':
      return ['bash', 'zsh'];
    default:
      return [];
  }
}

interface InventoryLike {
  nodes: ReadonlyMap<string, { attrs: Record<string, string> }>;
  groups: ReadonlyMap<string, readonly string[]>;
}

/** Commands whose first positional is a noderange. */
const NODERANGE_COMMANDS = new Set(
  COMMANDS.filter((c) => / [<[]noderange[>\]]/.test(String(c.command))).map(nameOf),
);

/**
 * The candidates for the last of `words` (the word being completed, maybe empty), given the name the
 * command line starts with (`hwctl` or an installed xCAT name) and the words before it.
 */
export async function complete(name: string, words: readonly string[], env = process.env): Promise<string[]> {
  const all = (XCAT_COMMAND_NAMES as readonly string[]).includes(name) ? [name, ...words] : [...words];
  const current = all[all.length - 1] ?? '';
  const before = all.slice(0, -1);
  const byName = new Map(COMMANDS.map((c) => [nameOf(c), c]));
  const match = (list: Iterable<string>) => [...new Set(list)].filter((c) => c.startsWith(current));

  const commandWord = before.find((w) => !w.startsWith('-'));
  if (commandWord === undefined) {
    if (current.startsWith('-')) return match(flags(globalOptions));
    return match([...byName.keys(), 'completion']);
  }
  const command = byName.get(commandWord);
  const shape = command ? shapeOf(command) : { positionals: [], options: {} };
  const options = { ...globalOptions, ...shape.options };

  // The value of an option: its choices, or nothing (the shell completes file names).
  const previous = before[before.length - 1];
  if (previous?.startsWith('-') && !previous.includes('=')) {
    const o = optionFor(previous, options);
    if (o && o.type !== 'boolean') return match(optionValues(o) ?? []);
  }
  if (current.startsWith('-')) return match(flags(options));

  // Which positional is being completed: count the words after the command that are not options.
  const args = before.slice(before.indexOf(commandWord) + 1);
  let position = 0;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    if (w.startsWith('-')) {
      const o = optionFor(w, options);
      if (o && o.type !== 'boolean' && !w.includes('=')) i++; // its value
      continue;
    }
    position++;
  }
  let loaded: Promise<InventoryLike | undefined> | undefined;
  const inventory = () => (loaded ??= loadInventoryQuietly(args, env));
  if (NODERANGE_COMMANDS.has(commandWord) && position === 0)
    return noderangeCandidates(current, await inventory());
  return match(await keywords(commandWord, inventory));
}

/** Node and group names for the last element of a comma list (`node01,-no` → `node01,-node02`, …). */
function noderangeCandidates(current: string, inv: InventoryLike | undefined): string[] {
  if (!inv) return [];
  const cut = current.lastIndexOf(',') + 1;
  const head = current.slice(0, cut);
  const element = current.slice(cut);
  const prefix = /^[-@]/.test(element) ? element[0]! : '';
  const word = element.slice(prefix.length);
  const names = ['all', ...inv.groups.keys(), ...inv.nodes.keys()].filter((n) => n.startsWith(word));
  return [...new Set(names)].map((n) => head + prefix + n);
}

async function loadInventoryQuietly(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<InventoryLike | undefined> {
  try {
    let explicit: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const w = args[i]!;
      if (w === '-i' || w === '--inventory') explicit = args[i + 1];
      else if (w.startsWith('--inventory=')) explicit = w.slice('--inventory='.length);
    }
    const { locateInventory, loadInventory } = await import('../inventory/index.js');
    if (explicit === undefined) {
      const { resolveDefaults } = await import('./defaults.js');
      const fromConfig = resolveDefaults(env).get('inventory');
      if (fromConfig && fromConfig.source === 'config') explicit = String(fromConfig.value);
    }
    return await loadInventory(locateInventory({ explicit, env, cwd: process.cwd() }));
  } catch {
    return undefined;
  }
}

/** The completion script for `shell`. */
export function completionScript(shell: 'bash' | 'zsh'): string {
  const names = COMPLETED_NAMES.join(' ');
  if (shell === 'zsh') {
    return `#compdef ${names}
# hwctl completion for zsh. Install: hwctl completion zsh > "\${fpath[1]}/_hwctl" (then restart zsh),
# or add to ~/.zshrc: source <(hwctl completion zsh)
_hwctl() {
  local -a candidates
  candidates=("\${(@f)$(hwctl __complete "\${words[1]}" "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ -n "\${candidates[1]}" ]]; then
    compadd -Q -S '' -- "\${candidates[@]}"
  else
    _files
  fi
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _hwctl "$@"
else
  compdef _hwctl ${names}
fi
`;
  }
  return `# hwctl completion for bash. Install: hwctl completion bash > /etc/bash_completion.d/hwctl,
# or add to ~/.bashrc: source <(hwctl completion bash)
_hwctl_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(hwctl __complete "\${COMP_WORDS[0]##*/}" "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -o nospace -F _hwctl_complete ${names}
`;
}
