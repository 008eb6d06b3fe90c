/**
 * Sensors for Redfish BMCs: every Chassis of the node's system (servers with several chassis exist:
 * baseboard, power supplies, fans, an enclosure), each through its Sensors collection where it links
 * one with sensors in it, else its Thermal and Power resources. LEDs: the System's and each chassis'
 * identify LED (LocationIndicatorActive, else IndicatorLED).
 *
 * Which chassis: chassisOfSystem (src/bmc/redfish-read.ts): with one System every chassis; with
 * several (blades, Node0..Node3) the System's own (Links, else the same Id) and the enclosure they
 * are contained in, never another node's.
 *
 * Request plan (docs/performance.md): the Systems collection and the Chassis collection, the latter
 * expanded three levels (chassis → Sensors/Thermal/Power → sensors) where the service offers it:
 * two GETs after login. Without $expand: each chassis, each Sensors member (or Thermal and Power).
 */
import type { NodeContext } from '../../engine/executor.js';
import { isRecord } from '../../bmc/index.js';
import {
  RedfishReader,
  collectionPath,
  nodeReader,
  readChassis,
  readSystem,
} from '../../bmc/redfish-read.js';
import { chassisOfSystem, lastSegment, odataIdOf } from '../../bmc/redfish-topology.js';
import type { RedfishResource } from '../../bmc/types.js';
import type {
  LedState,
  SensorCategory,
  SensorReading,
  SensorsExecutor,
  Thresholds,
  VitalsArgs,
  VitalsReport,
} from '../../managers/sensors.js';

type Resource = RedfishResource;

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A reading: a number, or null when the BMC reports none (null, absent, not a number). */
function readingOf(v: unknown): number | null {
  return num(v) ?? null;
}

const READING_TYPES: Record<string, SensorCategory> = {
  Temperature: 'temp',
  Voltage: 'voltage',
  Power: 'wattage',
  Current: 'current',
  Rotational: 'fanspeed',
  EnergyJoules: 'energy',
  EnergykWh: 'energy',
  EnergyWh: 'energy',
  Altitude: 'altitude',
};

const UNIT_CATEGORIES: Record<string, SensorCategory> = {
  Cel: 'temp',
  V: 'voltage',
  W: 'wattage',
  A: 'current',
  RPM: 'fanspeed',
  '{rev}/min': 'fanspeed',
  J: 'energy',
  'kW.h': 'energy',
  'W.h': 'energy',
  m: 'altitude',
};

/** Redfish (UCUM) units as the words xCAT prints. */
const UNIT_WORDS: Record<string, string> = {
  Cel: 'C',
  V: 'Volts',
  W: 'Watts',
  A: 'Amps',
  J: 'Joules',
  RPM: 'RPMS',
  '{rev}/min': 'RPMS',
  m: 'Meters',
  'kW.h': 'kWh',
  'W.h': 'Wh',
  Percent: '%',
};

export function unitWord(units: string | undefined): string {
  if (units === undefined) return '';
  return UNIT_WORDS[units] ?? units;
}

function fanLike(r: Resource): boolean {
  return r.PhysicalContext === 'Fan' || /fan/i.test(`${str(r.Id) ?? ''} ${str(r.Name) ?? ''}`);
}

/** What a Sensor resource measures: ReadingType, else its unit; a fan's percentage is a fan speed. */
export function categoryOf(r: Resource): SensorCategory {
  const type = str(r.ReadingType);
  const units = str(r.ReadingUnits);
  if (type && READING_TYPES[type]) return READING_TYPES[type];
  if (!type && units && UNIT_CATEGORIES[units]) return UNIT_CATEGORIES[units];
  if ((type === 'Percent' || units === '%') && fanLike(r)) return 'fanspeed';
  return 'other';
}

function statusOf(r: Record<string, unknown>): { state?: string; health?: string } {
  const s = r.Status;
  if (!isRecord(s)) return {};
  const out: { state?: string; health?: string } = {};
  const state = str(s.State);
  const health = str(s.Health);
  if (state) out.state = state;
  if (health) out.health = health;
  return out;
}

