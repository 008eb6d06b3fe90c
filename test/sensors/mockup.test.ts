/**
 * rvitals against real captures served by the simulator: the DMTF rackmount and tower (41-sensor
 * Sensors collections), the DMTF bladed enclosure (Thermal/Power, several chassis, a failed fan) and
 * an OpenBMC bmcweb capture (empty collections). Expected readings, thresholds and LEDs are read from
 * the capture files under test/fixtures/redfish.
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
} from '../helpers/sim-harness.js';
import { rvitals } from '../inventory-cmd/harness.js';

const UNIT: Record<string, string> = {
  Cel: 'C',
  V: 'Volts',
  W: 'Watts',
  A: 'Amps',
  RPM: 'RPMS',
  'kW.h': 'kWh',
  '%': '%',
  Hz: 'Hz',
};

type Doc = Record<string, unknown>;
const f = useFleet(startCaptureFleet, { sessionsClosed: false });

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/** The marker a reading deserves, worked out here from the capture's thresholds (strictly past). */
function marker(value: number | undefined, t: Record<string, number | undefined>, health?: string): string {
  if (value !== undefined) {
    const checks: Array<[string, '>' | '<', number | undefined]> = [
      ['FATAL', '>', t.upperFatal],
      ['FATAL', '<', t.lowerFatal],
      ['CRITICAL', '>', t.upperCritical],
      ['CRITICAL', '<', t.lowerCritical],
      ['WARNING', '>', t.upperCaution],
      ['WARNING', '<', t.lowerCaution],
    ];
    for (const [level, op, th] of checks) {
      if (th !== undefined && (op === '>' ? value > th : value < th)) return ` [${level} ${op} ${th}]`;
    }
  }
  if (health === 'Critical' || health === 'Warning') return ` [Health: ${health}]`;
  return '';
}

function line(
  label: string,
  value: unknown,
  unit: string,
  t: Record<string, number | undefined>,
  status: unknown,
): string {
  const v = num(value);
  const health = (status as { Health?: string } | undefined)?.Health;
  return v === undefined
    ? `${label}: N/A${marker(undefined, t, health)}`
    : `${label}: ${v} ${unit}${marker(v, t, health)}`;
}

/** Every line a Sensors collection should give, from the capture's sensor files. */
function sensorLines(capture: string, chassis: Doc): string[] {
  const coll = fixtureAt(capture, (chassis.Sensors as { '@odata.id': string })['@odata.id']);
  return memberIds(coll).map((id) => {
    const s = fixtureAt(capture, id);
    const th = (s.Thresholds ?? {}) as Record<string, { Reading?: number } | undefined>;
    const t = {
      upperFatal: th.UpperFatal?.Reading,
      lowerFatal: th.LowerFatal?.Reading,
      upperCritical: th.UpperCritical?.Reading,
      lowerCritical: th.LowerCritical?.Reading,
      upperCaution: th.UpperCaution?.Reading,
      lowerCaution: th.LowerCaution?.Reading,
    };
    return line(
      s.Name as string,
      s.Reading,
      UNIT[s.ReadingUnits as string] ?? (s.ReadingUnits as string),
      t,
      s.Status,
    );
  });
}

const legacyT = (m: Doc) => ({
  upperFatal: num(m.UpperThresholdFatal),
  lowerFatal: num(m.LowerThresholdFatal),
  upperCritical: num(m.UpperThresholdCritical),
  lowerCritical: num(m.LowerThresholdCritical),
  upperCaution: num(m.UpperThresholdNonCritical),
  lowerCaution: num(m.LowerThresholdNonCritical),
});

/** Every line a chassis' Thermal and Power should give, prefixed with the chassis Id. */
function legacyLines(capture: string, chassis: Doc): string[] {
  const id = chassis.Id as string;
  const out: string[] = [];
  const thermalRef = chassis.Thermal as { '@odata.id': string } | undefined;
  if (thermalRef) {
    const th = fixtureAt(capture, thermalRef['@odata.id']);
    for (const t of (th.Temperatures as Doc[] | undefined) ?? [])
      out.push(line(`${id} ${t.Name as string}`, t.ReadingCelsius, 'C', legacyT(t), t.Status));
    for (const fan of (th.Fans as Doc[] | undefined) ?? [])
      out.push(
        line(
          `${id} ${fan.Name as string}`,
          fan.Reading,
          UNIT[fan.ReadingUnits as string]!,
          legacyT(fan),
          fan.Status,
        ),
      );
  }
  const powerRef = chassis.Power as { '@odata.id': string } | undefined;
  if (powerRef) {
    const p = fixtureAt(capture, powerRef['@odata.id']);
    for (const c of (p.PowerControl as Doc[] | undefined) ?? [])
      if ('PowerConsumedWatts' in c)
        out.push(line(`${id} ${c.Name as string}`, c.PowerConsumedWatts, 'Watts', {}, c.Status));
    for (const v of (p.Voltages as Doc[] | undefined) ?? [])
      out.push(line(`${id} ${v.Name as string}`, v.ReadingVolts, 'Volts', legacyT(v), v.Status));
    for (const s of (p.PowerSupplies as Doc[] | undefined) ?? []) {
      if ('PowerInputWatts' in s)
        out.push(line(`${id} ${s.Name as string} Input Power`, s.PowerInputWatts, 'Watts', {}, s.Status));
      if ('LastPowerOutputWatts' in s)
        out.push(
          line(`${id} ${s.Name as string} Output Power`, s.LastPowerOutputWatts, 'Watts', {}, s.Status),
        );
      if ('LineInputVoltage' in s)
        out.push(line(`${id} ${s.Name as string} Input Voltage`, s.LineInputVoltage, 'Volts', {}, s.Status));
    }
  }
  return out;
}

