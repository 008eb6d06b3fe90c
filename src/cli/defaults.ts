/**
 * Defaults of the global options from the environment and a config file, with precedence
 *
 *     command line  >  environment (HWCTL_*, NO_COLOR)  >  config file  >  built-in
 *
 * The config file is `$XDG_CONFIG_HOME/hwctl/config.yaml` (else `~/.config/hwctl/config.yaml`), or the
 * file named by $HWCTL_CONFIG: a flat YAML mapping of option names to scalars (`fanout: 128`). Read on
 * every start-up, it is parsed here by hand rather than with the yaml package, which costs start-up time
 * cron pays on every run; anything but `key: value` lines is refused with file:line.
 *
 * Values are checked as the command line's are (the same NumberRule, the same choices), and a bad one is
 * a usage error naming where it was set. The result becomes yargs' default for each option, so a flag on
 * the command line still wins; `hwctl config` shows each value and where it came from.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { HwctlUsageError } from '../core/errors.js';
import { OUTPUT_FORMATS } from '../output/formats.js';
import { checkNumber, type NumberRule } from './global-options.js';

export type Source = 'default' | 'config' | 'env';

export interface Setting {
  value: unknown;
  source: Source;
  /** `HWCTL_FANOUT`, `/home/a/.config/hwctl/config.yaml:3`. */
  where?: string;
}

interface Known {
  env?: string;
  parse(text: string, where: string): unknown;
}

function choice(values: readonly string[]) {
  return (text: string, where: string) => {
    if (!values.includes(text))
      throw new HwctlUsageError(`${where}: '${text}' is not one of ${values.join(', ')}`);
    return text;
  };
}

function bool(text: string, where: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new HwctlUsageError(`${where}: '${text}' is not a boolean (true or false)`);
}

function num(rule: NumberRule) {
  return (text: string, where: string) => checkNumber(where, rule)(text.trim() === '' ? NaN : Number(text));
}

function path(text: string, where: string): string {
  if (text === '') throw new HwctlUsageError(`${where}: needs a file name`);
  return text;
}

/** The options that take a default from the environment or the config file. */
export const CONFIGURABLE: Record<string, Known> = {
  inventory: { env: 'HWCTL_INVENTORY', parse: path },
  output: { env: 'HWCTL_OUTPUT', parse: choice(OUTPUT_FORMATS) },
  fanout: { env: 'HWCTL_FANOUT', parse: num({ min: 1, whole: true }) },
  timeout: { env: 'HWCTL_TIMEOUT', parse: num({ min: 0, above: true, unit: 'seconds' }) },
  tls: { env: 'HWCTL_TLS', parse: choice(['verify', 'pin', 'insecure']) },
  'known-bmcs': { env: 'HWCTL_KNOWN_BMCS', parse: path },
  quiet: { env: 'HWCTL_QUIET', parse: bool },
  color: { env: 'HWCTL_COLOR', parse: bool },
  'max-nodes': { env: 'HWCTL_MAX_NODES', parse: num({ min: 1, whole: true }) },
};

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HWCTL_CONFIG) return env.HWCTL_CONFIG;
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.config');
  return join(base, 'hwctl', 'config.yaml');
}

/** `key: value` lines; `#` comments; values may be quoted. Throws a usage error with file:line. */
export function parseConfig(text: string, file: string): Map<string, { text: string; line: number }> {
  const out = new Map<string, { text: string; line: number }>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trimEnd();
    if (line.trim() === '' || line.trim() === '---') return;
    const where = `${file}:${i + 1}`;
    const m = /^([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*)$/.exec(line);
    if (!m) throw new HwctlUsageError(`${where}: expected 'option: value' (a flat mapping, see docs/cli.md)`);
    const key = m[1]!;
    if (!(key in CONFIGURABLE)) {
      throw new HwctlUsageError(
        `${where}: unknown setting '${key}'; settings: ${Object.keys(CONFIGURABLE).join(', ')}`,
      );
    }
    if (out.has(key)) throw new HwctlUsageError(`${where}: '${key}' is set twice`);
    let value = m[2]!.trim();
    const quoted = /^(["'])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2]!;
    out.set(key, { text: value, line: i + 1 });
  });
  return out;
}

/**
 * Each configurable option's value from the environment or the config file, with its source; options
 * set in neither are absent (yargs' built-in default applies). `NO_COLOR` (non-empty) reads as color: false.
 */
export function resolveDefaults(env: NodeJS.ProcessEnv = process.env): Map<string, Setting> {
  const settings = new Map<string, Setting>();
  const file = configPath(env);
  if (existsSync(file)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new HwctlUsageError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? e})`);
    }
    for (const [key, { text: value, line }] of parseConfig(text, file)) {
      const where = `${file}:${line}`;
      settings.set(key, {
        value: CONFIGURABLE[key]!.parse(value, `${where}: ${key}`),
        source: 'config',
        where,
      });
    }
  } else if (env.HWCTL_CONFIG) {
    throw new HwctlUsageError(`HWCTL_CONFIG: ${file} does not exist`);
  }
  for (const [key, known] of Object.entries(CONFIGURABLE)) {
    const text = known.env ? env[known.env] : undefined;
    if (text === undefined || text === '') continue;
    settings.set(key, { value: known.parse(text, known.env!), source: 'env', where: known.env });
  }
  if (env.NO_COLOR && !(env.HWCTL_COLOR && settings.get('color')?.source === 'env')) {
    settings.set('color', { value: false, source: 'env', where: 'NO_COLOR' });
  }
  return settings;
}
