/**
 * rinv against the simulator: every Redfish personality (generic, openbmc/bmcweb, idrac, ilo) and the
 * OpenBMC REST flavor. The values printed are the simulated machine's own; the requests each BMC
 * answered are counted so that request economy cannot regress (docs/performance.md).
 */
import { describe, it, expect } from '@jest/globals';
import { endpoints, requestsFor, startFleet, useFleet } from '../helpers/sim-harness.js';
import { rinv } from './harness.js';

const REDFISH = ['generic', 'openbmc', 'idrac', 'ilo'] as const;

const f = useFleet(async () => {
  const fleet = await startFleet({ nodes: 5, flavor: 'mixed', personality: 'mixed' });
  for (const k of [...REDFISH, 'openbmc-rest'])
    if (!fleet.node[k]) throw new Error(`no ${k} node in the fleet`);
  return fleet;
});

const machine = (kind: string) => f.sim.machine(f.node[kind]!);

describe('rinv on Redfish personalities', () => {
  it.each(REDFISH)(
    '%s: all shows the System identity, every CPU, DIMM, NIC, drive and the running firmware',
    async (kind) => {
      const n = f.node[kind]!;
      const m = machine(kind);
      const r = await rinv(f.inventory, n, []);
      expect(r.code).toBe(0);
      const lines = r.lines(n);
      const id = m.identity;
      for (const [prop, v] of [
        ['Manufacturer', id.manufacturer],
        ['Model', id.model],
        ['SerialNumber', id.serialNumber],
        ['UUID', id.uuid],
        ['BiosVersion', id.biosVersion],
        ['SKU', id.sku],
      ] as const) {
        expect(lines).toContain(`SYSTEM ${prop} : ${v}`);
      }
      const hw = m.hardware;
      expect(
        lines.filter((l) => / Model : /.test(l) && !l.startsWith('SYSTEM') && !l.startsWith('DRIVE')).length,
      ).toBe(hw.cpus.length);
      for (const c of hw.cpus) expect(lines.some((l) => l.endsWith(` Model : ${c.model}`))).toBe(true);
      for (const d of hw.dimms)
        expect(lines.some((l) => l.endsWith(`SerialNumber : ${d.serialNumber}`))).toBe(true);
      for (const nic of hw.nics) expect(lines).toContain(`NIC ${nic.id} MACAddress : ${nic.macAddress}`);
      for (const d of hw.drives) expect(lines).toContain(`DRIVE ${d.id} SerialNumber : ${d.serialNumber}`);
      const bmc = m.firmware.functional('BMC').version;
      const host = m.firmware.functional('Host').version;
      expect(lines.filter((l) => l.includes('Firmware Product:'))).toEqual(
        expect.arrayContaining([
          expect.stringMatching(new RegExp(`^\\S+ Firmware Product: ${escape(bmc)} \\(Enabled\\)\\*$`)),
          expect.stringMatching(new RegExp(`^\\S+ Firmware Product: ${escape(host)} \\(Enabled\\)\\*$`)),
        ]),
      );
      expect(r.err).toEqual([]);
    },
  );

  it.each(REDFISH)('%s: model serial uuid print exactly those lines', async (kind) => {
    const n = f.node[kind]!;
    const id = machine(kind).identity;
    const r = await rinv(f.inventory, n, ['model', 'serial', 'uuid']);
    expect(r.lines(n)).toEqual([
      `SYSTEM Model : ${id.model}`,
      `SYSTEM SerialNumber : ${id.serialNumber}`,
      `SYSTEM UUID : ${id.uuid}`,
    ]);
  });

  it('json is typed: numbers stay numbers, booleans booleans, firmware flags are fields', async () => {
    const n = f.node.generic!;
    const m = machine('generic');
    const r = await rinv(f.inventory, n, ['dimm', 'nic', 'firm'], { output: 'json' });
    const v = r.value(n) as {
      items: Array<{ source: string; kind: string; properties: Record<string, unknown> }>;
      firmware: Array<{ version: string; running: boolean; component?: string }>;
    };
    const dimms = v.items.filter((i) => i.kind === 'dimm');
    expect(dimms).toHaveLength(m.hardware.dimms.length);
    expect(dimms[0]!.properties.CapacityMiB).toBe(m.hardware.dimms[0]!.capacityMiB);
    const sys = v.items.find((i) => i.kind === 'system')!;
    expect(typeof sys.properties['MemorySummary.TotalSystemMemoryGiB']).toBe('number');
    const nic = v.items.find((i) => i.kind === 'nic')!;
    expect(nic.properties.InterfaceEnabled).toBe(true);
    expect(v.firmware).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          version: m.firmware.functional('BMC').version,
          running: true,
          component: 'bmc',
        }),
      ]),
    );
  });
});

