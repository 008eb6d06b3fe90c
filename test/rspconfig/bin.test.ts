/**
 * rspconfig through the real executable (dist/, built by `npm test`) against a simulator, and under its
 * own name: exit codes, stdout/stderr, a usage error before any BMC, and a --help that loads no BMC code.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { BIN, HEAVY, ROOT, loadedSources, runCli } from '../helpers/cli.js';

let sim: Simulator;
let tmp: string;
const hw = (...args: string[]) => runCli(['-i', sim.inventory, ...args]);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hwctl-rspconfig-'));
  sim = await startSimulator({ nodes: 2, flavor: 'mixed', personality: 'generic', adminPort: false });
});
afterAll(async () => {
  await sim?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('hwctl rspconfig (real executable)', () => {
  it('hostname=* then hostname: xCAT lines, exit 0', async () => {
    const set = await hw('rspconfig', 'all', 'hostname=*', '-q');
    expect(set.code).toBe(0);
    expect(set.stdout).toBe('sim001: BMC Hostname: sim001\nsim002: BMC Hostname: sim002\n');
    const link = join(tmp, 'rspconfig');
    symlinkSync(BIN, link);
    const q = await runCli(['-i', sim.inventory, 'all', 'ip', 'hostname', '-o', 'json'], { bin: link });
    expect(q.code).toBe(0);
    const doc = JSON.parse(q.stdout) as { command: string; results: Array<{ node: string; value: unknown }> };
    expect(doc.command).toBe('rspconfig all ip hostname');
    for (const r of doc.results)
      expect(r.value).toMatchObject({ ip: expect.stringMatching(/^10\.100\./), hostname: r.node });
  });

  it('a usage error: exit 2, the message on stderr, no request', async () => {
    sim.admin.resetStats();
    const r = await hw('rspconfig', 'all', 'ip=10.0.0.5', 'netmask=255.255.255.0', 'gateway=10.0.0.1');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("Error: Can not configure more than 1 nodes' ip at the same time\n");
    expect(sim.stats().totalRequests).toBe(0);
  });

  it('--help loads no BMC, engine or manager code', async () => {
    const trace = join(tmp, 'help-imports.txt');
    writeFileSync(trace, '');
    const r = await runCli(['rspconfig', '--help'], {
      nodeArgs: ['--import', join(ROOT, 'test', 'helpers', 'trace-imports.mjs')],
      env: { HWCTL_TRACE_IMPORTS: trace },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/powerrestorepolicy/);
    const sources = loadedSources(readFileSync(trace, 'utf8'));
    expect(sources).toContain('src/commands/rspconfig-groups.ts');
    expect(sources.filter((s) => HEAVY.test(s))).toEqual([]);
  });

  it('accounts: useradd with the password on stdin, userls shows it; the password appears nowhere', async () => {
    const redfish = sim.nodes.find((n) => n.flavor === 'redfish')!.name;
    const secret = 'Sw0rdfish-42';
    const add = await runCli(
      ['-i', sim.inventory, 'rspconfig', redfish, 'useradd=ops,Operator', '--new-password-stdin', '--debug'],
      { input: `${secret}\n` },
    );
    expect(add.stderr).not.toMatch(/^Error/m);
    expect(add.code).toBe(0);
    const ls = await hw('rspconfig', redfish, 'userls', '-o', 'json');
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/"ops"/);
    expect(add.stdout + add.stderr + ls.stdout + ls.stderr).not.toContain(secret);
    expect(add.stdout + add.stderr).not.toContain(Buffer.from(`ops:${secret}`).toString('base64'));
    const rm = await hw('rspconfig', redfish, 'userrm=ops');
    expect(rm.code).toBe(0);
  });

  it("dump and gard in xCAT's words: -g, -l, -c ID (not --collate), gard -c", async () => {
    const ob = sim.nodes.find((n) => n.flavor === 'openbmc')!.name;
    const gen = await hw('rspconfig', ob, 'dump', '-g');
    expect(gen.stderr).toBe('');
    expect(gen.stdout).toMatch(new RegExp(`^${ob}: \\[(\\d+)\\] success\n$`));
    const id = /\[(\d+)\]/.exec(gen.stdout)![1]!;
    const ls = await hw('rspconfig', ob, 'dump', '-l');
    expect(ls.stdout).toMatch(new RegExp(`^${ob}: \\[${id}\\] Generated: `));
    const clear = await hw('rspconfig', ob, 'dump', '-c', id);
    expect([clear.code, clear.stdout]).toEqual([0, `${ob}: [${id}] clear\n`]);
    const gard = await hw('rspconfig', ob, 'gard', '-c');
    expect([gard.code, gard.stdout]).toEqual([0, `${ob}: GARD cleared\n`]);
    const bad = await hw('rspconfig', ob, 'dump', '-c');
    expect([bad.code, bad.stderr]).toEqual([
      2,
      "Error: No dump file ID specified. To clear all, specify 'all'.\n",
    ]);
  });

  it('destructive keys over more than --max-nodes need --yes; queries and plain sets do not', async () => {
    sim.admin.resetStats();
    const rm = await hw('rspconfig', 'all', 'userrm=nobody', '--max-nodes', '1');
    expect(rm.code).toBe(2);
    expect(rm.stderr).toMatch(
      /^Error: rspconfig all userrm=nobody would act on 2 nodes, more than --max-nodes 1: nothing was sent/,
    );
    const clear = await hw('rspconfig', 'all', 'dump', '--clear', 'all', '--max-nodes', '1');
    expect(clear.code).toBe(2);
    expect(sim.stats().totalRequests).toBe(0);
    const q = await hw('rspconfig', 'all', 'hostname', '--max-nodes', '1');
    expect(q.code).toBe(0);
  });
});
