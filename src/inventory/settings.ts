/**
 * One layer of node settings as written in `defaults:`, a group of `groups:` or a node entry, validated
 * but not yet applied: templates are compiled here and rendered per node in resolve.ts.
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { isMap, isSeq, type Node } from 'yaml';
import type { SourceLocation } from '../core/errors.js';
import type { AuthMode, Flavor, SecretRef, TimeoutSettings, TlsMode, TlsSettings } from '../core/types.js';
import { rememberSecretLocation } from './secret.js';
import { describe, Invalid, throwProblems, type Entry, type YamlSource } from './source.js';
import { didYouMean } from './suggest.js';
import { compileTemplate, TemplateError, type CompiledTemplate } from './template.js';
import { parseTransport, type TransportLayer } from './transport.js';

export const BUILTIN_FLAVORS = ['redfish', 'openbmc', 'auto'] as const;
export const TLS_MODES: readonly TlsMode[] = ['verify', 'pin', 'insecure', 'plaintext'];
export const AUTH_MODES: readonly AuthMode[] = ['session', 'basic', 'auto'];

/** Keys of `defaults:` and of each group. */
export const SETTING_KEYS = [
  'bmc',
  'mgt',
  'username',
  'password',
  'tls',
  'auth',
  'system',
  'timeouts',
  'attrs',
  'transport',
  'proxy',
  'servicenode',
];
/** Keys of a node entry: the settings plus its group memberships. */
export const NODE_KEYS = [...SETTING_KEYS, 'groups'];
const TIMEOUT_KEYS = ['connect', 'request', 'login'] as const;
const PASSWORD_KEYS = ['env', 'file', 'stdin'];
const TLS_KEYS = ['mode', 'ca'];

/** Attribute names `nodeAttribute` answers itself; a free attribute may not hide one. */
export const BUILTIN_ATTRIBUTES = [
  'name',
  'bmc',
  'mgt',
  'groups',
  'username',
  'password',
  'tls',
  'auth',
  'system',
  'transport',
  'proxy',
  'servicenode',
];

const ATTR_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** 1 day: a longer timeout is certainly a unit mistake. */
const MAX_TIMEOUT_MS = 86_400_000;

/** A value that may contain `{...}` template expressions, with what is needed to point at errors in it. */
export interface TemplateField {
  field: string;
  template: CompiledTemplate;
  /** Where the value starts. */
  location: SourceLocation;
  /** Where character `offset` of the template text is (for errors in one `{...}`). */
  locateAt(offset: number): SourceLocation;
  /** Normalised value of a constant template, computed once (e.g. the BMC URL). */
  normalized?: string;
}

/** Compile `text`, which starts at character `base` of scalar `node`. Throws Invalid on a syntax error. */
function compileField(
  source: YamlSource,
  node: Node,
  text: string,
  base: number,
  what: string,
  field: string,
): TemplateField {
  const locateAt = (offset: number): SourceLocation => source.locateInScalar(node, base + offset);
  try {
    return { field, template: compileTemplate(text), location: locateAt(0), locateAt };
  } catch (e) {
    if (e instanceof TemplateError) {
      throw new Invalid(
        `${what}: bad template '${text}': ${e.message} (in '${e.expression}')`,
        locateAt(e.offset),
      );
    }
    throw e;
  }
}

export interface Layer {
  /** "defaults", "group 'rack01'" or "node 'node[01-10]'", for messages. */
  label: string;
  bmc?: TemplateField;
  mgt?: Flavor;
  username?: TemplateField;
  password?: SecretRef;
  tls?: TlsSettings;
  auth?: AuthMode;
  system?: TemplateField;
  timeouts?: TimeoutSettings;
  attrs?: Array<[string, TemplateField]>;
  transport?: TransportLayer;
  proxy?: TemplateField;
  /** The service node that runs the node's commands (docs/hierarchy.md). */
  servicenode?: TemplateField;
  /** Only on node entries. */
  groups?: TemplateField[];
}

export interface LayerContext {
  source: YamlSource;
  /** Directory of the inventory: relative paths (password files, CA bundles) are resolved against it. */
  baseDir: string;
  /**
   * Plugins are listed: unknown `mgt` flavors and `transport` names are accepted (the registries check
   * them once plugins are loaded).
   */
  allowPluginFlavors: boolean;
  /** Where inline passwords were written, for the "readable by others" warning. */
  inlinePasswords: SourceLocation[];
}

