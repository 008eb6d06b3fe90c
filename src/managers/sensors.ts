/**
 * The sensors capability (`rvitals`): keywords, the flavor-neutral readings executors return, the
 * threshold check, and how readings are shown (xCAT's `node: Label: value unit` lines, a table,
 * typed json with thresholds and health).
 *
 * Executors (src/executors/<flavor>/sensors.ts) turn their BMC's sensors into SensorReadings with the
 * category and the unit word xCAT prints; this module keeps the categories asked for, marks a reading
 * past a threshold (` [CRITICAL > 45]`), natural-sorts the lines and appends the LED report.
 */
import { HwctlUsageError } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import type { Executor, NodeContext } from '../engine/executor.js';
import type { RunRequest } from '../engine/run.js';
import type { ResultView } from '../output/view.js';
import { formatG, naturalCompare } from './inventory-format.js';
import { NO_ATTRIBUTES } from './inventory.js';
import { requireOps } from './executor-ops.js';

export const VITALS_KEYWORDS = [
  'temp',
  'voltage',
  'wattage',
  'fanspeed',
  'power',
  'leds',
  'altitude',
  'all',
] as const;
export type VitalsKeyword = (typeof VITALS_KEYWORDS)[number];

/** What a sensor measures. `power` (xCAT: Amperes, Joules, Watts) is current + energy + wattage. */
export type SensorCategory =
  'temp' | 'voltage' | 'wattage' | 'fanspeed' | 'current' | 'energy' | 'altitude' | 'other';

const KEYWORD_CATEGORIES: Record<Exclude<VitalsKeyword, 'all' | 'leds'>, SensorCategory[]> = {
  temp: ['temp'],
  voltage: ['voltage'],
  wattage: ['wattage'],
  fanspeed: ['fanspeed'],
  power: ['current', 'energy', 'wattage'],
  altitude: ['altitude'],
};
const EVERY_CATEGORY: SensorCategory[] = [
  'temp',
  'voltage',
  'wattage',
  'fanspeed',
  'current',
  'energy',
  'altitude',
  'other',
];

export interface VitalsArgs {
  /** The keywords as given (`all` when none). */
  keywords: VitalsKeyword[];
  /** Sensor categories to show (empty: LEDs only). */
  categories: SensorCategory[];
  /** Show the LED report. */
  leds: boolean;
}

export const DEFAULT_VITALS_TIMEOUT_MS = 120_000;

/**
 * Check the keywords and build VitalsArgs. Unlike xCAT (one option at a time) several may be given:
 * `rvitals n1 temp fanspeed`.
 */
export function parseVitalsArgs(words: readonly string[]): VitalsArgs {
  const keywords: VitalsKeyword[] = [];
  for (const w of words.length === 0 ? ['all'] : words) {
    const k = w.toLowerCase();
    if (!(VITALS_KEYWORDS as readonly string[]).includes(k)) {
      throw new HwctlUsageError(`Unsupported command: rvitals ${w} (valid: ${VITALS_KEYWORDS.join(', ')})`);
    }
    if (!keywords.includes(k as VitalsKeyword)) keywords.push(k as VitalsKeyword);
  }
  if (keywords.includes('all')) return { keywords, categories: [...EVERY_CATEGORY], leds: true };
  const categories = new Set<SensorCategory>();
  for (const k of keywords)
    if (k !== 'leds')
      for (const c of KEYWORD_CATEGORIES[k as keyof typeof KEYWORD_CATEGORIES]) categories.add(c);
  return {
    keywords,
    categories: EVERY_CATEGORY.filter((c) => categories.has(c)),
    leds: keywords.includes('leds'),
  };
}

// ------------------------------------------------------------------------------- executor contract

/** Threshold values in the reading's unit. Caution = Redfish UpperCaution / OpenBMC WarningHigh. */
export interface Thresholds {
  lowerFatal?: number;
  lowerCritical?: number;
  lowerCaution?: number;
  upperCaution?: number;
  upperCritical?: number;
  upperFatal?: number;
}

export type AlarmLevel = 'warning' | 'critical' | 'fatal';

export interface Alarm {
  level: AlarmLevel;
  /** `upper`/`lower`: a threshold was passed; `health`: the BMC says so without a threshold. */
  bound: 'upper' | 'lower' | 'health';
  threshold?: number;
}

