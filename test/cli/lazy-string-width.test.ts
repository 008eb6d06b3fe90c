/** The bundle's string-width for yargs' help layout: the same widths, the real module loaded only when needed. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stringWidth from '../../node_modules/yargs/node_modules/string-width/index.js';
import { lazyStringWidth } from '../../scripts/lazy-string-width.mjs';
import { ROOT, runCli } from '../helpers/cli.js';

const SAMPLES = [
  '',
  'Power on/off/reset nodes, show power and BMC state',
  '  -i, --inventory       Inventory file (default: $HWCTL_INVENTORY, ./hwctl.yaml,',
  '[string] [required]',
  '~!@#$%^&*()_+{}|:"<>?`-=[]\\;\',./',
  'default 5 × --transition', // non-ASCII in hwctl's own help (sim)
  '\u001b[31mred\u001b[39m', // escape sequences count zero
  'tab\there',
  '漢字 and ｆｕｌｌｗｉｄｔｈ', // East Asian wide
  'e\u0301 combining',
  'emoji 👍🏽 and 👨‍👩‍👧',
  '\u200b zero width',
];

describe('lazy string-width', () => {
  it('measures every kind of text as string-width does', () => {
    const lazy = lazyStringWidth(() => stringWidth);
    for (const s of SAMPLES) expect([s, lazy(s)]).toEqual([s, stringWidth(s)]);
    expect(lazy('\u001b[31mred\u001b[39m', { countAnsiEscapeCodes: true })).toBe(
      stringWidth('\u001b[31mred\u001b[39m', { countAnsiEscapeCodes: true }),
    );
  });

  it('loads the real one only for text that is not printable ASCII, and once', () => {
    let loads = 0;
    const lazy = lazyStringWidth(() => {
      loads++;
      return stringWidth;
    });
    for (const s of SAMPLES.slice(0, 5)) lazy(s);
    expect(loads).toBe(0);
    lazy('漢字');
    lazy('tab\there');
    expect(loads).toBe(1);
  });

  it('keeps the installed command from building an Intl.Segmenter unless help text needs one', async () => {
    const counted = async (args: string[]) => {
      const file = join(tmpdir(), `hwctl-segmenters-${process.pid}.txt`);
      const r = await runCli(args, {
        nodeArgs: ['--import', join(ROOT, 'test', 'helpers', 'count-segmenters.mjs')],
        env: { HWCTL_COUNT_SEGMENTERS: file },
      });
      expect(r.code).toBe(0);
      const built = Number(readFileSync(file, 'utf8'));
      rmSync(file);
      return built;
    };
    expect(await counted(['--version'])).toBe(0);
    // A command run: yargs lays out the command's help text as it starts the handler.
    expect(await counted(['nodels', 'all', '-i', join(ROOT, 'examples', 'hwctl.yaml')])).toBe(0);
    // The simulator's help has a '×': the real string-width is loaded then (and the counter works).
    expect(await counted(['sim', '--help'])).toBeGreaterThan(0);
  });
});
