/**
 * The service node's command line: the user's own words for the command (its action and its own
 * options: `stat`, `--wait 180`), the service node's nodes in place of the noderange, and the global
 * options as this run resolved them (flags, environment and config file alike), so the service node runs
 * what would have run here. Options that only make sense here (inventory, output form, colour, @failed
 * files, --password-stdin) are left out; the service node always answers in the protocol (protocol.ts).
 */
import type { Options } from 'yargs';
import { globalOptions, type GlobalArgs } from '../cli/global-options.js';

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Every spelling of every global option → whether it takes a value. */
function globalSpellings(): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const [name, def] of Object.entries(globalOptions) as Array<[string, Options]>) {
    const takesValue = def.type !== 'boolean';
    const aliases = def.alias === undefined ? [] : Array.isArray(def.alias) ? def.alias : [def.alias];
    for (const n of new Set([name, camel(name), ...aliases])) {
      out.set(n.length === 1 ? `-${n}` : `--${n}`, takesValue);
      if (!takesValue && n.length > 1) out.set(`--no-${n}`, false);
    }
  }
  return out;
}

/**
 * `argv` without any global option (and its value): what is left is the command word, the noderange and
 * the command's own arguments and options, in the order typed.
 */
export function withoutGlobalOptions(argv: readonly string[]): string[] {
  const spellings = globalSpellings();
  const shortBooleans = new Set(
    [...spellings].filter(([s, v]) => /^-[A-Za-z]$/.test(s) && !v).map(([s]) => s[1]),
  );
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const eq = a.indexOf('=');
    const name = a.startsWith('-') && eq > 0 ? a.slice(0, eq) : a;
    const takesValue = spellings.get(name);
    if (takesValue === undefined) {
      // `-qc`: short boolean flags written together.
      if (/^-[A-Za-z]{2,}$/.test(a) && [...a.slice(1)].every((c) => shortBooleans.has(c))) continue;
      out.push(a);
      continue;
    }
    if (takesValue && eq < 0) i++; // `--fanout 8`: the value is the next word
  }
  return out;
}

/** The global options to hand on, from the values this run resolved. */
export function forwardedGlobals(args: GlobalArgs): string[] {
  const out: string[] = ['--fanout', String(args.fanout)];
  const value = (flag: string, v: string | number | undefined) => {
    if (v !== undefined) out.push(flag, String(v));
  };
  value('--timeout', args.timeout);
  if (args.debug) out.push('--debug');
  if (args.verbose) out.push('--verbose');
  if (args.insecure) out.push('--insecure');
  value('--ca', args.ca);
  value('--tls', args.tls);
  value('--known-bmcs', args.knownBmcs);
  value('--auth', args.auth);
  value('--connect-timeout', args.connectTimeout);
  value('--request-timeout', args.requestTimeout);
  value('--login-timeout', args.loginTimeout);
  value('--per-bmc', args.perBmc);
  value('--max-body', args.maxBody);
  value('--record', args.record);
  if (args.quirks === false) out.push('--no-quirks');
  if (args.cache === false) out.push('--no-cache');
  return out;
}

/** Beyond this length the service node is given `all` (its slice holds exactly its nodes anyway). */
const MAX_NODERANGE = 4096;

/**
 * The words after the remote hwctl: `rpower sn01-nodes stat --wait 180 --fanout 64 … -o ndjson -q --yes
 * --no-color --sn-stdin`. `noderange` is the noderange as typed here (replaced by `remoteNodes`).
 */
export function remoteArgv(
  invoked: readonly string[],
  noderange: string,
  remoteNodes: string,
  args: GlobalArgs,
): string[] {
  const words = withoutGlobalOptions(invoked);
  const at = words.indexOf(noderange, 1);
  if (words.length === 0 || at < 0) {
    throw new Error(
      `cannot find the noderange '${noderange}' in the command line ${JSON.stringify(invoked)}`,
    );
  }
  const nodes = remoteNodes.length > MAX_NODERANGE ? 'all' : remoteNodes;
  const own = [...words.slice(0, at), nodes, ...words.slice(at + 1)];
  // Options go before a `--` the user typed, which ends the options.
  const end = own.indexOf('--');
  const before = end < 0 ? own : own.slice(0, end);
  const after = end < 0 ? [] : own.slice(end);
  // --yes: this host already applied --max-nodes to the whole run; a service node sees only its share.
  const fixed = ['-o', 'ndjson', '-q', '--yes', '--no-color', '--sn-stdin'];
  return [...before, ...forwardedGlobals(args), ...fixed, ...after];
}