export interface SensorReading {
  /** What xCAT prints before the colon (`Ambient`, `Fan0 0`, `CPU1 Temp`, `1U CPU1 Temp`). */
  label: string;
  category: SensorCategory;
  /** The reading in `unit`; null when the BMC has none (sensor off, absent, not readable). */
  value: number | null;
  /** The unit word printed after the value (`C`, `Volts`, `RPMS`, `Watts`, `Amps`, `%`). */
  unit: string;
  /** The unit as the BMC says it (`Cel`, `xyz.openbmc_project.Sensor.Value.Unit.DegreesC`). */
  bmcUnit?: string;
  /** D-Bus path or @odata.id (with the JSON pointer for Thermal/Power array members). */
  path?: string;
  /** Redfish chassis Id the reading belongs to. */
  chassis?: string;
  /** Redfish Status.State / Status.Health. */
  state?: string;
  health?: string;
  thresholds: Thresholds;
  /** An alarm the BMC itself raises (OpenBMC *AlarmHigh/Low flags). */
  bmcAlarm?: Alarm;
  /** Raw text for old-style sensors xCAT printed as is (`label: value`). */
  raw?: string;
}

export interface LedState {
  /** Printed after `LEDs ` (`Fan0`, `Front Identify`, `System Identify`). */
  name: string;
  /** `On`, `Off`, `Blink`, or `N/A` when the BMC does not have it. */
  state: string;
  path?: string;
}

export interface VitalsReport {
  sensors: SensorReading[];
  /** In display order; undefined when not asked for. */
  leds?: LedState[];
  notes: string[];
}

export interface SensorsExecutor extends Executor {
  /** Read the sensors (and LEDs) `args` need; the manager filters by category. */
  vitals(args: VitalsArgs, ctx: NodeContext): Promise<VitalsReport>;
}

// ---------------------------------------------------------------------------------------- results

export interface ShownReading extends SensorReading {
  alarm?: Alarm;
}

export interface VitalsResult {
  keywords: VitalsKeyword[];
  sensors: ShownReading[];
  leds: LedState[];
  notes: string[];
}

const LEVEL_RANK: Record<AlarmLevel, number> = { warning: 1, critical: 2, fatal: 3 };

/**
 * Whether a reading is past a threshold (strictly above an upper, below a lower), the worst first;
 * else a Warning/Critical health from the BMC; else the BMC's own alarm flag.
 */
export function alarmOf(r: SensorReading): Alarm | undefined {
  const t = r.thresholds;
  let found: Alarm | undefined;
  if (r.value !== null) {
    const v = r.value;
    const checks: Array<[AlarmLevel, 'upper' | 'lower', number | undefined]> = [
      ['fatal', 'upper', t.upperFatal],
      ['fatal', 'lower', t.lowerFatal],
      ['critical', 'upper', t.upperCritical],
      ['critical', 'lower', t.lowerCritical],
      ['warning', 'upper', t.upperCaution],
      ['warning', 'lower', t.lowerCaution],
    ];
    for (const [level, bound, threshold] of checks) {
      if (threshold === undefined) continue;
      if (bound === 'upper' ? v > threshold : v < threshold) {
        found = { level, bound, threshold };
        break;
      }
    }
  }
  if (r.bmcAlarm && (!found || LEVEL_RANK[r.bmcAlarm.level] > LEVEL_RANK[found.level])) found = r.bmcAlarm;
  if (!found && (r.health === 'Critical' || r.health === 'Warning')) {
    found = { level: r.health === 'Critical' ? 'critical' : 'warning', bound: 'health' };
  }
  return found;
}

/** Keep what the keywords ask for and check thresholds. Exported for tests. */
export function selectVitals(report: VitalsReport, args: VitalsArgs): VitalsResult {
  const want = new Set(args.categories);
  const sensors: ShownReading[] = report.sensors
    .filter((s) => want.has(s.category))
    .map((s) => {
      const alarm = alarmOf(s);
      return alarm ? { ...s, alarm } : s;
    });
  return {
    keywords: args.keywords,
    sensors,
    leds: args.leds ? (report.leds ?? []) : [],
    notes: report.notes,
  };
}

