/**
 * Sensors and LEDs for OpenBMC REST, as xCAT's Python agent (reference xcat-openbmc.md §1.6, §2.5):
 *  - GET sensors/enumerate: value = Value × 10^Scale; label = last path segment, `_` → space,
 *    title-cased the Python way (`fan0_0` → `Fan0 0`); units DegreesC→C, RPMS→RPMS, Volts→Volts,
 *    Meters→Meters, Amperes→Amps, Watts→Watts, Joules→Joules (newer phosphor units — Percent, CFM,
 *    PercentRH, Pascals — are shown with `all` only, which xCAT did not);
 *  - old-style objects with lowercase `units`/`value` are shown raw with `all`;
 *  - thresholds Warning/Critical High/Low (scaled like the value) and the BMC's alarm flags;
 *  - GET led/physical/enumerate: `LEDs FanN`, then Front/Rear Fault/Identify/Power (`N/A` when absent).
 * One GET each: `rvitals temp` is one request after login, `rvitals all` two.
 */
import { NodeError, isNodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { openbmcClient, isRecord } from '../../bmc/index.js';
import { naturalCompare, pythonTitle } from '../../managers/inventory-format.js';
import type {
  Alarm,
  LedState,
  SensorCategory,
  SensorReading,
  SensorsExecutor,
  Thresholds,
  VitalsArgs,
  VitalsReport,
} from '../../managers/sensors.js';
import { lastComponent } from './power.js';

export const SENSORS = '/xyz/openbmc_project/sensors';
export const LEDS = '/xyz/openbmc_project/led/physical';

type Props = Record<string, unknown>;

/** phosphor Sensor.Value units: category and the word xCAT prints. */
export const OPENBMC_UNITS: Record<string, { category: SensorCategory; word: string }> = {
  DegreesC: { category: 'temp', word: 'C' },
  RPMS: { category: 'fanspeed', word: 'RPMS' },
  Volts: { category: 'voltage', word: 'Volts' },
  Meters: { category: 'altitude', word: 'Meters' },
  Amperes: { category: 'current', word: 'Amps' },
  Watts: { category: 'wattage', word: 'Watts' },
  Joules: { category: 'energy', word: 'Joules' },
  Percent: { category: 'other', word: '%' },
  CFM: { category: 'other', word: 'CFM' },
  PercentRH: { category: 'other', word: '%RH' },
  Pascals: { category: 'other', word: 'Pa' },
};

/** xCAT's label: last path segment, `_` → space, Python title case. */
export function sensorLabel(path: string): string {
  return pythonTitle((path.split('/').pop() ?? path).replace(/_/g, ' '));
}

function scaled(v: unknown, factor: number): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v * factor : undefined;
}

/** One sensors/enumerate object as a reading; undefined when it is not a sensor xCAT shows. */
export function openbmcReading(path: string, v: Props): SensorReading | undefined {
  if (typeof v.Unit === 'string') {
    const unitName = lastComponent(v.Unit);
    const unit = OPENBMC_UNITS[unitName];
    if (!unit) return undefined;
    const scale = typeof v.Scale === 'number' && Number.isFinite(v.Scale) ? v.Scale : 0;
    const factor = Math.pow(10, scale);
    const thresholds: Thresholds = {};
    const pairs: Array<[keyof Thresholds, string]> = [
      ['lowerCritical', 'CriticalLow'],
      ['lowerCaution', 'WarningLow'],
      ['upperCaution', 'WarningHigh'],
      ['upperCritical', 'CriticalHigh'],
    ];
    for (const [key, prop] of pairs) {
      const t = scaled(v[prop], factor);
      if (t !== undefined) thresholds[key] = t;
    }
    const reading: SensorReading = {
      label: sensorLabel(path),
      category: unit.category,
      value: scaled(v.Value, factor) ?? null,
      unit: unit.word,
      bmcUnit: v.Unit,
      path,
      thresholds,
    };
    const alarm = bmcAlarm(v, thresholds);
    if (alarm) reading.bmcAlarm = alarm;
    if (v.Functional === false) reading.state = 'NonFunctional';
    return reading;
  }
  if ('units' in v && 'value' in v) {
    const label = path.split('/').pop() ?? path;
    return { label, category: 'other', value: null, unit: '', path, thresholds: {}, raw: String(v.value) };
  }
  return undefined;
}

