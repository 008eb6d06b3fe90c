/**
 * rvitals on odd data, on nock (test/bmc/fake-redfish.ts): dangling sensor links, a Sensors collection
 * that is gone (fallback to Thermal/Power), a looping nextLink, readings that are not numbers, an
 * empty Chassis collection, a missing Thermal; OpenBMC REST: no Value, no LED objects, wrong formats.
 * Each gives a reading of N/A or a warning naming what was skipped, never a crash.
 */
import { describe, it, expect } from '@jest/globals';
import { fakeOpenbmcRest, openbmcOk as ok, runOnTestNode, useNock } from '../helpers/nock-harness.js';
import nock from 'nock';
import { CHASSIS, FakeRedfish, SYSTEM, standardResources } from '../bmc/fake-redfish.js';
import { rejection } from '../bmc/helpers.js';
import redfishSensors from '../../src/executors/redfish/sensors.js';
import openbmcSensors from '../../src/executors/openbmc/sensors.js';
import { parseVitalsArgs, runVitals, vitalsLines } from '../../src/managers/sensors.js';

useNock();

const SENSORS = `${CHASSIS}/Sensors`;
const refs = (...paths: string[]) => paths.map((p) => ({ '@odata.id': p }));
const temp = (id: string, reading: unknown, extra: Record<string, unknown> = {}) => ({
  '@odata.id': `${SENSORS}/${id}`,
  Id: id,
  Name: id,
  Reading: reading,
  ReadingUnits: 'Cel',
  ReadingType: 'Temperature',
  ...extra,
});

/** One chassis (Self) holding the system's sensors; Enclosure belongs to another system. */
function chassisFake(
  chassis: Record<string, unknown>,
  resources: Record<string, unknown> = {},
  handlers = {},
) {
  return new FakeRedfish({
    resources: {
      '/redfish/v1/Chassis': { Members: refs(CHASSIS) },
      [CHASSIS]: { '@odata.id': CHASSIS, Id: 'Self', ...chassis },
      ...resources,
    },
    handlers,
  });
}

async function vitals(words: string[], flavor: 'redfish' | 'openbmc' = 'redfish') {
  const executor = flavor === 'redfish' ? redfishSensors : openbmcSensors;
  const { result, warnings } = await runOnTestNode(
    (ctx) => runVitals(executor, parseVitalsArgs(words), ctx),
    flavor,
    { requestTimeoutMs: 2000 },
  );
  return { result, lines: vitalsLines(result), warnings };
}