/** The Thermal Temperatures/Fans and Power Voltages/PowerControl/PowerSupplies of a chassis. */
function legacyMembers(capture: string, chassis: Doc): Doc[] {
  const at = (ref: unknown) => (ref ? fixtureAt(capture, (ref as { '@odata.id': string })['@odata.id']) : {});
  const th = at(chassis.Thermal) as Doc;
  const pw = at(chassis.Power) as Doc;
  return [th.Temperatures, th.Fans, pw.Voltages, pw.PowerControl, pw.PowerSupplies].flatMap(
    (x) => (x as Doc[] | undefined) ?? [],
  );
}

/** The components (Processors, Memory) the temperature Sensors of a chassis relate to. */
function sensorRelated(capture: string, chassis: Doc): Set<string> {
  const coll = fixtureAt(capture, (chassis.Sensors as { '@odata.id': string })['@odata.id']);
  const out = new Set<string>();
  for (const id of memberIds(coll)) {
    const s = fixtureAt(capture, id);
    if (s.ReadingUnits !== 'Cel') continue;
    for (const r of (s.RelatedItem as Doc[] | undefined) ?? []) out.add(r['@odata.id'] as string);
  }
  return out;
}

const ledWord = (d: Doc) =>
  typeof d.LocationIndicatorActive === 'boolean'
    ? d.LocationIndicatorActive
      ? 'On'
      : 'Off'
    : ({ Lit: 'On', Blinking: 'Blink', Off: 'Off' } as Record<string, string>)[d.IndicatorLED as string];

describe.each(['dmtf-public-rackmount1', 'dmtf-public-tower'] as const)(
  'rvitals on the %s capture',
  (capture) => {
    it('every sensor of the chassis Sensors collection, with the capture’s reading, unit and threshold state', async () => {
      const n = f.node[capture]!;
      const chassis = memberIds(fixture(capture, 'Chassis')).map((id) => fixtureAt(capture, id));
      expect(chassis).toHaveLength(1);
      const r = await rvitals(f.inventory, n, []);
      expect(r.code).toBe(0);
      const lines = r.lines(n);
      const want = sensorLines(capture, chassis[0]!);
      expect(want.length).toBeGreaterThan(30);
      const readings = lines.filter((l) => !l.startsWith('LEDs '));
      expect(readings).toEqual(expect.arrayContaining(want));
      // Merged with Thermal/Power: the rest are their members (by Name), except those a Sensor stands
      // for: a temperature whose RelatedItem component (a Processor) a temperature Sensor also names.
      const legacy = legacyMembers(capture, chassis[0]!);
      const extra = readings.filter((l) => !want.includes(l));
      expect(extra.length).toBeGreaterThan(0);
      for (const l of extra) expect(legacy.some((m) => l.startsWith(`${m.Name as string}`))).toBe(true);
      const sensorItems = sensorRelated(capture, chassis[0]!);
      const shadowed = legacy.filter((m) =>
        ((m.RelatedItem as Doc[] | undefined) ?? []).some((x) => sensorItems.has(x['@odata.id'] as string)),
      );
      expect(shadowed.length).toBeGreaterThan(0);
      for (const m of shadowed) expect(extra.filter((l) => l.startsWith(`${m.Name as string}:`))).toEqual([]);
      const system = fixtureAt(capture, memberIds(fixture(capture, 'Systems'))[0]!);
      expect(lines.filter((l) => l.startsWith('LEDs '))).toEqual([
        `LEDs System Identify: ${ledWord(system)}`,
        `LEDs Chassis ${chassis[0]!.Id as string} Identify: ${ledWord(chassis[0]!)}`,
      ]);
      expect(r.err).toEqual([]);
    });

    it('keywords: temp is the Temperature sensors only, power their amps, energy and watts', async () => {
      const n = f.node[capture]!;
      const chassis = fixtureAt(capture, memberIds(fixture(capture, 'Chassis'))[0]!);
      const sensors = memberIds(
        fixtureAt(capture, (chassis.Sensors as { '@odata.id': string })['@odata.id']),
      ).map((id) => fixtureAt(capture, id));
      // Thermal temperatures merged in, but not one a temperature Sensor relates to the same component.
      const related = sensorRelated(capture, chassis);
      const thermal = fixtureAt(capture, (chassis.Thermal as { '@odata.id': string })['@odata.id']);
      const ownTemps = ((thermal.Temperatures as Doc[] | undefined) ?? []).filter(
        (t) =>
          !((t.RelatedItem as Doc[] | undefined) ?? []).some((x) => related.has(x['@odata.id'] as string)),
      );
      const temps = (await rvitals(f.inventory, n, ['temp'])).lines(n);
      expect(temps.map((l) => l.split(': ')[0]).sort()).toEqual(
        [
          ...sensors
            .filter((s) => s.ReadingType === 'Temperature' || s.ReadingUnits === 'Cel')
            .map((s) => s.Name as string),
          ...ownTemps.map((t) => t.Name as string),
        ].sort(),
      );
      const power = (await rvitals(f.inventory, n, ['power'])).lines(n);
      const types = ['Current', 'Power', 'EnergyJoules', 'EnergykWh', 'EnergyWh'];
      const labels = power.map((l) => l.split(': ')[0]!);
      const wanted = sensors
        .filter((s) => types.includes(s.ReadingType as string))
        .map((s) => s.Name as string);
      expect(labels).toEqual(expect.arrayContaining(wanted));
      // The rest: the Power resource's consumption and supplies (by their Name).
      const legacy = legacyMembers(capture, chassis).map((m) => m.Name as string);
      for (const l of labels.filter((x) => !wanted.includes(x)))
        expect(legacy.some((name) => l.startsWith(name))).toBe(true);
    });
  },
);

