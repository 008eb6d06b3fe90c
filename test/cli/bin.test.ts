import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { BIN, HEAVY, ROOT, loadedSources, runCli } from '../helpers/cli.js';
import { COMMANDS, XCAT_COMMAND_NAMES } from '../../src/commands/index.js';

const EXAMPLE = join(ROOT, 'examples', 'hwctl.yaml');
const FLEET = join(ROOT, 'examples', 'fleet-10k.yaml');
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'hwctl-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('hwctl executable', () => {
  it('--version prints the package version without loading BMC, executor or simulator code', async () => {
    const trace = join(tmp, 'version-imports.txt');
    writeFileSync(trace, '');
    const r = await runCli(['--version'], {
      nodeArgs: ['--import', join(ROOT, 'test', 'helpers', 'trace-imports.mjs')],
      env: { HWCTL_TRACE_IMPORTS: trace },
    });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
    const loaded = readFileSync(trace, 'utf8');
    const sources = loadedSources(loaded);
    expect(sources).toContain('src/cli/main.ts');
    expect(sources.filter((s) => HEAVY.test(s))).toEqual([]);
  });

  it('--help of a command loads no BMC code either', async () => {
    const trace = join(tmp, 'help-imports.txt');
    writeFileSync(trace, '');
    const r = await runCli(['nodels', '--help'], {
      nodeArgs: ['--import', join(ROOT, 'test', 'helpers', 'trace-imports.mjs')],
      env: { HWCTL_TRACE_IMPORTS: trace },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('List nodes of the inventory');
    const sources = loadedSources(readFileSync(trace, 'utf8'));
    expect(sources).toContain('src/commands/nodels.ts');
    expect(sources.filter((s) => HEAVY.test(s))).toEqual([]);
  });

  it('sim --help loads no simulator code', async () => {
    const trace = join(tmp, 'sim-help-imports.txt');
    writeFileSync(trace, '');
    const r = await runCli(['sim', '--help'], {
      nodeArgs: ['--import', join(ROOT, 'test', 'helpers', 'trace-imports.mjs')],
      env: { HWCTL_TRACE_IMPORTS: trace },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--from-mockup');
    const sources = loadedSources(readFileSync(trace, 'utf8'));
    expect(sources).toContain('src/sim/cli-options.ts');
    expect(
      sources.filter((s) => HEAVY.test(s) && s !== 'src/sim/cli-options.ts' && s !== 'src/sim/types.ts'),
    ).toEqual([]);
  });

  it('--help lists the commands and the exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/nodels/);
    expect(r.stdout).toMatch(/Exit codes: 0 all nodes ok/);
  });

  it('wraps help to the terminal width (80 when piped), for --help and for a usage error alike', async () => {
    const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));
    const help = await runCli(['rpower', '--help']);
    expect(help.stdout).toMatch(/Power on\/off/);
    expect(widest(help.stdout)).toBeLessThanOrEqual(80);
    const usage = await runCli(['rpower']); // no noderange: usage error with the help text
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Not enough non-option arguments/);
    expect(usage.stderr).toMatch(/--inventory/);
    expect(widest(usage.stderr)).toBeLessThanOrEqual(80);
  });

  it('rejects an unknown command and an unknown option with usage and exit 2', async () => {
    const a = await runCli(['frobnicate', 'node01']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/Unknown argument|Unknown command/i);
    const b = await runCli(['nodels', '--bogus', '-i', EXAMPLE]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/Unknown argument: bogus/);
    expect(b.stdout).toBe('');
  });

  it('serves every xCAT name it knows, as a command and under its own name (rflash was the last)', async () => {
    // With rflash, no xCAT name of XCAT_COMMAND_NAMES is left unimplemented: each is a command of its own.
    const commands = COMMANDS.map((c) => String(c.command).split(' ')[0]);
    for (const name of XCAT_COMMAND_NAMES) expect(commands).toContain(name);
    const a = await runCli(['rflash', 'node01', '-l', '-u']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/Multiple options are not supported\. Options specified: -l -u/);
    expect(a.stderr).not.toMatch(/not implemented/);
    const link = join(tmp, 'rflash');
    symlinkSync(BIN, link);
    const b = await runCli(['node01', '--delete', 'zz.tar'], { bin: link });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/Invalid firmware specified with --delete/);
    // package.json installs the names hwctl serves.
    const { bin } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(Object.keys(bin).sort()).toEqual([
      'hwctl',
      'rbeacon',
      'reventlog',
      'rflash',
      'rinv',
      'rpower',
      'rsetboot',
      'rspconfig',
      'rvitals',
    ]);
  });

  it('prints a shell completion script', async () => {
    const r = await runCli(['completion']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hwctl/);
    expect(r.stdout).toMatch(/complete|compdef/);
  });

  it('answers when invoked under an xCAT name (bin symlink)', async () => {
    const link = join(tmp, 'rpower');
    symlinkSync(BIN, link);
    const r = await runCli(['--help'], { bin: link });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rpower/);
  });

  it('executed directly (as installed), starts node with its memory settings, also under an xCAT name', async () => {
    // The bin's sh line execs node with the V8 flags docs/performance.md measured; a hook loaded through
    // NODE_OPTIONS reports the flags node actually got.
    const hook = join(tmp, 'exec-argv.mjs');
    writeFileSync(
      hook,
      "process.on('exit', () => process.stderr.write('ARGV ' + process.execArgv.join(' ') + '\\n'));\n",
    );
    const link = join(tmp, 'rinv');
    symlinkSync(BIN, link);
    for (const [file, args, expected] of [
      [BIN, ['--version'], /^\d+\.\d+\.\d+/],
      [link, ['--help'], /hwctl rinv/],
    ] as const) {
      const r = await runCli([...args], {
        bin: file,
        direct: true,
        env: { NODE_OPTIONS: `--import=${hook}` },
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(expected);
      expect(r.stderr).toMatch(/ARGV .*--max-semi-space-size=2/);
      expect(r.stderr).toMatch(/ARGV .*--heap-growing-percent=75/);
    }
  });
});

