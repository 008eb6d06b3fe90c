/**
 * rvitals' parts without a BMC: keywords, the threshold check and its text marker, xCAT's line format
 * and order, the json shape; OpenBMC sensor objects (Value × 10^Scale, units, labels, alarms, the
 * LED report); Redfish Sensor resources, Thermal/Power arrays, identify LEDs and chassis selection.
 */
import { describe, it, expect } from '@jest/globals';
import { HwctlUsageError } from '../../src/core/errors.js';
import {
  alarmMarker,
  alarmOf,
  parseVitalsArgs,
  selectVitals,
  vitalsLines,
  vitalsView,
  type SensorReading,
} from '../../src/managers/sensors.js';
import { ledReport, openbmcReading, sensorLabel } from '../../src/executors/openbmc/sensors.js';
import { chassisOfSystem } from '../../src/bmc/redfish-topology.js';
import {
  categoryOf,
  fromPower,
  fromSensor,
  fromThermal,
  ledOf,
  unitWord,
} from '../../src/executors/redfish/sensors.js';

const reading = (p: Partial<SensorReading> & { label: string; value: number | null }): SensorReading => ({
  category: 'temp',
  unit: 'C',
  thresholds: {},
  ...p,
});

describe('parseVitalsArgs', () => {
  it('none is all: every category and the LEDs', () => {
    expect(parseVitalsArgs([])).toEqual({
      keywords: ['all'],
      categories: ['temp', 'voltage', 'wattage', 'fanspeed', 'current', 'energy', 'altitude', 'other'],
      leds: true,
    });
  });

  it('power is amps, energy and watts (xCAT); several keywords are a union; leds alone reads no sensors', () => {
    expect(parseVitalsArgs(['power']).categories).toEqual(['wattage', 'current', 'energy']);
    expect(parseVitalsArgs(['temp', 'FANSPEED', 'temp'])).toEqual({
      keywords: ['temp', 'fanspeed'],
      categories: ['temp', 'fanspeed'],
      leds: false,
    });
    expect(parseVitalsArgs(['leds'])).toEqual({ keywords: ['leds'], categories: [], leds: true });
  });

  it('rejects an unknown keyword', () => {
    expect(() => parseVitalsArgs(['humidity'])).toThrow(HwctlUsageError);
    expect(() => parseVitalsArgs(['humidity'])).toThrow(
      /^Unsupported command: rvitals humidity \(valid: temp, /,
    );
  });
});

describe('thresholds', () => {
  const t = { lowerCritical: 5, lowerCaution: 10, upperCaution: 40, upperCritical: 45, upperFatal: 50 };
  it.each([
    [30, undefined],
    [40, undefined], // at the threshold is not past it
    [41, { level: 'warning', bound: 'upper', threshold: 40 }],
    [46, { level: 'critical', bound: 'upper', threshold: 45 }],
    [51, { level: 'fatal', bound: 'upper', threshold: 50 }],
    [9, { level: 'warning', bound: 'lower', threshold: 10 }],
    [4, { level: 'critical', bound: 'lower', threshold: 5 }],
  ])('reading %p → %p', (value, alarm) => {
    expect(alarmOf(reading({ label: 'x', value, thresholds: t }))).toEqual(alarm);
  });

  it('no reading: no threshold alarm; a Critical/Warning health without thresholds is still marked', () => {
    expect(alarmOf(reading({ label: 'x', value: null, thresholds: t }))).toBeUndefined();
    expect(alarmOf(reading({ label: 'x', value: 1, health: 'Critical' }))).toEqual({
      level: 'critical',
      bound: 'health',
    });
    expect(alarmOf(reading({ label: 'x', value: 1, health: 'OK' }))).toBeUndefined();
  });

  it('the BMC’s own alarm flag counts when it is worse than what the numbers say', () => {
    const bmcAlarm = { level: 'critical', bound: 'upper', threshold: 45 } as const;
    expect(alarmOf(reading({ label: 'x', value: 30, thresholds: t, bmcAlarm }))).toEqual(bmcAlarm);
  });

  it('markers are visible words', () => {
    expect(alarmMarker({ level: 'critical', bound: 'upper', threshold: 45 })).toBe(' [CRITICAL > 45]');
    expect(alarmMarker({ level: 'warning', bound: 'lower', threshold: 11.4 })).toBe(' [WARNING < 11.4]');
    expect(alarmMarker({ level: 'warning', bound: 'health' })).toBe(' [Health: Warning]');
    expect(alarmMarker(undefined)).toBe('');
  });
});

describe('lines, table and json', () => {
  const report = {
    notes: ['odd'],
    sensors: [
      reading({ label: 'Fan10', value: 7000, unit: 'RPMS', category: 'fanspeed' }),
      reading({ label: 'Ambient', value: 27.500000000000004, thresholds: { upperCaution: 27 } }),
      reading({ label: 'Fan2', value: 6900, unit: 'RPMS', category: 'fanspeed' }),
      reading({ label: 'P12V', value: null, unit: 'Volts', category: 'voltage', state: 'StandbyOffline' }),
      reading({ label: 'Big', value: 1234567, unit: 'Joules', category: 'energy' }),
      { label: 'legacy', value: null, unit: '', category: 'other' as const, thresholds: {}, raw: '42' },
    ],
    leds: [
      { name: 'Fan0', state: 'Off' },
      { name: 'Front Identify', state: 'Blink' },
    ],
  };

  it('all: sensors natural-sorted with {:g} values and markers, then the LEDs as given', () => {
    expect(vitalsLines(selectVitals(report, parseVitalsArgs([])))).toEqual([
      'Ambient: 27.5 C [WARNING > 27]',
      'Big: 1.23457e+06 Joules',
      'Fan2: 6900 RPMS',
      'Fan10: 7000 RPMS',
      'P12V: N/A', // case-sensitive, as xCAT's sort_string_with_numbers
      'legacy: 42',
      'LEDs Fan0: Off',
      'LEDs Front Identify: Blink',
    ]);
  });

  it('a keyword keeps its categories only; nothing left is xCAT’s message', () => {
    expect(vitalsLines(selectVitals(report, parseVitalsArgs(['fanspeed'])))).toEqual([
      'Fan2: 6900 RPMS',
      'Fan10: 7000 RPMS',
    ]);
    expect(vitalsLines(selectVitals(report, parseVitalsArgs(['altitude'])))).toEqual([
      'No attributes returned from the BMC.',
    ]);
  });

  it('json: typed values (tidied), units, thresholds, alarm, state; LEDs and notes', () => {
    const j = vitalsView.json!(selectVitals(report, parseVitalsArgs(['temp', 'voltage', 'leds']))) as {
      sensors: Array<Record<string, unknown>>;
      leds: unknown[];
      notes: string[];
    };
    expect(j.sensors).toEqual([
      {
        label: 'Ambient',
        category: 'temp',
        value: 27.5,
        unit: 'C',
        thresholds: { upperCaution: 27 },
        alarm: { level: 'warning', bound: 'upper', threshold: 27 },
      },
      {
        label: 'P12V',
        category: 'voltage',
        value: null,
        unit: 'Volts',
        state: 'StandbyOffline',
        thresholds: {},
        alarm: null,
      },
    ]);
    expect(j.leds).toHaveLength(2);
    expect(j.notes).toEqual(['odd']);
  });

  it('table: SENSOR, VALUE, STATUS cells line up', () => {
    const r = selectVitals(report, parseVitalsArgs(['temp', 'leds']));
    const [sensor, value, status] = vitalsView.columns!;
    expect(sensor!.value(r).split('\n')).toEqual(['Ambient', 'LEDs Fan0', 'LEDs Front Identify']);
    expect(value!.value(r).split('\n')).toEqual(['27.5 C', 'Off', 'Blink']);
    expect(status!.value(r).split('\n')).toEqual(['[WARNING > 27]', '', '']);
  });
});

describe('OpenBMC sensor objects', () => {
  const unit = (u: string) => `xyz.openbmc_project.Sensor.Value.Unit.${u}`;

  it('Value × 10^Scale, thresholds scaled alike, xCAT unit words and title-cased labels', () => {
    const r = openbmcReading('/xyz/openbmc_project/sensors/temperature/ambient_inlet', {
      Value: 27500,
      Scale: -3,
      Unit: unit('DegreesC'),
      WarningHigh: 40000,
      CriticalHigh: 45000,
    })!;
    expect(r).toMatchObject({ label: 'Ambient Inlet', category: 'temp', unit: 'C' });
    expect(r.value).toBeCloseTo(27.5);
    expect(r.thresholds.upperCaution).toBeCloseTo(40);
    expect(r.thresholds.upperCritical).toBeCloseTo(45);
    const table: Array<[string, string, string]> = [
      ['RPMS', 'fanspeed', 'RPMS'],
      ['Volts', 'voltage', 'Volts'],
      ['Amperes', 'current', 'Amps'],
      ['Watts', 'wattage', 'Watts'],
      ['Joules', 'energy', 'Joules'],
      ['Meters', 'altitude', 'Meters'],
      ['Percent', 'other', '%'],
    ];
    for (const [u, category, word] of table) {
      expect(openbmcReading('/s/x/fan0_0', { Value: 1, Unit: unit(u) })).toMatchObject({
        category,
        unit: word,
        label: 'Fan0 0',
      });
    }
  });

  it('no Scale means 0; a missing Value is null; unknown units are left out; lowercase old-style objects are raw', () => {
    expect(openbmcReading('/s/power/total', { Value: 300, Unit: unit('Watts') })!.value).toBe(300);
    expect(openbmcReading('/s/power/total', { Unit: unit('Watts') })!.value).toBeNull();
    expect(openbmcReading('/s/x/flow', { Value: 3, Unit: unit('Furlongs') })).toBeUndefined();
    expect(openbmcReading('/s/x/no_unit', { Value: 3 })).toBeUndefined();
    expect(openbmcReading('/org/openbmc/sensors/host/cpu0_temp', { units: 'C', value: 41 })).toMatchObject({
      label: 'cpu0_temp',
      category: 'other',
      raw: '41',
    });
  });

  it('the BMC’s alarm flags become the reading’s bmcAlarm', () => {
    const r = openbmcReading('/s/temperature/cpu0', {
      Value: 99,
      Unit: unit('DegreesC'),
      CriticalHigh: 98,
      CriticalAlarmHigh: true,
      WarningAlarmHigh: true,
    })!;
    expect(r.bmcAlarm).toEqual({ level: 'critical', bound: 'upper', threshold: 98 });
  });

  it('labels: last segment, `_` → space, Python title case', () => {
    expect(sensorLabel('/xyz/openbmc_project/sensors/voltage/p12v_rail')).toBe('P12V Rail');
  });

  it('LED report: every fanN in natural order, then front/rear fault/identify/power, N/A when absent', () => {
    const led = (s: string) => ({ State: `xyz.openbmc_project.Led.Physical.Action.${s}` });
    const P = '/xyz/openbmc_project/led/physical';
    expect(
      ledReport({
        [`${P}/fan10`]: led('On'),
        [`${P}/fan2`]: led('Off'),
        [`${P}/front_id`]: led('Blink'),
        [`${P}/rear_power`]: led('On'),
        [`${P}/rear_fault`]: {},
        [`${P}/other`]: led('On'),
      }).map((l) => `${l.name}: ${l.state}`),
    ).toEqual([
      'Fan2: Off',
      'Fan10: On',
      'Front Fault: N/A',
      'Front Identify: Blink',
      'Front Power: N/A',
      'Rear Fault: N/A',
      'Rear Identify: N/A',
      'Rear Power: On',
    ]);
    expect(ledReport(undefined)).toHaveLength(6);
  });
});

describe('Redfish sensors', () => {
  it('category from ReadingType, else the unit; a fan’s percentage is a fan speed', () => {
    expect(categoryOf({ ReadingType: 'Temperature' })).toBe('temp');
    expect(categoryOf({ ReadingType: 'EnergykWh' })).toBe('energy');
    expect(categoryOf({ ReadingUnits: 'Cel' })).toBe('temp');
    expect(categoryOf({ ReadingUnits: 'A' })).toBe('current');
    expect(categoryOf({ ReadingType: 'Percent', Name: 'CPU #1 Fan Speed' })).toBe('fanspeed');
    expect(categoryOf({ ReadingType: 'Percent', Name: 'Battery health' })).toBe('other');
    expect(categoryOf({ ReadingType: 'Frequency' })).toBe('other');
    expect(categoryOf({})).toBe('other');
  });

  it('units as xCAT words, unknown ones as they are', () => {
    expect(['Cel', 'V', 'W', 'A', 'RPM', '{rev}/min', 'J', 'm', 'kW.h', 'Hz', '%'].map(unitWord)).toEqual([
      'C',
      'Volts',
      'Watts',
      'Amps',
      'RPMS',
      'RPMS',
      'Joules',
      'Meters',
      'kWh',
      'Hz',
      '%',
    ]);
    expect(unitWord(undefined)).toBe('');
  });

  it('a Sensor: Name, Reading (null kept), Thresholds.*.Reading, Status', () => {
    const r = fromSensor(
      {
        '@odata.id': '/redfish/v1/Chassis/1U/Sensors/PSU',
        Id: 'PSU',
        Name: 'PSU Input',
        Reading: null,
        ReadingUnits: 'V',
        ReadingType: 'Voltage',
        Status: { State: 'Disabled' },
        Thresholds: { UpperCritical: { Reading: 125 }, LowerCaution: { Reading: 118 }, Bogus: 3 },
      },
      '1U',
    );
    expect(r).toEqual({
      label: 'PSU Input',
      category: 'voltage',
      value: null,
      unit: 'Volts',
      bmcUnit: 'V',
      path: '/redfish/v1/Chassis/1U/Sensors/PSU',
      chassis: '1U',
      state: 'Disabled',
      thresholds: { upperCritical: 125, lowerCaution: 118 },
    });
    expect(fromSensor({ '@odata.id': '/x/Sensors/T9', Reading: 'hot' }, 'c').label).toBe('T9');
  });

  it('Thermal and Power arrays: temperatures, fans (RPM or %), consumption, voltages, supplies', () => {
    const thermal = fromThermal(
      {
        Temperatures: [
          {
            Name: 'CPU1',
            ReadingCelsius: 41,
            UpperThresholdNonCritical: 42,
            UpperThresholdCritical: 45,
            UpperThresholdFatal: 48,
          },
        ],
        Fans: [
          { Name: 'F1', Reading: 2100, ReadingUnits: 'RPM', LowerThresholdFatal: 0 },
          { FanName: 'F2', Reading: 40, ReadingUnits: 'Percent' },
          { MemberId: '3', ReadingRPM: 900 },
        ],
      },
      'c',
    );
    expect(thermal.map((s) => [s.label, s.category, s.value, s.unit])).toEqual([
      ['CPU1', 'temp', 41, 'C'],
      ['F1', 'fanspeed', 2100, 'RPMS'],
      ['F2', 'fanspeed', 40, '%'],
      ['Fan 3', 'fanspeed', 900, 'RPMS'],
    ]);
    expect(thermal[0]!.thresholds).toEqual({ upperCaution: 42, upperCritical: 45, upperFatal: 48 });
    const power = fromPower(
      {
        PowerControl: [{ Name: 'System Input Power', PowerConsumedWatts: 344 }, { Name: 'no reading' }],
        Voltages: [{ Name: 'VRM1', ReadingVolts: 12, LowerThresholdCritical: 11 }],
        PowerSupplies: [
          { Name: 'PSU0', LastPowerOutputWatts: 325, LineInputVoltage: 120, Status: { Health: 'Warning' } },
        ],
      },
      'c',
    );
    expect(power.map((s) => [s.label, s.category, s.value, s.unit, s.health])).toEqual([
      ['System Input Power', 'wattage', 344, 'Watts', undefined],
      ['VRM1', 'voltage', 12, 'Volts', undefined],
      ['PSU0 Output Power', 'wattage', 325, 'Watts', 'Warning'],
      ['PSU0 Input Voltage', 'voltage', 120, 'Volts', 'Warning'],
    ]);
  });

  it('identify LED: LocationIndicatorActive first, else IndicatorLED (Lit → On, Blinking → Blink)', () => {
    expect(ledOf({ LocationIndicatorActive: true, IndicatorLED: 'Off' }, 'S')).toEqual({
      name: 'S',
      state: 'On',
    });
    expect(ledOf({ IndicatorLED: 'Lit' }, 'S')!.state).toBe('On');
    expect(ledOf({ IndicatorLED: 'Blinking' }, 'S')!.state).toBe('Blink');
    expect(ledOf({ IndicatorLED: 'Unknown' }, 'S')!.state).toBe('Unknown');
    expect(ledOf({}, 'S')).toBeUndefined();
  });

  it("a System's chassis: linked, else same Id, plus the enclosure; one System: every chassis", () => {
    const ref = (x: string) => ({ '@odata.id': x });
    const S = '/redfish/v1/Systems/';
    const C = '/redfish/v1/Chassis/';
    const sys = (id: string, links?: object) => ({
      '@odata.id': S + id,
      Id: id,
      ...(links ? { Links: links } : {}),
    });
    const ch = (id: string, links?: object) => ({
      '@odata.id': C + id,
      Id: id,
      ...(links ? { Links: links } : {}),
    });
    const ids = (r: { chassis: Array<Record<string, unknown>> }) => r.chassis.map((c) => c.Id);
    // Linked both ways, with the enclosure through ContainedBy / Contains.
    const a = sys('A', { Chassis: [ref(`${C}BladeA`)] });
    const b = sys('B');
    const encl = ch('Encl', { Contains: [ref(`${C}BladeA`), ref(`${C}BladeB`)] });
    const bladeA = ch('BladeA');
    const bladeB = ch('BladeB', { ComputerSystems: [ref(`${S}B/`)] });
    expect(ids(chassisOfSystem(a, [a, b], [encl, bladeA, bladeB]))).toEqual(['Encl', 'BladeA']);
    expect(ids(chassisOfSystem(b, [a, b], [encl, bladeA, bladeB]))).toEqual(['Encl', 'BladeB']);
    // No links at all: the chassis with the System's Id; unclaimed (shared) chassis only.
    const n0 = sys('Node0');
    const n1 = sys('Node1');
    const bare = [ch('Enclosure'), ch('Node0'), ch('Node1')];
    expect(ids(chassisOfSystem(n1, [n0, n1], bare))).toEqual(['Enclosure', 'Node1']);
    expect(ids(chassisOfSystem(sys('Other'), [n0, sys('Other')], bare))).toEqual(['Enclosure', 'Node1']);
    // One System: every chassis, linked or not.
    expect(ids(chassisOfSystem(n0, [n0], bare))).toEqual(['Enclosure', 'Node0', 'Node1']);
  });
});
