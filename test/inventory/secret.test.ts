import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InventoryError } from '../../src/core/errors.js';
import type { NodeDef, SecretRef } from '../../src/core/types.js';
import {
  describeSecret,
  describeSecretBrief,
  passwordFilePermissionWarning,
  resolvePasswords,
  resolveSecret,
  type ResolveSecretOptions,
} from '../../src/inventory/index.js';
import { parse } from './helpers.js';

const SECRET = 'S3cr3t-Value!';
let dir: string;

function writeSecret(name: string, content: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

async function failure(ref: SecretRef, opts?: ResolveSecretOptions): Promise<InventoryError> {
  try {
    await resolveSecret(ref, opts);
  } catch (e) {
    if (e instanceof InventoryError) return e;
    throw e;
  }
  throw new Error('expected resolution to fail');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwctl-secret-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveSecret', () => {
  it('reads an environment variable', async () => {
    expect(await resolveSecret({ kind: 'env', name: 'PW' }, { env: { PW: SECRET } })).toBe(SECRET);
  });

  it('reads process.env by default', async () => {
    process.env.HWCTL_TEST_SECRET_PW = SECRET;
    try {
      expect(await resolveSecret({ kind: 'env', name: 'HWCTL_TEST_SECRET_PW' })).toBe(SECRET);
    } finally {
      delete process.env.HWCTL_TEST_SECRET_PW;
    }
  });

  it('reads a file, trimming the trailing newline only', async () => {
    const path = writeSecret('pw', ` ${SECRET} \r\n`, 0o600);
    const warnings: string[] = [];
    expect(await resolveSecret({ kind: 'file', path }, { warnings })).toBe(` ${SECRET} `);
    expect(warnings).toEqual([]);
  });

  it('returns an inline value', async () => {
    expect(await resolveSecret({ kind: 'inline', value: SECRET })).toBe(SECRET);
  });

  it('takes --password-stdin input, trimming its newline', async () => {
    expect(await resolveSecret({ kind: 'stdin' }, { stdin: `${SECRET}\n` })).toBe(SECRET);
  });

  it('warns, like ssh, when a password file is open to group or others', async () => {
    for (const [mode, shown] of [
      [0o644, '0644'],
      [0o640, '0640'],
      [0o604, '0604'],
      [0o620, '0620'],
    ] as const) {
      const path = writeSecret(`open-${shown}`, SECRET, mode);
      const warnings: string[] = [];
      expect(await resolveSecret({ kind: 'file', path }, { warnings })).toBe(SECRET);
      expect(warnings).toEqual([
        `permissions ${shown} for password file '${path}' are too open; it should be accessible only by its owner (chmod 600 '${path}')`,
      ]);
    }
    for (const mode of [0o600, 0o400]) {
      const path = writeSecret(`private-${mode}`, SECRET, mode);
      expect(await passwordFilePermissionWarning(path)).toBeUndefined();
    }
  });

  it('explains failures naming the reference and the nodes, never the value', async () => {
    const cases: Array<[SecretRef, ResolveSecretOptions, string]> = [
      [
        { kind: 'env', name: 'NOPE' },
        { env: {}, nodes: ['n1', 'n2', 'n3'] },
        'password for n[1-3]: environment variable NOPE is not set',
      ],
      [{ kind: 'env', name: 'EMPTY' }, { env: { EMPTY: '' } }, 'environment variable EMPTY is empty'],
      [
        { kind: 'file', path: join(dir, 'missing') },
        { nodes: ['a'] },
        `password for a: cannot read password file '${join(dir, 'missing')}': no such file`,
      ],
      [{ kind: 'file', path: dir }, {}, `cannot read password file '${dir}': it is a directory`],
      [
        { kind: 'stdin' },
        {},
        'the password is to be read from standard input, but --password-stdin was not given',
      ],
      [{ kind: 'stdin' }, { stdin: '\n' }, 'the password read from standard input is empty'],
      [{ kind: 'inline', value: '' }, {}, 'inline password is empty'],
    ];
    for (const [ref, opts, message] of cases) {
      const e = await failure(ref, { ...opts, stdin: opts.stdin });
      expect(e.message).toBe(message);
    }
    const empty = writeSecret('empty', '\n', 0o600);
    expect((await failure({ kind: 'file', path: empty })).message).toBe(`password file '${empty}' is empty`);
  });

  it('reports an unreadable password file without its content', async () => {
    if (process.getuid?.() === 0) return; // root reads everything; nothing to test
    const path = writeSecret('locked', SECRET, 0o000);
    const e = await failure({ kind: 'file', path });
    expect(e.message).toBe(`cannot read password file '${path}': permission denied`);
  });

  it('points at the inventory line the reference was written on', async () => {
    const inv = parse('nodes:\n  a:\n    bmc: x\n    password: {env: HWCTL_TEST_UNSET_VAR}\n');
    const e = await failure(inv.nodes.get('a')!.password!, { env: {}, nodes: ['a'] });
    expect(e.message).toBe(
      '/inv/hwctl.yaml:4:15: password for a: environment variable HWCTL_TEST_UNSET_VAR is not set',
    );
    expect(e.location).toEqual({ file: '/inv/hwctl.yaml', line: 4, col: 15 });
  });

  it('never puts a secret in a message', async () => {
    const path = writeSecret('leaky', SECRET, 0o644);
    const warnings: string[] = [];
    await resolveSecret({ kind: 'file', path }, { warnings });
    const messages = [
      ...warnings,
      describeSecret({ kind: 'inline', value: SECRET }),
      describeSecretBrief({ kind: 'inline', value: SECRET }),
      (await failure({ kind: 'env', name: 'E' }, { env: { E: '' } })).message,
    ];
    for (const m of messages) expect(m).not.toContain(SECRET);
  });
});

