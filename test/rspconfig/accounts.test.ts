/**
 * rspconfig admin_passwd / userls / useradd / userch / userrm end to end against the simulator, on every
 * Redfish personality and on OpenBMC REST: validation before any BMC is touched (and never echoing a
 * password typed in argv), sets read back, BMC refusals per node, and the new password nowhere in output.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { HwctlUsageError } from '../../src/core/errors.js';
import { parseAccountArgs, Secret } from '../../src/managers/rspconfig-accounts.js';
import { startFleet, useFleet } from '../helpers/sim-harness.js';
import { inventoryAs, removeTempFiles, rspconfigAccounts, secretFile } from './harness.js';

const f = useFleet(() => startFleet({ nodes: 5, flavor: 'mixed', personality: 'mixed' }));
const all = () => Object.values(f.node).join(',');
const env = (pw: string) => ({ env: { HWCTL_NEW_PASSWORD: pw } });

afterAll(removeTempFiles);

afterEach(() => {
  // Each test starts from the fleet's own accounts.
  f.sim.admin.clearFaults();
  const pw = readFileSync(f.sim.passwordFile, 'utf8').trim();
  for (const n of f.sim.nodes) {
    const m = f.sim.machine(n.name);
    m.setPassword(f.sim.username, pw);
    for (const a of m.listAccounts()) if (a.name !== f.sim.username) m.deleteAccount(a.name);
  }
});

async function usageMessage(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(HwctlUsageError);
    return (e as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('validation (exit 2, nothing sent)', () => {
  it('refuses a password in argv without echoing it', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['admin_passwd=0penBmc,Sup3rSecret9'],
        /admin_passwd takes no value: passwords are never taken from the command line/,
      ],
      [['useradd=bob,Sup3rSecret9,admin'], /useradd takes NAME\[,ROLE\]/],
      [['useradd=bob,Sup3rSecret9'], /Invalid role for 'useradd'/],
      [['userch=bob,Sup3rSecret9'], /Invalid change for 'userch'/],
    ];
    for (const [words, re] of cases) {
      const m = await usageMessage(parseAccountArgs(words, env('x-new-pass-1')));
      expect(m).toMatch(re);
      expect(m).not.toContain('Sup3rSecret9');
      expect(m).not.toContain('0penBmc');
    }
  });

  it('needs exactly one password source, and only for keys that set one', async () => {
    expect(await usageMessage(parseAccountArgs(['admin_passwd'], { env: {} }))).toMatch(
      /No new password given: .*--new-password-file FILE, the environment variable HWCTL_NEW_PASSWORD or --new-password-stdin/,
    );
    expect(
      await usageMessage(
        parseAccountArgs(['useradd=bob'], { newPasswordFile: '/x', newPasswordStdin: true, env: {} }),
      ),
    ).toMatch(/one way/);
    expect(await usageMessage(parseAccountArgs(['userls'], { newPasswordFile: '/x', env: {} }))).toMatch(
      /'userls' sets no password/,
    );
    expect(await usageMessage(parseAccountArgs(['userrm'], { env: {} }))).toMatch(
      /No user name given for 'userrm'/,
    );
    expect(await usageMessage(parseAccountArgs(['userls', 'userrm=bob'], { env: {} }))).toBe(
      "The option 'userls' can not work with other options",
    );
    expect(
      await usageMessage(parseAccountArgs(['useradd=bob'], { newPasswordFile: '/nonexistent/p', env: {} })),
    ).toBe("--new-password-file: cannot read '/nonexistent/p' (no such file)");
  });

  it('reads the file (0600 or warned), stdin or the environment; the password never prints', async () => {
    const open = await parseAccountArgs(['admin_passwd'], {
      newPasswordFile: secretFile('Fil3-pass\n', 0o644),
      env: {},
    });
    expect(open.password?.reveal()).toBe('Fil3-pass');
    expect(open.warnings.join()).toMatch(/permissions 0644 for new password file .* are too open/);
    const priv = await parseAccountArgs(['admin_passwd'], {
      newPasswordFile: secretFile('Fil3-pass'),
      env: {},
    });
    expect(priv.warnings).toEqual([]);
    const stdin = await parseAccountArgs(['useradd=bob,admin'], {
      newPasswordStdin: true,
      readStdin: async () => 'Stdin-pass1\n',
      env: {},
    });
    expect(stdin).toMatchObject({ key: 'useradd', user: 'bob', role: 'Administrator' });
    expect(stdin.password?.reveal()).toBe('Stdin-pass1');
    expect(JSON.stringify(stdin)).not.toContain('Stdin-pass1');
    expect(String(new Secret('abcdef'))).toBe('xxxxxx');
  });
});

describe('userls / useradd / userch / userrm on every flavor', () => {
  it('lists, adds, changes and removes, each read back from the BMC', async () => {
    const ls = await rspconfigAccounts(f.inventory, all(), ['userls']);
    expect(ls.code).toBe(0);
    for (const n of Object.values(f.node))
      expect(ls.lines.get(n)).toEqual(['User root: Administrator, enabled']);

    const add = await rspconfigAccounts(f.inventory, all(), ['useradd=bob,operator'], env('Bob-pass-1'));
    expect(add.err).toEqual([]);
    expect(add.code).toBe(0);
    for (const n of Object.values(f.node)) {
      expect(add.lines.get(n)).toEqual(['User bob added: Operator, enabled']);
      expect(f.sim.machine(n).checkCredentials('bob', 'Bob-pass-1')).toBe(true);
    }

    const ch = await rspconfigAccounts(
      f.inventory,
      all(),
      ['userch=bob,readonly,disabled,password'],
      env('Bob-pass-2'),
    );
    expect(ch.err).toEqual([]);
    for (const n of Object.values(f.node)) {
      expect(ch.lines.get(n)).toEqual(['User bob changed: ReadOnly, disabled (password changed)']);
      expect(f.sim.machine(n).account('bob')).toMatchObject({ role: 'ReadOnly', enabled: false });
      f.sim.machine(n).updateAccount('bob', { enabled: true });
      expect(f.sim.machine(n).checkCredentials('bob', 'Bob-pass-2')).toBe(true);
      f.sim.machine(n).lockAccount('bob');
    }
    const unlock = await rspconfigAccounts(f.inventory, all(), ['userch=bob,unlock'], {}, { output: 'json' });
    for (const r of unlock.json!.results) {
      expect(r.ok).toBe(true);
      expect(r.value).toMatchObject({ key: 'userch', user: 'bob', account: { user: 'bob', locked: false } });
    }

    const rm = await rspconfigAccounts(f.inventory, all(), ['userrm=bob']);
    expect(rm.code).toBe(0);
    for (const n of Object.values(f.node)) {
      expect(rm.lines.get(n)).toEqual(['User bob removed']);
      expect(f.sim.machine(n).hasUser('bob')).toBe(false);
    }
  });

  it('one failing node never stops the others (bob already exists on one BMC)', async () => {
    const ilo = f.node.ilo!;
    f.sim.machine(ilo).createAccount('bob', 'Other-pass1', 'ReadOnly');
    const add = await rspconfigAccounts(f.inventory, all(), ['useradd=bob,admin'], env('Bob-pass-1'));
    expect(add.code).toBe(1);
    expect(add.errors.get(ilo)).toMatch(/^Error: \[400\] .*already exists/);
    for (const n of Object.values(f.node).filter((x) => x !== ilo))
      expect(add.lines.get(n)).toEqual(['User bob added: Administrator, enabled']);
  });

  it('a password breaking the BMC policy is a per-node error that does not show it', async () => {
    const add = await rspconfigAccounts(f.inventory, all(), ['useradd=bob'], env('Sh0rt'));
    expect(add.code).toBe(1);
    for (const n of Object.values(f.node)) {
      expect(add.errors.get(n)).toMatch(/^Error: the BMC refused the new password: /);
      expect(f.sim.machine(n).hasUser('bob')).toBe(false);
    }
    expect(add.all).not.toContain('Sh0rt');
  });

  it('an account without the role gets a clear per-node refusal', async () => {
    for (const n of Object.values(f.node))
      f.sim.machine(n).createAccount('viewer', 'Viewer-pass1', 'ReadOnly');
    const inv = inventoryAs(f.sim, { username: 'viewer', password: 'Viewer-pass1' });
    const add = await rspconfigAccounts(inv, all(), ['useradd=bob'], env('Bob-pass-1'));
    expect(add.code).toBe(1);
    for (const n of Object.values(f.node)) {
      expect(add.errors.get(n)).toMatch(/^Error: \[403\] /);
      expect(add.errors.get(n)).toMatch(/(insufficient privileges|may not change user accounts)/);
      expect(f.sim.machine(n).hasUser('bob')).toBe(false);
    }
    // ConfigureSelf: its own password it may change.
    const self = await rspconfigAccounts(inv, all(), ['admin_passwd'], env('Viewer-pass2'));
    expect(self.err).toEqual([]);
    for (const n of Object.values(f.node))
      expect(f.sim.machine(n).checkCredentials('viewer', 'Viewer-pass2')).toBe(true);
  });
});

describe('admin_passwd', () => {
  it('changes the login password; the read-back uses the new one; it is never printed, even with --debug', async () => {
    const newPw = 'N3w-admin-pw';
    // Basic auth on Redfish and a full session table on OpenBMC REST: every request after the change
    // carries the password, so the read-back fails unless it is the new one.
    const basic = Object.fromEntries(
      f.sim.nodes.filter((n) => n.flavor === 'redfish').map((n) => [n.name, 'basic']),
    );
    f.sim.admin.setFaults({ sessionsFull: true }, f.node['openbmc-rest']!);
    const inv = inventoryAs(f.sim, {}, basic);
    const run = await rspconfigAccounts(
      inv,
      all(),
      ['admin_passwd'],
      { newPasswordFile: secretFile(newPw + '\n'), env: {} },
      {
        extra: { debug: true },
      },
    );
    expect(run.errors).toEqual(new Map());
    expect(run.code).toBe(0);
    for (const n of Object.values(f.node)) {
      expect(run.lines.get(n)).toEqual([
        'BMC password changed for root (read back with the new password).',
        "Update this node's password in the inventory: hwctl used the new one for the rest of this run only.",
      ]);
      expect(f.sim.machine(n).checkCredentials('root', newPw)).toBe(true);
    }
    expect(run.all).toMatch(/\[debug\] curl .*SetPassword/);
    expect(run.all).toMatch(/\[debug\] curl .*-X PATCH .*AccountService\/Accounts\/root/);
    expect(run.all).not.toContain(newPw);
    expect(run.all).not.toContain(Buffer.from(`root:${newPw}`).toString('base64'));
    expect(run.all).not.toContain(JSON.stringify([newPw]));
  });

  it('with sessions (the default), the session that changed the password keeps working', async () => {
    const run = await rspconfigAccounts(f.inventory, all(), ['admin_passwd'], env('N3w-admin-pw'), {
      output: 'json',
    });
    for (const r of run.json!.results) {
      expect(r.ok).toBe(true);
      expect(r.value).toMatchObject({
        key: 'admin_passwd',
        user: 'root',
        changed: true,
        updateInventory: true,
      });
    }
  });
});
