/**
 * What the host boots from. `BootOptions` (one per boot device: disk, PXE, the virtual CD and USB)
 * and `Boot.BootOrder` (PATCHable) say what a normal boot tries; a boot override (`Once`/`Continuous`)
 * wins; a `Cd`/`Usb` target boots the virtual media inserted in a slot of that kind. Each boot is
 * recorded (the System's `Oem.HwctlSim.LastBootSource` and an event log entry), so a test or a
 * pipeline can see that "insert ISO, one-time boot to Cd, reset" really booted the ISO.
 */
import { isString, patchArrayProperty } from '../array-patch.js';
import type { BootRecord } from '../../machine.js';
import { isoTime, type Json, type JsonObject } from '../json.js';
import type { Router } from '../router.js';
import { collection, rejectProperty, type Gen } from './context.js';
import { featureState } from './state.js';
import { peekVmedia, slotTargets, type MediaSlotState } from './vmedia.js';

interface BootOptionDef {
  ref: string;
  alias: string;
  display: string;
  path: string;
}

const OPTIONS: readonly BootOptionDef[] = [
  {
    ref: 'Boot0000',
    alias: 'Hdd',
    display: 'Hard Disk 0',
    path: 'PciRoot(0x0)/Pci(0x17,0x0)/Sata(0x0,0xFFFF,0x0)',
  },
  {
    ref: 'Boot0001',
    alias: 'Pxe',
    display: 'UEFI PXE IPv4 (NIC 1)',
    path: 'PciRoot(0x0)/Pci(0x1C,0x0)/Pci(0x0,0x0)/IPv4(0.0.0.0)',
  },
  {
    ref: 'Boot0002',
    alias: 'Cd',
    display: 'Virtual CD/DVD',
    path: 'PciRoot(0x0)/Pci(0x14,0x0)/USB(0x3,0x0)/CDROM(0x0)',
  },
  {
    ref: 'Boot0003',
    alias: 'Usb',
    display: 'Virtual USB Key',
    path: 'PciRoot(0x0)/Pci(0x14,0x0)/USB(0x4,0x0)',
  },
];

export interface BootSource {
  at: number;
  /** `Override` (BootSourceOverride), `BootOrder`, or iLO's `BootOnNextServerReset`. */
  via: 'Override' | 'BootOrder' | 'BootOnNextServerReset';
  target: string;
  bootOption?: string;
  /** The virtual media image booted, when it was one. */
  image?: string;
}

interface BootState {
  order: string[];
  enabled: Record<string, boolean>;
  last?: BootSource;
}

function insertedFor(
  slots: Map<string, MediaSlotState> | undefined,
  target: string,
): MediaSlotState | undefined {
  for (const s of slots?.values() ?? [])
    if (s.inserted && s.image !== null && slotTargets(s.slot).includes(target)) return s;
  return undefined;
}

/** Decides the boot source of a boot that just ended its PoweringOn. */
function resolveBoot(g: Gen, s: BootState, rec: BootRecord): BootSource {
  const slots = peekVmedia(g.m);
  const hpe = [...(slots?.values() ?? [])].find((x) => x.bootOnNextReset && x.inserted && x.image !== null);
  if (hpe) {
    hpe.bootOnNextReset = false;
    const target = slotTargets(hpe.slot)[0] as string;
    return { at: rec.at, via: 'BootOnNextServerReset', target, image: hpe.image as string };
  }
  if (rec.target !== 'None') {
    const removable = ['Cd', 'Usb', 'Floppy'].includes(rec.target);
    const media = removable ? insertedFor(slots, rec.target) : undefined;
    if (media) return { at: rec.at, via: 'Override', target: rec.target, image: media.image as string };
    // A removable target with nothing inserted falls through to the boot order, as firmware does.
    if (!removable) return { at: rec.at, via: 'Override', target: rec.target };
  }
  for (const ref of s.order) {
    const o = OPTIONS.find((x) => x.ref === ref);
    if (!o || !s.enabled[ref]) continue;
    if (o.alias === 'Cd' || o.alias === 'Usb') {
      const media = insertedFor(slots, o.alias);
      if (media)
        return {
          at: rec.at,
          via: 'BootOrder',
          target: o.alias,
          bootOption: ref,
          image: media.image as string,
        };
      continue;
    }
    return { at: rec.at, via: 'BootOrder', target: o.alias, bootOption: ref };
  }
  return { at: rec.at, via: 'BootOrder', target: 'None' };
}

