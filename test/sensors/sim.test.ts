/**
 * rvitals against the simulator, on a manual clock so that readings hold still: every Redfish
 * personality (Sensors collections; iLO's Thermal/Power) and the OpenBMC REST flavor print the
 * machine's own readings; a reading pushed past a threshold is marked on every flavor; LEDs; the
 * requests each BMC answered (request economy).
 */
import { describe, it, expect, afterAll } from '@jest/globals';
import { ManualClock } from '../../src/sim/clock.js';
import { pythonTitle } from '../../src/managers/inventory-format.js';
import { rvitals } from '../inventory-cmd/harness.js';
import { requestsFor, startFleet, useFleet } from '../helpers/sim-harness.js';

const KINDS = ['generic', 'openbmc', 'idrac', 'ilo', 'openbmc-rest'] as const;
const UNIT: Record<string, string> = { Cel: 'C', RPM: 'RPMS', V: 'Volts', W: 'Watts', A: 'Amps' };

const f = useFleet(async () => {
  const fleet = await startFleet({
    nodes: 5,
    flavor: 'mixed',
    personality: 'mixed',
    clock: new ManualClock(),
  });
  for (const k of KINDS) if (!fleet.node[k]) throw new Error(`no ${k} node in the fleet`);
  return fleet;
});

const machine = (kind: string) => f.sim.machine(f.node[kind]!);
/** `label: value unit` of a line, the value as a number. */
function parse(line: string): { label: string; value: number; unit: string; rest: string } | undefined {
  const m = /^(.*): (-?[\d.e+-]+) (\S+)(.*)$/.exec(line);
  return m ? { label: m[1]!, value: Number(m[2]), unit: m[3]!, rest: m[4]! } : undefined;
}

