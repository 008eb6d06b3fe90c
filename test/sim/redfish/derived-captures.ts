/**
 * Captures derived from a real one (FIXTURES), written to a temporary directory, for shapes seen in
 * the field that no capture we may redistribute has: the DMTF bladed enclosure (BSD-3, DMTF) with its
 * links taken away and the oddities of Node0..Node3 enclosures added. Each edit is listed where it is
 * made, so a test says exactly which property of the shape it depends on.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FIXTURES } from '../../helpers/fixtures.js';
import { startSimulator, type Simulator } from '../../../src/sim/fleet.js';

type Doc = Record<string, unknown>;
const ROOT = '/redfish/v1';
const ref = (p: string) => ({ '@odata.id': p });

/** Edits one copy of a capture (paths are `@odata.id`s: `/redfish/v1/Systems/1`). */
export class CaptureCopy {
  constructor(readonly dir: string) {}

  file(path: string): string {
    return join(this.dir, path.replace(/^\/redfish\/v1\/?/, ''), 'index.json');
  }
  read(path: string): Doc {
    return JSON.parse(readFileSync(this.file(path), 'utf8')) as Doc;
  }
  write(path: string, doc: Doc): void {
    mkdirSync(dirname(this.file(path)), { recursive: true });
    writeFileSync(this.file(path), JSON.stringify(doc, null, 2));
  }
  edit(path: string, fn: (d: Doc) => void): void {
    const d = this.read(path);
    fn(d);
    this.write(path, d);
  }

  private files(dir = this.dir): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? this.files(join(dir, e.name)) : e.name === 'index.json' ? [join(dir, e.name)] : [],
    );
  }

  /** Move a resource (and what is below it) to a new path, rewriting every reference to it. */
  move(from: string, to: string): void {
    renameSync(dirname(this.file(from)), dirname(this.file(to)));
    const quoted = new RegExp(`${from.replace(/[/.]/g, '\\$&')}(?=["/#])`, 'g');
    for (const f of this.files()) {
      const text = readFileSync(f, 'utf8');
      if (text.includes(from)) writeFileSync(f, text.replace(quoted, to));
    }
    this.edit(to, (d) => {
      d.Id = to.split('/').pop();
    });
  }

  members(path: string): string[] {
    const m = this.read(path).Members;
    return Array.isArray(m) ? m.map((x) => (x as { '@odata.id': string })['@odata.id']) : [];
  }

  setMembers(path: string, ids: string[]): void {
    this.edit(path, (d) => {
      d.Members = ids.map(ref);
      d['Members@odata.count'] = ids.length;
    });
  }
}

/** A fresh copy of a capture under FIXTURES. */
export function copyCapture(base: string): CaptureCopy {
  const dir = join(mkdtempSync(join(tmpdir(), `hwctl-capture-${base}-`)), base);
  cpSync(join(FIXTURES, base), dir, { recursive: true });
  return new CaptureCopy(dir);
}

export const NODES = ['Node0', 'Node1', 'Node2', 'Node3'] as const;
const BLADE_SYSTEMS = ['529QB9450R6', '529QB9451R6', '529QB9452R6', '529QB9453R6'];

const redfishError = (path: string) => ({
  error: {
    code: 'Base.1.8.GeneralError',
    message: 'A general error has occurred. See ExtendedInfo for more information.',
    '@Message.ExtendedInfo': [
      {
        MessageId: 'Base.1.8.ResourceMissingAtURI',
        Message: `The resource at the URI ${path} was not found.`,
        MessageArgs: [path],
        Severity: 'Critical',
        Resolution: 'Place a valid resource at the URI or correct the URI and resubmit the request.',
      },
    ],
  },
});

