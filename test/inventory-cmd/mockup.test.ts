/**
 * rinv against real captures served by the simulator (--from-mockup): DMTF rackmount, tower and
 * bladed, and an OpenBMC bmcweb capture. Every expected value is read from the capture files under
 * test/fixtures/redfish, never restated here.
 */
import { describe, it, expect } from '@jest/globals';
import {
  BLADE,
  CAPTURES,
  fixture,
  fixtureAt,
  memberIds,
  requestsFor,
  startCaptureFleet,
  useFleet,
  type Capture,
} from '../helpers/sim-harness.js';
import { rinv } from './harness.js';

const f = useFleet(startCaptureFleet, { sessionsClosed: false });

/** The System document of a capture (the chosen blade for the bladed one). */
function systemOf(c: Capture): Record<string, unknown> {
  const ids = memberIds(fixture(c, 'Systems'));
  const path = c === 'dmtf-public-bladed' ? ids.find((i) => i.endsWith(BLADE))! : ids[0]!;
  return fixtureAt(c, path);
}

const ref = (doc: Record<string, unknown>, prop: string) =>
  (doc[prop] as { '@odata.id': string } | undefined)?.['@odata.id'];
const idOf = (doc: Record<string, unknown>) =>
  (doc.Id as string | undefined) ?? (doc['@odata.id'] as string).split('/').filter(Boolean).pop()!;
const str = (v: unknown) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));

describe.each(CAPTURES)('rinv on the %s capture', (capture) => {
  const node = () => f.node[capture]!;

  it('all: the System identity is the capture’s', async () => {
    const sys = systemOf(capture);
    const r = await rinv(f.inventory, node(), []);
    expect(r.code).toBe(0);
    const lines = r.lines(node());
    for (const prop of [
      'Manufacturer',
      'Model',
      'SerialNumber',
      'SKU',
      'UUID',
      'BiosVersion',
      'PowerState',
    ]) {
      if (typeof sys[prop] === 'string') expect(lines).toContain(`SYSTEM ${prop} : ${sys[prop] as string}`);
      else expect(lines.some((l) => l.startsWith(`SYSTEM ${prop} :`))).toBe(false);
    }
    const summary = sys.ProcessorSummary as Record<string, unknown> | undefined;
    if (summary?.Count !== undefined)
      expect(lines).toContain(`SYSTEM ProcessorSummary.Count : ${str(summary.Count)}`);
    const mem = sys.MemorySummary as Record<string, unknown> | undefined;
    if (mem?.TotalSystemMemoryGiB !== undefined)
      expect(lines).toContain(`SYSTEM MemorySummary.TotalSystemMemoryGiB : ${str(mem.TotalSystemMemoryGiB)}`);
  });

  it('cpu dimm nic: one item per collection member, with the member’s own values', async () => {
    const sys = systemOf(capture);
    const r = await rinv(f.inventory, node(), ['cpu', 'dimm', 'nic']);
    const lines = r.lines(node());
    const check = (collection: string | undefined, prefix: string, props: string[]) => {
      const members = collection
        ? memberIds(fixtureAt(capture, collection)).map((m) => fixtureAt(capture, m))
        : [];
      for (const m of members) {
        const id = idOf(m);
        const source =
          prefix === 'NIC' ? `NIC ${id}` : /^[A-Za-z]/.test(id) ? id.toUpperCase() : `${prefix}${id}`;
        expect(lines.some((l) => l.startsWith(`${source} `))).toBe(true);
        for (const p of props)
          if (typeof m[p] === 'string' || typeof m[p] === 'number')
            expect(lines).toContain(`${source} ${p} : ${str(m[p])}`);
        const state = (m.Status as { State?: string } | undefined)?.State;
        if (state) expect(lines).toContain(`${source} Status.State : ${state}`);
      }
      return members.length;
    };
    const cpus = check(ref(sys, 'Processors'), 'CPU', ['Model', 'Manufacturer', 'TotalCores', 'MaxSpeedMHz']);
    const dimms = check(ref(sys, 'Memory'), 'DIMM', ['CapacityMiB', 'MemoryDeviceType', 'SerialNumber']);
    const nics = check(ref(sys, 'EthernetInterfaces'), 'NIC', [
      'MACAddress',
      'PermanentMACAddress',
      'SpeedMbps',
    ]);
    const sources = new Set(lines.map((l) => l.split(' : ')[0]!.split(' ').slice(0, -1).join(' ')));
    sources.delete('SYSTEM');
    expect(sources.size).toBe(cpus + dimms + nics);
  });

  it('storage: Storage subsystems with controllers and drives, else SimpleStorage devices', async () => {
    const sys = systemOf(capture);
    const r = await rinv(f.inventory, node(), ['storage']);
    const lines = r.lines(node());
    const storage = ref(sys, 'Storage');
    const simple = ref(sys, 'SimpleStorage');
    if (storage) {
      const subsystems = memberIds(fixtureAt(capture, storage)).map((m) => fixtureAt(capture, m));
      for (const s of subsystems) {
        expect(lines).toContain(`STORAGE ${idOf(s)} Name : ${s.Name as string}`);
        for (const ctl of (s.StorageControllers as Array<Record<string, unknown>> | undefined) ?? []) {
          if (typeof ctl.Model === 'string')
            expect(lines).toContain(`STORAGE ${idOf(s)} CONTROLLER ${ctl.Id as string} Model : ${ctl.Model}`);
        }
        for (const d of (s.Drives as Array<{ '@odata.id': string }> | undefined) ?? []) {
          const drive = fixtureAt(capture, d['@odata.id']);
          expect(lines.some((l) => l.startsWith(`DRIVE ${idOf(drive)} `))).toBe(true);
          if (typeof drive.Model === 'string')
            expect(lines).toContain(`DRIVE ${idOf(drive)} Model : ${drive.Model}`);
        }
      }
    } else if (simple) {
      for (const m of memberIds(fixtureAt(capture, simple))) {
        const s = fixtureAt(capture, m);
        const devices = (s.Devices as Array<Record<string, unknown>> | undefined) ?? [];
        devices.forEach((d, i) => {
          expect(lines).toContain(`STORAGE ${idOf(s)} DEVICE ${i} Name : ${d.Name as string}`);
          if (typeof d.CapacityBytes === 'number')
            expect(lines).toContain(`STORAGE ${idOf(s)} DEVICE ${i} CapacityBytes : ${d.CapacityBytes}`);
        });
      }
    } else {
      expect(lines).toEqual(['No attributes returned from the BMC.']);
    }
  });

  it('firm: every FirmwareInventory version, the Manager’s marked running (*)', async () => {
    const r = await rinv(f.inventory, node(), ['firm'], { output: 'json' });
    const fw = r.value(node()).firmware as Array<{
      id: string;
      version: string;
      running: boolean;
      component?: string;
    }>;
    const sys = systemOf(capture);
    const managerPath = (
      (sys.Links as Record<string, unknown>).ManagedBy as Array<{ '@odata.id': string }>
    )[0]!['@odata.id'];
    const manager = fixtureAt(capture, managerPath);
    const root = fixture(capture);
    const update = ref(root, 'UpdateService');
    if (update) {
      const inv = ref(fixtureAt(capture, update), 'FirmwareInventory')!;
      const images = memberIds(fixtureAt(capture, inv)).map((m) => fixtureAt(capture, m));
      expect(fw.map((x) => x.version).sort()).toEqual(images.map((i) => i.Version as string).sort());
    }
    const running = fw.filter((x) => x.running && x.component === 'bmc');
    expect(running.map((x) => x.version)).toEqual([manager.FirmwareVersion]);
  });
});