/** Parse a settings mapping. `keys` is SETTING_KEYS or NODE_KEYS. Throws Invalid. */
export function parseLayer(
  ctx: LayerContext,
  node: Node | null,
  label: string,
  keys: readonly string[],
): Layer {
  const { source } = ctx;
  const layer: Layer = { label };
  // Each key is checked on its own and every problem kept: a node with a typo and a bad value gets both.
  const problems: Invalid[] = [];
  for (const entry of source.entries(node, label)) {
    try {
      parseSetting(ctx, layer, entry, label, keys);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      problems.push(e);
    }
  }
  throwProblems(problems);
  return layer;
}

/** One key of a settings layer, stored into `layer`. Throws Invalid. */
function parseSetting(
  ctx: LayerContext,
  layer: Layer,
  entry: Entry,
  label: string,
  keys: readonly string[],
): void {
  const { source } = ctx;
  const { key, value } = entry;
  const what = `${label}: ${key}`;
  switch (key) {
    case 'bmc':
    case 'username':
    case 'system':
    case 'servicenode':
      layer[key] = templateField(source, value, what, key);
      break;
    case 'mgt':
      layer.mgt = parseFlavor(ctx, value, what);
      break;
    case 'password':
      layer.password = parsePassword(ctx, value, what);
      break;
    case 'tls':
      layer.tls = parseTls(ctx, value, what);
      break;
    case 'auth':
      layer.auth = oneOf(source, value, what, AUTH_MODES);
      break;
    case 'timeouts':
      layer.timeouts = parseTimeouts(source, value, what);
      break;
    case 'attrs':
      layer.attrs = parseAttrs(source, value, what);
      break;
    case 'transport':
      layer.transport = parseTransport(ctx, value, what);
      break;
    case 'proxy':
      layer.proxy = templateField(source, value, what, key);
      break;
    default: {
      if (key === 'groups' && keys.includes('groups')) {
        layer.groups = parseGroupList(source, value, what);
        break;
      }
      const hint =
        key === 'groups'
          ? `; membership is declared on nodes (groups: [...]), not in ${label}`
          : didYouMean(key, keys);
      throw new Invalid(
        `unknown key '${key}' in ${label}; expected one of ${keys.join(', ')}${hint}`,
        entry.keyLocation,
      );
    }
  }
}

/** Compile a template-capable string value; syntax errors point at the offending `{...}`. */
export function templateField(
  source: YamlSource,
  value: Node | null,
  what: string,
  field: string,
): TemplateField {
  const text = source.text(value, what);
  return compileField(source, value!, text, 0, what, field);
}

function oneOf<T extends string>(
  source: YamlSource,
  value: Node | null,
  what: string,
  allowed: readonly T[],
): T {
  const expected = allowed.join(' | ');
  const text = source.text(value, what, expected);
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new Invalid(
    `${what} is '${text}'; expected ${expected}${didYouMean(text, allowed)}`,
    source.locate(value),
  );
}

function parseFlavor(ctx: LayerContext, value: Node | null, what: string): Flavor {
  const expected = `${BUILTIN_FLAVORS.join(' | ')}${ctx.allowPluginFlavors ? ' or a flavor added by a plugin' : ''}`;
  const text = ctx.source.text(value, what, expected);
  if ((BUILTIN_FLAVORS as readonly string[]).includes(text)) return text;
  if (ctx.allowPluginFlavors && /^[a-z][a-z0-9_-]*$/.test(text)) return text;
  throw new Invalid(
    `${what} is '${text}'; expected ${expected}${didYouMean(text, BUILTIN_FLAVORS)}`,
    ctx.source.locate(value),
  );
}

/** `~/x` → home directory; relative → against the inventory's directory. */
export function resolvePath(baseDir: string, path: string): string {
  const expanded = path === '~' ? homedir() : path.startsWith('~/') ? homedir() + path.slice(1) : path;
  return resolve(baseDir, expanded);
}

