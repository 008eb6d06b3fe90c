/**
 * rvitals on a link-less Node0..Node3 enclosure (test/sim/redfish/derived-captures.ts: the DMTF bladed
 * capture without Links, with a Sensors collection next to Thermal, a bare PowerControl and two
 * supplies of one name). Each node shows its own chassis and the shared enclosure, never another
 * node's; Sensors and Thermal/Power are merged, each measurement once; labels have no bare ids.
 * Expected readings come from the derived capture's own files.
 */
import { describe, it, expect } from '@jest/globals';
import { endpoints, useFleet } from '../helpers/sim-harness.js';
import { rvitals } from '../inventory-cmd/harness.js';
import { NODES, linklessEnclosure, serveCapture } from '../sim/redfish/derived-captures.js';

type Doc = Record<string, unknown>;
const f = useFleet(() => serveCapture(linklessEnclosure()));
const node = (n: string) => `sim001-${n}`;
const C = '/redfish/v1/Chassis';

describe('link-less enclosure, a node per System', () => {
  it("each node shows its own chassis' readings and the enclosure's, never another node's", async () => {
    const r = await rvitals(f.sim.inventory, 'all', ['temp']);
    expect(r.code).toBe(0);
    for (const n of NODES) {
      const thermal = f.copy.read(`${C}/${n}/Thermal`);
      const cpu = (thermal.Temperatures as Doc[])[0]!;
      const lines = r.lines(node(n));
      expect(lines).toContain(
        `${n} CPU Temp: ${cpu.ReadingCelsius as number} C${
          (cpu.ReadingCelsius as number) > (cpu.UpperThresholdNonCritical as number)
            ? ` [WARNING > ${cpu.UpperThresholdNonCritical as number}]`
            : ''
        }`,
      );
      const intake = (f.copy.read(`${C}/Enclosure/Thermal`).Temperatures as Doc[])[0]!;
      expect(lines).toContain(`Enclosure ${intake.Name as string}: ${intake.ReadingCelsius as number} C`);
      for (const other of NODES.filter((o) => o !== n))
        expect(lines.filter((l) => l.startsWith(`${other} `))).toEqual([]);
      expect(lines).toHaveLength(n === 'Node0' ? 3 : 2); // Node0 also has the DIMM Temp
    }
  });

  it("reads only the chosen node's chassis: no other node's Thermal is requested", async () => {
    f.sim.admin.resetStats();
    await rvitals(f.sim.inventory, node('Node2'), []);
    const e = endpoints(f.sim, 'sim001');
    const thermals = Object.keys(e).filter((k) => /\/Thermal$/.test(k));
    expect(thermals.sort()).toEqual([`GET ${C}/Enclosure/Thermal`, `GET ${C}/Node2/Thermal`]);
  });
});

describe('Sensors next to Thermal/Power: merged, each measurement once', () => {
  it("Node0: the Thermal temperatures and fan, the Sensors' power and unitless readings, CPU Temp and CPU Fan once", async () => {
    const r = await rvitals(f.sim.inventory, node('Node0'), ['all']);
    expect(r.code).toBe(0);
    const mine = r.lines(node('Node0')).filter((l) => l.startsWith('Node0 '));
    const s = (id: string) => f.copy.read(`${C}/Node0/Sensors/${id}`);
    const thermal = f.copy.read(`${C}/Node0/Thermal`);
    const fan = (thermal.Fans as Doc[])[0]!;
    const temps = thermal.Temperatures as Doc[];
    expect(temps).toHaveLength(2);
    expect(mine.sort()).toEqual(
      [
        `Node0 ${fan.Name as string}: ${fan.Reading as number} RPMS`,
        ...temps.map((t) => `Node0 ${t.Name as string}: ${t.ReadingCelsius as number} C`),
        `Node0 ${s('NodePower').Name as string}: ${s('NodePower').Reading as number} Watts`,
        // No ReadingUnits: the value alone, no dangling unit.
        `Node0 ${s('Tachometer').Name as string}: ${s('Tachometer').Reading as number}`,
      ].sort(),
    );
  });

  it('a Sensor that a Thermal member names as its DataSourceUri is not read', async () => {
    f.sim.admin.resetStats();
    await rvitals(f.sim.inventory, node('Node0'), ['temp']);
    const e = endpoints(f.sim, 'sim001');
    expect(e[`GET ${C}/Node0/Sensors/CPUTemp`]).toBeUndefined();
    expect(e[`GET ${C}/Node0/Sensors/NodePower`]).toBe(1);
  });
});

describe('labels', () => {
  it('a PowerControl with only a MemberId is "Power Control <id>"; two supplies of one name get their MemberId', async () => {
    const r = await rvitals(f.sim.inventory, node('Node1'), ['all']);
    const power = f.copy.read(`${C}/Enclosure/Power`);
    const ctl = (power.PowerControl as Doc[])[0]!;
    const supplies = power.PowerSupplies as Doc[];
    expect(new Set(supplies.map((x) => x.Name)).size).toBe(1);
    const lines = r.lines(node('Node1'));
    expect(lines).toContain(
      `Enclosure Power Control ${ctl.MemberId as string}: ${ctl.PowerConsumedWatts as number} Watts`,
    );
    for (const p of supplies) {
      const label = `Enclosure ${p.Name as string} ${p.MemberId as string}`;
      expect(lines).toContain(`${label} Output Power: ${p.LastPowerOutputWatts as number} Watts`);
    }
    expect(lines.filter((l) => /^Enclosure \d+:/.test(l))).toEqual([]);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines.filter((l) => / $/.test(l))).toEqual([]);
  });
});