describe('mockup specifics', () => {
  it('bladed: the node is the blade its inventory names; its CPU and SimpleStorage, the Manager version without an UpdateService', async () => {
    const n = f.node['dmtf-public-bladed']!;
    const r = await rinv(f.inventory, n, ['model', 'serial', 'firm']);
    const sys = systemOf('dmtf-public-bladed');
    const manager = fixture('dmtf-public-bladed', 'Managers/Blade1BMC');
    expect(r.lines(n)).toEqual([
      `SYSTEM Model : ${sys.Model as string}`,
      `SYSTEM SerialNumber : ${sys.SerialNumber as string}`,
      `BMC Firmware Product: ${manager.FirmwareVersion as string} (Enabled)*`,
    ]);
    expect(r.err).toEqual([
      `Warning: ${n}: this service has no UpdateService: firmware inventory not available`,
    ]);
  });

  it('bmcweb capture: no Model on the System → xCAT’s message and a warning naming what is missing', async () => {
    const n = f.node['openbmc-bmcweb']!;
    const r = await rinv(f.inventory, n, ['model']);
    expect(r.code).toBe(0);
    expect(r.lines(n)).toEqual(['No attributes returned from the BMC.']);
    expect(r.err).toEqual([`Warning: ${n}: the System /redfish/v1/Systems/system has no Model`]);
  });

  it('requests per node: one expanded read of the Systems tree where the capture advertises $expand', async () => {
    const cost: Record<string, number> = {};
    for (const c of CAPTURES)
      cost[c] = await requestsFor(f.sim, f.node[c]!, () => rinv(f.inventory, f.node[c]!, []));
    expect(cost).toEqual({
      // root, session, Systems?$expand(levels 4), Manager, UpdateService?$expand(levels 2), DELETE
      'dmtf-public-rackmount1': 6,
      'dmtf-public-tower': 6,
      // no UpdateService
      'dmtf-public-bladed': 5,
      // no $expand: Systems, System, Processors, Memory, Storage (all empty), Manager, UpdateService,
      // FirmwareInventory, its one member
      'openbmc-bmcweb': 12,
    });
  });
});
