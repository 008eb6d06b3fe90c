/**
 * Safety rails: a destructive verb over more than --max-nodes nodes needs --yes (exit 2 before anything
 * is sent, never a prompt); every action sent is in the audit log, which rotates and holds no secret.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../src/cli/audit.js';
import { checkMaxNodes, DEFAULT_MAX_NODES } from '../../src/cli/safety.js';
import { plainView } from '../../src/output/view.js';
import { runCli } from '../helpers/cli.js';
import { writePowerPlugin } from '../helpers/power-plugin.js';

let dir: string;
let inv: string;
let state: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwctl-safety-'));
  state = join(dir, 'state');
  // A plugin flavor that counts what it is sent (one line per setState in $SENT_LOG).
  writePowerPlugin(join(dir, 'count.mjs'), 'count', {
    imports: "import { appendFileSync } from 'node:fs';",
    setState: `appendFileSync(process.env.SENT_LOG, ctx.node.name + ' ' + args.target + '\\n');
      if (ctx.node.name === 'n70') throw new api.NodeError('http', '[500] BMC said no');
      return { sent: args.target };`,
  });
  inv = join(dir, 'hwctl.yaml');
  writeFileSync(
    inv,
    'plugins: [./count.mjs]\ndefaults: {username: root, password: s3cret-Pa55}\nnodes:\n  n[1-70]: {bmc: "127.0.0.1:9", mgt: count}\n',
    { mode: 0o600 },
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sentLog = () => join(dir, 'sent.log');
const sent = () => (existsSync(sentLog()) ? readFileSync(sentLog(), 'utf8').trim().split('\n') : []);
const run = (args: string[]) =>
  runCli([...args, '-i', inv], { env: { XDG_STATE_HOME: state, SENT_LOG: sentLog() } });

describe('--max-nodes / --yes', () => {
  it('refuses a destructive verb on more than 64 nodes without --yes, sending nothing', async () => {
    const r = await run(['rpower', 'all', 'off']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'Error: rpower all off would act on 70 nodes, more than --max-nodes 64: nothing was sent. ' +
        'Check the noderange (hwctl nodels NODERANGE), then add --yes to go ahead (or raise --max-nodes)\n',
    );
    expect(sent()).toEqual([]);
    const small = await run(['rpower', 'n[1-3]', 'off', '--max-nodes', '2']);
    expect(small.code).toBe(2);
    expect(sent()).toEqual([]);
  });

  it('goes ahead with --yes, a higher --max-nodes, or a verb that is not destructive', async () => {
    expect((await run(['rpower', 'n[1-64]', 'off', '-q'])).code).toBe(0);
    expect(sent()).toHaveLength(64);
    expect((await run(['rpower', 'all', 'off', '--yes', '-q'])).code).toBe(1); // n70 fails
    expect((await run(['rpower', 'all', 'off', '--max-nodes', '70', '-q'])).code).toBe(1);
    // `on` changes nodes but loses nothing (and nothing is sent to a node already on); stat reads.
    expect((await run(['rpower', 'all', 'on', '-q'])).code).toBe(0);
    expect((await run(['rpower', 'all', 'stat', '-q'])).code).toBe(0);
    expect(sent()).toHaveLength(64 + 70 + 70);
  });

  it('is a property of the command: destructive needs --yes, change and reads do not', () => {
    expect(() => checkMaxNodes('destructive', 'x', DEFAULT_MAX_NODES + 1, {})).toThrow(/--max-nodes 64/);
    expect(() => checkMaxNodes('destructive', 'x', DEFAULT_MAX_NODES, {})).not.toThrow();
    expect(() => checkMaxNodes('change', 'x', 10_000, {})).not.toThrow();
    expect(() => checkMaxNodes(undefined, 'x', 10_000, {})).not.toThrow();
    expect(() => checkMaxNodes('destructive', 'x', 10_000, { yes: true })).not.toThrow();
  });
});

describe('audit log', () => {
  it('has a JSON line per node for every action sent (not for reads), with who, when and the result', async () => {
    const log = join(state, 'hwctl', 'audit.log');
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // 64 offs, 70 offs twice, 70 ons (each node's answer, even where nothing had to be sent); no stat.
    expect(lines).toHaveLength(64 + 70 + 70 + 70);
    expect(lines.filter((l) => String(l.command).includes('stat'))).toEqual([]);
    const failed = lines.find((l) => l.node === 'n70' && l.ok === false)!;
    expect(failed).toMatchObject({
      command: 'rpower all off',
      effect: 'destructive',
      node: 'n70',
      ok: false,
      error: { kind: 'http', message: '[500] BMC said no' },
    });
    expect(failed.user).toEqual(expect.any(String));
    expect(failed.host).toEqual(expect.any(String));
    expect(Date.parse(String(failed.time))).toBeGreaterThan(Date.now() - 600_000);
    expect(lines.find((l) => l.node === 'n1')).toMatchObject({
      command: 'rpower n[1-64] off',
      effect: 'destructive',
      ok: true,
      result: 'off',
    });
    expect(lines.find((l) => l.command === 'rpower all on')).toMatchObject({ effect: 'change', ok: true });
    expect(readFileSync(log, 'utf8')).not.toContain('s3cret-Pa55');
    expect(statSync(log).mode & 0o077).toBe(0);
  });

  it('rotates past its bound, keeping three older files', async () => {
    const file = join(dir, 'rot', 'audit.log');
    for (let i = 0; i < 6; i++) {
      const a = new AuditLog('rpower n off', 'destructive', plainView, file, 600);
      for (let n = 0; n < 3; n++) a.add({ node: `n${i}-${n}`, ok: true, value: 'off', elapsedMs: 1 });
      await a.flush();
    }
    expect(statSync(file).size).toBeLessThanOrEqual(600);
    for (const g of [1, 2, 3]) expect(existsSync(`${file}.${g}`)).toBe(true);
    expect(existsSync(`${file}.4`)).toBe(false);
    expect(readFileSync(file, 'utf8')).toContain('"node":"n5-0"');
  });
});
