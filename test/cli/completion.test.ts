/**
 * Shell completion: the candidates (src/cli/complete.ts) and the bash script driving the real bin, as a
 * shell would on Tab (COMP_WORDS/COMP_CWORD set, the completion function called).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { complete, COMPLETED_NAMES } from '../../src/cli/complete.js';
import { BIN, ROOT, runCli } from '../helpers/cli.js';

const EXAMPLE = join(ROOT, 'examples', 'hwctl.yaml');
const env = { ...process.env, HWCTL_INVENTORY: EXAMPLE };
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwctl-completion-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('completion candidates', () => {
  it('commands, then nodes and groups, then each command’s verbs and keywords', async () => {
    expect(await complete('hwctl', ['r'])).toEqual([
      'rpower',
      'rsetboot',
      'rinv',
      'rvitals',
      'reventlog',
      'rbeacon',
      'rspconfig',
      'rflash',
    ]);
    expect(await complete('rspconfig', ['cn01', 'user'])).toEqual(['userls', 'useradd', 'userch', 'userrm']);
    expect(await complete('hwctl', ['rpower', 'cn0'], env)).toEqual(expect.arrayContaining(['cn01', 'cn02']));
    expect(await complete('hwctl', ['rpower', 'cn01,-gp'], env)).toEqual([
      'cn01,-gpu',
      'cn01,-gpu1',
      'cn01,-gpu2',
    ]);
    expect(await complete('hwctl', ['rpower', 'cn01', 'o'])).toEqual(['on', 'off']);
    expect(await complete('rpower', ['cn01', 'b'])).toEqual(['boot', 'bmcstate', 'bmcreboot']);
    expect(await complete('hwctl', ['rsetboot', 'cn01', 'n'])).toEqual(['net']);
    expect(await complete('rvitals', ['cn01', 'te'])).toEqual(['temp']);
    expect(await complete('hwctl', ['rbeacon', 'cn01', ''])).toEqual(['on', 'off', 'blink', 'stat']);
    expect(await complete('hwctl', ['nodels', 'cn01', 'r'], env)).toEqual(['row']);
    expect(await complete('hwctl', ['completion', ''])).toEqual(['bash', 'zsh']);
  });

  it('options of the command and the global ones, and the values of -o and --tls', async () => {
    expect(await complete('hwctl', ['rpower', 'cn01', '--ex'])).toEqual(['--expect']);
    expect(await complete('hwctl', ['rinv', 'cn01', '-o', 't'])).toEqual(['text', 'table']);
    expect(await complete('hwctl', ['rpower', '--tls', ''])).toEqual(['verify', 'pin', 'insecure']);
    // After an option's value, positionals count again: `-o json cn01 o` completes the verb.
    expect(await complete('hwctl', ['rpower', '-o', 'json', 'cn01', 'o'])).toEqual(['on', 'off']);
    // A file name: nothing from hwctl, the shell completes files.
    expect(await complete('hwctl', ['rpower', '-i', 'ex'])).toEqual([]);
  });

  it('no inventory: no node names, and no error', async () => {
    expect(await complete('hwctl', ['rpower', 'cn'], { HWCTL_INVENTORY: join(dir, 'absent.yaml') })).toEqual(
      [],
    );
  });
});

describe('the bash script', () => {
  it('completes for hwctl and every installed name through the real bin', async () => {
    const script = await runCli(['completion', 'bash']);
    expect(script.code).toBe(0);
    expect(script.stdout).toContain(
      `complete -o default -o nospace -F _hwctl_complete ${COMPLETED_NAMES.join(' ')}`,
    );
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(BIN, join(bin, 'hwctl'));
    writeFileSync(join(dir, 'hwctl.bash'), script.stdout);
    const tab = (words: string[]) => {
      const r = spawnSync(
        'bash',
        [
          '-c',
          `source ${JSON.stringify(join(dir, 'hwctl.bash'))}; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); ` +
            `_hwctl_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
          'bash',
          ...words,
        ],
        { env: { ...env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1' }, encoding: 'utf8' },
      );
      return r.stdout.trim().split('\n');
    };
    expect(tab(['hwctl', 'rp'])).toEqual(['rpower']);
    expect(tab(['rpower', 'cn01', 'sof'])).toEqual(['softoff']);
    expect(tab(['/usr/bin/rinv', 'cn01', 'se'])).toEqual(['serial']);
    expect(tab(['rpower', 'stor'])).toEqual(['storage', 'stor01']);
  });

  it('zsh: a #compdef script for the same names', async () => {
    const r = await runCli(['completion', 'zsh']);
    expect(r.stdout.split('\n')[0]).toBe(`#compdef ${COMPLETED_NAMES.join(' ')}`);
    expect(r.stdout).toContain('hwctl __complete');
    const zsh = spawnSync('sh', ['-c', 'command -v zsh'], { encoding: 'utf8' }).stdout.trim();
    if (zsh) expect(spawnSync(zsh, ['-n'], { input: r.stdout }).status).toBe(0);
  });
});

describe('Tab in a real interactive bash (under a pseudo-terminal)', () => {
  it('completes the command, then lists the matching nodes on a double Tab', async () => {
    const script = await runCli(['completion', 'bash']);
    const home = mkdtempSync(join(dir, 'pty-'));
    mkdirSync(join(home, 'bin'));
    symlinkSync(BIN, join(home, 'bin', 'hwctl'));
    writeFileSync(join(home, 'hwctl.bash'), script.stdout);
    const child = spawn('script', ['-qfec', 'bash --norc --noprofile -i', '/dev/null'], {
      cwd: home,
      env: {
        ...env,
        PATH: `${join(home, 'bin')}:${process.env.PATH}`,
        TERM: 'dumb',
        NO_COLOR: '1',
        PS1: '$ ',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let raw = '';
    const seen = (re: RegExp, ms = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not seen: ${re} in ${JSON.stringify(raw)}`)), ms);
        const check = () => {
          if (re.test(raw)) {
            clearTimeout(timer);
            child.stdout.off('data', check);
            resolve();
          }
        };
        child.stdout.on('data', check);
        check();
      });
    child.stdout.on('data', (d: Buffer) => (raw += d.toString()));
    try {
      child.stdin.write('source hwctl.bash\n');
      child.stdin.write('hwctl rpo\t');
      await seen(/hwctl rpower/);
      // The script completes without a trailing space (-o nospace, for noderanges): the user types it.
      child.stdin.write(' cn0\t\t');
      await seen(/cn01\s+cn02/);
    } finally {
      // Closing the terminal (script killed) hangs up the shell, as closing a window does.
      const closed = new Promise((r) => child.on('close', r));
      child.kill('SIGTERM');
      await closed;
    }
    expect(raw).toMatch(/hwctl rpower cn0/);
  });
});
