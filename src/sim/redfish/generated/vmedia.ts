/**
 * Virtual media as sushy-tools emulates it (`Managers/<id>/VirtualMedia/<slot>`): InsertMedia and
 * EjectMedia actions, PATCH of `Image`/`Inserted`/`WriteProtected`, and — the point of it — a host
 * booting with a one-time `Cd` (or `Usb`/`Floppy`) override boots the inserted image (bootoptions.ts
 * decides the boot source). iLO adds its Oem.Hpe shapes: `BootOnNextServerReset` and the
 * `HpeiLOVirtualMedia` Insert/Eject actions ilorest's `virtualmedia` command posts.
 */
import { isObject, type Json, type JsonObject } from '../json.js';
import type { VirtualMediaSlot } from '../personalities.js';
import type { Router } from '../router.js';
import { parseJsonBody, type RequestContext } from '../tree.js';
import { collection, rejectProperty, type Gen } from './context.js';
import { featureState, peekFeatureState } from './state.js';

export const TRANSFER_PROTOCOLS = ['CIFS', 'FTP', 'SFTP', 'HTTP', 'HTTPS', 'NFS', 'SCP', 'TFTP', 'OEM'];

export interface MediaSlotState {
  slot: VirtualMediaSlot;
  image: string | null;
  inserted: boolean;
  writeProtected: boolean;
  transferProtocol: string | null;
  userName: string | null;
  /** iLO: boot this medium at the next server reset (cleared by that boot). */
  bootOnNextReset: boolean;
}

const KEY = 'vmedia';

export function vmediaState(g: Gen): Map<string, MediaSlotState> {
  return featureState(g.m, KEY, () => {
    const slots = new Map<string, MediaSlotState>();
    for (const slot of g.p.features.vmedia?.slots ?? [])
      slots.set(slot.id, {
        slot,
        image: null,
        inserted: false,
        writeProtected: true,
        transferProtocol: null,
        userName: null,
        bootOnNextReset: false,
      });
    return slots;
  });
}

/** The slots of a machine (empty when its personality has no virtual media). */
export function peekVmedia(m: Gen['m']): Map<string, MediaSlotState> | undefined {
  return peekFeatureState<Map<string, MediaSlotState>>(m, KEY);
}

/** The boot target a slot serves: CD/DVD media boot as `Cd`, the others as `Usb` (and `Floppy`). */
export function slotTargets(slot: VirtualMediaSlot): string[] {
  return slot.mediaTypes.some((t) => t === 'CD' || t === 'DVD') ? ['Cd'] : ['Usb', 'Floppy'];
}

const base = (g: Gen): string => `${g.mgr}/VirtualMedia`;

function mediaDoc(g: Gen, s: MediaSlotState): JsonObject {
  const path = `${base(g)}/${s.slot.id}`;
  const doc: JsonObject = {
    '@odata.id': g.u(path),
    '@odata.type': '#VirtualMedia.v1_6_0.VirtualMedia',
    Id: s.slot.id,
    Name: s.slot.name,
    Description: 'Virtual media slot',
    MediaTypes: [...s.slot.mediaTypes],
    Image: s.image,
    ImageName: s.image === null ? null : (s.image.split(/[/\\]/).pop() ?? s.image),
    Inserted: s.inserted,
    WriteProtected: s.writeProtected,
    ConnectedVia: s.inserted ? 'URI' : 'NotConnected',
    TransferMethod: 'Stream',
    TransferProtocolType: s.transferProtocol,
    UserName: s.userName,
    // Never shown back, as the schema says of every password.
    Password: null,
    Actions: {
      '#VirtualMedia.InsertMedia': { target: g.u(`${path}/Actions/VirtualMedia.InsertMedia`) },
      '#VirtualMedia.EjectMedia': { target: g.u(`${path}/Actions/VirtualMedia.EjectMedia`) },
    },
  };
  if (g.p.features.vmedia?.hpeOem) {
    doc.Oem = {
      Hpe: {
        '@odata.type': '#HpeiLOVirtualMedia.v2_2_0.HpeiLOVirtualMedia',
        BootOnNextServerReset: s.bootOnNextReset,
        Actions: {
          '#HpeiLOVirtualMedia.InsertVirtualMedia': {
            target: g.u(`${path}/Actions/Oem/Hpe/HpeiLOVirtualMedia.InsertVirtualMedia`),
          },
          '#HpeiLOVirtualMedia.EjectVirtualMedia': {
            target: g.u(`${path}/Actions/Oem/Hpe/HpeiLOVirtualMedia.EjectVirtualMedia`),
          },
        },
      },
    };
  }
  return doc;
}

