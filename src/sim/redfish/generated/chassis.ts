/** Chassis/<id> of a generated BMC: LED, power state, Thermal, Power and the Sensors collection. */
import type { SensorReading } from '../../machine.js';
import { applyLed, applyReset, readLedPatch, readResetType } from '../actions.js';
import type { JsonObject } from '../json.js';
import type { Router } from '../router.js';
import { parseJsonBody } from '../tree.js';
import { collection, rejectProperty, ROOT, type Gen } from './context.js';

export function chassisDoc(g: Gen): JsonObject {
  const id = g.m.identity;
  const power = g.m.powerState();
  const doc: JsonObject = {
    '@odata.id': g.u(g.ch),
    '@odata.type': '#Chassis.v1_22_0.Chassis',
    Id: g.p.ids.chassis,
    Name: g.p.names.chassis,
    ChassisType: 'RackMount',
    Manufacturer: id.manufacturer,
    Model: id.model,
    SerialNumber: id.serialNumber,
    PartNumber: id.partNumber,
    PowerState: power,
    Status: {
      State: power === 'Off' ? 'StandbyOffline' : 'Enabled',
      Health: 'OK',
      HealthRollup: 'OK',
    },
    Thermal: g.link(`${g.ch}/Thermal`),
    Power: g.link(`${g.ch}/Power`),
    Links: { ComputerSystems: [g.link(g.sys)], ManagedBy: [g.link(g.mgr)] },
  };
  if (g.p.sensorsCollection) doc.Sensors = g.link(`${g.ch}/Sensors`);
  const reset = g.p.features.chassisReset;
  if (reset) {
    const action: JsonObject = { target: g.u(`${g.ch}/Actions/Chassis.Reset`) };
    if (reset.via === 'inline') action['ResetType@Redfish.AllowableValues'] = [...reset.values];
    else action['@Redfish.ActionInfo'] = g.u(`${g.ch}/ResetActionInfo`);
    doc.Actions = { '#Chassis.Reset': action };
  }
  if (g.p.led.indicator) doc.IndicatorLED = g.m.indicatorLed();
  if (g.p.led.location) doc.LocationIndicatorActive = g.m.identifyActive();
  return doc;
}

function patchChassis(g: Gen, body: JsonObject): undefined {
  const doc = chassisDoc(g);
  for (const k of Object.keys(body))
    if (k !== 'IndicatorLED' && k !== 'LocationIndicatorActive') rejectProperty(g, doc, k);
  applyLed(g.m, readLedPatch(body, g.p.led, g.errors));
  return undefined;
}

const sensorStatus = (s: SensorReading): JsonObject => ({ State: s.state, Health: s.health });

/** Threshold properties of the legacy Thermal/Power arrays (only those the sensor has). */
function legacyThresholds(s: SensorReading): JsonObject {
  const t = s.thresholds;
  const out: JsonObject = {};
  if (t.upperWarning !== undefined) out.UpperThresholdNonCritical = t.upperWarning;
  if (t.upperCritical !== undefined) out.UpperThresholdCritical = t.upperCritical;
  if (t.lowerWarning !== undefined) out.LowerThresholdNonCritical = t.lowerWarning;
  if (t.lowerCritical !== undefined) out.LowerThresholdCritical = t.lowerCritical;
  return out;
}

function reading(s: SensorReading): number | null {
  return s.state === 'Enabled' ? s.reading : null;
}

function thermalDoc(g: Gen): JsonObject {
  const sensors = g.m.sensors();
  const base = g.ch + '/Thermal';
  const temps = sensors.filter((s) => s.kind === 'temperature');
  const fans = sensors.filter((s) => s.kind === 'fan');
  return {
    '@odata.id': g.u(base),
    '@odata.type': '#Thermal.v1_7_0.Thermal',
    Id: 'Thermal',
    Name: 'Thermal',
    Temperatures: temps.map((s, i) => ({
      '@odata.id': `${g.u(base)}#/Temperatures/${i}`,
      MemberId: String(i),
      Name: s.name,
      SensorNumber: i + 1,
      ReadingCelsius: reading(s),
      PhysicalContext: s.context,
      Status: sensorStatus(s),
      ...legacyThresholds(s),
    })),
    Fans: fans.map((s, i) => ({
      '@odata.id': `${g.u(base)}#/Fans/${i}`,
      MemberId: String(i),
      Name: s.name,
      Reading: reading(s),
      ReadingUnits: 'RPM',
      PhysicalContext: 'Fan',
      Status: sensorStatus(s),
      ...legacyThresholds(s),
    })),
  };
}