describe('rinv on OpenBMC REST', () => {
  it('all: xCAT lines for the inventory objects, then the running BMC and HOST firmware with *', async () => {
    const n = f.node['openbmc-rest']!;
    const m = machine('openbmc-rest');
    const r = await rinv(f.inventory, n, ['all']);
    expect(r.code).toBe(0);
    const lines = r.lines(n);
    expect(lines).toContain(`SYSTEM Model : ${m.identity.model}`);
    expect(lines).toContain(`SYSTEM SerialNumber : ${m.identity.serialNumber}`);
    expect(lines).toContain('SYSTEM Present : True');
    expect(lines).toContain('CPU0 CORE0 Present : True');
    for (const c of m.hardware.cpus) expect(lines).toContain(`${c.id.toUpperCase()} Model : ${c.model}`);
    const bmc = m.firmware.functional('BMC');
    const host = m.firmware.functional('Host');
    const fw = lines.filter((l) => l.includes('Firmware Product:') && !l.includes('additional info'));
    expect(fw).toEqual([
      `BMC Firmware Product: ${bmc.version} (Active)*`,
      `HOST Firmware Product: ${host.version} (Active)*`,
    ]);
    // xCAT's order: type groups sorted (BMC, CHASSIS, CPU, DIMM...), lines natural-sorted within.
    const firstOf = (p: string) => lines.findIndex((l) => l.startsWith(p));
    expect(firstOf('CPU0 ')).toBeLessThan(firstOf('DIMM0 '));
    expect(firstOf('SYSTEM ')).toBeGreaterThan(firstOf('DIMM0 '));
    const dimmSources = [...new Set(lines.filter((l) => l.startsWith('DIMM')).map((l) => l.split(' ')[0]!))];
    expect(dimmSources).toEqual(m.hardware.dimms.map((_, i) => `DIMM${i}`));
  });

  it('model serial: one GET of the system object; cpu: the motherboard subtree', async () => {
    const n = f.node['openbmc-rest']!;
    const id = machine('openbmc-rest').identity;
    f.sim.admin.resetStats();
    const r = await rinv(f.inventory, n, ['model', 'serial']);
    expect(r.lines(n)).toEqual([`SYSTEM Model : ${id.model}`, `SYSTEM SerialNumber : ${id.serialNumber}`]);
    expect(Object.keys(endpoints(f.sim, n)).sort()).toEqual([
      'GET /xyz/openbmc_project/inventory/system',
      'POST /login',
      'POST /logout',
    ]);
    f.sim.admin.resetStats();
    const c = await rinv(f.inventory, n, ['cpu']);
    expect(c.lines(n).every((l) => l.startsWith('CPU'))).toBe(true);
    expect(endpoints(f.sim, n)).toHaveProperty(
      ['GET /xyz/openbmc_project/inventory/system/chassis/motherboard/enumerate'],
      1,
    );
  });

  it('firm -V lists every image; without -V only the running ones', async () => {
    const n = f.node['openbmc-rest']!;
    const images = machine('openbmc-rest').firmware.list();
    const plain = await rinv(f.inventory, n, ['firm']);
    const verbose = await rinv(f.inventory, n, ['firm'], { verbose: true });
    const heads = (c: typeof plain) => c.lines(n).filter((l) => !l.includes('additional info'));
    expect(heads(plain)).toHaveLength(images.filter((i) => i.functional).length);
    expect(heads(verbose)).toHaveLength(images.length);
  });
});

describe('requests per node (request economy)', () => {
  /** Requests of `rinv <words>` on one node, login and logout included. */
  async function cost(kind: string, words: string[]): Promise<number> {
    const n = f.node[kind]!;
    return requestsFor(f.sim, n, async () => expect((await rinv(f.inventory, n, words)).code).toBe(0));
  }

  it('$expand personalities: rinv all in 7 requests (generic) / 6 (openbmc), rinv model in 4', async () => {
    // root, session, Systems?$expand, Manager, UpdateService?$expand, [Storage?$expand for drives], DELETE
    expect(await cost('generic', [])).toBe(7);
    expect(await cost('openbmc', [])).toBe(6);
    expect(await cost('generic', ['model'])).toBe(4);
  });

  it('personalities without $expand: one GET per member, nothing read twice', async () => {
    for (const kind of ['idrac', 'ilo'] as const) {
      const hw = machine(kind).hardware;
      const images = machine(kind).firmware.list().length;
      // root, session, Systems, System, 4 collections + members, Storage member, Manager,
      // UpdateService, FirmwareInventory + members, DELETE
      const want =
        2 +
        2 +
        (1 + hw.cpus.length) +
        (1 + hw.dimms.length) +
        (1 + hw.nics.length) +
        (2 + hw.drives.length) +
        1 +
        2 +
        images +
        1;
      expect(await cost(kind, [])).toBe(want);
      // No resource read twice (templated keys like Processors/{n} group several members).
      const twice = Object.entries(endpoints(f.sim, f.node[kind]!)).filter(
        ([k, c]) => !k.includes('{') && c > 1,
      );
      expect(twice).toEqual([]);
      expect(await cost(kind, ['model'])).toBe(5); // root, session, Systems, System, DELETE
    }
  });

  it('OpenBMC REST: rinv all = login, inventory/enumerate, software/enumerate, logout', async () => {
    expect(await cost('openbmc-rest', [])).toBe(4);
    expect(await cost('openbmc-rest', ['firm'])).toBe(3);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