/**
 * The DMTF bladed enclosure reshaped as a link-less Node0..Node3 enclosure:
 *  - Systems `Node0..3` and Chassis `Node0..3` (were 529QB945xR6 and Blade1..4), enclosure `Enclosure`;
 *    serial numbers unchanged (the System's SerialNumber is still 529QB945xR6);
 *  - no `Links` on any System, Chassis or Manager, no `$expand` in ProtocolFeaturesSupported;
 *  - Managers: an AuxiliaryController (no LogServices, no FirmwareVersion) listed before the
 *    EnclosureManager, which keeps the capture's log (ClearLog); the per-blade BMCs are unlisted;
 *  - Chassis Node0 has a Sensors collection of 4 next to its Thermal (CPU Temp, CPU Fan, and an
 *    added DIMM Temp): a power sensor, a sensor with no ReadingUnits, `CPUTemp`, which the Thermal
 *    CPU Temp names as its DataSourceUri, and `CPUFan`, the same name and reading as the Thermal fan;
 *  - the enclosure's Power has a PowerControl with only MemberId, and both supplies named
 *    `Power Supply`;
 *  - System Node0: SerialNumber padded with spaces, and a Storage whose 4 drives are 1 real and 3
 *    Redfish error bodies (ResourceMissingAtURI) served as 200;
 *  - the EnclosureManager's Status.State is blank.
 */
export function linklessEnclosure(): CaptureCopy {
  const c = copyCapture('dmtf-public-bladed');
  c.edit(ROOT, (d) => {
    delete d.ProtocolFeaturesSupported;
  });
  BLADE_SYSTEMS.forEach((s, i) => c.move(`${ROOT}/Systems/${s}`, `${ROOT}/Systems/${NODES[i]}`));
  // Keep the serial numbers (move() rewrote nothing but paths; SerialNumber is not a path).
  NODES.forEach((n, i) => c.move(`${ROOT}/Chassis/Blade${i + 1}`, `${ROOT}/Chassis/${n}`));
  c.move(`${ROOT}/Chassis/MultiBladeEncl`, `${ROOT}/Chassis/Enclosure`);
  const strip = (p: string) =>
    c.edit(p, (d) => {
      delete d.Links;
    });
  for (const p of [...c.members(`${ROOT}/Systems`), ...c.members(`${ROOT}/Chassis`)]) strip(p);

  const aux = `${ROOT}/Managers/Aux`;
  c.write(aux, {
    '@odata.type': '#Manager.v1_10_0.Manager',
    '@odata.id': aux,
    Id: 'Aux',
    Name: 'Auxiliary Controller',
    ManagerType: 'AuxiliaryController',
    Status: { State: 'Enabled', Health: 'OK' },
  });
  const encl = `${ROOT}/Managers/MultiBladeBMC`;
  c.setMembers(`${ROOT}/Managers`, [aux, encl]);
  c.edit(encl, (d) => {
    delete d.Links;
    d.Status = { State: '', Health: 'OK' };
  });

  // Sensors next to Thermal on Node0.
  const node0 = `${ROOT}/Chassis/Node0`;
  const sensors = `${node0}/Sensors`;
  const sensor = (id: string, extra: Doc) =>
    c.write(`${sensors}/${id}`, {
      '@odata.type': '#Sensor.v1_2_0.Sensor',
      '@odata.id': `${sensors}/${id}`,
      Id: id,
      Status: { State: 'Enabled', Health: 'OK' },
      ...extra,
    });
  sensor('NodePower', { Name: 'Node Power', Reading: 212, ReadingUnits: 'W', ReadingType: 'Power' });
  sensor('Tachometer', { Name: 'Tachometer', Reading: 17 });
  sensor('CPUTemp', { Name: 'CPU Temp', Reading: 62, ReadingUnits: 'Cel', ReadingType: 'Temperature' });
  sensor('CPUFan', { Name: 'CPU Fan', Reading: 6000, ReadingUnits: 'RPM', ReadingType: 'Rotational' });
  c.write(sensors, {
    '@odata.type': '#SensorCollection.SensorCollection',
    '@odata.id': sensors,
    Name: 'Sensors',
    Members: ['NodePower', 'Tachometer', 'CPUTemp', 'CPUFan'].map((id) => ref(`${sensors}/${id}`)),
    'Members@odata.count': 4,
  });
  c.edit(node0, (d) => {
    d.Sensors = ref(sensors);
  });
  c.edit(`${node0}/Thermal`, (d) => {
    const temps = d.Temperatures as Doc[];
    temps[0]!.DataSourceUri = `${sensors}/CPUTemp`;
    // A temperature only the Thermal has (the Sensors collection must not hide it).
    temps.push({
      '@odata.id': `${node0}/Thermal#/Temperatures/1`,
      MemberId: '1',
      Name: 'DIMM Temp',
      ReadingCelsius: 41,
      Status: { State: 'Enabled', Health: 'OK' },
    });
  });

  c.edit(`${ROOT}/Chassis/Enclosure/Power`, (d) => {
    d.PowerControl = [
      {
        '@odata.id': `${ROOT}/Chassis/Enclosure/Power#/PowerControl/0`,
        MemberId: '0',
        PowerConsumedWatts: 97,
      },
    ];
    for (const s of d.PowerSupplies as Doc[]) s.Name = 'Power Supply';
  });

  // System Node0: padded serial, a Storage with error bodies for drives.
  const sys0 = `${ROOT}/Systems/Node0`;
  const storage = `${sys0}/Storage`;
  const drives = [0, 1, 2, 3].map((i) => `${storage}/1/Drives/${i}`);
  c.edit(sys0, (d) => {
    d.SerialNumber = `${String(d.SerialNumber)}   `;
    d.Storage = ref(storage);
  });
  c.write(storage, {
    '@odata.type': '#StorageCollection.StorageCollection',
    '@odata.id': storage,
    Name: 'Storage Collection',
    Members: [ref(`${storage}/1`)],
    'Members@odata.count': 1,
  });
  c.write(`${storage}/1`, {
    '@odata.type': '#Storage.v1_9_0.Storage',
    '@odata.id': `${storage}/1`,
    Id: '1',
    Name: 'Local Storage',
    Drives: drives.map(ref),
  });
  c.write(drives[0]!, {
    '@odata.type': '#Drive.v1_9_0.Drive',
    '@odata.id': drives[0]!,
    Id: '0',
    Name: 'Drive 0',
    Model: 'SSD-480',
    SerialNumber: 'D0S3R1AL',
  });
  for (const d of drives.slice(1)) c.write(d, redfishError(d));
  return c;
}

