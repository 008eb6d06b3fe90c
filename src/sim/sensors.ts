/**
 * Sensors of one virtual server. Readings are computed when read (no timers): a base value that
 * depends on whether the host is powered, plus a small deterministic drift that changes every
 * `DRIFT_PERIOD_MS`. Overrides let tests and faults force a reading across a threshold.
 */
import { unitFrom } from './prng.js';

export type SensorKind = 'temperature' | 'fan' | 'voltage' | 'power' | 'current';
export type SensorUnit = 'Cel' | 'RPM' | 'V' | 'W' | 'A';

export interface SensorThresholds {
  lowerCritical?: number;
  lowerWarning?: number;
  upperWarning?: number;
  upperCritical?: number;
}

export interface SensorDef {
  /** Stable id, safe in URLs: `inlet_temp`, `fan0`, `p12v`... */
  id: string;
  /** Display name, e.g. `Inlet Temp`. */
  name: string;
  kind: SensorKind;
  unit: SensorUnit;
  /** Reading while the host runs / while it is off. */
  on: number;
  off: number;
  /** Drift amplitude as a fraction of the reading (0.02 = ±2 %). */
  drift: number;
  /** Decimal places kept in readings. */
  precision: number;
  thresholds: SensorThresholds;
  /** Powered only with the host: reported `StandbyOffline` and not threshold-checked while off. */
  hostDomain: boolean;
  /** Redfish PhysicalContext. */
  context: string;
}

export interface SensorReading extends SensorDef {
  reading: number;
  /** Redfish Status.State: the sensor is readable, or its domain is unpowered. */
  state: 'Enabled' | 'StandbyOffline';
  health: 'OK' | 'Warning' | 'Critical';
}

export const DRIFT_PERIOD_MS = 5000;

function def(
  id: string,
  name: string,
  kind: SensorKind,
  on: number,
  off: number,
  thresholds: SensorThresholds,
  extra: Partial<SensorDef> = {},
): SensorDef {
  const unit: SensorUnit = { temperature: 'Cel', fan: 'RPM', voltage: 'V', power: 'W', current: 'A' }[
    kind
  ] as SensorUnit;
  return {
    id,
    name,
    kind,
    unit,
    on,
    off,
    drift: kind === 'voltage' ? 0.004 : kind === 'fan' ? 0.03 : 0.02,
    precision: kind === 'voltage' ? 2 : kind === 'fan' || kind === 'power' ? 0 : 1,
    thresholds,
    hostDomain: false,
    context: 'SystemBoard',
    ...extra,
  };
}

/** The sensor set every generated machine has. */
export function defaultSensors(): SensorDef[] {
  const fanT = { lowerCritical: 600, lowerWarning: 1000 };
  return [
    def(
      'inlet_temp',
      'Inlet Temp',
      'temperature',
      23,
      22,
      { upperWarning: 40, upperCritical: 45 },
      { context: 'Intake' },
    ),
    def(
      'exhaust_temp',
      'Exhaust Temp',
      'temperature',
      38,
      24,
      { upperWarning: 70, upperCritical: 75 },
      { context: 'Exhaust' },
    ),
    def(
      'cpu0_temp',
      'CPU0 Temp',
      'temperature',
      56,
      24,
      { upperWarning: 90, upperCritical: 98 },
      { context: 'CPU', hostDomain: true },
    ),
    def(
      'cpu1_temp',
      'CPU1 Temp',
      'temperature',
      53,
      24,
      { upperWarning: 90, upperCritical: 98 },
      { context: 'CPU', hostDomain: true },
    ),
    def(
      'dimm_temp',
      'DIMM Temp',
      'temperature',
      41,
      23,
      { upperWarning: 85, upperCritical: 95 },
      { context: 'Memory', hostDomain: true },
    ),
    ...[0, 1, 2, 3].map((i) =>
      def(`fan${i}`, `Fan${i}`, 'fan', 7200 + i * 150, 0, fanT, { context: 'Fan', hostDomain: true }),
    ),
    def(
      'p12v',
      'P12V',
      'voltage',
      12.05,
      0,
      { lowerCritical: 10.8, lowerWarning: 11.4, upperWarning: 12.6, upperCritical: 13.2 },
      { hostDomain: true, context: 'VoltageRegulator' },
    ),
    def(
      'p5v',
      'P5V',
      'voltage',
      5.02,
      0,
      { lowerCritical: 4.5, lowerWarning: 4.75, upperWarning: 5.25, upperCritical: 5.5 },
      { hostDomain: true, context: 'VoltageRegulator' },
    ),
    def(
      'p3v3_stby',
      'P3V3 STBY',
      'voltage',
      3.31,
      3.31,
      { lowerCritical: 2.97, lowerWarning: 3.13, upperWarning: 3.46, upperCritical: 3.63 },
      { context: 'VoltageRegulator' },
    ),
    def(
      'total_power',
      'Total Power',
      'power',
      312,
      14,
      { upperWarning: 1400, upperCritical: 1600 },
      { context: 'PowerSupply' },
    ),
    def(
      'psu0_power',
      'PSU0 Input Power',
      'power',
      160,
      8,
      { upperWarning: 800, upperCritical: 900 },
      { context: 'PowerSupply' },
    ),
    def(
      'psu1_power',
      'PSU1 Input Power',
      'power',
      152,
      6,
      { upperWarning: 800, upperCritical: 900 },
      { context: 'PowerSupply' },
    ),
    def(
      'psu0_current',
      'PSU0 Input Current',
      'current',
      0.7,
      0.04,
      { upperWarning: 3.6, upperCritical: 4 },
      { context: 'PowerSupply', precision: 2 },
    ),
  ];
}

export function healthOf(value: number, t: SensorThresholds): 'OK' | 'Warning' | 'Critical' {
  if (
    (t.upperCritical !== undefined && value >= t.upperCritical) ||
    (t.lowerCritical !== undefined && value <= t.lowerCritical)
  )
    return 'Critical';
  if (
    (t.upperWarning !== undefined && value >= t.upperWarning) ||
    (t.lowerWarning !== undefined && value <= t.lowerWarning)
  )
    return 'Warning';
  return 'OK';
}

function round(v: number, precision: number): number {
  const f = 10 ** precision;
  return Math.round(v * f) / f;
}

/** One reading at time `now`. `index` and `seed` make the drift differ between sensors and machines. */
export function readSensor(
  d: SensorDef,
  index: number,
  seed: number,
  hostPowered: boolean,
  now: number,
  override: number | undefined,
): SensorReading {
  const offline = d.hostDomain && !hostPowered;
  let reading: number;
  if (override !== undefined) reading = override;
  else {
    const base = hostPowered ? d.on : d.off;
    const tick = Math.floor(now / DRIFT_PERIOD_MS);
    const wobble = (unitFrom(seed, index, tick) - 0.5) * 2 * d.drift;
    reading = round(base * (1 + wobble), d.precision);
  }
  return {
    ...d,
    reading,
    state: offline && override === undefined ? 'StandbyOffline' : 'Enabled',
    health: offline && override === undefined ? 'OK' : healthOf(reading, d.thresholds),
  };
}
