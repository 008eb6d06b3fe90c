/**
 * Options shared by every node command, as yargs option definitions, and their parsed type.
 * Light on purpose: loaded for `--help`, so it imports nothing that talks to a BMC.
 */
import type { Options } from 'yargs';
import { HwctlUsageError } from '../core/errors.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../output/formats.js';

export interface GlobalArgs {
  inventory?: string;
  output: OutputFormat;
  fanout: number;
  timeout?: number;
  collate: boolean;
  quiet: boolean;
  color?: boolean;
  debug: boolean;
  verbose: boolean;
  passwordStdin: boolean;
  insecure: boolean;
  ca?: string;
  tls?: 'verify' | 'pin' | 'insecure';
  knownBmcs?: string;
  auth?: 'session' | 'basic' | 'auto';
  connectTimeout?: number;
  requestTimeout?: number;
  loginTimeout?: number;
  perBmc?: number;
  maxBody?: number;
  /** Destructive commands over more nodes than this need --yes (src/cli/safety.ts). */
  maxNodes?: number;
  yes?: boolean;
  /** --failed-to FILE: write the failed nodes there, one per line. */
  failedTo?: string;
  /** false with --no-quirks: no vendor workaround (generic Redfish). */
  quirks?: boolean;
  /** --record DIR: every BMC exchange written there, secrets masked (src/bmc/recorder.ts). */
  record?: string;
  /** false with --no-cache: discover every BMC afresh, and keep nothing (docs/performance.md). */
  cache?: boolean;
  /** Hidden: run as a service node, the inventory slice on stdin (src/hierarchy, docs/hierarchy.md). */
  snStdin?: boolean;
}

/** What a numeric option accepts: `whole` numbers only, at least `min` (or above it, with `above`). */
export interface NumberRule {
  min: number;
  above?: boolean;
  whole?: boolean;
  /** What the number counts, for the message: `seconds`. */
  unit?: string;
}

function ruleText(rule: NumberRule): string {
  const what = rule.whole ? 'a whole number' : 'a number';
  const of = rule.unit ? ` of ${rule.unit}` : '';
  return `${what}${of} ${rule.above ? '>' : '>='} ${rule.min}`;
}

/**
 * A yargs `coerce` that checks a numeric option when the command line is parsed, before any handler
 * runs (so before the inventory is read or a BMC touched). yargs turns `--per-bmc abc` into NaN and
 * accepts any number: without this, `--connect-timeout 0` or `--per-bmc abc` went through silently.
 * Every numeric option goes through it (`numberOption`), so one added later is checked the same way.
 */
export function checkNumber(flag: string, rule: NumberRule): (value: unknown) => number | undefined {
  return (value) => {
    // Given twice (`-f 8 … -f 16`, e.g. an alias plus the command line): the last one wins.
    const v: unknown = Array.isArray(value) ? value[value.length - 1] : value;
    if (v === undefined) return undefined;
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (rule.above ? v > rule.min : v >= rule.min) &&
      (!rule.whole || Number.isInteger(v));
    if (!ok) {
      const given =
        typeof v === 'number' && !Number.isNaN(v) ? `, not ${v}` : ' (the value given is not a number)';
      throw new HwctlUsageError(`${flag} must be ${ruleText(rule)}${given}`);
    }
    return v as number;
  };
}

/** A yargs number option checked by `checkNumber` (`name` is the long option, without dashes). */
export function numberOption(name: string, rule: NumberRule, def: Options): Options {
  return { ...def, type: 'number', requiresArg: true, coerce: checkNumber(`--${name}`, rule) };
}

/**
 * A yargs string option that needs a value: `-i` alone (or `-i ''`) is refused, rather than read as
 * "no inventory given" and silently falling back to the inventory lookup.
 */
export function valueOption(name: string, what: string, def: Options): Options {
  return {
    ...def,
    type: 'string',
    coerce: (value: unknown) => {
      const v: unknown = Array.isArray(value) ? value[value.length - 1] : value;
      if (v === undefined) return undefined;
      if (typeof v !== 'string' || v === '') throw new HwctlUsageError(`--${name} needs ${what}`);
      return v;
    },
  };
}

const SECONDS: NumberRule = { min: 0, above: true, unit: 'seconds' };
const AT_LEAST_ONE: NumberRule = { min: 1, whole: true };

export const BMC_GROUP = 'BMC connection options (override the inventory):';

export const GLOBAL_GROUP = 'Global options:';