/** ` [CRITICAL > 45]`, ` [WARNING < 1000]`, ` [Health: Critical]`. */
export function alarmMarker(a: Alarm | undefined): string {
  if (!a) return '';
  if (a.bound === 'health') return ` [Health: ${a.level === 'critical' ? 'Critical' : 'Warning'}]`;
  const op = a.bound === 'upper' ? '>' : '<';
  return ` [${a.level.toUpperCase()} ${op} ${a.threshold !== undefined ? formatG(a.threshold) : '?'}]`;
}

export function readingText(s: ShownReading): string {
  if (s.raw !== undefined) return `${s.label}: ${s.raw}`;
  const value = s.value === null ? 'N/A' : `${formatG(s.value)}${s.unit ? ` ${s.unit}` : ''}`;
  return `${s.label}: ${value}${alarmMarker(s.alarm)}`;
}

/** A node's text lines: sensors natural-sorted, then the LED report; xCAT's message when empty. */
export function vitalsLines(r: VitalsResult): string[] {
  const lines = r.sensors.map(readingText).sort(naturalCompare);
  for (const l of r.leds) lines.push(`LEDs ${l.name}: ${l.state}`);
  return lines.length > 0 ? lines : [NO_ATTRIBUTES];
}

/** Rounded for json: `27.500000000000004` (Value × 10^Scale) is 27.5. */
function tidy(n: number | null): number | null {
  return n === null ? null : Number(n.toPrecision(12));
}

function sortedSensors(r: VitalsResult): ShownReading[] {
  return [...r.sensors].sort((a, b) => naturalCompare(readingText(a), readingText(b)));
}

export const vitalsView: ResultView<VitalsResult> = {
  text: vitalsLines,
  columns: [
    {
      header: 'SENSOR',
      value: (r) =>
        [...sortedSensors(r).map((s) => s.label), ...r.leds.map((l) => `LEDs ${l.name}`)].join('\n'),
    },
    {
      header: 'VALUE',
      value: (r) =>
        [
          ...sortedSensors(r).map((s) =>
            s.raw !== undefined ? s.raw : s.value === null ? 'N/A' : `${formatG(s.value)} ${s.unit}`.trim(),
          ),
          ...r.leds.map((l) => l.state),
        ].join('\n'),
    },
    {
      header: 'STATUS',
      value: (r) =>
        [...sortedSensors(r).map((s) => alarmMarker(s.alarm).trim()), ...r.leds.map(() => '')].join('\n'),
    },
  ],
  json: (r) => ({
    keywords: r.keywords,
    sensors: sortedSensors(r).map((s) => {
      const o: Record<string, unknown> = {
        label: s.label,
        category: s.category,
        value: s.raw !== undefined ? s.raw : tidy(s.value),
        unit: s.unit,
      };
      if (s.bmcUnit !== undefined) o.bmcUnit = s.bmcUnit;
      if (s.chassis !== undefined) o.chassis = s.chassis;
      if (s.state !== undefined) o.state = s.state;
      if (s.health !== undefined) o.health = s.health;
      const t: Record<string, number> = {};
      for (const [k, v] of Object.entries(s.thresholds)) if (typeof v === 'number') t[k] = tidy(v)!;
      o.thresholds = t;
      o.alarm = s.alarm
        ? { ...s.alarm, ...(s.alarm.threshold !== undefined ? { threshold: tidy(s.alarm.threshold) } : {}) }
        : null;
      if (s.path !== undefined) o.path = s.path;
      return o;
    }),
    leds: r.leds,
    notes: r.notes,
  }),
};

// ---------------------------------------------------------------------------------- the request

export function vitalsRequest(
  nodes: readonly NodeDef[],
  args: VitalsArgs,
): RunRequest<VitalsArgs, VitalsResult> {
  return {
    capability: 'sensors',
    op: 'vitals',
    args,
    nodes,
    perNode: (executor, ctx) => runVitals(asSensorsExecutor(executor), args, ctx),
  };
}

function asSensorsExecutor(executor: Executor): SensorsExecutor {
  return requireOps<SensorsExecutor>(executor, 'sensors', ['vitals']);
}

/** One node's rvitals. Notes become warnings (`node: ...` on stderr) as well as json `notes`. */
export async function runVitals(
  ex: SensorsExecutor,
  args: VitalsArgs,
  ctx: NodeContext,
): Promise<VitalsResult> {
  const report = await ex.vitals(args, ctx);
  for (const n of report.notes) ctx.services.warn(`${ctx.node.name}: ${n}`);
  return selectVitals(report, args);
}
