/**
 * `Systems/<id>/Storage/1`: the drives of the machine and, where the personality has them, its
 * `Volumes` (sushy-tools' emulated volumes): a collection that takes POST (create: `CapacityBytes`,
 * optional `Name`, `RAIDType`, `Links.Drives`) answering 201 with `Location`, and DELETE of a member.
 */
import type { SimResponse } from '../../types.js';
import { isObject, type JsonObject } from '../json.js';
import type { Router } from '../router.js';
import { parseJsonBody } from '../tree.js';
import { collection, type Gen } from './context.js';
import { featureState } from './state.js';

const RAID_TYPES = ['RAID0', 'RAID1'];

interface VolumeState {
  id: string;
  name: string;
  capacityBytes: number;
  raidType: string;
  drives: string[];
}

const storagePath = (g: Gen): string => `${g.sys}/Storage/1`;

function volumes(g: Gen): VolumeState[] {
  return featureState(g.m, 'volumes', () => {
    const d = g.m.hardware.drives[0];
    return d
      ? [
          {
            id: '1',
            name: 'Virtual Disk 1',
            capacityBytes: d.capacityBytes,
            raidType: 'RAID0',
            drives: [d.id],
          },
        ]
      : [];
  });
}

const status = { State: 'Enabled', Health: 'OK', HealthRollup: 'OK' };

function storageDoc(g: Gen): JsonObject {
  const drives = g.m.hardware.drives;
  const doc: JsonObject = {
    '@odata.id': g.u(storagePath(g)),
    '@odata.type': '#Storage.v1_9_0.Storage',
    Id: '1',
    Name: 'Storage Controller',
    Drives: drives.map((d) => g.link(`${storagePath(g)}/Drives/${d.id}`)),
    'Drives@odata.count': drives.length,
    Status: status,
  };
  if (g.p.features.volumes) doc.Volumes = g.link(`${storagePath(g)}/Volumes`);
  return doc;
}

function driveDoc(g: Gen, id: string): JsonObject | undefined {
  const d = g.m.hardware.drives.find((x) => x.id === id);
  if (!d) return undefined;
  const vols = g.p.features.volumes ? volumes(g).filter((v) => v.drives.includes(d.id)) : [];
  const doc: JsonObject = {
    '@odata.id': g.u(`${storagePath(g)}/Drives/${d.id}`),
    '@odata.type': '#Drive.v1_9_0.Drive',
    Id: d.id,
    Name: d.name,
    Manufacturer: d.manufacturer,
    Model: d.model,
    SerialNumber: d.serialNumber,
    CapacityBytes: d.capacityBytes,
    MediaType: d.mediaType,
    Protocol: d.protocol,
    Status: { State: 'Enabled', Health: 'OK' },
  };
  if (g.p.features.volumes)
    doc.Links = { Volumes: vols.map((v) => g.link(`${storagePath(g)}/Volumes/${v.id}`)) };
  return doc;
}

function volumeDoc(g: Gen, v: VolumeState): JsonObject {
  return {
    '@odata.id': g.u(`${storagePath(g)}/Volumes/${v.id}`),
    '@odata.type': '#Volume.v1_10_0.Volume',
    Id: v.id,
    Name: v.name,
    CapacityBytes: v.capacityBytes,
    RAIDType: v.raidType,
    Encrypted: false,
    Status: { State: 'Enabled', Health: 'OK' },
    Links: { Drives: v.drives.map((d) => g.link(`${storagePath(g)}/Drives/${d}`)) },
  };
}