export const globalOptions: Record<string, Options> = {
  inventory: valueOption('inventory', 'a file name', {
    alias: 'i',
    describe:
      'Inventory file (default: $HWCTL_INVENTORY, ./hwctl.yaml, $XDG_CONFIG_HOME/hwctl/inventory.yaml, /etc/hwctl/inventory.yaml)',
    group: GLOBAL_GROUP,
  }),
  output: {
    alias: 'o',
    choices: OUTPUT_FORMATS,
    default: 'text',
    describe: 'Output format',
    group: GLOBAL_GROUP,
  },
  fanout: numberOption('fanout', AT_LEAST_ONE, {
    alias: 'f',
    default: 64,
    describe: 'How many nodes run at once',
    group: GLOBAL_GROUP,
  }),
  timeout: numberOption('timeout', SECONDS, {
    alias: 't',
    describe: 'Per-node deadline in seconds (default depends on the command)',
    group: GLOBAL_GROUP,
  }),
  collate: {
    alias: 'c',
    type: 'boolean',
    default: false,
    describe: 'Group nodes with identical output under one folded noderange',
    group: GLOBAL_GROUP,
  },
  quiet: {
    alias: 'q',
    type: 'boolean',
    default: false,
    describe: 'No summary line on stderr',
    group: GLOBAL_GROUP,
  },
  'max-nodes': numberOption('max-nodes', AT_LEAST_ONE, {
    describe:
      'A destructive action (rpower off/reset/..., reventlog clear) on more nodes needs --yes (default 64)',
    group: GLOBAL_GROUP,
  }),
  yes: {
    alias: 'y',
    type: 'boolean',
    describe: 'Go ahead with a destructive action on more than --max-nodes nodes (never prompts)',
    group: GLOBAL_GROUP,
  },
  'failed-to': valueOption('failed-to', 'a file name', {
    describe:
      "Write the failed nodes to FILE, one per line (empty when none failed); the last run's are also @failed",
    group: GLOBAL_GROUP,
  }),
  color: {
    type: 'boolean',
    describe: 'Colour output (default: on a terminal, unless NO_COLOR is set); --no-color turns it off',
    group: GLOBAL_GROUP,
  },
  debug: {
    type: 'boolean',
    default: false,
    describe: 'Print every BMC request as a curl command with status and latency (secrets masked)',
    group: GLOBAL_GROUP,
  },
  verbose: {
    alias: 'V',
    type: 'boolean',
    default: false,
    describe: 'More detail',
    group: GLOBAL_GROUP,
  },
  'password-stdin': {
    type: 'boolean',
    default: false,
    describe: 'Read the BMC password from standard input (one-off use; overrides the inventory)',
    group: GLOBAL_GROUP,
  },
  insecure: {
    alias: 'k',
    type: 'boolean',
    default: false,
    describe: 'Do not verify BMC certificates (warned once per run); same as --tls insecure',
    group: BMC_GROUP,
  },
  ca: valueOption('ca', 'a PEM file name', {
    describe: 'PEM file of CA certificates to trust for BMC certificates',
    group: BMC_GROUP,
  }),
  tls: {
    choices: ['verify', 'pin', 'insecure'],
    describe: 'TLS mode for every node: verify (CA), pin (trust on first use, like ssh), insecure',
    group: BMC_GROUP,
  },
  'known-bmcs': valueOption('known-bmcs', 'a file name', {
    describe: 'Pinned certificate store (default $XDG_STATE_HOME/hwctl/known_bmcs)',
    group: BMC_GROUP,
  }),
  auth: {
    choices: ['session', 'basic', 'auto'],
    describe: 'Redfish authentication: a session, Basic on every request, or session falling back to Basic',
    group: BMC_GROUP,
  },
  'connect-timeout': numberOption('connect-timeout', SECONDS, {
    describe: 'TCP+TLS connect timeout per request, seconds (default 5)',
    group: BMC_GROUP,
  }),
  'request-timeout': numberOption('request-timeout', SECONDS, {
    describe: 'Timeout of one request, seconds (default 30)',
    group: BMC_GROUP,
  }),
  'login-timeout': numberOption('login-timeout', SECONDS, {
    describe: 'Timeout of a login request, seconds (default 20)',
    group: BMC_GROUP,
  }),
  'per-bmc': numberOption('per-bmc', AT_LEAST_ONE, {
    describe: 'Requests in flight per BMC (default 2; a second connection opens only for a queue of 3)',
    group: BMC_GROUP,
  }),
  'max-body': numberOption(
    'max-body',
    { min: 0, above: true, unit: 'MB' },
    {
      describe:
        'Longest BMC answer read, in MB after decompression (default 32); a longer one fails its node',
      group: BMC_GROUP,
    },
  ),
  quirks: {
    type: 'boolean',
    describe:
      'Redfish vendor workarounds (docs/vendors.md; default on); --no-quirks talks generic Redfish, for diagnosis',
    group: BMC_GROUP,
  },
  record: valueOption('record', 'a directory', {
    describe:
      'Write every BMC request and answer to DIR, one file per node, secrets masked; replay with hwctl sim --replay DIR',
    group: GLOBAL_GROUP,
  }),
  cache: {
    type: 'boolean',
    describe:
      'Discovery cache across runs ($XDG_STATE_HOME/hwctl/discovery_cache.json, 24 h; default on); --no-cache discovers afresh and keeps nothing',
    group: BMC_GROUP,
  },
  // Set by the control host on a service node's command line (docs/hierarchy.md); not for people.
  'sn-stdin': { type: 'boolean', hidden: true },
};

/** The BMC layer's run-wide options (src/bmc/options.ts) from the parsed flags; unset flags are left out. */
export function bmcOptionsFrom(args: GlobalArgs): Record<string, unknown> {
  const secs = (v: number | undefined) => (v === undefined ? undefined : Math.round(v * 1000));
  const o: Record<string, unknown> = {
    debug: args.debug,
    verbose: args.verbose,
    insecure: args.insecure || undefined,
    ca: args.ca,
    tls: args.tls,
    knownBmcs: args.knownBmcs,
    auth: args.auth,
    connectTimeoutMs: secs(args.connectTimeout),
    requestTimeoutMs: secs(args.requestTimeout),
    loginTimeoutMs: secs(args.loginTimeout),
    perBmc: args.perBmc,
    maxBodyBytes: args.maxBody === undefined ? undefined : Math.round(args.maxBody * 2 ** 20),
    // Read by the Redfish executors (src/executors/redfish/quirks.ts), not by the transport.
    quirks: args.quirks === false ? false : undefined,
    record: args.record,
    cache: args.cache === false ? false : undefined,
  };
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
