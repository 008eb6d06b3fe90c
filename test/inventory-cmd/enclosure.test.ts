/**
 * rinv on a link-less Node0..Node3 enclosure (test/sim/redfish/derived-captures.ts): the simulator's
 * inventory has a node per System; the firmware comes from the EnclosureManager, not from the
 * auxiliary controller listed first; drives answered with Redfish error bodies are missing, with one
 * warning; padded strings are shown trimmed. Expected values come from the capture's own files.
 */
import { describe, it, expect } from '@jest/globals';
import { useFleet } from '../helpers/sim-harness.js';
import { rinv } from './harness.js';
import { NODES, linklessEnclosure, serveCapture } from '../sim/redfish/derived-captures.js';

const f = useFleet(() => serveCapture(linklessEnclosure()));
const node = (n: string) => `sim001-${n}`;
const S = '/redfish/v1/Systems';

describe('a node per System', () => {
  it("model, serial (trimmed) and power state of each node are its own System's", async () => {
    const r = await rinv(f.sim.inventory, 'all', ['model', 'serial'], { output: 'json' });
    expect(r.code).toBe(0);
    for (const n of NODES) {
      const sys = f.copy.read(`${S}/${n}`);
      const out = await rinv(f.sim.inventory, node(n), ['model', 'serial']);
      expect(out.lines(node(n))).toEqual([
        `SYSTEM Model : ${sys.Model as string}`,
        `SYSTEM SerialNumber : ${(sys.SerialNumber as string).trim()}`,
      ]);
    }
    expect((f.copy.read(`${S}/Node0`).SerialNumber as string).endsWith(' ')).toBe(true);
  });
});

describe('manager choice', () => {
  it('rinv firm: the EnclosureManager\'s FirmwareVersion, not the auxiliary controller listed first; no "()"', async () => {
    const managers = f.copy.members('/redfish/v1/Managers').map((p) => f.copy.read(p));
    expect(managers[0]!.ManagerType).toBe('AuxiliaryController');
    const encl = managers.find((m) => m.ManagerType === 'EnclosureManager')!;
    const r = await rinv(f.sim.inventory, node('Node0'), ['firm'], { extra: { debug: true } });
    expect(r.lines(node('Node0'))).toEqual([`BMC Firmware Product: ${encl.FirmwareVersion as string}*`]);
    expect(r.err.join('\n')).toContain(`Manager ${encl['@odata.id'] as string} used`);
  });
});

describe('error bodies served as 200', () => {
  it('drives answered with a Redfish error are missing, with one warning', async () => {
    const storage = f.copy.read(`${S}/Node0/Storage/1`);
    const drives = (storage.Drives as Array<{ '@odata.id': string }>).map((d) => f.copy.read(d['@odata.id']));
    const good = drives.filter((d) => !('error' in d));
    expect(good).toHaveLength(1);
    const r = await rinv(f.sim.inventory, node('Node0'), ['storage']);
    expect(r.code).toBe(0);
    const lines = r.lines(node('Node0')).filter((l) => l.startsWith('DRIVE'));
    expect(lines).toEqual([
      `DRIVE ${good[0]!.Id as string} Name : ${good[0]!.Name as string}`,
      `DRIVE ${good[0]!.Id as string} Model : ${good[0]!.Model as string}`,
      `DRIVE ${good[0]!.Id as string} SerialNumber : ${good[0]!.SerialNumber as string}`,
    ]);
    const warnings = r.err
      .join('')
      .split('\n')
      .filter((l) => l.includes('ResourceMissingAtURI'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${drives.length - 1} of them`);
  });
});
