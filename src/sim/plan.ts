/**
 * Which virtual BMCs a fleet has: names, flavors, personalities, mockup captures, ports. Pure.
 */
import { expandNodeset } from '../noderange/nodeset.js';
import type { VendorProfile } from './hardware.js';
import { PERSONALITIES, type Personality, type SimFlavor } from './types.js';

export type FleetFlavor = SimFlavor | 'mixed';
export type PersonalityChoice = Personality | 'mixed';
/** One personality for all, `mixed`, a list cycled over the nodes, or node pattern → personality. */
export type PersonalitySpec = PersonalityChoice | Personality[] | Record<string, Personality>;

export { PERSONALITIES } from './types.js';
const REDFISH_CYCLE: readonly Personality[] = ['generic', 'openbmc', 'idrac', 'ilo'];

export interface PlannedNode {
  name: string;
  index: number;
  flavor: SimFlavor;
  personality: Personality;
  vendor: VendorProfile;
  mockupDir?: string;
  /** 0 = ephemeral. */
  port: number;
}

export interface PlanOptions {
  nodes?: number;
  flavor?: FleetFlavor;
  personality?: PersonalitySpec;
  fromMockup?: string[];
  basePort?: number;
  nodePrefix?: string;
}

export class PlanError extends Error {
  override name = 'PlanError';
}

export function vendorOf(flavor: SimFlavor, personality: Personality): VendorProfile {
  if (flavor === 'openbmc') return 'openbmc';
  switch (personality) {
    case 'idrac':
      return 'dell';
    case 'ilo':
      return 'hpe';
    case 'openbmc':
      return 'openbmc';
    default:
      return 'generic';
  }
}

function personalityFor(
  spec: PersonalitySpec | undefined,
  name: string,
  i: number,
  patterns: Map<string, Personality>,
): Personality {
  if (spec === undefined) return 'generic';
  if (typeof spec === 'string')
    return spec === 'mixed' ? (REDFISH_CYCLE[i % REDFISH_CYCLE.length] as Personality) : spec;
  if (Array.isArray(spec)) return spec[i % spec.length] ?? 'generic';
  return patterns.get(name) ?? 'generic';
}

export function planFleet(o: PlanOptions): PlannedNode[] {
  const mockups = o.fromMockup ?? [];
  const count = o.nodes ?? (mockups.length > 0 ? mockups.length : 8);
  if (!Number.isInteger(count) || count < 1)
    throw new PlanError(`nodes must be a positive integer, got ${count}`);
  if (count > 60_000) throw new PlanError(`nodes: ${count} is more than one address can have ports for`);
  const basePort = o.basePort ?? 0;
  if (!Number.isInteger(basePort) || basePort < 0 || basePort + count - 1 > 65535)
    throw new PlanError(`base port ${basePort} with ${count} nodes does not fit in 1..65535`);
  if (basePort > 0 && basePort < 1024)
    throw new PlanError(`base port ${basePort} is privileged; use 1024 or above`);
  const prefix = o.nodePrefix ?? 'sim';
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(prefix) || /\d$/.test(prefix))
    throw new PlanError(
      `node prefix "${prefix}" must start with a letter, contain letters, digits, - or _, and not end in a digit`,
    );
  const width = Math.max(3, String(count).length);
  const flavor = o.flavor ?? 'redfish';
  const spec = o.personality;
  if (Array.isArray(spec) && spec.length === 0) throw new PlanError('personality list is empty');
  for (const p of typeof spec === 'string' ? [spec] : Array.isArray(spec) ? spec : Object.values(spec ?? {}))
    if (p !== 'mixed' && !PERSONALITIES.includes(p as Personality))
      throw new PlanError(`unknown personality "${p}" (known: ${[...PERSONALITIES, 'mixed'].join(', ')})`);

  const names = Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(width, '0')}`);
  const patterns = new Map<string, Personality>();
  if (spec && typeof spec === 'object' && !Array.isArray(spec)) {
    const known = new Set(names);
    for (const [pattern, p] of Object.entries(spec)) {
      const matched = expandNodeset(pattern);
      const unknown = matched.filter((n) => !known.has(n));
      if (unknown.length > 0) throw new PlanError(`personality for "${pattern}": no such node ${unknown[0]}`);
      for (const n of matched) patterns.set(n, p);
    }
  }

  return names.map((name, i) => {
    const port = basePort > 0 ? basePort + i : 0;
    if (mockups.length > 0) {
      const mockupDir = mockups[i % mockups.length] as string;
      return { name, index: i, flavor: 'redfish', personality: 'mockup', vendor: 'generic', mockupDir, port };
    }
    let f: SimFlavor;
    let p: Personality;
    if (flavor === 'mixed') {
      // mixed flavors: every other node speaks OpenBMC REST when a personality is fixed; with
      // mixed personalities, one node in five is OpenBMC REST and the rest cycle the Redfish ones.
      if (spec === undefined || spec === 'mixed') {
        const slot = i % 5;
        f = slot === 1 ? 'openbmc' : 'redfish';
        p =
          f === 'openbmc'
            ? 'openbmc'
            : (['generic', 'generic', 'idrac', 'ilo', 'openbmc'][slot] as Personality);
      } else {
        f = i % 2 === 1 ? 'openbmc' : 'redfish';
        p = f === 'openbmc' ? 'openbmc' : personalityFor(spec, name, Math.floor(i / 2), patterns);
      }
    } else {
      f = flavor;
      p = f === 'openbmc' ? 'openbmc' : personalityFor(spec, name, i, patterns);
    }
    if (p === 'mockup') throw new PlanError('personality "mockup" needs --from-mockup DIR');
    return { name, index: i, flavor: f, personality: p, vendor: vendorOf(f, p), port };
  });
}