/**
 * linklessEnclosure with `perNode` temperature sensors in each node's chassis, each listed both in
 * the chassis' Sensors collection and in its Thermal (with DataSourceUri), as on a 4-node enclosure
 * with ~760 sensors and no `$expand`.
 */
export function bigEnclosure(perNode = 190): CaptureCopy {
  const c = linklessEnclosure();
  for (const n of NODES) {
    const chassis = `${ROOT}/Chassis/${n}`;
    const sensors = `${chassis}/Sensors`;
    const ids = existsSync(c.file(sensors)) ? c.members(sensors) : [];
    const temps: Doc[] = [];
    for (let i = 0; i < perNode; i++) {
      const id = `${sensors}/Temp${i}`;
      c.write(id, {
        '@odata.type': '#Sensor.v1_2_0.Sensor',
        '@odata.id': id,
        Id: `Temp${i}`,
        Name: `${n} Temp ${i}`,
        Reading: 30 + (i % 20),
        ReadingUnits: 'Cel',
        ReadingType: 'Temperature',
      });
      ids.push(id);
      temps.push({
        '@odata.id': `${chassis}/Thermal#/Temperatures/${i + 1}`,
        MemberId: String(i + 1),
        Name: `${n} Temp ${i}`,
        ReadingCelsius: 30 + (i % 20),
        DataSourceUri: id,
      });
    }
    c.write(sensors, {
      '@odata.type': '#SensorCollection.SensorCollection',
      '@odata.id': sensors,
      Name: 'Sensors',
      Members: ids.map(ref),
      'Members@odata.count': ids.length,
    });
    c.edit(chassis, (d) => {
      d.Sensors = ref(sensors);
    });
    c.edit(`${chassis}/Thermal`, (d) => {
      d.Temperatures = [...(d.Temperatures as Doc[]), ...temps];
    });
  }
  return c;
}

/** A simulator serving one derived capture, with the simulator's own inventory (a node per System). */
export async function serveCapture(copy: CaptureCopy): Promise<{ sim: Simulator; copy: CaptureCopy }> {
  const sim = await startSimulator({ fromMockup: copy.dir, adminPort: false, transitionMs: 50 });
  // The copy goes with the simulator.
  const stop = sim.stop.bind(sim);
  sim.stop = async () => {
    await stop();
    rmSync(dirname(copy.dir), { recursive: true, force: true });
  };
  return { sim, copy };
}