describe('hwctl nodels', () => {
  it('lists nodes of a noderange, in natural order', async () => {
    const r = await runCli(['nodels', '-i', EXAMPLE]);
    expect(r.code).toBe(0);
    const names = r.stdout.trim().split('\n');
    expect(names.length).toBeGreaterThan(2);
    const sorted = [...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    expect(names).toEqual(sorted);
  });

  it('fails a bad noderange with exit 2 and the xCAT message, printing nothing on stdout', async () => {
    const r = await runCli(['nodels', 'nosuchnode,alsobad', '-i', EXAMPLE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /Error: Invalid nodes and\/or groups in noderange: alsobad,nosuchnode|Error: Invalid nodes and\/or groups in noderange: nosuchnode,alsobad/,
    );
    expect(r.stdout).toBe('');
  });

  it('fails a bad inventory with exit 2 and file:line:col', async () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'nodes:\n  n1:\n    bmc: 10.0.0.1\n    pasword: x\n');
    const r = await runCli(['nodels', '-i', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:4:5`);
    expect(r.stderr).toMatch(/pasword/);
  });

  it('fails with exit 2 and the places looked in when there is no inventory', async () => {
    const r = await runCli(['nodels'], { cwd: tmp, env: { XDG_CONFIG_HOME: join(tmp, 'cfg') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hwctl\.yaml/);
  });

  it('finds the inventory through $HWCTL_INVENTORY', async () => {
    const r = await runCli(['nodels'], { env: { HWCTL_INVENTORY: EXAMPLE } });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().length).toBeGreaterThan(0);
  });

  it('lists 10,000 nodes defined by ranges in every output format', async () => {
    const text = await runCli(['nodels', '-i', FLEET, 'all', 'bmc']);
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines).toHaveLength(10_000);
    expect(lines[0]).toMatch(/^\S+: \S+/);

    const json = await runCli(['nodels', '-i', FLEET, 'all', 'bmc', 'groups', '-o', 'json']);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.schema).toBe('hwctl/v1');
    expect(doc.results).toHaveLength(10_000);
    expect(doc.summary).toMatchObject({ total: 10_000, ok: 10_000, failed: 0 });
    expect(doc.results[0].value).toHaveProperty('bmc');

    const nd = await runCli(['nodels', '-i', FLEET, 'all', 'mgt', '-o', 'ndjson']);
    const ndLines = nd.stdout.trim().split('\n');
    expect(ndLines).toHaveLength(10_001);
    expect(JSON.parse(ndLines[10_000]!).type).toBe('summary');

    const table = await runCli(['nodels', '-i', FLEET, 'all', 'bmc', '-o', 'table']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n').length).toBeGreaterThan(10_000);

    const collated = await runCli(['nodels', '-i', FLEET, 'all', 'mgt', '-c']);
    expect(collated.code).toBe(0);
    expect(collated.stdout).toMatch(/\(\d+\)\n/);
  });

  it('shows attributes as node: value (one) or node: attr: value (several)', async () => {
    const one = await runCli(['nodels', 'all', 'mgt', '-i', EXAMPLE]);
    expect(one.stdout.split('\n')[0]).toMatch(/^[^:]+: (redfish|openbmc|auto)$/);
    const two = await runCli(['nodels', 'all', 'mgt', 'bmc', '-i', EXAMPLE]);
    expect(two.stdout.split('\n')[0]).toMatch(/^[^:]+: mgt: (redfish|openbmc|auto)$/);
  });
});

describe('hwctl against the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      nodes: 12,
      flavor: 'mixed',
      personality: 'mixed',
      transitionMs: 50,
      adminPort: false,
    });
  });
  afterAll(() => sim.stop());

  it('runs a fleet with many requests per node without listener-leak warnings and closes every session', async () => {
    const r = await runCli(['rinv', 'all', 'all', '-q'], { env: { HWCTL_INVENTORY: sim.inventory } });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/MaxListenersExceededWarning|Warning: Possible/);
    expect(r.stdout.split('\n').filter((l) => /^sim0(0[1-9]|1[0-2]): /.test(l)).length).toBeGreaterThan(
      12 * 5,
    );
    expect(sim.stats().openSessions).toBe(0);
  });

  it('takes a one-off password on stdin instead of the inventory’s', async () => {
    const password = readFileSync(sim.passwordFile, 'utf8').trim();
    const good = await runCli(['rpower', 'sim001', 'stat', '--password-stdin'], {
      env: { HWCTL_INVENTORY: sim.inventory },
      input: `${password}\n`,
    });
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^sim001: (on|off)$/m);
    const bad = await runCli(['rpower', 'sim001,sim002', 'stat', '--password-stdin'], {
      env: { HWCTL_INVENTORY: sim.inventory },
      input: 'not-the-password\n',
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/sim001: Error: .*401/);
    expect(bad.stderr).not.toContain('not-the-password');
    const empty = await runCli(['rpower', 'sim001', 'stat', '--password-stdin'], {
      env: { HWCTL_INVENTORY: sim.inventory },
      input: '',
    });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--password-stdin: standard input was empty/);
  });
});

describe('hwctl sim', () => {
  it('serves a fleet in the foreground that hwctl then drives, and stops on SIGINT', async () => {
    const dir = mkdtempSync(join(tmp, 'sim-cli-')); // inside tmp: removed with it, even when the test fails
    const inv = join(dir, 'inv.yaml');
    const child = spawn(
      process.execPath,
      [
        BIN,
        'sim',
        '--nodes',
        '3',
        '--flavor',
        'mixed',
        '--state-dir',
        join(dir, 'state'),
        '--inventory-out',
        inv,
        '--transition',
        '100ms',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      for (let i = 0; i < 100 && !/^ready$/m.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(/^ready$/m);
      expect(out).toMatch(/sim002\s+https:\/\/127\.0\.0\.1:\d+\s+openbmc/);
      const r = await runCli(['rpower', 'all', 'stat'], { env: { HWCTL_INVENTORY: inv } });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('sim001: on\nsim002: on\nsim003: on\n');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/stopped/);
  });
});

describe('site plugins', () => {
  it('adds a flavor from the inventory’s plugins: without forking; a flavor nobody registered is refused up front', async () => {
    const dir = mkdtempSync(join(tmp, 'plugin-'));
    writeFileSync(
      join(dir, 'acme.mjs'),
      `export default function (api) {
        api.registerExecutor('power', 'acme', {
          capability: 'power',
          flavor: 'acme',
          async getState(_args, ctx) { return { phase: 'on', display: 'on (acme ' + ctx.node.attrs.rack + ')' }; },
          async setState() { throw new api.NodeError('unsupported', 'acme BMCs are read-only'); },
          async getBmcState() { return { ready: true, display: 'BMC Ready' }; },
          async rebootBmc() { throw new api.NodeError('unsupported', 'acme BMCs are read-only'); },
        });
      }\n`,
    );
    writeFileSync(
      join(dir, 'hwctl.yaml'),
      'plugins: [./acme.mjs]\nnodes:\n  a[1-2]: {bmc: "127.0.0.1:9", mgt: acme, attrs: {rack: r7}}\n  b1: {bmc: "127.0.0.1:9", mgt: vendorx}\n',
    );
    const r = await runCli(['rpower', 'a[1-2]', 'stat', '-i', join(dir, 'hwctl.yaml')]);
    expect(r.stdout).toBe('a1: on (acme r7)\na2: on (acme r7)\n');
    expect(r.code).toBe(0);
    // mgt: vendorx is no registered protocol: a usage error naming the node and the known ones (docs/plugins.md).
    const unknown = await runCli(['rpower', 'all', 'stat', '-i', join(dir, 'hwctl.yaml')]);
    expect({ code: unknown.code, stdout: unknown.stdout }).toEqual({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/b1: mgt 'vendorx' is not a known protocol; known: .*acme.*auto/);
    // A known flavor without the capability is still `unsupported` for its nodes only.
    const boot = await runCli(['rsetboot', 'a1', 'stat', '-i', join(dir, 'hwctl.yaml')]);
    expect(boot.code).toBe(1);
    expect(boot.stderr).toMatch(
      /a1: Error: boot is not supported for mgt=acme \(supported: redfish, openbmc\)/,
    );

    writeFileSync(join(dir, 'broken.mjs'), 'export const nothing = 1;\n');
    writeFileSync(
      join(dir, 'bad.yaml'),
      'plugins: [./broken.mjs]\nnodes:\n  a1: {bmc: "127.0.0.1:9", mgt: acme}\n',
    );
    const bad = await runCli(['rpower', 'all', 'stat', '-i', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/cannot load plugin .*broken\.mjs: it exports no function/);
  });
});