function parsePassword(ctx: LayerContext, value: Node | null, what: string): SecretRef {
  const { source } = ctx;
  const expected = '{env: VAR}, {file: PATH}, {stdin: true} or a string';
  if (value !== null && isMap(value)) {
    const entries = source.entries(value, what);
    if (entries.length !== 1) {
      throw new Invalid(
        `${what} must have exactly one of env, file or stdin; expected ${expected}`,
        source.locate(value),
      );
    }
    const [entry] = entries as [(typeof entries)[0]];
    let ref: SecretRef;
    switch (entry.key) {
      case 'env': {
        const name = source.text(entry.value, `${what}.env`, 'an environment variable name');
        if (!ENV_NAME.test(name)) {
          throw new Invalid(
            `${what}.env '${name}' is not an environment variable name (letters, digits, _)`,
            source.locate(entry.value),
          );
        }
        ref = { kind: 'env', name };
        break;
      }
      case 'file':
        ref = {
          kind: 'file',
          path: resolvePath(ctx.baseDir, source.text(entry.value, `${what}.file`, 'a file path')),
        };
        break;
      case 'stdin':
        if (source.text(entry.value, `${what}.stdin`, 'true') !== 'true') {
          throw new Invalid(`${what}.stdin must be true`, source.locate(entry.value));
        }
        ref = { kind: 'stdin' };
        break;
      default:
        throw new Invalid(
          `unknown key '${entry.key}' in ${what}; expected one of ${PASSWORD_KEYS.join(', ')}${didYouMean(entry.key, PASSWORD_KEYS)}`,
          entry.keyLocation,
        );
    }
    rememberSecretLocation(ref, source.locate(value));
    return ref;
  }
  // Never quote the value in these messages: it is a password.
  if (value === null || source.isEmpty(value))
    throw new Invalid(`${what} is empty; expected ${expected}`, source.locate(value));
  if (isSeq(value)) throw new Invalid(`${what} must be ${expected}, not a list`, source.locate(value));
  const ref: SecretRef = { kind: 'inline', value: source.text(value, what) };
  const location = source.locate(value);
  rememberSecretLocation(ref, location);
  ctx.inlinePasswords.push(location);
  return ref;
}

function parseTls(ctx: LayerContext, value: Node | null, what: string): TlsSettings {
  const { source } = ctx;
  if (value === null || !isMap(value)) return { mode: oneOf(source, value, what, TLS_MODES) };
  let mode: TlsMode | undefined;
  let ca: string | undefined;
  let caLocation: SourceLocation | undefined;
  for (const entry of source.entries(value, what)) {
    if (entry.key === 'mode') mode = oneOf(source, entry.value, `${what}.mode`, TLS_MODES);
    else if (entry.key === 'ca') {
      ca = resolvePath(ctx.baseDir, source.text(entry.value, `${what}.ca`, 'a PEM file path'));
      caLocation = entry.keyLocation;
    } else {
      throw new Invalid(
        `unknown key '${entry.key}' in ${what}; expected one of ${TLS_KEYS.join(', ')}${didYouMean(entry.key, TLS_KEYS)}`,
        entry.keyLocation,
      );
    }
  }
  if (mode === undefined)
    throw new Invalid(`${what} needs a mode (${TLS_MODES.join(' | ')})`, source.locate(value));
  if (ca !== undefined && mode !== 'verify') {
    throw new Invalid(`${what}.ca applies only to mode verify (mode is ${mode})`, caLocation!);
  }
  return ca === undefined ? { mode } : { mode, ca };
}

/**
 * Why a node's BMC address and TLS mode do not go together, or undefined. Plain HTTP sends the password
 * (Basic, login bodies) and session tokens in clear text, so an `http://` BMC needs `tls: plaintext`,
 * written on purpose; and `plaintext` on an `https://` BMC would read as if nothing were checked.
 */
export function plaintextProblem(bmc: string, tls: TlsSettings): string | undefined {
  const http = bmc.startsWith('http://');
  if (http && tls.mode !== 'plaintext') {
    return (
      `bmc '${bmc}' is plain HTTP: the BMC password would cross the network in clear text. ` +
      'Use https://, or allow it explicitly with tls: plaintext (on the node, a group or defaults)'
    );
  }
  if (!http && tls.mode === 'plaintext') {
    return `tls: plaintext is only for http:// BMCs, and bmc '${bmc}' is HTTPS: give this node tls: verify, pin or insecure`;
  }
  return undefined;
}