function powerDoc(g: Gen): JsonObject {
  const sensors = g.m.sensors();
  const base = g.ch + '/Power';
  const total = sensors.find((s) => s.id === 'total_power');
  const volts = sensors.filter((s) => s.kind === 'voltage');
  const psus = sensors.filter((s) => s.kind === 'power' && s.id.startsWith('psu'));
  return {
    '@odata.id': g.u(base),
    '@odata.type': '#Power.v1_7_0.Power',
    Id: 'Power',
    Name: 'Power',
    PowerControl: [
      {
        '@odata.id': `${g.u(base)}#/PowerControl/0`,
        MemberId: '0',
        Name: 'System Power Control',
        PowerConsumedWatts: total ? total.reading : null,
        PowerCapacityWatts: 1600,
        Status: { State: 'Enabled', Health: total?.health ?? 'OK' },
      },
    ],
    Voltages: volts.map((s, i) => ({
      '@odata.id': `${g.u(base)}#/Voltages/${i}`,
      MemberId: String(i),
      Name: s.name,
      ReadingVolts: reading(s),
      PhysicalContext: s.context,
      Status: sensorStatus(s),
      ...legacyThresholds(s),
    })),
    PowerSupplies: psus.map((s, i) => ({
      '@odata.id': `${g.u(base)}#/PowerSupplies/${i}`,
      MemberId: String(i),
      Name: `PSU${i}`,
      PowerSupplyType: 'AC',
      PowerInputWatts: s.reading,
      PowerCapacityWatts: 800,
      Status: { State: 'Enabled', Health: s.health },
    })),
  };
}

const READING_TYPE: Record<SensorReading['kind'], string> = {
  temperature: 'Temperature',
  fan: 'Rotational',
  voltage: 'Voltage',
  power: 'Power',
  current: 'Current',
};

function sensorDoc(g: Gen, s: SensorReading): JsonObject {
  const t = s.thresholds;
  const thresholds: JsonObject = {};
  if (t.upperWarning !== undefined) thresholds.UpperCaution = { Reading: t.upperWarning };
  if (t.upperCritical !== undefined) thresholds.UpperCritical = { Reading: t.upperCritical };
  if (t.lowerWarning !== undefined) thresholds.LowerCaution = { Reading: t.lowerWarning };
  if (t.lowerCritical !== undefined) thresholds.LowerCritical = { Reading: t.lowerCritical };
  return {
    '@odata.id': g.u(`${g.ch}/Sensors/${s.id}`),
    '@odata.type': '#Sensor.v1_2_0.Sensor',
    Id: s.id,
    Name: s.name,
    Reading: reading(s),
    ReadingUnits: s.unit === 'RPM' ? 'RPM' : s.unit,
    ReadingType: READING_TYPE[s.kind],
    PhysicalContext: s.context,
    Status: sensorStatus(s),
    Thresholds: thresholds,
  };
}

export function addChassisRoutes(r: Router, g: Gen): void {
  r.node(`${ROOT}/Chassis`, () => ({
    get: () => collection(g, `${ROOT}/Chassis`, 'ChassisCollection', 'Chassis Collection', [g.ch]),
  }));
  r.node(g.ch, () => ({ get: () => chassisDoc(g), patch: (body) => patchChassis(g, body) }));
  const reset = g.p.features.chassisReset;
  if (reset) {
    // The chassis power is the machine's: On/ForceOff/PowerCycle act as the System's reset does.
    r.node(`${g.ch}/Actions/Chassis.Reset`, () => ({
      post: (ctx) => {
        const value = readResetType(parseJsonBody(ctx), reset.values, '#Chassis.Reset', g.errors);
        applyReset(g.m, value, g.p, g.errors);
        return undefined;
      },
    }));
    if (reset.via === 'actionInfo')
      r.node(`${g.ch}/ResetActionInfo`, () => ({
        get: () => ({
          '@odata.id': g.u(`${g.ch}/ResetActionInfo`),
          '@odata.type': '#ActionInfo.v1_1_2.ActionInfo',
          Id: 'ResetActionInfo',
          Name: 'Reset Action Info',
          Parameters: [
            { Name: 'ResetType', Required: true, DataType: 'String', AllowableValues: [...reset.values] },
          ],
        }),
      }));
  }
  r.node(`${g.ch}/Thermal`, () => ({ get: () => thermalDoc(g) }));
  r.node(`${g.ch}/Power`, () => ({ get: () => powerDoc(g) }));
  if (!g.p.sensorsCollection) return;
  r.node(`${g.ch}/Sensors`, () => ({
    get: () =>
      collection(
        g,
        `${g.ch}/Sensors`,
        'SensorCollection',
        'Sensors',
        g.m.sensors().map((s) => `${g.ch}/Sensors/${s.id}`),
      ),
  }));
  r.add(`${g.ch}/Sensors/:id`, ({ id }) => {
    if (!g.m.sensor(id ?? '')) return undefined;
    return { get: () => sensorDoc(g, g.m.sensor(id ?? '') as SensorReading) };
  });
}