/** A URI the BMC could fetch: a scheme (http, https, nfs, cifs, …) and something after it. */
function checkImage(g: Gen, v: Json | undefined, where: string, action: string | undefined): string {
  const typeError = (): Error =>
    action
      ? g.errors.error('ActionParameterValueTypeError', [JSON.stringify(v), 'Image', action])
      : g.errors.error('PropertyValueTypeError', [JSON.stringify(v), 'Image'], { related: [where] });
  if (typeof v !== 'string') throw typeError();
  if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(v))
    throw action
      ? g.errors.error('ActionParameterValueFormatError', [v, 'Image', action])
      : g.errors.error('PropertyValueFormatError', [v, 'Image'], { related: [where] });
  return v;
}

function insert(g: Gen, s: MediaSlotState, ctx: RequestContext, action: string, hpe: boolean): undefined {
  const body = parseJsonBody(ctx);
  if (!isObject(body)) throw g.errors.error('MalformedJSON');
  const allowed = hpe
    ? ['Image']
    : [
        'Image',
        'Inserted',
        'WriteProtected',
        'TransferProtocolType',
        'TransferMethod',
        'UserName',
        'Password',
      ];
  for (const k of Object.keys(body))
    if (!allowed.includes(k)) throw g.errors.error('ActionParameterUnknown', [action, k]);
  if (body.Image === undefined) throw g.errors.error('ActionParameterMissing', [action, 'Image']);
  const image = checkImage(g, body.Image, '#/Image', action);
  const bool = (k: string, dflt: boolean): boolean => {
    const v = body[k];
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean')
      throw g.errors.error('ActionParameterValueTypeError', [JSON.stringify(v), k, action]);
    return v;
  };
  const inserted = bool('Inserted', true);
  const writeProtected = bool('WriteProtected', true);
  let protocol: string | null = null;
  if (body.TransferProtocolType !== undefined) {
    const v = body.TransferProtocolType;
    if (typeof v !== 'string' || !TRANSFER_PROTOCOLS.includes(v))
      throw g.errors.error('ActionParameterValueNotInList', [String(v), 'TransferProtocolType', action]);
    protocol = v;
  }
  if (body.TransferMethod !== undefined && body.TransferMethod !== 'Stream')
    throw g.errors.error('ActionParameterValueNotInList', [
      String(body.TransferMethod),
      'TransferMethod',
      action,
    ]);
  for (const k of ['UserName', 'Password'])
    if (body[k] !== undefined && typeof body[k] !== 'string')
      throw g.errors.error('ActionParameterValueTypeError', [JSON.stringify(body[k]), k, action]);
  // A slot holds one image: a second insert must eject first (sushy-tools and the BMCs refuse it too).
  if (s.inserted) throw g.errors.error('ResourceInUse');
  s.image = image;
  s.inserted = inserted;
  s.writeProtected = writeProtected;
  s.transferProtocol = protocol ?? (/^https:/i.test(image) ? 'HTTPS' : /^http:/i.test(image) ? 'HTTP' : null);
  s.userName = typeof body.UserName === 'string' ? body.UserName : null;
  g.m.addLog('OK', 'HwctlSim.1.0.VirtualMediaInserted', `Virtual media ${s.slot.id}: ${image} inserted`);
  return undefined;
}

function eject(g: Gen, s: MediaSlotState, ctx: RequestContext, action: string): undefined {
  const body = parseJsonBody(ctx);
  if (!isObject(body)) throw g.errors.error('MalformedJSON');
  for (const k of Object.keys(body)) throw g.errors.error('ActionParameterUnknown', [action, k]);
  if (s.inserted || s.image !== null)
    g.m.addLog('OK', 'HwctlSim.1.0.VirtualMediaEjected', `Virtual media ${s.slot.id} ejected`);
  // Ejecting an empty slot is a no-op, as in sushy-tools.
  s.image = null;
  s.inserted = false;
  s.transferProtocol = null;
  s.userName = null;
  s.bootOnNextReset = false;
  return undefined;
}

