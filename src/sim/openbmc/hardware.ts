/**
 * inventory/, sensors/ and led/ objects.
 */
import type { SimMachine } from '../machine.js';
import type { SensorKind } from '../sensors.js';
import { BASE, asBool, type ObjectMap, type Provider } from './objects.js';

const INV = `${BASE}/inventory/system`;
const BOARD = `${INV}/chassis/motherboard`;

export function inventoryProvider(m: SimMachine): Provider {
  return {
    root: `${BASE}/inventory`,
    build(into: ObjectMap) {
      const id = m.identity;
      const hw = m.hardware;
      into.set(INV, {
        props: {
          BuildDate: '',
          Cached: false,
          FieldReplaceable: false,
          Manufacturer: id.manufacturer,
          Model: id.model,
          PartNumber: id.partNumber,
          Present: true,
          PrettyName: id.model,
          SerialNumber: id.serialNumber,
        },
      });
      into.set(`${INV}/chassis`, {
        props: { Present: true, PrettyName: 'Chassis', Type: 'RackMount', Functional: true },
      });
      into.set(BOARD, {
        props: {
          BuildDate: '2023-01-17',
          Manufacturer: id.manufacturer,
          Model: `${id.model} planar`,
          PartNumber: id.partNumber,
          Present: true,
          PrettyName: 'SYSTEM PLANAR',
          SerialNumber: id.serialNumber,
        },
      });
      into.set(`${BOARD}/bmc`, {
        props: {
          Present: true,
          Functional: true,
          PrettyName: 'BMC',
          Model: id.bmcModel,
          MACAddress: id.bmcMac,
        },
      });
      for (const [i, cpu] of hw.cpus.entries()) {
        into.set(`${BOARD}/${cpu.id}`, {
          props: {
            BuildDate: '',
            Functional: cpu.health === 'OK',
            Manufacturer: cpu.manufacturer,
            Model: cpu.model,
            PartNumber: `02CY${300 + i}`,
            Present: cpu.present,
            PrettyName: cpu.model,
            SerialNumber: `YA${(1930000000 + i * 7919 + id.serialNumber.length).toString(16).toUpperCase()}`,
            Version: '22',
          },
        });
        for (let c = 0; c < cpu.cores; c++)
          into.set(`${BOARD}/${cpu.id}/core${c}`, {
            props: { Functional: true, Present: true, PrettyName: '' },
          });
      }
      for (const d of hw.dimms) {
        into.set(`${BOARD}/${d.id}`, {
          props: {
            BuildDate: '',
            Functional: true,
            Manufacturer: d.manufacturer,
            MemorySizeInKB: d.capacityMiB * 1024,
            Model: d.memoryDeviceType,
            PartNumber: d.partNumber,
            Present: d.present,
            PrettyName: `${d.capacityMiB / 1024}GB ${d.memoryDeviceType} DIMM`,
            SerialNumber: d.serialNumber,
            Version: '',
          },
        });
      }
      for (let f = 0; f < 4; f++)
        into.set(`${INV}/chassis/motherboard/fan${f}`, {
          props: { Functional: true, Present: true, PrettyName: `fan${f}` },
        });
      for (const [i, nic] of hw.nics.entries())
        into.set(`${BOARD}/ethernet${i}`, {
          props: { Functional: true, Present: true, PrettyName: nic.name, MACAddress: nic.macAddress },
        });
      for (const [i, drive] of hw.drives.entries())
        into.set(`${BOARD}/drive${i}`, {
          props: {
            Functional: true,
            Present: true,
            PrettyName: drive.name,
            Model: drive.model,
            SerialNumber: drive.serialNumber,
            Capacity: drive.capacityBytes,
          },
        });
    },
  };
}

const SENSOR_CLASS: Record<SensorKind, { cls: string; unit: string; scale: number }> = {
  temperature: { cls: 'temperature', unit: 'DegreesC', scale: -3 },
  fan: { cls: 'fan_tach', unit: 'RPMS', scale: 0 },
  voltage: { cls: 'voltage', unit: 'Volts', scale: -3 },
  power: { cls: 'power', unit: 'Watts', scale: -6 },
  current: { cls: 'current', unit: 'Amperes', scale: -3 },
};

