/**
 * rspconfig dump (list, -g, -c, -d) and gard -c against the simulator: OpenBMC REST and a Redfish BMC
 * with a dump LogService (bmcweb-like) end to end, downloads checked byte for byte; Redfish BMCs without
 * one refusing with the reason; xCAT's validation messages before any BMC is touched.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDumpArgs } from '../../src/managers/rspconfig-dump.js';
import { startKindFleet, useFleet } from '../helpers/sim-harness.js';
import { usage } from '../helpers/usage.js';
import { rspconfigDump } from './harness.js';

const k = useFleet(() => startKindFleet());
const f = {
  get sim() {
    return k.sim;
  },
  get inventory() {
    return k.sim.inventory;
  },
  get node() {
    return k.node;
  },
};
const dir = mkdtempSync(join(tmpdir(), 'hwctl-dumps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dump / gard validation', () => {
  it("uses xCAT's messages", () => {
    expect(usage(() => parseDumpArgs(['dump', '-c']))).toBe(
      "No dump file ID specified. To clear all, specify 'all'.",
    );
    expect(usage(() => parseDumpArgs(['dump', '-c', 'x1']))).toBe(
      'Invalid dump x1 was specified. Use -l option to list.',
    );
    expect(usage(() => parseDumpArgs(['dump', '-g', '-l']))).toBe(
      'dump <opt> must be issued without other options.',
    );
    expect(usage(() => parseDumpArgs(['gard', '-g']))).toMatch(
      /^Clear GARD cannot be issued with other options/,
    );
    expect(usage(() => parseDumpArgs(['dump', '-d']))).toBe(
      "No dump file ID specified. To download all, specify 'all'.",
    );
    expect(usage(() => parseDumpArgs(['dump', '-d', '1', join(dir, 'nope')]))).toMatch(
      /^dump -d: cannot write into .*nope \(ENOENT\)$/,
    );
    expect(parseDumpArgs(['dump', '-d', 'all', dir])).toEqual({
      key: 'dump',
      op: 'download',
      id: 'all',
      dir,
    });
    expect(parseDumpArgs(['dump', '-d', '3'], { dumpDir: dir })).toEqual({
      key: 'dump',
      op: 'download',
      id: 3,
      dir,
    });
    expect(parseDumpArgs(['dump'])).toEqual({ key: 'dump', op: 'list' });
    expect(parseDumpArgs(['dump', '--clear', 'all'])).toEqual({ key: 'dump', op: 'clear', id: 'all' });
  });
});

describe('dump on OpenBMC REST', () => {
  it('generates (waiting for the entry), lists, clears one and all; gard -c', async () => {
    const ob = f.node['openbmc-rest']!;
    const gen = await rspconfigDump(f.inventory, ob, ['dump', '-g'], { intervalMs: 20, waitMs: 5000 });
    expect(gen.err).toEqual([]);
    expect(gen.lines.get(ob)).toEqual(['[1] success']);
    await rspconfigDump(f.inventory, ob, ['dump', '-g'], { intervalMs: 20, waitMs: 5000 });
    const ls = await rspconfigDump(f.inventory, ob, ['dump', '-l']);
    const sizes = f.sim
      .machine(ob)
      .listDumps()
      .map((d) => d.size);
    expect(ls.lines.get(ob)).toEqual([
      expect.stringMatching(
        new RegExp(`^\\[1\\] Generated: \\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d:\\d\\d, Size: ${sizes[0]}$`),
      ),
      expect.stringMatching(new RegExp(`^\\[2\\] Generated: .*, Size: ${sizes[1]}$`)),
    ]);
    const bad = await rspconfigDump(f.inventory, ob, ['dump', '-c', '9']);
    expect(bad.errors.get(ob)).toBe('Error: Invalid dump 9 was specified. Use -l option to list.');
    const c1 = await rspconfigDump(f.inventory, ob, ['dump', '-c', '1']);
    expect(c1.lines.get(ob)).toEqual(['[1] clear']);
    expect(
      f.sim
        .machine(ob)
        .listDumps()
        .map((d) => d.id),
    ).toEqual([2]);
    const call = await rspconfigDump(f.inventory, ob, ['dump', '-c', 'all']);
    expect(call.lines.get(ob)).toEqual(['[all] clear']);
    expect(f.sim.machine(ob).listDumps()).toEqual([]);
    const gard = await rspconfigDump(f.inventory, ob, ['gard', '-c']);
    expect(gard.lines.get(ob)).toEqual(['GARD cleared']);
  });

  it('a dump that never appears ends the node at the bound', async () => {
    const ob = f.node['openbmc-rest']!;
    const gen = await rspconfigDump(f.inventory, ob, ['dump', '-g'], { intervalMs: 10, waitMs: 1 });
    expect(gen.errors.get(ob)).toMatch(/^Error: Could not find dump \d+ after waiting 0 seconds\.$/);
    f.sim.machine(ob).deleteAllDumps();
  });

  it('a Redfish BMC without a dump service says why not, per node; the others still work', async () => {
    const nodes = Object.values(f.node).join(',');
    const ls = await rspconfigDump(f.inventory, nodes, ['dump']);
    expect(ls.code).toBe(1);
    for (const kind of ['generic', 'idrac', 'ilo'] as const)
      expect(ls.errors.get(f.node[kind])).toMatch(
        /offers no LogService with LogService.CollectDiagnosticData/,
      );
    expect(ls.lines.get(f.node['openbmc-rest']!)).toEqual(['No dumps']);
    expect(ls.lines.get(f.node.bmcweb)).toEqual(['No dumps']);
    const gard = await rspconfigDump(f.inventory, nodes, ['gard', '-c']);
    expect(gard.errors.get(f.node.generic!)).toMatch(/gard -c is OpenBMC REST only/);
  });
});

describe('dump on both flavors: generate, list, download byte for byte, clear', () => {
  for (const kind of ['bmcweb', 'openbmc-rest'] as const) {
    it(`${kind}: -g finds the new dump, -d ID and -d all save each file as xCAT names it`, async () => {
      const n = f.node[kind];
      const m = f.sim.machine(n);
      m.deleteAllDumps();
      const g1 = await rspconfigDump(f.inventory, n, ['dump', '-g'], { intervalMs: 20, waitMs: 5000 });
      expect(g1.errors.get(n)).toBeUndefined();
      const [first] = m.listDumps();
      expect(g1.lines.get(n)).toEqual([`[${first!.id}] success`]);
      const g2 = await rspconfigDump(f.inventory, n, ['dump', '-g'], { intervalMs: 20, waitMs: 5000 });
      const second = m.listDumps()[1]!;
      expect(g2.lines.get(n)).toEqual([`[${second.id}] success`]);

      const out = mkdtempSync(join(dir, `${kind}-`));
      const one = await rspconfigDump(
        f.inventory,
        n,
        ['dump', '-d', String(first!.id), out],
        {},
        { output: 'json' },
      );
      const v = one.json!.results[0]!.value as { files: { id: number; file: string; bytes: number }[] };
      expect(v.files).toHaveLength(1);
      expect(v.files[0]!.file).toMatch(new RegExp(`/\\d{8}-\\d{4}_${n}_dump_${first!.id}\\.tar\\.xz$`));
      expect(readFileSync(v.files[0]!.file).equals(m.dumpContent(first!.id)!)).toBe(true);
      expect(v.files[0]!.bytes).toBe(first!.size);

      const all = await rspconfigDump(f.inventory, n, ['dump', '-d', 'all'], { dumpDir: out });
      expect(all.lines.get(n)).toEqual([
        expect.stringMatching(
          new RegExp(`^Downloaded dump ${first!.id} to ${out}/.*_dump_${first!.id}\\.tar\\.xz\\.$`),
        ),
        expect.stringMatching(
          new RegExp(`^Downloaded dump ${second.id} to .*_dump_${second.id}\\.tar\\.xz\\.$`),
        ),
      ]);
      // No partial files left behind.
      expect(readdirSync(out).filter((x) => x.endsWith('.part'))).toEqual([]);

      const bad = await rspconfigDump(f.inventory, n, ['dump', '-d', '99', out]);
      expect(bad.errors.get(n)).toBe('Error: Invalid dump 99 was specified. Use -l option to list.');
      const c = await rspconfigDump(f.inventory, n, ['dump', '-c', String(first!.id)]);
      expect(c.lines.get(n)).toEqual([`[${first!.id}] clear`]);
      const call = await rspconfigDump(f.inventory, n, ['dump', '-c', 'all']);
      expect(call.lines.get(n)).toEqual(['[all] clear']);
      expect(m.listDumps()).toEqual([]);
    });
  }

  it('a download is streamed to disk: a dump larger than --max-body still arrives whole', async () => {
    const n = f.node.bmcweb;
    const m = f.sim.machine(n);
    m.deleteAllDumps();
    const id = m.createDump();
    await new Promise((r) => setTimeout(r, 120)); // the simulator completes a dump after transitionMs
    const out = mkdtempSync(join(dir, 'big-'));
    // 0.1 MB: every dump (200–500 KB) is larger than what a JSON answer may be.
    const r = await rspconfigDump(
      f.inventory,
      n,
      ['dump', '-d', String(id), out],
      {},
      { extra: { maxBody: 0.1 } },
    );
    expect(r.errors.get(n)).toBeUndefined();
    const [file] = readdirSync(out);
    expect(readFileSync(join(out, file!)).equals(m.dumpContent(id)!)).toBe(true);
    m.deleteAllDumps();
  });
});