function bootState(g: Gen): BootState {
  return featureState(g.m, 'boot', () => {
    const s: BootState = {
      order: OPTIONS.map((o) => o.ref),
      enabled: Object.fromEntries(OPTIONS.map((o) => [o.ref, true])),
    };
    g.m.on('boot', (rec: BootRecord) => {
      s.last = resolveBoot(g, s, rec);
      const what = s.last.image ? `virtual media ${s.last.image}` : s.last.target;
      g.m.addLog('OK', 'HwctlSim.1.0.BootSource', `Host booted from ${what} (${s.last.via})`);
    });
    return s;
  });
}

/** The last boot's source (tests). */
export function lastBootSource(g: Gen): BootSource | undefined {
  return bootState(g).last;
}

/** `Oem.HwctlSim` of the System: what the last boot booted from. */
export function bootSourceOem(g: Gen): JsonObject | undefined {
  const last = bootState(g).last;
  if (!last) return undefined;
  const out: JsonObject = { Time: isoTime(last.at), Via: last.via, Target: last.target };
  if (last.bootOption) out.BootOptionReference = last.bootOption;
  if (last.image) out.Image = last.image;
  return { LastBootSource: out };
}

/** Properties the System's `Boot` gets from this feature. */
export function bootOrderProps(g: Gen): JsonObject {
  if (!g.p.features.bootOptions) return {};
  return { BootOrder: [...bootState(g).order], BootOptions: g.link(`${g.sys}/BootOptions`) };
}

/**
 * Validates `Boot.BootOrder`; returns a function that applies it. The request is a DSP0266 array PATCH
 * over the order as shown (`{}` keeps the option at that index, `null` removes it). Every option keeps a
 * place in the order, as on the BMCs modelled: one the result does not list (removed, truncated away or
 * never listed) follows the listed ones, in its previous relative order.
 */
export function readBootOrder(g: Gen, v: Json): () => void {
  const where = { related: ['#/Boot/BootOrder'] };
  const current = bootState(g).order;
  const refs = patchArrayProperty(g.errors, 'BootOrder', '#/Boot/BootOrder', current, v, isString);
  for (const ref of refs)
    if (!OPTIONS.some((o) => o.ref === ref))
      throw g.errors.error('PropertyValueNotInList', [ref, 'BootOrder'], where);
  if (new Set(refs).size !== refs.length)
    throw g.errors.error('PropertyValueFormatError', [JSON.stringify(v), 'BootOrder'], where);
  return () => {
    const s = bootState(g);
    s.order = [...refs, ...s.order.filter((r) => !refs.includes(r))];
  };
}

function optionDoc(g: Gen, o: BootOptionDef): JsonObject {
  return {
    '@odata.id': g.u(`${g.sys}/BootOptions/${o.ref}`),
    '@odata.type': '#BootOption.v1_0_0.BootOption',
    Id: o.ref,
    Name: o.display,
    Description: `Boot option ${o.ref}`,
    BootOptionReference: o.ref,
    DisplayName: o.display,
    BootOptionEnabled: bootState(g).enabled[o.ref] ?? true,
    Alias: o.alias,
    UefiDevicePath: o.path,
  };
}

export function addBootOptionRoutes(r: Router, g: Gen): void {
  bootState(g); // records boot sources on every personality
  if (!g.p.features.bootOptions) return;
  const base = `${g.sys}/BootOptions`;
  r.node(base, () => ({
    get: () =>
      collection(
        g,
        base,
        'BootOptionCollection',
        'Boot Option Collection',
        OPTIONS.map((o) => `${base}/${o.ref}`),
      ),
  }));
  r.add(`${base}/:id`, ({ id }) => {
    const o = OPTIONS.find((x) => x.ref === id);
    if (!o) return undefined;
    return {
      get: () => optionDoc(g, o),
      patch: (body) => {
        const doc = optionDoc(g, o);
        for (const [k, v] of Object.entries(body)) {
          if (k !== 'BootOptionEnabled') rejectProperty(g, doc, k);
          if (typeof v !== 'boolean')
            throw g.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: [`#/${k}`] });
        }
        bootState(g).enabled[o.ref] = body.BootOptionEnabled as boolean;
        return undefined;
      },
    };
  });
}
