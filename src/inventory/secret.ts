/**
 * Credentials: the inventory holds references (environment variable, file, inline, stdin); the value is
 * read only when a command needs it. Secret values never appear in an error or warning message, only
 * the reference ("environment variable HWCTL_BMC_PASSWORD", "file '/etc/hwctl/bmc.pass'").
 */
import { readFile, stat } from 'node:fs/promises';
import { InventoryError, type SourceLocation } from '../core/errors.js';
import type { NodeDef, SecretRef } from '../core/types.js';
import { foldNodes } from '../noderange/nodeset.js';

/** Where each reference was written in the inventory (refs are shared by all nodes that inherit them). */
const refLocations = new WeakMap<SecretRef, SourceLocation>();

/** Record where a reference was defined, so resolution errors can point at it. */
export function rememberSecretLocation(ref: SecretRef, location: SourceLocation): void {
  refLocations.set(ref, location);
}

export function secretLocation(ref: SecretRef): SourceLocation | undefined {
  return refLocations.get(ref);
}

/** The reference in words, safe for messages and `nodels`: never the value. */
export function describeSecret(ref: SecretRef): string {
  switch (ref.kind) {
    case 'env':
      return `environment variable ${ref.name}`;
    case 'file':
      return `file '${ref.path}'`;
    case 'inline':
      return 'inline password';
    case 'stdin':
      return 'standard input (--password-stdin)';
  }
}

/** The reference in one short token, for `nodels node password`: env:VAR, file:/path, inline, stdin. */
export function describeSecretBrief(ref: SecretRef): string {
  switch (ref.kind) {
    case 'env':
      return `env:${ref.name}`;
    case 'file':
      return `file:${ref.path}`;
    case 'inline':
      return 'inline';
    case 'stdin':
      return 'stdin';
  }
}

export interface ResolveSecretOptions {
  /** What the CLI read from stdin for `--password-stdin` (read once, passed to every resolution). */
  stdin?: string;
  /** Warnings (too-open password files) are appended here; nothing is printed. */
  warnings?: string[];
  /** The nodes using this reference, named in error messages. */
  nodes?: readonly string[];
  /** Environment to read `env` references from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Strip the line ending(s) an editor or `echo` adds; inner whitespace is part of the password. */
function trimTrailingNewline(text: string): string {
  return text.replace(/[\r\n]+$/, '');
}

/**
 * The secret value. Throws InventoryError (nothing attempted, exit 2) naming the reference, where it was
 * written and the nodes using it, never the value.
 */
export async function resolveSecret(ref: SecretRef, opts: ResolveSecretOptions = {}): Promise<string> {
  const fail = (problem: string): never => {
    const who = opts.nodes && opts.nodes.length > 0 ? `password for ${foldNodes(opts.nodes)}: ` : '';
    throw new InventoryError(`${who}${problem}`, refLocations.get(ref));
  };
  switch (ref.kind) {
    case 'env': {
      const value = (opts.env ?? process.env)[ref.name];
      if (value === undefined) return fail(`environment variable ${ref.name} is not set`);
      if (value === '') return fail(`environment variable ${ref.name} is empty`);
      return value;
    }
    case 'inline':
      if (ref.value === '') return fail('inline password is empty');
      return ref.value;
    case 'stdin': {
      if (opts.stdin === undefined) {
        return fail('the password is to be read from standard input, but --password-stdin was not given');
      }
      const value = trimTrailingNewline(opts.stdin);
      if (value === '') return fail('the password read from standard input is empty');
      return value;
    }
    case 'file': {
      const warning = await passwordFilePermissionWarning(ref.path).catch(() => undefined);
      let text: string;
      try {
        text = await readFile(ref.path, 'utf8');
      } catch (e) {
        return fail(`cannot read password file '${ref.path}': ${fileProblem(e)}`);
      }
      if (warning) opts.warnings?.push(warning);
      const value = trimTrailingNewline(text);
      if (value === '') return fail(`password file '${ref.path}' is empty`);
      return value;
    }
  }
}

function fileProblem(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return code || 'unreadable';
  }
}

/** The permission bits of `mode` as ssh prints them: 0644. */
export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/**
 * As ssh does for private keys: a password file readable or writable by group or others is "too open".
 * Returns the warning, or undefined when the file is private (or on Windows, where modes mean little).
 */
export async function passwordFilePermissionWarning(path: string): Promise<string | undefined> {
  if (process.platform === 'win32') return undefined;
  const { mode } = await stat(path);
  if ((mode & 0o077) === 0) return undefined;
  return (
    `permissions ${formatMode(mode)} for password file '${path}' are too open; ` +
    `it should be accessible only by its owner (chmod 600 '${path}')`
  );
}

/** Identity of a reference for de-duplication: two nodes inheriting the same env var resolve it once. */
function refKey(ref: SecretRef): string {
  switch (ref.kind) {
    case 'env':
      return `env\0${ref.name}`;
    case 'file':
      return `file\0${ref.path}`;
    case 'inline':
      return `inline\0${ref.value}`;
    case 'stdin':
      return 'stdin';
  }
}

/**
 * Resolve the passwords of many nodes, each distinct reference once. Nodes without a password are left
 * out of the map. Errors name every node using the failing reference.
 *
 * With `stdin` given (`--password-stdin`), that one password is used for every node, whatever the
 * inventory says: the one-off override for a run.
 */
export async function resolvePasswords(
  nodes: Iterable<NodeDef>,
  opts: Omit<ResolveSecretOptions, 'nodes'> = {},
): Promise<{ passwords: Map<string, string>; warnings: string[] }> {
  const byRef = new Map<string, { ref: SecretRef; nodes: string[] }>();
  const stdinRef: SecretRef = { kind: 'stdin' };
  for (const node of nodes) {
    const ref = opts.stdin !== undefined ? stdinRef : node.password;
    if (!ref) continue;
    const key = refKey(ref);
    let entry = byRef.get(key);
    if (!entry) {
      entry = { ref, nodes: [] };
      byRef.set(key, entry);
    }
    entry.nodes.push(node.name);
  }
  const warnings = opts.warnings ?? [];
  const passwords = new Map<string, string>();
  for (const { ref, nodes: names } of byRef.values()) {
    const value = await resolveSecret(ref, { stdin: opts.stdin, env: opts.env, warnings, nodes: names });
    for (const name of names) passwords.set(name, value);
  }
  return { passwords, warnings };
}
