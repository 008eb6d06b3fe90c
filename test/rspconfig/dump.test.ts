/**
 * rspconfig dump (list, -g, -c) and gard -c against the simulator: OpenBMC REST end to end, Redfish
 * refusing with the reason; xCAT's validation messages before any BMC is touched.
 */
import { describe, expect, it } from '@jest/globals';
import { HwctlUsageError } from '../../src/core/errors.js';
import { parseDumpArgs } from '../../src/managers/rspconfig-dump.js';
import { startFleet, useFleet } from '../helpers/sim-harness.js';
import { rspconfigDump } from './harness.js';

const f = useFleet(() => startFleet({ nodes: 2, flavor: 'mixed', personality: 'generic' }));

function usageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HwctlUsageError);
    return (e as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('dump / gard validation', () => {
  it("uses xCAT's messages", () => {
    expect(usageOf(() => parseDumpArgs(['dump', '-c']))).toBe(
      "No dump file ID specified. To clear all, specify 'all'.",
    );
    expect(usageOf(() => parseDumpArgs(['dump', '-c', 'x1']))).toBe(
      'Invalid dump x1 was specified. Use -l option to list.',
    );
    expect(usageOf(() => parseDumpArgs(['dump', '-g', '-l']))).toBe(
      'dump <opt> must be issued without other options.',
    );
    expect(usageOf(() => parseDumpArgs(['gard', '-g']))).toMatch(
      /^Clear GARD cannot be issued with other options/,
    );
    expect(usageOf(() => parseDumpArgs(['dump', '-d', '1', '/tmp']))).toMatch(/not supported yet/);
    expect(parseDumpArgs(['dump'])).toEqual({ key: 'dump', op: 'list' });
    expect(parseDumpArgs(['dump', '--clear', 'all'])).toEqual({ key: 'dump', op: 'clear', id: 'all' });
  });
});

describe('dump on OpenBMC REST, refused on Redfish', () => {
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

  it('Redfish says why not, per node, the OpenBMC node still works', async () => {
    const nodes = Object.values(f.node).join(',');
    const ls = await rspconfigDump(f.inventory, nodes, ['dump']);
    expect(ls.code).toBe(1);
    expect(ls.errors.get(f.node.generic!)).toMatch(
      /offers no LogService with LogService.CollectDiagnosticData/,
    );
    expect(ls.lines.get(f.node['openbmc-rest']!)).toEqual(['No dumps']);
    const gard = await rspconfigDump(f.inventory, nodes, ['gard', '-c']);
    expect(gard.errors.get(f.node.generic!)).toMatch(/gard -c is OpenBMC REST only/);
  });
});