/** Validates a create request; returns the new volume (not yet added). */
function readCreate(g: Gen, body: unknown): VolumeState {
  if (!isObject(body)) throw g.errors.error('MalformedJSON');
  const rel = (k: string) => ({ related: [`#/${k}`] });
  for (const k of Object.keys(body))
    if (!['Name', 'CapacityBytes', 'RAIDType', 'Links'].includes(k))
      throw g.errors.error('PropertyUnknown', [k], rel(k));
  const cap = body.CapacityBytes;
  if (cap === undefined) throw g.errors.error('PropertyMissing', ['CapacityBytes'], rel('CapacityBytes'));
  if (typeof cap !== 'number' || !Number.isInteger(cap))
    throw g.errors.error(
      'PropertyValueTypeError',
      [JSON.stringify(cap), 'CapacityBytes'],
      rel('CapacityBytes'),
    );
  const raid = body.RAIDType ?? 'RAID0';
  if (typeof raid !== 'string')
    throw g.errors.error('PropertyValueTypeError', [JSON.stringify(raid), 'RAIDType'], rel('RAIDType'));
  if (!RAID_TYPES.includes(raid))
    throw g.errors.error('PropertyValueNotInList', [raid, 'RAIDType'], rel('RAIDType'));
  const name = body.Name ?? undefined;
  if (name !== undefined && typeof name !== 'string')
    throw g.errors.error('PropertyValueTypeError', [JSON.stringify(name), 'Name'], rel('Name'));
  const all = g.m.hardware.drives;
  let drives = all.map((d) => d.id);
  if (body.Links !== undefined) {
    const links = body.Links;
    if (!isObject(links) || !Array.isArray(links.Drives) || Object.keys(links).length !== 1)
      throw g.errors.error('PropertyValueTypeError', [JSON.stringify(links), 'Links'], rel('Links'));
    drives = links.Drives.map((ref) => {
      const id = isObject(ref) && typeof ref['@odata.id'] === 'string' ? ref['@odata.id'] : '';
      const d = all.find((x) => id.replace(/\/+$/, '') === `${storagePath(g)}/Drives/${x.id}`);
      if (!d) throw g.errors.error('ResourceMissingAtURI', [id || JSON.stringify(ref)], rel('Links/Drives'));
      return d.id;
    });
  }
  if (drives.length === 0 || (raid === 'RAID1' && drives.length < 2))
    throw g.errors.error('PropertyValueNotInList', [raid, 'RAIDType'], rel('RAIDType'));
  const sizes = drives.map((id) => all.find((d) => d.id === id)?.capacityBytes ?? 0);
  const usable = raid === 'RAID1' ? Math.min(...sizes) : sizes.reduce((a, b) => a + b, 0);
  if (cap <= 0 || cap > usable)
    throw g.errors.error('PropertyValueOutOfRange', [String(cap), 'CapacityBytes'], rel('CapacityBytes'));
  const ids = volumes(g).map((v) => Number(v.id));
  const id = String(Math.max(0, ...ids) + 1);
  return { id, name: name ?? `Virtual Disk ${id}`, capacityBytes: cap, raidType: raid, drives };
}

export function addStorageRoutes(r: Router, g: Gen): void {
  const base = storagePath(g);
  r.node(`${g.sys}/Storage`, () => ({
    get: () => collection(g, `${g.sys}/Storage`, 'StorageCollection', 'Storage Collection', [base]),
  }));
  r.node(base, () => ({ get: () => storageDoc(g) }));
  r.add(`${base}/Drives/:id`, ({ id }) => {
    const doc = driveDoc(g, id ?? '');
    return doc ? { get: () => driveDoc(g, id ?? '') ?? doc } : undefined;
  });
  if (!g.p.features.volumes) return;
  r.node(`${base}/Volumes`, () => ({
    get: () =>
      collection(
        g,
        `${base}/Volumes`,
        'VolumeCollection',
        'Volume Collection',
        volumes(g).map((v) => `${base}/Volumes/${v.id}`),
      ),
    post: (ctx): SimResponse => {
      const v = readCreate(g, parseJsonBody(ctx));
      volumes(g).push(v);
      g.m.addLog('OK', 'HwctlSim.1.0.VolumeCreated', `Volume ${v.id} (${v.raidType}) created`);
      const doc = volumeDoc(g, v);
      return {
        status: 201,
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'OData-Version': '4.0',
          Location: doc['@odata.id'] as string,
        },
        body: doc,
      };
    },
  }));
  r.add(`${base}/Volumes/:id`, ({ id }) => {
    const v = volumes(g).find((x) => x.id === id);
    if (!v) return undefined;
    return {
      get: () => volumeDoc(g, v),
      delete: () => {
        const list = volumes(g);
        const i = list.indexOf(v);
        if (i >= 0) list.splice(i, 1);
        g.m.addLog('OK', 'HwctlSim.1.0.VolumeDeleted', `Volume ${v.id} deleted`);
        return undefined;
      },
    };
  });
}
