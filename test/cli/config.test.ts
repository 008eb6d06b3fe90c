/**
 * Defaults from the config file and HWCTL_* variables, with precedence command line > environment >
 * config file > built-in, and `hwctl config` showing each value and its source.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, resolveDefaults } from '../../src/cli/defaults.js';
import { ROOT, runCli } from '../helpers/cli.js';

const EXAMPLE = join(ROOT, 'examples', 'hwctl.yaml');
let dir: string;
let cfgHome: string;
let file: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwctl-config-'));
  cfgHome = join(dir, 'cfg');
  mkdirSync(join(cfgHome, 'hwctl'), { recursive: true });
  file = join(cfgHome, 'hwctl', 'config.yaml');
  writeFileSync(
    file,
    `# site defaults\noutput: json   # scripts here want JSON\nfanout: 128\ninventory: "${EXAMPLE}"\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli(args, { env: { XDG_CONFIG_HOME: cfgHome, NO_COLOR: '', ...env }, cwd: dir });

describe('defaults from the config file and the environment', () => {
  it('applies the config file; the environment beats it; the command line beats both', async () => {
    const fromFile = await run(['nodels', 'cn01', 'mgt']);
    expect(fromFile.code).toBe(0);
    expect(JSON.parse(fromFile.stdout).results[0]).toMatchObject({ node: 'cn01', value: { mgt: 'openbmc' } });
    const fromEnv = await run(['nodels', 'cn01', 'mgt'], { HWCTL_OUTPUT: 'text' });
    expect(fromEnv.stdout).toBe('cn01: openbmc\n');
    const fromArgv = await run(['nodels', 'cn01', 'mgt', '-o', 'text'], { HWCTL_OUTPUT: 'table' });
    expect(fromArgv.stdout).toBe('cn01: openbmc\n');
  });

  it('hwctl config shows each value and where it came from', async () => {
    const r = await run(['config', '-q', '--max-nodes', '10'], {
      HWCTL_TLS: 'pin',
      NO_COLOR: '1',
      HWCTL_OUTPUT: 'text',
    });
    expect(r.code).toBe(0);
    const rows = Object.fromEntries(
      r.stdout
        .split('\n')
        .slice(1)
        .filter((l) => /^[a-z]/.test(l) && !l.startsWith('config file'))
        .map((l) => {
          const [setting, value, ...from] = l.split(/\s{2,}/);
          return [setting, { value, from: from.join(' ') }];
        }),
    );
    expect(rows).toMatchObject({
      inventory: { value: EXAMPLE, from: `config ${file}:4` },
      output: { value: 'text', from: 'environment HWCTL_OUTPUT' },
      fanout: { value: '128', from: `config ${file}:3` },
      tls: { value: 'pin', from: 'environment HWCTL_TLS' },
      quiet: { value: 'true', from: 'command line' },
      color: { value: 'false', from: 'environment NO_COLOR' },
      'max-nodes': { value: '10', from: 'command line' },
      timeout: { value: '(per command)', from: 'default' },
    });
    expect(r.stdout).toContain(`config file: ${file}\n`);
  });

  it('a bad value or line is a usage error naming where it was set', async () => {
    const env = await run(['nodels'], { HWCTL_FANOUT: 'many' });
    expect(env.code).toBe(2);
    expect(env.stderr).toBe(
      'Error: HWCTL_FANOUT must be a whole number >= 1 (the value given is not a number)\n',
    );
    expect(() => parseConfig('fanout: 8\nfanuot: 9\n', '/c.yaml')).toThrow(
      "/c.yaml:2: unknown setting 'fanuot'; settings: inventory, output, fanout, timeout, tls, known-bmcs, quiet, color, max-nodes",
    );
    expect(() => parseConfig('tls:\n  mode: pin\n', '/c.yaml')).toThrow(
      "/c.yaml:2: expected 'option: value'",
    );
    expect(() => resolveDefaults({ HWCTL_CONFIG: join(dir, 'absent.yaml') })).toThrow(/does not exist/);
    writeFileSync(join(dir, 'bad.yaml'), 'output: yaml\n');
    expect(() => resolveDefaults({ HWCTL_CONFIG: join(dir, 'bad.yaml') })).toThrow(
      `${join(dir, 'bad.yaml')}:1: output: 'yaml' is not one of text, table, json, ndjson`,
    );
  });
});