/** Sensor values are integers scaled by 10^Scale, as on witherspoon-era OpenBMC. */
export function sensorsProvider(m: SimMachine): Provider {
  return {
    root: `${BASE}/sensors`,
    build(into: ObjectMap) {
      for (const s of m.sensors()) {
        const c = SENSOR_CLASS[s.kind];
        const scaled = (v: number | undefined): number | undefined =>
          v === undefined ? undefined : Math.round(v / 10 ** c.scale);
        const t = s.thresholds;
        const props: Record<string, unknown> = {
          Scale: c.scale,
          Unit: `xyz.openbmc_project.Sensor.Value.Unit.${c.unit}`,
          Value: scaled(s.reading),
        };
        if (t.upperCritical !== undefined || t.lowerCritical !== undefined) {
          if (t.upperCritical !== undefined) props.CriticalHigh = scaled(t.upperCritical);
          if (t.lowerCritical !== undefined) props.CriticalLow = scaled(t.lowerCritical);
          props.CriticalAlarmHigh =
            t.upperCritical !== undefined && s.state === 'Enabled' && s.reading >= t.upperCritical;
          props.CriticalAlarmLow =
            t.lowerCritical !== undefined && s.state === 'Enabled' && s.reading <= t.lowerCritical;
        }
        if (t.upperWarning !== undefined || t.lowerWarning !== undefined) {
          if (t.upperWarning !== undefined) props.WarningHigh = scaled(t.upperWarning);
          if (t.lowerWarning !== undefined) props.WarningLow = scaled(t.lowerWarning);
          props.WarningAlarmHigh =
            t.upperWarning !== undefined && s.state === 'Enabled' && s.reading >= t.upperWarning;
          props.WarningAlarmLow =
            t.lowerWarning !== undefined && s.state === 'Enabled' && s.reading <= t.lowerWarning;
        }
        if (s.kind === 'fan') props.Target = s.state === 'Enabled' ? Math.round(s.on) : 0;
        props.Functional = true;
        into.set(`${BASE}/sensors/${c.cls}/${s.id}`, { props });
      }
    },
  };
}

const LED_ACTION = 'xyz.openbmc_project.Led.Physical.Action';

function physical(state: 'On' | 'Off' | 'Blink', color: string): Record<string, unknown> {
  return {
    Color: `xyz.openbmc_project.Led.Physical.Palette.${color}`,
    DutyOn: 50,
    Period: 1000,
    State: `${LED_ACTION}.${state}`,
  };
}

/**
 * Identify: group `enclosure_identify` lights front_id/rear_id steadily (IndicatorLED Lit),
 * `enclosure_identify_blink` blinks them (Blinking) — the association bmcweb uses.
 * The fault LEDs are on while an unresolved Critical log entry exists.
 */
export function ledProvider(m: SimMachine): Provider {
  return {
    root: `${BASE}/led`,
    build(into: ObjectMap) {
      const led = m.indicatorLed();
      const id = led === 'Lit' ? 'On' : led === 'Blinking' ? 'Blink' : 'Off';
      const fault = m.log.list().some((e) => e.severity === 'Critical' && !e.resolved);
      const powered = m.hostState() !== 'Off';
      into.set(`${BASE}/led/groups/enclosure_identify`, {
        props: { Asserted: led === 'Lit' },
        set: {
          Asserted: (v) => m.setIndicatorLed(asBool(v, 'Asserted') ? 'Lit' : led === 'Lit' ? 'Off' : led),
        },
      });
      into.set(`${BASE}/led/groups/enclosure_identify_blink`, {
        props: { Asserted: led === 'Blinking' },
        set: {
          Asserted: (v) =>
            m.setIndicatorLed(asBool(v, 'Asserted') ? 'Blinking' : led === 'Blinking' ? 'Off' : led),
        },
      });
      into.set(`${BASE}/led/groups/enclosure_fault`, { props: { Asserted: fault } });
      into.set(`${BASE}/led/groups/power_on`, { props: { Asserted: powered } });
      for (const side of ['front', 'rear']) {
        into.set(`${BASE}/led/physical/${side}_id`, { props: physical(id, 'Blue') });
        into.set(`${BASE}/led/physical/${side}_fault`, { props: physical(fault ? 'On' : 'Off', 'Amber') });
        into.set(`${BASE}/led/physical/${side}_power`, { props: physical(powered ? 'On' : 'Off', 'Green') });
      }
      for (let f = 0; f < 4; f++)
        into.set(`${BASE}/led/physical/fan${f}`, { props: physical('Off', 'Amber') });
    },
  };
}
