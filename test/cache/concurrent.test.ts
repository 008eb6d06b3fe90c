/**
 * Two processes writing the discovery cache at once (as two hwctl runs ending together): neither loses the
 * other's entries and the file stays whole JSON. Also the size cap: the oldest entries go first.
 */
import { describe, it, expect, afterAll } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscoveryCache, MAX_ENTRIES } from '../../src/bmc/discovery-cache.js';
import { ROOT } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hwctl-cache-conc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A child process that writes `count` entries `<tag>-<i>`, one flush (one run) per entry. */
function writer(file: string, tag: string, count: number): Promise<number | null> {
  const mod = join(ROOT, 'dist', 'bmc', 'discovery-cache.js');
  const script = `
    import { DiscoveryCache } from ${JSON.stringify(mod)};
    for (let i = 0; i < ${count}; i++) {
      const c = new DiscoveryCache(${JSON.stringify(file)});
      c.set('${tag}-' + i, { fp: '', at: Date.now(), root: {} });
      await c.flush();
    }`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', resolve);
  });
}

describe('discovery cache file', () => {
  it('two processes writing at once lose nothing', async () => {
    const file = join(dir, 'a.json');
    expect(await Promise.all([writer(file, 'a', 40), writer(file, 'b', 40)])).toEqual([0, 0]);
    const keys = Object.keys((JSON.parse(readFileSync(file, 'utf8')) as { entries: object }).entries);
    expect(keys).toHaveLength(80);
  });

  it(`keeps at most ${MAX_ENTRIES} entries, dropping the oldest`, async () => {
    const file = join(dir, 'b.json');
    const c = new DiscoveryCache(file);
    for (let i = 0; i < MAX_ENTRIES + 5; i++) c.set(`k${i}`, { fp: '', at: 1_000_000 + i, root: {} });
    await c.flush();
    const entries = (JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, unknown> }).entries;
    expect(Object.keys(entries)).toHaveLength(MAX_ENTRIES);
    expect(entries.k0).toBeUndefined();
    expect(entries.k4).toBeUndefined();
    expect(entries.k5).toBeDefined();
  });
});
