/**
 * rspconfig's account and dump keys in-process against the simulator (test/helpers/sim-harness.ts), the
 * way the rspconfig command will run them; inventories for other users or auth modes on a running fleet.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  accountRequest,
  accountView,
  parseAccountArgs,
  DEFAULT_ACCOUNT_TIMEOUT_MS,
  type AccountParseOptions,
} from '../../src/managers/rspconfig-accounts.js';
import {
  dumpRequest,
  dumpView,
  parseDumpArgs,
  DEFAULT_DUMP_TIMEOUT_MS,
  type DumpParseOptions,
} from '../../src/managers/rspconfig-dump.js';
import type { Simulator } from '../../src/sim/fleet.js';
import { runCommand, type CommandRun, type RunOpts } from '../helpers/sim-harness.js';

export interface Captured extends CommandRun {
  /** stdout lines by node (`node: text` → text), and stderr errors (`node: Error: …` → `Error: …`). */
  lines: Map<string, string[]>;
  errors: Map<string, string>;
  /** Every write of the run, both streams, joined. */
  all: string;
}

export function capture(run: CommandRun): Captured {
  const lines = new Map<string, string[]>();
  const errors = new Map<string, string>();
  for (const w of run.writes) {
    for (const line of w.text.split('\n')) {
      const m = /^([^:\s]+): (.*)$/.exec(line);
      if (!m) continue;
      if (w.stream === 'out') lines.set(m[1]!, [...(lines.get(m[1]!) ?? []), m[2]!]);
      else if (m[2]!.startsWith('Error: ')) errors.set(m[1]!, m[2]!);
    }
  }
  return { ...run, lines, errors, all: run.writes.map((w) => w.text).join('\n') };
}

export async function rspconfigAccounts(
  inventory: string,
  noderange: string,
  words: string[],
  parse: AccountParseOptions = {},
  o: RunOpts = {},
): Promise<Captured> {
  const args = await parseAccountArgs(words, parse);
  const run = await runCommand(
    inventory,
    {
      command: `rspconfig ${noderange} ${args.key}`,
      noderange,
      request: (nodes) => accountRequest(nodes, args),
      view: accountView,
      defaultTimeoutMs: DEFAULT_ACCOUNT_TIMEOUT_MS,
    },
    o,
  );
  return capture(run);
}

const made: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Remove the files secretFile and inventoryAs wrote (call in afterAll). */
export function removeTempFiles(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A private file holding `text` (mode 0600 unless told). */
export function secretFile(text: string, mode = 0o600): string {
  const dir = tempDir('hwctl-acct-');
  const file = join(dir, 'new.pass');
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
}

/** An inventory for the fleet's nodes with another user/password and extra node keys (e.g. `auth: basic`). */
export function inventoryAs(
  sim: Simulator,
  user: { username?: string; password?: string } = {},
  authByNode: Record<string, string> = {},
): string {
  const passwordFile = user.password === undefined ? sim.passwordFile : secretFile(user.password);
  const lines = [
    'defaults:',
    `  username: ${JSON.stringify(user.username ?? sim.username)}`,
    `  password: {file: ${JSON.stringify(passwordFile)}}`,
    `  tls: ${sim.caFile ? `{mode: verify, ca: ${JSON.stringify(sim.caFile)}}` : 'plaintext'}`,
    'nodes:',
  ];
  for (const n of sim.nodes) {
    const more = Object.entries(authByNode[n.name] ? { auth: authByNode[n.name]! } : {})
      .map(([k, v]) => `, ${k}: ${v}`)
      .join('');
    lines.push(`  ${n.name}: {bmc: ${JSON.stringify(n.url)}, mgt: ${n.flavor}${more}}`);
  }
  const file = join(tempDir('hwctl-inv-'), 'inventory.yaml');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

export async function rspconfigDump(
  inventory: string,
  noderange: string,
  words: string[],
  parse: DumpParseOptions = {},
  o: RunOpts = {},
): Promise<Captured> {
  const args = parseDumpArgs(words, parse);
  const run = await runCommand(
    inventory,
    {
      command: `rspconfig ${noderange} ${words.join(' ')}`,
      noderange,
      request: (nodes) => dumpRequest(nodes, args),
      view: dumpView,
      defaultTimeoutMs: DEFAULT_DUMP_TIMEOUT_MS,
    },
    o,
  );
  return capture(run);
}