/** Sensor.Thresholds → Thresholds (each `{Reading}`). */
function sensorThresholds(r: Resource): Thresholds {
  const t = r.Thresholds;
  const out: Thresholds = {};
  if (!isRecord(t)) return out;
  const read = (k: string) => (isRecord(t[k]) ? num((t[k] as Record<string, unknown>).Reading) : undefined);
  const pairs: Array<[keyof Thresholds, string]> = [
    ['lowerFatal', 'LowerFatal'],
    ['lowerCritical', 'LowerCritical'],
    ['lowerCaution', 'LowerCaution'],
    ['upperCaution', 'UpperCaution'],
    ['upperCritical', 'UpperCritical'],
    ['upperFatal', 'UpperFatal'],
  ];
  for (const [key, name] of pairs) {
    const v = read(name);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** Thermal/Power array members' thresholds (`UpperThresholdNonCritical`...). */
function legacyThresholds(r: Record<string, unknown>): Thresholds {
  const out: Thresholds = {};
  const pairs: Array<[keyof Thresholds, string]> = [
    ['lowerFatal', 'LowerThresholdFatal'],
    ['lowerCritical', 'LowerThresholdCritical'],
    ['lowerCaution', 'LowerThresholdNonCritical'],
    ['upperCaution', 'UpperThresholdNonCritical'],
    ['upperCritical', 'UpperThresholdCritical'],
    ['upperFatal', 'UpperThresholdFatal'],
  ];
  for (const [key, name] of pairs) {
    const v = num(r[name]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * The components a reading is about (RelatedItem, leaving out the chassis or system itself, which
 * says nothing): how a Thermal "CPU1 Temp" and a Sensor "CPU #1 Temperature" are known to be one.
 */
const RELATED = new WeakMap<SensorReading, string[]>();

function related(m: Record<string, unknown>): string[] {
  const list = Array.isArray(m.RelatedItem) ? m.RelatedItem : [];
  return list
    .map(odataIdOf)
    .filter((p): p is string => p !== undefined && !/\/redfish\/v1\/(Chassis|Systems)\/[^/]+\/?$/.test(p));
}

function tagged(r: SensorReading, m: Record<string, unknown>): SensorReading {
  RELATED.set(r, related(m));
  return r;
}

/** One Sensor resource as a reading. */
export function fromSensor(r: Resource, chassis: string): SensorReading {
  const units = str(r.ReadingUnits);
  const path = odataIdOf(r);
  return tagged(
    {
      label: text(r.Name) ?? text(r.Id) ?? (path ? lastSegment(path) : 'Sensor'),
      category: categoryOf(r),
      value: readingOf(r.Reading),
      unit: unitWord(units),
      ...(units ? { bmcUnit: units } : {}),
      ...(path ? { path } : {}),
      chassis,
      ...statusOf(r),
      thresholds: sensorThresholds(r),
    },
    r,
  );
}

function members(doc: Resource | undefined, prop: string): Array<Record<string, unknown>> {
  const list = doc?.[prop];
  return Array.isArray(list) ? list.filter(isRecord) : [];
}

/** A string property, trimmed (BMCs pad names and serials with spaces); blank is absent. */
function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/**
 * The label of a Thermal/Power array member: its Name, else `<Fallback> <MemberId|index>` (a bare
 * MemberId printed `0: 97 Watts`). A Name shared by several members of the array (two supplies both
 * called "Power Supply") gets the MemberId or index appended.
 */
function arrayLabels(list: ReadonlyArray<Record<string, unknown>>, fallback: string): string[] {
  const nth = (m: Record<string, unknown>, i: number) => text(m.MemberId) ?? String(i);
  const names = list.map((m, i) => text(m.Name) ?? text(m.FanName) ?? `${fallback} ${nth(m, i)}`);
  return names.map((n, i) => (names.indexOf(n) !== names.lastIndexOf(n) ? `${n} ${nth(list[i]!, i)}` : n));
}

function legacyPath(m: Record<string, unknown>): { path?: string } {
  const id = odataIdOf(m);
  return id ? { path: id } : {};
}

/**
 * A legacy Thermal/Power array whose members carry one reading and the threshold properties
 * (Temperatures, Voltages): one reading each, labelled as arrayLabels does.
 */
function thresholdArray(
  doc: Resource,
  chassis: string,
  array: string,
  kind: string,
  category: SensorCategory,
  reading: string,
  unit: string,
  bmcUnit: string,
): SensorReading[] {
  const items = members(doc, array);
  const labels = arrayLabels(items, kind);
  return items.map((m, i) =>
    tagged(
      {
        label: labels[i]!,
        category,
        value: readingOf(m[reading]),
        unit,
        bmcUnit,
        ...legacyPath(m),
        chassis,
        ...statusOf(m),
        thresholds: legacyThresholds(m),
      },
      m,
    ),
  );
}

/** Thermal: Temperatures (°C) and Fans (RPM or percent). */
export function fromThermal(doc: Resource, chassis: string): SensorReading[] {
  const out: SensorReading[] = [];
  out.push(
    ...thresholdArray(doc, chassis, 'Temperatures', 'Temperature', 'temp', 'ReadingCelsius', 'C', 'Cel'),
  );
  const fans = members(doc, 'Fans');
  const fanLabels = arrayLabels(fans, 'Fan');
  fans.forEach((f, i) => {
    const units = str(f.ReadingUnits) ?? (f.ReadingRPM !== undefined ? 'RPM' : undefined);
    out.push(
      tagged(
        {
          label: fanLabels[i]!,
          category: 'fanspeed',
          value: readingOf(f.Reading ?? f.ReadingRPM),
          unit: unitWord(units),
          ...(units ? { bmcUnit: units } : {}),
          ...legacyPath(f),
          chassis,
          ...statusOf(f),
          thresholds: legacyThresholds(f),
        },
        f,
      ),
    );
  });
  return out;
}

/** Power: PowerControl consumption, Voltages, and each supply's input/output power and line voltage. */
export function fromPower(doc: Resource, chassis: string): SensorReading[] {
  const out: SensorReading[] = [];
  const controls = members(doc, 'PowerControl');
  const controlLabels = arrayLabels(controls, 'Power Control');
  controls.forEach((p, i) => {
    if (!('PowerConsumedWatts' in p)) return;
    out.push(
      tagged(
        {
          label: controlLabels[i]!,
          category: 'wattage',
          value: readingOf(p.PowerConsumedWatts),
          unit: 'Watts',
          bmcUnit: 'W',
          ...legacyPath(p),
          chassis,
          ...statusOf(p),
          thresholds: {},
        },
        p,
      ),
    );
  });
  out.push(...thresholdArray(doc, chassis, 'Voltages', 'Voltage', 'voltage', 'ReadingVolts', 'Volts', 'V'));
  const supplies = members(doc, 'PowerSupplies');
  const supplyLabels = arrayLabels(supplies, 'Power Supply');
  supplies.forEach((s, i) => {
    const name = supplyLabels[i]!;
    const parts: Array<[string, string, SensorCategory, string, string]> = [
      ['PowerInputWatts', 'Input Power', 'wattage', 'Watts', 'W'],
      ['LastPowerOutputWatts', 'Output Power', 'wattage', 'Watts', 'W'],
      ['LineInputVoltage', 'Input Voltage', 'voltage', 'Volts', 'V'],
    ];
    for (const [prop, what, category, unit, bmcUnit] of parts) {
      if (!(prop in s)) continue;
      out.push(
        tagged(
          {
            label: `${name} ${what}`,
            category,
            value: readingOf(s[prop]),
            unit,
            bmcUnit,
            ...legacyPath(s),
            chassis,
            ...statusOf(s),
            thresholds: {},
          },
          s,
        ),
      );
    }
  });
  return out;
}

const LEGACY_ARRAYS = ['Temperatures', 'Fans', 'Voltages', 'PowerControl', 'PowerSupplies'];

/** The Sensor resources Thermal/Power members say they are read from (DataSourceUri). */
export function dataSources(...docs: Array<Resource | undefined>): Set<string> {
  const out = new Set<string>();
  for (const doc of docs)
    for (const prop of LEGACY_ARRAYS)
      for (const m of members(doc, prop)) {
        const uri = text(m.DataSourceUri);
        if (uri) out.add(uri.replace(/\/+$/, ''));
      }
  return out;
}

const normName = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * One chassis' readings from its Sensors collection and its Thermal/Power, each measurement once.
 * A Thermal/Power member naming a Sensor as its DataSourceUri stands for it (that Sensor is not
 * read, see chassisSensors). Otherwise, where both sources have a measurement, the Sensor's is kept
 * (it has thresholds in the current form): same category and the same component (RelatedItem), or
 * the same category and name (ignoring case and punctuation). The reading is not compared: the two
 * documents are read at different moments (bmcweb builds both from one sensor, whose value moves).
 */
export function mergeReadings(
  sensors: readonly SensorReading[],
  legacy: readonly SensorReading[],
): SensorReading[] {
  const byName = new Set(sensors.map((r) => `${r.category}|${normName(r.label)}`));
  const byItem = new Set(sensors.flatMap((r) => (RELATED.get(r) ?? []).map((p) => `${r.category}|${p}`)));
  const kept = legacy.filter(
    (l) =>
      !byName.has(`${l.category}|${normName(l.label)}`) &&
      !(RELATED.get(l) ?? []).some((p) => byItem.has(`${l.category}|${p}`)),
  );
  return [...sensors, ...kept];
}

/** The identify LED of a System or Chassis: LocationIndicatorActive, else IndicatorLED. */
export function ledOf(r: Resource, name: string): LedState | undefined {
  const path = odataIdOf(r);
  const withPath = (state: string): LedState => ({ name, state, ...(path ? { path } : {}) });
  if (typeof r.LocationIndicatorActive === 'boolean')
    return withPath(r.LocationIndicatorActive ? 'On' : 'Off');
  const led = r.IndicatorLED;
  if (typeof led === 'string') {
    return withPath(led === 'Lit' ? 'On' : led === 'Blinking' ? 'Blink' : led === 'Off' ? 'Off' : led);
  }
  return undefined;
}

function chassisId(c: Resource): string {
  const id = str(c.Id);
  if (id) return id;
  const path = odataIdOf(c);
  return path ? lastSegment(path) : '?';
}

/** Which legacy resources the categories need: Thermal for temperatures and fans, Power for the rest. */
function legacyNeeds(categories: readonly SensorCategory[]): { thermal: boolean; power: boolean } {
  const has = (c: SensorCategory) => categories.includes(c);
  return {
    thermal: has('temp') || has('fanspeed') || has('other'),
    power: has('voltage') || has('wattage') || has('current') || has('energy') || has('other'),
  };
}

class RedfishSensorsExecutor implements SensorsExecutor {
  readonly capability = 'sensors' as const;
  readonly flavor = 'redfish';

  async vitals(args: VitalsArgs, ctx: NodeContext): Promise<VitalsReport> {
    const reader = await nodeReader(ctx);
    const wantSensors = args.categories.length > 0;
    const [system, allChassis] = await Promise.all([
      readSystem(reader, ctx.node, 0),
      readChassis(reader, wantSensors ? 2 : 0),
    ]);
    const mine = chassisOfSystem(system, reader.systems, allChassis);
    const chassis = mine.chassis;
    const sysName = odataIdOf(system) ?? '?';
    reader.debugLine(`chassis of ${sysName}: ${chassis.map(chassisId).join(', ') || 'none'} (${mine.how})`);
    if (allChassis.length === 0) {
      // A Chassis collection that could not be read is already noted; only a readable one is "empty".
      if (!reader.skipped(collectionPath(reader.client.root, 'Chassis')))
        reader.note('the Chassis collection is empty: no sensors to read');
    } else if (chassis.length === 0)
      reader.note(
        `no chassis is linked to ${sysName} or has its Id (this BMC has ${reader.systems.length} systems): ` +
          `chassis sensors not shown rather than another system's`,
      );

    const sensors: SensorReading[] = [];
    if (wantSensors) {
      const perChassis = await Promise.all(
        chassis.map((c) => this.chassisSensors(reader, c, args.categories)),
      );
      const contributing = perChassis.filter((list) => list.length > 0).length;
      for (const list of perChassis) {
        for (const s of list) {
          // Several chassis: say which one (a blade and its enclosure both have a "Fan 1").
          sensors.push(contributing > 1 && s.chassis ? { ...s, label: `${s.chassis} ${s.label}` } : s);
        }
      }
    }
    if (wantSensors && sensors.length === 0 && chassis.length > 0) {
      const ids = chassis.map(chassisId).join(', ');
      reader.note(`no sensor readings in chassis ${ids} (empty Sensors collection, Thermal and Power)`);
    }
    const report: VitalsReport = { sensors, notes: reader.notes };
    if (args.leds) {
      const leds: LedState[] = [];
      const sys = ledOf(system, 'System Identify');
      if (sys) leds.push(sys);
      for (const c of chassis) {
        const led = ledOf(c, `Chassis ${chassisId(c)} Identify`);
        if (led) leds.push(led);
      }
      if (leds.length === 0) reader.note('neither the System nor its chassis has an identify LED property');
      report.leds = leds;
      report.notes = reader.notes;
    }
    return report;
  }

  /**
   * A chassis' readings: its Thermal and Power (two reads, many readings) and its Sensors collection,
   * merged (mergeReadings). Sensors that a Thermal/Power member names as its DataSourceUri are not
   * read: on an enclosure with hundreds of sensors that is most of them.
   */
  private async chassisSensors(
    reader: RedfishReader,
    chassis: Resource,
    categories: readonly SensorCategory[],
  ): Promise<SensorReading[]> {
    const id = chassisId(chassis);
    const needs = legacyNeeds(categories);
    const [thermal, power] = await Promise.all([
      needs.thermal ? reader.follow(chassis, 'Thermal', { what: `Chassis ${id} Thermal` }) : undefined,
      needs.power ? reader.follow(chassis, 'Power', { what: `Chassis ${id} Power` }) : undefined,
    ]);
    const legacy = [...(thermal ? fromThermal(thermal, id) : []), ...(power ? fromPower(power, id) : [])];
    if (chassis.Sensors === undefined) return legacy;
    const covered = dataSources(thermal, power);
    const skip = (path: string) => covered.has(path.replace(/\/+$/, ''));
    const list = await reader.membersOf(chassis, 'Sensors', { what: `Chassis ${id} Sensors`, skip });
    const sensors = list.filter((s) => !skip(odataIdOf(s) ?? '')).map((s) => fromSensor(s, id));
    if (covered.size > 0)
      reader.debugLine(`Chassis ${id}: ${covered.size} Sensors read through Thermal/Power (DataSourceUri)`);
    return mergeReadings(sensors, legacy);
  }
}

const executor: SensorsExecutor = new RedfishSensorsExecutor();
export default executor;
