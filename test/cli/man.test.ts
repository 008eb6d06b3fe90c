/**
 * The man pages (scripts/man.mjs, run by `npm run build`): one per installed name, installed by npm through
 * package.json `directories.man`, each with the standard sections and its command's verbs, rendering without
 * a troff warning. Rendering needs groff and man (scripts/install-man-tools.sh); without them those tests skip.
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  directories?: { man?: string };
  files?: string[];
};
const MAN_DIR = join(ROOT, pkg.directories?.man ?? 'man');
const NAMES = Object.keys(pkg.bin);
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const rendering = has('groff') && has('man') ? it : it.skip;

/** What each page must mention: xCAT's verbs and keywords of the command. */
const VERBS: Record<string, string[]> = {
  hwctl: [
    'rpower',
    'rsetboot',
    'rinv',
    'rvitals',
    'reventlog',
    'rbeacon',
    'rspconfig',
    'rflash',
    'sim',
    'trust',
    'nodels',
  ],
  rpower: [
    'on',
    'off',
    'softoff',
    'reset',
    'boot',
    'stat',
    'state',
    'status',
    'bmcstate',
    'bmcreboot',
    '--batch',
    '--stagger',
  ],
  rsetboot: ['net', 'hd', 'cd', 'def', 'stat'],
  rinv: ['model', 'serial', 'uuid', 'firm', 'bios', 'cpu', 'dimm', 'nic', 'storage', 'all'],
  rvitals: ['temp', 'voltage', 'wattage', 'fanspeed', 'power', 'leds', 'all'],
  reventlog: ['clear', 'resolved', 'all'],
  rbeacon: ['on', 'off', 'blink', 'stat'],
  rspconfig: ['ip', 'hostname', 'ntpservers', 'powerrestorepolicy', 'userls', 'useradd', 'dump', 'gard'],
  rflash: [
    '-l',
    '-c',
    '-u',
    '-a',
    '--delete',
    '-d',
    '--no-host-reboot',
    '--status',
    '--deadline',
    '--upload-fanout',
  ],
};
const SECTIONS = ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXIT STATUS', 'SEE ALSO'];

function render(name: string): { text: string; warnings: string } {
  const file = join(MAN_DIR, `${name}.1`);
  const groff = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z', file], { encoding: 'utf8' });
  const man = spawnSync('man', ['-l', file], {
    encoding: 'utf8',
    env: { ...process.env, MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat', MAN_KEEP_FORMATTING: '' },
  });
  return { text: man.stdout, warnings: groff.stderr + man.stderr };
}

describe('man pages', () => {
  it('npm installs man/ (directories.man, files) and it holds a page for every installed name', () => {
    expect(pkg.directories?.man).toBe('man');
    expect(pkg.files).toContain('man/');
    for (const name of NAMES) expect(existsSync(join(MAN_DIR, `${name}.1`))).toBe(true);
    expect(Object.keys(VERBS).sort()).toEqual([...NAMES].sort());
  });

  it('the global options come from src/cli/global-options.ts', () => {
    // roff writes a dash as \-
    const roff = readFileSync(join(MAN_DIR, 'rinv.1'), 'utf8').replaceAll('\\-', '-');
    for (const flag of ['fanout', 'record', 'max-body', 'known-bmcs']) expect(roff).toContain(`--${flag}`);
  });

  rendering.each(NAMES)(
    '%s(1) renders with man -l and groff -man without a warning, with every section and verb',
    (name) => {
      const { text, warnings } = render(name);
      expect(warnings).toBe('');
      for (const s of SECTIONS) expect(text).toMatch(new RegExp(`^${s}$`, 'm'));
      expect(text).toMatch(new RegExp(`^NAME\\n\\s+${name} - `, 'm'));
      for (const verb of VERBS[name]!) expect(text).toMatch(new RegExp(`(^|[^\\w-])${verb}([^\\w-]|$)`, 'm'));
    },
  );
});

// Keep the generated pages in step with the docs: a build after a doc change regenerates them.
it('man/ is what scripts/man.mjs makes from the docs now', () => {
  const before = NAMES.map((n) => readFileSync(join(MAN_DIR, `${n}.1`), 'utf8'));
  execFileSync(process.execPath, [join(ROOT, 'scripts/man.mjs')], { cwd: ROOT });
  const after = NAMES.map((n) => readFileSync(join(MAN_DIR, `${n}.1`), 'utf8'));
  expect(after.map((t) => t.replace(/^\.TH .*$/m, ''))).toEqual(
    before.map((t) => t.replace(/^\.TH .*$/m, '')),
  );
});