/** "500ms", "5s", "2m", "1h", or a number of seconds (30, 1.5). Returns milliseconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return undefined;
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] as number;
  return Math.round(Number(m[1]) * factor);
}

function parseTimeouts(source: YamlSource, value: Node | null, what: string): TimeoutSettings {
  if (value === null || !isMap(value)) {
    throw new Invalid(
      `${what} must be a mapping like {connect: 5s, request: 30s, login: 20s}, not ${describe(value)}`,
      source.locate(value),
    );
  }
  const out: TimeoutSettings = {};
  for (const entry of source.entries(value, what)) {
    const key = entry.key as (typeof TIMEOUT_KEYS)[number];
    if (!TIMEOUT_KEYS.includes(key)) {
      throw new Invalid(
        `unknown key '${entry.key}' in ${what}; expected one of ${TIMEOUT_KEYS.join(', ')}${didYouMean(entry.key, TIMEOUT_KEYS)}`,
        entry.keyLocation,
      );
    }
    const expected = 'a duration like 500ms, 5s, 2m or a number of seconds';
    const text = source.text(entry.value, `${what}.${key}`, expected);
    const ms = parseDuration(text);
    if (ms === undefined)
      throw new Invalid(`${what}.${key} is '${text}'; expected ${expected}`, source.locate(entry.value));
    if (ms <= 0 || ms > MAX_TIMEOUT_MS) {
      throw new Invalid(
        `${what}.${key} is '${text}'; expected more than 0 and at most 24h`,
        source.locate(entry.value),
      );
    }
    out[`${key}Ms`] = ms;
  }
  return out;
}

function parseAttrs(source: YamlSource, value: Node | null, what: string): Array<[string, TemplateField]> {
  if (value !== null && !source.isEmpty(value) && !isMap(value)) {
    throw new Invalid(
      `${what} must be a mapping of attribute names to values, not ${describe(value)}`,
      source.locate(value),
    );
  }
  const out: Array<[string, TemplateField]> = [];
  for (const entry of source.entries(value, what)) {
    if (!ATTR_NAME.test(entry.key) || entry.key === '__proto__') {
      throw new Invalid(
        `${what}: attribute name '${entry.key}' must start with a letter or _ and contain only letters, digits, _ . -`,
        entry.keyLocation,
      );
    }
    if (BUILTIN_ATTRIBUTES.includes(entry.key)) {
      throw new Invalid(
        `${what}: '${entry.key}' is a built-in attribute; set it as a key of its own, not under attrs`,
        entry.keyLocation,
      );
    }
    const v = entry.value;
    if (v !== null && !source.isEmpty(v) && (isMap(v) || isSeq(v))) {
      throw new Invalid(`${what}.${entry.key} must be a single value, not ${describe(v)}`, source.locate(v));
    }
    // `serial:` is probably unfinished; an empty value must be written explicitly (`serial: ''`).
    if (v === null || source.isEmpty(v)) {
      throw new Invalid(
        `${what}.${entry.key} is empty; write '' for an empty value`,
        source.locate(v ?? entry.keyNode),
      );
    }
    out.push([entry.key, templateField(source, v, `${what}.${entry.key}`, `attrs.${entry.key}`)]);
  }
  return out;
}

function parseGroupList(source: YamlSource, value: Node | null, what: string): TemplateField[] {
  if (value === null || source.isEmpty(value)) return [];
  if (isSeq(value)) {
    return value.items.map((item, i) =>
      templateField(source, source.deref(item as Node), `${what}[${i}]`, 'groups'),
    );
  }
  if (isMap(value))
    throw new Invalid(`${what} must be a list of group names, not a mapping`, source.locate(value));
  // xCAT style: "compute,rack01". Each name becomes its own template.
  const text = source.text(value, what);
  const fields: TemplateField[] = [];
  let offset = 0;
  for (const part of text.split(',')) {
    const name = part.trim();
    if (name === '')
      throw new Invalid(`${what}: empty group name in '${text}'`, source.locateInScalar(value, offset));
    fields.push(compileField(source, value, name, offset + part.indexOf(name), what, 'groups'));
    offset += part.length + 1;
  }
  return fields;
}