describe('describeSecret', () => {
  it('names the reference', () => {
    expect(describeSecret({ kind: 'env', name: 'PW' })).toBe('environment variable PW');
    expect(describeSecret({ kind: 'file', path: '/p' })).toBe("file '/p'");
    expect(describeSecret({ kind: 'inline', value: 'x' })).toBe('inline password');
    expect(describeSecret({ kind: 'stdin' })).toBe('standard input (--password-stdin)');
    expect(describeSecretBrief({ kind: 'env', name: 'PW' })).toBe('env:PW');
    expect(describeSecretBrief({ kind: 'file', path: '/p' })).toBe('file:/p');
    expect(describeSecretBrief({ kind: 'stdin' })).toBe('stdin');
  });
});

describe('resolvePasswords', () => {
  const node = (name: string, password?: SecretRef): NodeDef => ({
    name,
    bmc: `https://${name}`,
    mgt: 'redfish',
    groups: [],
    tls: { mode: 'verify' },
    attrs: {},
    ...(password ? { password } : {}),
  });

  it('resolves each distinct reference once and maps every node', async () => {
    mkdirSync(join(dir, 'shared'), { recursive: true });
    const shared = writeSecret('shared/pw', 'from-file\n', 0o644);
    const env = { A: 'from-env' };
    const nodes = [
      node('n1', { kind: 'env', name: 'A' }),
      node('n2', { kind: 'env', name: 'A' }),
      node('n3', { kind: 'file', path: shared }),
      node('n4', { kind: 'file', path: shared }),
      node('n5'),
    ];
    const { passwords, warnings } = await resolvePasswords(nodes, { env });
    expect([...passwords]).toEqual([
      ['n1', 'from-env'],
      ['n2', 'from-env'],
      ['n3', 'from-file'],
      ['n4', 'from-file'],
    ]);
    expect(warnings).toHaveLength(1); // the too-open file, once
  });

  it('names every node that uses a failing reference, folded', async () => {
    const nodes = ['c01', 'c02', 'c03', 'c07'].map((n) => node(n, { kind: 'env', name: 'MISSING' }));
    await expect(resolvePasswords(nodes, { env: {} })).rejects.toThrow(
      'password for c[01-03,07]: environment variable MISSING is not set',
    );
  });

  it('uses the --password-stdin value for every node, whatever the inventory says', async () => {
    const nodes = [node('a', { kind: 'env', name: 'MISSING' }), node('b')];
    const { passwords } = await resolvePasswords(nodes, { stdin: 'typed\n', env: {} });
    expect([...passwords]).toEqual([
      ['a', 'typed'],
      ['b', 'typed'],
    ]);
  });
});