describe('Redfish', () => {
  it('a dangling sensor link is a warning; null and non-numeric readings are N/A', async () => {
    chassisFake(
      { Sensors: { '@odata.id': SENSORS } },
      {
        [SENSORS]: { Members: refs(`${SENSORS}/T1`, `${SENSORS}/GONE`, `${SENSORS}/T2`, `${SENSORS}/T3`) },
        [`${SENSORS}/T1`]: temp('T1', 30.5),
        [`${SENSORS}/T2`]: temp('T2', null, { Status: { State: 'Absent' } }),
        [`${SENSORS}/T3`]: temp('T3', 'hot'),
      },
    );
    const r = await vitals(['temp']);
    expect(r.lines).toEqual(['T1: 30.5 C', 'T2: N/A', 'T3: N/A']);
    expect(r.warnings).toEqual([
      expect.stringMatching(/^node01: Chassis Self Sensors member \S+\/GONE skipped: \[404\]/),
    ]);
    expect(r.result.sensors.find((s) => s.label === 'T2')).toMatchObject({ value: null, state: 'Absent' });
  });

  it('a linked Sensors collection that is gone (404): a warning, then Thermal and Power', async () => {
    chassisFake(
      {
        Sensors: { '@odata.id': SENSORS },
        Thermal: { '@odata.id': `${CHASSIS}/Thermal` },
        Power: { '@odata.id': `${CHASSIS}/Power` },
      },
      {
        [`${CHASSIS}/Thermal`]: { Temperatures: [{ Name: 'Inlet', ReadingCelsius: 21 }] },
        [`${CHASSIS}/Power`]: { PowerControl: [{ Name: 'Total', PowerConsumedWatts: 250 }] },
      },
    );
    const r = await vitals([]);
    expect(r.lines.filter((l) => !l.startsWith('LEDs'))).toEqual(['Inlet: 21 C', 'Total: 250 Watts']);
    expect(r.warnings[0]).toMatch(/^node01: Chassis Self Sensors \S+ skipped: \[404\]/);
  });

  it('a looping nextLink in a Sensors collection stops after the repeat, each sensor once', async () => {
    const fake = chassisFake(
      { Sensors: { '@odata.id': SENSORS } },
      { [`${SENSORS}/T1`]: temp('T1', 20), [`${SENSORS}/T2`]: temp('T2', 22) },
      {
        [`GET ${SENSORS}`]: (req: { path: string }) =>
          req.path.endsWith('page2')
            ? [200, { Members: refs(`${SENSORS}/T2`), 'Members@odata.nextLink': SENSORS }]
            : [200, { Members: refs(`${SENSORS}/T1`), 'Members@odata.nextLink': `${SENSORS}?page2` }],
      },
    );
    const r = await vitals(['temp']);
    expect(r.lines).toEqual(['T1: 20 C', 'T2: 22 C']);
    expect(r.warnings).toEqual([expect.stringMatching(/repeats a page already read; paging stopped/)]);
    expect(
      fake.find('GET', new RegExp(`^${SENSORS}\\??`)).filter((q) => !q.path.includes('/T')),
    ).toHaveLength(2);
  });

  it('a missing Thermal is a warning; Power still shows', async () => {
    chassisFake(
      { Thermal: { '@odata.id': `${CHASSIS}/Thermal` }, Power: { '@odata.id': `${CHASSIS}/Power` } },
      {
        [`${CHASSIS}/Power`]: {
          Voltages: [{ Name: 'P12V', ReadingVolts: 12.1, UpperThresholdCritical: 12 }],
        },
      },
    );
    const r = await vitals([]);
    expect(r.lines.filter((l) => !l.startsWith('LEDs'))).toEqual(['P12V: 12.1 Volts [CRITICAL > 12]']);
    expect(r.warnings).toEqual([
      expect.stringMatching(/^node01: Chassis Self Thermal \S+\/Thermal skipped: \[404\]/),
      'node01: neither the System nor its chassis has an identify LED property',
    ]);
  });

  it('an empty Chassis collection: xCAT’s message for sensors and a warning; no LEDs anywhere says so', async () => {
    new FakeRedfish({ resources: { '/redfish/v1/Chassis': { Members: [] } } });
    const r = await vitals(['temp']);
    expect(r.lines).toEqual(['No attributes returned from the BMC.']);
    expect(r.warnings).toEqual(['node01: the Chassis collection is empty: no sensors to read']);
    const l = await vitals(['leds']);
    expect(l.lines).toEqual(['No attributes returned from the BMC.']);
    expect(l.warnings).toEqual([
      'node01: the Chassis collection is empty: no sensors to read',
      'node01: neither the System nor its chassis has an identify LED property',
    ]);
  });

  it('a chassis of another system is not read', async () => {
    const other = '/redfish/v1/Chassis/Enclosure';
    const fake = new FakeRedfish({
      resources: {
        [CHASSIS]: {
          '@odata.id': CHASSIS,
          Id: 'Self',
          IndicatorLED: 'Lit',
          Links: { ComputerSystems: refs(SYSTEM) },
        },
        [other]: {
          '@odata.id': other,
          Id: 'Enclosure',
          Thermal: { '@odata.id': `${other}/Thermal` },
          Links: { ComputerSystems: refs('/redfish/v1/Systems/Other') },
        },
        [SYSTEM]: { ...(standardResources()[SYSTEM] as object), LocationIndicatorActive: false },
      },
    });
    const r = await vitals([]);
    expect(r.lines).toEqual(['LEDs System Identify: Off', 'LEDs Chassis Self Identify: On']);
    expect(fake.find('GET', `${other}/Thermal`)).toHaveLength(0);
  });
});

describe('OpenBMC REST', () => {
  const unit = (u: string) => `xyz.openbmc_project.Sensor.Value.Unit.${u}`;
  function fake(routes: Record<string, [number, unknown]>) {
    const s = fakeOpenbmcRest();
    for (const [path, [status, body]] of Object.entries(routes)) s.get(path).reply(status, body as nock.Body);
  }

  it('a sensor without Value is N/A with a warning; no LED objects: the LED lines are N/A with a warning', async () => {
    fake({
      '/xyz/openbmc_project/sensors/enumerate': [
        200,
        ok({
          '/xyz/openbmc_project/sensors/temperature/ambient': { Value: 25, Scale: 0, Unit: unit('DegreesC') },
          '/xyz/openbmc_project/sensors/temperature/broken': { Scale: -3, Unit: unit('DegreesC') },
        }),
      ],
      '/xyz/openbmc_project/led/physical/enumerate': [
        404,
        {
          data: { description: 'org.freedesktop.DBus.Error.FileNotFound: path or object not found' },
          message: '404 Not Found',
          status: 'error',
        },
      ],
    });
    const r = await vitals([], 'openbmc');
    expect(r.lines).toEqual([
      'Ambient: 25 C',
      'Broken: N/A',
      'LEDs Front Fault: N/A',
      'LEDs Front Identify: N/A',
      'LEDs Front Power: N/A',
      'LEDs Rear Fault: N/A',
      'LEDs Rear Identify: N/A',
      'LEDs Rear Power: N/A',
    ]);
    expect(r.warnings.sort()).toEqual([
      'node01: /xyz/openbmc_project/sensors/temperature/broken has no Value',
      expect.stringMatching(/^node01: LED states not available: 404 Not Found/),
    ]);
  });

  it('sensors/enumerate that is not an object map ends the node with a wrong-format message', async () => {
    fake({ '/xyz/openbmc_project/sensors/enumerate': [200, ok('nope')] });
    const e = await rejection(vitals(['temp'], 'openbmc'));
    expect(e.kind).toBe('protocol');
    expect(e.message).toMatch(/^Received wrong format response: \/xyz\/openbmc_project\/sensors\/enumerate/);
  });
});
