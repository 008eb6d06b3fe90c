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

type Forward = (args: GlobalArgs) => string[];
const valued =
  (flag: string, pick: (a: GlobalArgs) => string | number | undefined): Forward =>
  (a) => {
    const v = pick(a);
    return v === undefined ? [] : [flag, String(v)];
  };
const when =
  (flag: string, on: (a: GlobalArgs) => boolean): Forward =>
  (a) =>
    on(a) ? [flag] : [];

/**
 * Every global option is either handed on (FORWARDED: how, from the value this run resolved) or not
 * (NOT_FORWARDED: why); test/hierarchy/argv.test.ts checks that each one of src/cli/global-options.ts is in
 * exactly one of the two, so a new option cannot be forgotten here.
 */
const FORWARDED: Record<string, Forward> = {
  fanout: (a) => ['--fanout', String(a.fanout)],
  timeout: valued('--timeout', (a) => a.timeout),
  debug: when('--debug', (a) => a.debug === true),
  verbose: when('--verbose', (a) => a.verbose === true),
  insecure: when('--insecure', (a) => a.insecure === true),
  ca: valued('--ca', (a) => a.ca),
  tls: valued('--tls', (a) => a.tls),
  'known-bmcs': valued('--known-bmcs', (a) => a.knownBmcs),
  auth: valued('--auth', (a) => a.auth),
  'connect-timeout': valued('--connect-timeout', (a) => a.connectTimeout),
  'request-timeout': valued('--request-timeout', (a) => a.requestTimeout),
  'login-timeout': valued('--login-timeout', (a) => a.loginTimeout),
  'per-bmc': valued('--per-bmc', (a) => a.perBmc),
  'max-body': valued('--max-body', (a) => a.maxBody),
  record: valued('--record', (a) => a.record),
  quirks: when('--no-quirks', (a) => a.quirks === false),
  cache: when('--no-cache', (a) => a.cache === false),
};

export const NOT_FORWARDED: Readonly<Record<string, string>> = {
  inventory: 'the service node gets its nodes, resolved here, on standard input (--sn-stdin)',
  output: 'the service node answers in the protocol (-o ndjson); the output form is rendered here',
  collate: 'nodes are grouped here, across every service node',
  quiet: 'the service node runs with -q: the run’s summary is made here',
  'max-nodes': 'applied here to the whole run; the service node, which sees only its share, gets --yes',
  yes: 'the service node always gets --yes (see max-nodes)',
  'failed-to': 'written here, from every service node’s results',
  color: 'the service node runs with --no-color: colour is applied here',
  'password-stdin': 'passwords travel in the --sn-stdin document',
  'sn-stdin': 'set by this host for the service node',
};

/** Names of the global options handed on (for the test that every option is accounted for). */
export const FORWARDED_OPTIONS: readonly string[] = Object.keys(FORWARDED);

/** The global options to hand on, from the values this run resolved. */
export function forwardedGlobals(args: GlobalArgs): string[] {
  return Object.values(FORWARDED).flatMap((forward) => forward(args));
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
