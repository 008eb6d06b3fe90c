/** What every generated resource builder needs: the machine, the personality and URL helpers. */
import { hashString, mix } from '../../prng.js';
import type { SimMachine } from '../../machine.js';
import type { ErrorFactory } from '../errors.js';
import type { JsonObject } from '../json.js';
import type { Profile } from '../personalities.js';

export const ROOT = '/redfish/v1';

export interface Gen {
  m: SimMachine;
  p: Profile;
  errors: ErrorFactory;
  /** Normalised paths (no trailing slash) of the main resources. */
  sys: string;
  mgr: string;
  ch: string;
  /** `@odata.id` form of a path (trailing slash for iLO). */
  u(path: string): string;
  /** `{ "@odata.id": u(path) }`. */
  link(path: string): JsonObject;
  /** Frontend-local settings the machine does not model. */
  local: {
    assetTag: string;
    /** Manager DateTime set by a client: its distance from the machine's clock, and its zone. */
    clockOffsetMs: number;
    dateTimeLocalOffset: string;
  };
}

export function makeGen(m: SimMachine, p: Profile, errors: ErrorFactory): Gen {
  const u = (path: string): string => (p.trailingSlash && !path.endsWith('/') ? `${path}/` : path);
  return {
    m,
    p,
    errors,
    sys: `${ROOT}/Systems/${p.ids.system}`,
    mgr: `${ROOT}/Managers/${p.ids.manager}`,
    ch: `${ROOT}/Chassis/${p.ids.chassis}`,
    u,
    link: (path) => ({ '@odata.id': u(path) }),
    local: { assetTag: '', clockOffsetMs: 0, dateTimeLocalOffset: '+00:00' },
  };
}

/** A collection document with references to `memberPaths`. */
export function collection(
  g: Gen,
  path: string,
  type: string,
  name: string,
  memberPaths: readonly string[],
): JsonObject {
  return {
    '@odata.id': g.u(path),
    '@odata.type': `#${type}.${type}`,
    Name: name,
    Members: memberPaths.map((m) => g.link(m)),
    'Members@odata.count': memberPaths.length,
  };
}

/** A stable UUID-shaped id derived from the machine and a purpose (service root, manager...). */
export function derivedUuid(m: SimMachine, purpose: string): string {
  const words = [1, 2, 3, 4].map((i) =>
    mix(m.seed, hashString(m.name), hashString(purpose), i).toString(16).padStart(8, '0'),
  );
  const hex = words.join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Rejects PATCH properties a resource does not let clients write. */
export function rejectProperty(g: Gen, doc: JsonObject, key: string): never {
  if (key in doc || key.startsWith('@'))
    throw g.errors.error('PropertyNotWritable', [key], { related: [`#/${key}`] });
  throw g.errors.error('PropertyUnknown', [key], { related: [`#/${key}`] });
}