describe('rvitals on the bladed capture', () => {
  it('the blade’s own chassis and its enclosure (fans, supplies), not the other blades; the dead fan is marked', async () => {
    const c = 'dmtf-public-bladed';
    const n = f.node[c]!;
    const all = memberIds(fixture(c, 'Chassis')).map((id) => fixtureAt(c, id));
    const mine = all.filter((ch) => {
      const systems = ((ch.Links as Doc).ComputerSystems as Array<{ '@odata.id': string }> | undefined) ?? [];
      return systems.length === 0 || systems.some((s) => s['@odata.id'].endsWith(BLADE));
    });
    expect(mine.map((ch) => ch.Id).sort()).toEqual(['Blade1', 'MultiBladeEncl']);
    const r = await rvitals(f.inventory, n, []);
    const lines = r.lines(n);
    const want = mine.flatMap((ch) => legacyLines(c, ch));
    expect(lines.filter((l) => !l.startsWith('LEDs '))).toEqual(expect.arrayContaining(want));
    expect(lines.filter((l) => !l.startsWith('LEDs '))).toHaveLength(want.length);
    expect(want.some((l) => / \[FATAL < \d+\]$/.test(l))).toBe(true); // the capture's failed fan
    expect(lines.some((l) => l.startsWith('Blade2 '))).toBe(false);
    const system = fixture(c, `Systems/${BLADE}`);
    expect(lines.filter((l) => l.startsWith('LEDs '))).toEqual([
      `LEDs System Identify: ${ledWord(system)}`,
      ...mine.map((ch) => `LEDs Chassis ${ch.Id as string} Identify: ${ledWord(ch)}`),
    ]);
  });
});

describe('rvitals on the bmcweb capture', () => {
  it('empty Sensors, Thermal and Power: only the LED, and a warning saying where it looked', async () => {
    const c = 'openbmc-bmcweb';
    const n = f.node[c]!;
    const system = fixture(c, 'Systems/system');
    const r = await rvitals(f.inventory, n, []);
    expect(r.code).toBe(0);
    expect(r.lines(n)).toEqual([`LEDs System Identify: ${ledWord(system)}`]);
    expect(r.err).toEqual([
      `Warning: ${n}: no sensor readings in chassis chassis (empty Sensors collection, Thermal and Power)`,
    ]);
    const t = await rvitals(f.inventory, n, ['temp']);
    expect(t.lines(n)).toEqual(['No attributes returned from the BMC.']);
  });
});

describe('requests per node', () => {
  it('one expanded Chassis read where the capture offers $expand; Sensors, Thermal and Power otherwise', async () => {
    const cost: Record<string, number> = {};
    for (const c of CAPTURES) {
      cost[c] = await requestsFor(f.sim, f.node[c]!, () => rvitals(f.inventory, f.node[c]!, []));
    }
    expect(cost).toEqual({
      // root, session, Systems?$expand, Chassis?$expand=.($levels=3), DELETE
      'dmtf-public-rackmount1': 5,
      'dmtf-public-tower': 5,
      'dmtf-public-bladed': 5,
      // + System, chassis, Sensors (empty), Thermal, Power
      'openbmc-bmcweb': 10,
    });
  });
});