/** The BMC's own alarm flags (CriticalAlarmHigh, WarningAlarmLow...), worst first. */
function bmcAlarm(v: Props, t: Thresholds): Alarm | undefined {
  const flags: Array<[string, Alarm['level'], 'upper' | 'lower', number | undefined]> = [
    ['CriticalAlarmHigh', 'critical', 'upper', t.upperCritical],
    ['CriticalAlarmLow', 'critical', 'lower', t.lowerCritical],
    ['WarningAlarmHigh', 'warning', 'upper', t.upperCaution],
    ['WarningAlarmLow', 'warning', 'lower', t.lowerCaution],
  ];
  for (const [flag, level, bound, threshold] of flags) {
    if (v[flag] === true) return { level, bound, ...(threshold !== undefined ? { threshold } : {}) };
  }
  return undefined;
}

const PANEL_LEDS: Array<[string, string]> = [
  ['front_fault', 'Front Fault'],
  ['front_id', 'Front Identify'],
  ['front_power', 'Front Power'],
  ['rear_fault', 'Rear Fault'],
  ['rear_id', 'Rear Identify'],
  ['rear_power', 'Rear Power'],
];

/**
 * xCAT's LED report from led/physical/enumerate: every `fanN` (xCAT's Perl path; Python stopped at
 * fan3), then the front and rear fault/identify/power LEDs, `N/A` for those the BMC does not have.
 */
export function ledReport(data: unknown): LedState[] {
  const states = new Map<string, { state: string; path: string }>();
  if (isRecord(data)) {
    for (const [path, v] of Object.entries(data)) {
      if (!isRecord(v)) continue;
      const id = path.split('/').pop() ?? path;
      states.set(id, { state: typeof v.State === 'string' ? lastComponent(v.State) : 'N/A', path });
    }
  }
  const out: LedState[] = [];
  const fans = [...states.keys()].filter((k) => /^fan\d+$/.test(k)).sort(naturalCompare);
  for (const f of fans) {
    const s = states.get(f)!;
    out.push({ name: `Fan${f.slice(3)}`, state: s.state, path: s.path });
  }
  for (const [id, name] of PANEL_LEDS) {
    const s = states.get(id);
    out.push(s ? { name, state: s.state, path: s.path } : { name, state: 'N/A' });
  }
  return out;
}

class OpenBmcSensorsExecutor implements SensorsExecutor {
  readonly capability = 'sensors' as const;
  readonly flavor = 'openbmc';

  async vitals(args: VitalsArgs, ctx: NodeContext): Promise<VitalsReport> {
    const client = await openbmcClient(ctx);
    const notes: string[] = [];
    // The LED report is an extra: a BMC without led/physical shows N/A there, with a warning.
    const leds = async (): Promise<unknown> => {
      try {
        return await client.get(`${LEDS}/enumerate`);
      } catch (e) {
        if (!isNodeError(e) || !['http', 'unsupported', 'protocol'].includes(e.kind)) throw e;
        notes.push(`LED states not available: ${e.message}`);
        return undefined;
      }
    };
    const [sensorData, ledData] = await Promise.all([
      args.categories.length > 0 ? client.get(`${SENSORS}/enumerate`) : undefined,
      args.leds ? leds() : undefined,
    ]);
    const sensors: SensorReading[] = [];
    if (args.categories.length > 0) {
      if (!isRecord(sensorData)) {
        throw new NodeError(
          'protocol',
          `Received wrong format response: ${SENSORS}/enumerate did not return an object`,
        );
      }
      let skipped = 0;
      for (const [path, v] of Object.entries(sensorData)) {
        if (!isRecord(v)) continue;
        const r = openbmcReading(path, v);
        if (r) sensors.push(r);
        else skipped++;
        if (r && r.raw === undefined && r.value === null) notes.push(`${path} has no Value`);
      }
      if (skipped > 0)
        ctx.services.debug?.(ctx.node.name, `${skipped} sensor object(s) without a known Unit left out`);
    }
    const report: VitalsReport = { sensors, notes };
    if (args.leds) report.leds = ledReport(ledData);
    return report;
  }
}

const executor: SensorsExecutor = new OpenBmcSensorsExecutor();
export default executor;