/** PATCH `Image` (a URI inserts it, null or "" ejects), `Inserted`, `WriteProtected`, iLO's BootOnNextServerReset. */
function patchMedia(g: Gen, s: MediaSlotState, body: JsonObject): undefined {
  const doc = mediaDoc(g, s);
  const next = { ...s };
  for (const [k, v] of Object.entries(body)) {
    if (k === 'Image') {
      if (v === null || v === '') {
        next.image = null;
        next.inserted = false;
      } else {
        next.image = checkImage(g, v, '#/Image', undefined);
        next.inserted = true;
      }
    } else if (k === 'Inserted' || k === 'WriteProtected') {
      if (typeof v !== 'boolean')
        throw g.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: [`#/${k}`] });
      if (k === 'Inserted') next.inserted = v;
      else next.writeProtected = v;
    } else if (k === 'Oem' && g.p.features.vmedia?.hpeOem) {
      const hpe = isObject(v) ? v.Hpe : undefined;
      if (!isObject(v) || !isObject(hpe) || Object.keys(v).length !== 1)
        throw g.errors.error('PropertyValueTypeError', [JSON.stringify(v), 'Oem'], { related: ['#/Oem'] });
      for (const [hk, hv] of Object.entries(hpe)) {
        if (hk !== 'BootOnNextServerReset')
          throw g.errors.error('PropertyNotWritable', [`Oem/Hpe/${hk}`], { related: [`#/Oem/Hpe/${hk}`] });
        if (typeof hv !== 'boolean')
          throw g.errors.error('PropertyValueTypeError', [JSON.stringify(hv), hk], {
            related: [`#/Oem/Hpe/${hk}`],
          });
        next.bootOnNextReset = hv;
      }
    } else rejectProperty(g, doc, k);
  }
  if (next.inserted && next.image === null)
    throw g.errors.error('PropertyMissing', ['Image'], { related: ['#/Image'] });
  Object.assign(s, next);
  if (!s.inserted) s.bootOnNextReset = false;
  return undefined;
}

export function addVirtualMediaRoutes(r: Router, g: Gen): void {
  if (!g.p.features.vmedia) return;
  const slots = vmediaState(g);
  r.node(base(g), () => ({
    get: () =>
      collection(
        g,
        base(g),
        'VirtualMediaCollection',
        'Virtual Media Services',
        [...slots.keys()].map((id) => `${base(g)}/${id}`),
      ),
  }));
  r.add(`${base(g)}/:id`, ({ id }) => {
    const s = slots.get(id ?? '');
    return s ? { get: () => mediaDoc(g, s), patch: (body) => patchMedia(g, s, body) } : undefined;
  });
  r.add(`${base(g)}/:id/Actions/VirtualMedia.InsertMedia`, ({ id }) => {
    const s = slots.get(id ?? '');
    return s ? { post: (ctx) => insert(g, s, ctx, '#VirtualMedia.InsertMedia', false) } : undefined;
  });
  r.add(`${base(g)}/:id/Actions/VirtualMedia.EjectMedia`, ({ id }) => {
    const s = slots.get(id ?? '');
    return s ? { post: (ctx) => eject(g, s, ctx, '#VirtualMedia.EjectMedia') } : undefined;
  });
  if (!g.p.features.vmedia.hpeOem) return;
  r.add(`${base(g)}/:id/Actions/Oem/Hpe/HpeiLOVirtualMedia.InsertVirtualMedia`, ({ id }) => {
    const s = slots.get(id ?? '');
    const action = '#HpeiLOVirtualMedia.InsertVirtualMedia';
    return s ? { post: (ctx) => insert(g, s, ctx, action, true) } : undefined;
  });
  r.add(`${base(g)}/:id/Actions/Oem/Hpe/HpeiLOVirtualMedia.EjectVirtualMedia`, ({ id }) => {
    const s = slots.get(id ?? '');
    return s ? { post: (ctx) => eject(g, s, ctx, '#HpeiLOVirtualMedia.EjectVirtualMedia') } : undefined;
  });
}
