/**
 * The discovery cache's file format (version 2): the roots a fleet's BMCs share are stored once, each entry
 * names its root and keeps its own UUID; an entry reads back exactly as it was saved, as a fresh object;
 * a version 1 file (whole roots per entry) is still read; roots no entry uses any more are not written.
 */
import { describe, it, expect, afterAll } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscoveryCache, type DiscoveryEntry } from '../../src/bmc/discovery-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'hwctl-cache-fmt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const root = (uuid: string, vendor = 'Contoso') => ({
  '@odata.id': '/redfish/v1',
  RedfishVersion: '1.15.0',
  UUID: uuid,
  Vendor: vendor,
  Systems: { '@odata.id': '/redfish/v1/Systems' },
  Links: { Sessions: { '@odata.id': '/redfish/v1/SessionService/Sessions' } },
});
const AT = Date.now();
const entry = (i: number, vendor?: string): DiscoveryEntry => ({
  fp: `FP:${i}`,
  at: AT,
  root: root(`uuid-${i}`, vendor),
  auth: 'session',
  system: `/redfish/v1/Systems/${i}`,
  memo: { allowable: ['On', 'ForceOff'] },
});

describe('discovery cache format', () => {
  it('1,000 BMCs of two firmwares: two roots stored, every entry read back as saved', async () => {
    const file = join(dir, 'v2.json');
    const c = new DiscoveryCache(file);
    for (let i = 0; i < 1000; i++)
      c.set(`https://10.0.${i >> 8}.${i & 255}`, entry(i, i % 2 ? 'Contoso' : 'Dell'));
    await c.flush();
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      version: number;
      roots: unknown[];
      entries: object;
    };
    expect(doc.version).toBe(2);
    expect(doc.roots).toHaveLength(2);
    expect(readFileSync(file).length / 1000).toBeLessThan(300); // bytes per entry
    const again = new DiscoveryCache(file);
    for (const i of [0, 1, 999]) {
      const e = again.get(`https://10.0.${i >> 8}.${i & 255}`)!;
      expect(e).toEqual(entry(i, i % 2 ? 'Contoso' : 'Dell'));
      // a fresh object each time: a client annotating its entry does not touch another's
      e.root.Vendor = 'changed';
      expect(again.get(`https://10.0.${i >> 8}.${i & 255}`)!.root.Vendor).not.toBe('changed');
    }
  });

  it('reads a version 1 file, and writes it back as version 2 on the next change', async () => {
    const file = join(dir, 'v1.json');
    writeFileSync(file, JSON.stringify({ version: 1, entries: { a: entry(1), b: entry(2) } }));
    const c = new DiscoveryCache(file);
    expect(c.get('a')).toEqual(entry(1));
    c.set('c', entry(3));
    await c.flush();
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      version: number;
      roots: unknown[];
      entries: object;
    };
    expect(doc).toMatchObject({ version: 2, roots: [expect.any(Object)] });
    expect(Object.keys(doc.entries).sort()).toEqual(['a', 'b', 'c']);
  });

  it('a root no entry uses any more is not written', async () => {
    const file = join(dir, 'gc.json');
    const c = new DiscoveryCache(file);
    c.set('a', entry(1, 'Old'));
    c.set('b', entry(2, 'New'));
    await c.flush();
    const d = new DiscoveryCache(file);
    d.drop('a');
    await d.flush();
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { roots: Array<{ Vendor: string }> };
    expect(doc.roots.map((r) => r.Vendor)).toEqual(['New']);
  });
});
