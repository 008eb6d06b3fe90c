/**
 * Every command against a real HPE Cray EX425 blade capture (test/fixtures/redfish/cray-hpe-ex425: one
 * BMC, two Systems Node0/Node1 without Links, an EnclosureManager `BMC` next to a `MCU0` member the
 * capture does not serve, a ComputerSystem.Reset whose ActionInfo it does not serve, no boot override and
 * no identify LED). Served by the simulator's mockup mode, one node per System; each answer is checked
 * against the capture's own files.
 */
import { describe, it, expect, afterAll } from '@jest/globals';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FIXTURES,
  fixture,
  requestsMatching,
  memberIds,
  startMockups,
  useFleet,
} from '../helpers/sim-harness.js';
import { rpower, rsetboot, settle } from '../power/harness.js';
import { rinv, rvitals } from '../inventory-cmd/harness.js';
import { rbeacon, reventlog } from '../eventlog/harness.js';

const CAPTURE = 'cray-hpe-ex425';
type Doc = Record<string, unknown>;
const read = (path = ''): Doc => fixture(CAPTURE, path);
const arr = (v: unknown) => v as Doc[];

const systems = memberIds(read('Systems')).map((id) => id.replace(/^\/redfish\/v1\//, ''));
const m = useFleet(() => startMockups([CAPTURE], { transitionMs: 40 }));

/** The inventory node of one captured System: `<bmc>-Node0` for Systems/Node0 (docs/simulator.md). */
function nodeOf(systemPath: string): string {
  return `${m.sim.nodes[0]!.name}-${systemPath.split('/').pop()!}`;
}

describe('HPE Cray EX425 capture', () => {
  it('one node per captured System, on one BMC', async () => {
    expect(systems).toEqual(['Systems/Node0', 'Systems/Node1']);
    expect(m.sim.nodes).toHaveLength(1);
    const r = await rpower(m.sim.inventory, 'all', ['stat'], { output: 'json' });
    expect(r.json!.results.map((x) => x.node)).toEqual(systems.map(nodeOf));
  });

  it("rinv: model, serial, part, BIOS and each CPU's serial from the capture", async () => {
    const r = await rinv(m.sim.inventory, 'all', ['all'], { output: 'json' });
    expect(r.code).toBe(0);
    expect(r.json!.results).toHaveLength(systems.length);
    for (const path of systems) {
      const sys = read(path);
      const res = r.json!.results.find((x) => x.node === nodeOf(path))!;
      expect(res.ok).toBe(true);
      const text = JSON.stringify(res.value);
      for (const k of ['Model', 'SerialNumber', 'PartNumber', 'BiosVersion', 'Manufacturer'])
        expect(text).toContain(JSON.stringify(sys[k]));
      for (const cpu of memberIds(read(`${path}/Processors`))) {
        const doc = fixture(CAPTURE, cpu.replace(/^\/redfish\/v1\//, ''));
        expect(text).toContain(JSON.stringify(doc.SerialNumber));
      }
    }
  });

  it('rpower stat gives the captured PowerState of each System', async () => {
    const r = await rpower(m.sim.inventory, 'all', ['stat']);
    expect(r.code).toBe(0);
    for (const path of systems)
      expect(r.byNode.get(nodeOf(path))).toBe((read(path).PowerState as string).toLowerCase());
  });

  it("rpower bmcstate: the enclosure's BMC answers, the Managers member the capture lacks (MCU0) is skipped", async () => {
    expect(memberIds(read('Managers'))).toContain('/redfish/v1/Managers/MCU0');
    const r = await rpower(m.sim.inventory, 'all', ['bmcstate']);
    expect(r.code).toBe(0);
    for (const path of systems) expect(r.byNode.get(nodeOf(path))).toBe('BMC Ready');
  });

  it('rvitals: every Thermal, Power and Sensors reading of the enclosure, the same on both blades', async () => {
    const enclosure = 'Chassis/Enclosure';
    const expected =
      arr(read(`${enclosure}/Thermal`).Temperatures).length +
      arr(read(`${enclosure}/Power`).Voltages).length +
      memberIds(read(`${enclosure}/Sensors`)).length;
    const r = await rvitals(m.sim.inventory, 'all', ['all'], { output: 'json' });
    expect(r.code).toBe(0);
    for (const path of systems) {
      const res = r.json!.results.find((x) => x.node === nodeOf(path))!;
      const sensors = (res.value as { sensors: Array<{ path: string; value: unknown }> }).sensors;
      expect(sensors).toHaveLength(expected);
      const ambient = fixture(CAPTURE, `${enclosure}/Sensors/Chassis0Temperature`);
      expect(sensors).toContainEqual(
        expect.objectContaining({ path: ambient['@odata.id'], value: ambient.Reading }),
      );
    }
  });

  it("reventlog: the BMC's EventLog (18 entries) on each blade, newest last, despite the dangling MCU0", async () => {
    const entries = arr(read('Managers/BMC/LogServices/EventLog/Entries').Members);
    const newest = entries[entries.length - 1]!;
    const r = await reventlog(m.sim.inventory, 'all', ['all'], { output: 'json' });
    expect(r.code).toBe(0);
    for (const path of systems) {
      const res = r.json!.results.find((x) => x.node === nodeOf(path))!;
      const v = res.value as { entries: Array<{ id: string; message?: string }> };
      const fromEventLog = v.entries.filter((e) => e.id.startsWith('EventLog/'));
      expect(fromEventLog).toHaveLength(entries.length);
      expect(fromEventLog[fromEventLog.length - 1]).toMatchObject({
        id: `EventLog/${newest.Id as string}`,
        message: newest.Message,
      });
    }
  });

  it('reventlog says once, in one sentence, that the MCU0 member is dangling', async () => {
    const r = await reventlog(m.sim.inventory, 'all', ['5']);
    expect(r.code).toBe(0);
    const notes = r.err.filter((l) => l.includes('MCU0')).map((l) => l.trim());
    expect(notes).toEqual(
      systems.map(
        (path) =>
          `Warning: ${nodeOf(path)}: /redfish/v1/Managers/MCU0: 404 Not Found (a dangling Managers member); left out`,
      ),
    );
  });

  it('rsetboot stat and set: unsupported, the Boot object has only BootOrder and BootOptions', async () => {
    for (const words of [['stat'], ['net']]) {
      const r = await rsetboot(m.sim.inventory, 'all', words, { output: 'json' });
      expect(r.json!.results).toHaveLength(systems.length);
      for (const res of r.json!.results) {
        expect(res.error).toMatchObject({ kind: 'unsupported' });
        expect(res.error!.message).toMatch(/BootSourceOverrideTarget/);
      }
    }
    expect(Object.keys(read('Systems/Node0').Boot as Doc)).toEqual(['BootOptions', 'BootOrder']);
  });

  it('rbeacon stat, on, off: unsupported, no System or Chassis has an LED property', async () => {
    for (const words of [['stat'], ['on'], ['off']]) {
      const r = await rbeacon(m.sim.inventory, 'all', words, { output: 'json' });
      expect(r.json!.results).toHaveLength(systems.length);
      for (const res of r.json!.results) {
        expect(res.error).toMatchObject({ kind: 'unsupported' });
        expect(res.error!.message).toMatch(/No identify LED/);
      }
    }
  });

  it("rpower off then on, through the capture's Reset whose ActionInfo it does not serve (standard values)", async () => {
    const sys = read('Systems/Node0');
    const reset = (sys.Actions as Doc)['#ComputerSystem.Reset'] as Doc;
    expect(reset['@Redfish.ActionInfo']).toBe('/redfish/v1/Systems/Node0/ResetActionInfo');
    m.sim.admin.resetStats();
    const off = await rpower(m.sim.inventory, 'all', ['off']);
    expect(off.code).toBe(0);
    for (const path of systems) expect(off.byNode.get(nodeOf(path))).toBe('off');
    const node0 = nodeOf('Systems/Node0');
    const bmc = m.sim.nodes[0]!.name;
    expect(requestsMatching(m.sim, bmc, /^POST .*Systems\/Node0\/Actions\/ComputerSystem\.Reset/)).toBe(1);
    await settle(m.sim);
    expect((await rpower(m.sim.inventory, 'all', ['stat'])).byNode.get(node0)).toBe('off');
    const on = await rpower(m.sim.inventory, 'all', ['on']);
    expect(on.code).toBe(0);
    await settle(m.sim);
    expect((await rpower(m.sim.inventory, 'all', ['stat'])).byNode.get(node0)).toBe('on');
  });
});

describe('a copy of the capture whose Chassis collection lists a member it does not serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hwctl-ex425-'));
  const copy = join(dir, CAPTURE);
  cpSync(join(FIXTURES, CAPTURE), copy, { recursive: true });
  rmSync(join(copy, 'Chassis', 'Mezz0'), { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const f = useFleet(() => startMockups([copy]));

  it('rbeacon stat answers for each node (unsupported: no LED), not a 404 for the dangling member', async () => {
    const r = await rbeacon(f.sim.inventory, 'all', ['stat'], { output: 'json' });
    expect(r.json!.results).toHaveLength(2);
    for (const res of r.json!.results) expect(res.error).toMatchObject({ kind: 'unsupported' });
  });
});