describe('readings are the machine’s', () => {
  it.each(['generic', 'openbmc', 'idrac'] as const)(
    '%s (Sensors collection): every sensor by name, value and unit',
    async (kind) => {
      const n = f.node[kind]!;
      const r = await rvitals(f.inventory, n, ['all']);
      expect(r.code).toBe(0);
      const lines = r.lines(n);
      const sensors = machine(kind).sensors();
      for (const s of sensors) expect(lines).toContain(`${s.name}: ${s.reading} ${UNIT[s.unit]}`);
      // Sensors and Thermal/Power are merged: every Thermal/Power reading has its Sensor, except the
      // Power resource's PowerControl (named differently from the "Total Power" sensor).
      const total = sensors.find((s) => s.id === 'total_power')!;
      expect(lines).toContain(`System Power Control: ${total.reading} Watts`);
      expect(lines.filter((l) => !l.startsWith('LEDs '))).toHaveLength(sensors.length + 1);
      expect(r.err).toEqual([]);
    },
  );

  it('ilo (Thermal and Power only): temperatures, fans, voltages, consumption and supplies', async () => {
    const n = f.node.ilo!;
    const lines = (await rvitals(f.inventory, n, [])).lines(n);
    const sensors = machine('ilo').sensors();
    for (const s of sensors.filter((x) => ['temperature', 'fan', 'voltage'].includes(x.kind)))
      expect(lines).toContain(`${s.name}: ${s.reading} ${UNIT[s.unit]}`);
    const total = sensors.find((s) => s.id === 'total_power')!;
    expect(lines).toContain(`System Power Control: ${total.reading} Watts`);
    for (const [i, s] of sensors.filter((x) => x.kind === 'power' && x.id.startsWith('psu')).entries())
      expect(lines).toContain(`PSU${i} Input Power: ${s.reading} Watts`);
  });

  it('OpenBMC REST: Value × 10^Scale under xCAT’s title-cased labels and unit words', async () => {
    const n = f.node['openbmc-rest']!;
    const lines = (await rvitals(f.inventory, n, [])).lines(n);
    const sensors = machine('openbmc-rest').sensors();
    for (const s of sensors) {
      const label = pythonTitle(s.id.replace(/_/g, ' '));
      const line = lines.find((l) => l.startsWith(`${label}: `));
      expect(line).toBeDefined();
      const p = parse(line!)!;
      expect(Math.abs(p.value - s.reading)).toBeLessThanOrEqual(0.5);
      expect(p.unit).toBe(UNIT[s.unit]);
    }
    expect(lines.slice(-6)).toEqual([
      expect.stringMatching(/^LEDs Front Fault: (On|Off|Blink)$/),
      expect.stringMatching(/^LEDs Front Identify: /),
      expect.stringMatching(/^LEDs Front Power: /),
      expect.stringMatching(/^LEDs Rear Fault: /),
      expect.stringMatching(/^LEDs Rear Identify: /),
      expect.stringMatching(/^LEDs Rear Power: /),
    ]);
  });

  it('keywords keep their kind: temp only temperatures, fanspeed only fans (every flavor)', async () => {
    for (const kind of KINDS) {
      const n = f.node[kind]!;
      const temps = (await rvitals(f.inventory, n, ['temp'])).lines(n);
      expect(temps.length).toBe(
        machine(kind)
          .sensors()
          .filter((s) => s.kind === 'temperature').length,
      );
      expect(temps.every((l) => / C( \[|$)/.test(l))).toBe(true);
      const fans = (await rvitals(f.inventory, n, ['fanspeed'])).lines(n);
      expect(fans.length).toBe(4);
      expect(fans.every((l) => l.includes(' RPMS'))).toBe(true);
    }
  });
});

describe('thresholds', () => {
  afterAll(() => void f.sim.admin.setSensor('all', 'inlet_temp', undefined));

  it('a reading past the critical threshold is marked on every flavor (text and json)', async () => {
    f.sim.admin.setSensor('all', 'inlet_temp', 47);
    for (const kind of KINDS) {
      const n = f.node[kind]!;
      const lines = (await rvitals(f.inventory, n, ['temp'])).lines(n);
      const inlet = lines.find((l) => /^Inlet Temp: /.test(l));
      expect(inlet).toBe('Inlet Temp: 47 C [CRITICAL > 45]');
    }
    const n = f.node.generic!;
    const j = await rvitals(f.inventory, n, ['temp'], { output: 'json' });
    const sensors = j.value(n).sensors as Array<Record<string, unknown>>;
    expect(sensors.find((s) => s.label === 'Inlet Temp')).toMatchObject({
      value: 47,
      unit: 'C',
      health: 'Critical',
      thresholds: { upperCaution: 40, upperCritical: 45 },
      alarm: { level: 'critical', bound: 'upper', threshold: 45 },
    });
  });

  it('between caution and critical: a warning marker', async () => {
    f.sim.admin.setSensor('all', 'inlet_temp', 42);
    for (const kind of KINDS) {
      const n = f.node[kind]!;
      const lines = (await rvitals(f.inventory, n, ['temp'])).lines(n);
      expect(lines).toContain('Inlet Temp: 42 C [WARNING > 40]');
    }
  });
});

describe('LEDs', () => {
  it('Redfish: the System identify LED follows the machine; each chassis too', async () => {
    for (const kind of ['generic', 'openbmc', 'idrac', 'ilo'] as const) {
      const n = f.node[kind]!;
      machine(kind).setIdentify(true);
      // LocationIndicatorActive true → On; IndicatorLED (iDRAC, iLO) shows identify as Lit or Blinking.
      const lit =
        ['idrac', 'ilo'].includes(kind) && machine(kind).indicatorLed() === 'Blinking' ? 'Blink' : 'On';
      const on = (await rvitals(f.inventory, n, ['leds'])).lines(n);
      machine(kind).setIdentify(false);
      const off = (await rvitals(f.inventory, n, ['leds'])).lines(n);
      expect(on[0]).toBe(`LEDs System Identify: ${lit}`);
      expect(off[0]).toBe('LEDs System Identify: Off');
      expect(on.slice(1)).toEqual([expect.stringMatching(/^LEDs Chassis \S+ Identify: (On|Off|Blink)$/)]);
    }
  });
});

describe('requests per node (request economy)', () => {
  async function cost(kind: string, words: string[]): Promise<number> {
    const n = f.node[kind]!;
    return requestsFor(f.sim, n, async () => expect((await rvitals(f.inventory, n, words)).code).toBe(0));
  }

  it('$expand personalities: root, session, Systems, Chassis?$expand (3 levels), DELETE = 5', async () => {
    expect(await cost('generic', [])).toBe(5);
    expect(await cost('openbmc', [])).toBe(5);
    expect(await cost('generic', ['leds'])).toBe(5);
  });

  it('iDRAC-like (Sensors, no $expand): Thermal, Power and one GET per sensor; iLO-like: Thermal and Power', async () => {
    const sensors = machine('idrac').sensors().length;
    // root, session, Systems, System, Chassis, chassis, Thermal, Power, Sensors, each sensor, DELETE
    expect(await cost('idrac', [])).toBe(10 + sensors);
    // root, session, Systems, System, Chassis, chassis, Thermal, Power, DELETE
    expect(await cost('ilo', [])).toBe(9);
    expect(await cost('ilo', ['temp'])).toBe(8); // Thermal only
    expect(await cost('ilo', ['leds'])).toBe(7);
  });

  it('OpenBMC REST: login, sensors/enumerate, led/physical/enumerate, logout', async () => {
    expect(await cost('openbmc-rest', [])).toBe(4);
    expect(await cost('openbmc-rest', ['temp'])).toBe(3);
    expect(await cost('openbmc-rest', ['leds'])).toBe(3);
  });
});
