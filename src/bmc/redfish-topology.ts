/**
 * Which resources of a Redfish service belong together: a node's System, the Manager that serves it and
 * the Chassis that hold its hardware. Pure functions over resource documents, shared by the client
 * (src/bmc/redfish.ts: power, LED, BMC state) and the readers (src/bmc/redfish-read.ts: inventory,
 * sensors, logs), so every command picks the same Manager and Chassis — also on blade enclosures with
 * several Systems and no links between them, where taking Managers[0] or every Chassis is wrong.
 */
import { isRecord } from './errors.js';
import type { RedfishResource } from './types.js';

/** Paths compare equal with or without a trailing slash. */
export function samePath(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/** The last segment of an @odata.id (`/redfish/v1/Systems/1/` → `1`). */
export function lastSegment(id: string): string {
  return decodeURIComponent(id.replace(/\/+$/, '').split('/').pop() ?? '');
}

/** The `@odata.id` of a reference or resource. */
export function odataIdOf(v: unknown): string | undefined {
  return isRecord(v) && typeof v['@odata.id'] === 'string' ? v['@odata.id'] : undefined;
}

/** What a command needs from the Manager: its logs (reventlog) or its firmware version (rinv firm). */
export type ManagerNeed = 'LogServices' | 'FirmwareVersion';

/**
 * ManagerType preference when the System names no Manager: the BMC, then an enclosure's manager
 * (blade chassis put the logs there), then the other kinds; an AuxiliaryController (a satellite
 * controller listed before the real one on some enclosures) comes last.
 */
const MANAGER_TYPES = [
  'BMC',
  'EnclosureManager',
  'ManagementController',
  'RackManager',
  'Service',
  'FabricManager',
  'Hypervisor',
  'AuxiliaryController',
];

function managerRank(m: RedfishResource): number {
  const i = MANAGER_TYPES.indexOf(typeof m.ManagerType === 'string' ? m.ManagerType : '');
  return i < 0 ? MANAGER_TYPES.length - 1 : i; // unknown types just before AuxiliaryController
}

/** Whether Manager `m` has what the command needs. */
export function managerHas(m: RedfishResource, need: ManagerNeed): boolean {
  const v = m[need];
  return need === 'FirmwareVersion' ? typeof v === 'string' && v.trim() !== '' : odataIdOf(v) !== undefined;
}

function linksTo(m: RedfishResource, prop: string, path: string | undefined): boolean {
  const list = isRecord(m.Links) ? m.Links[prop] : undefined;
  return (
    path !== undefined &&
    Array.isArray(list) &&
    list.some((l) => {
      const id = odataIdOf(l);
      return id !== undefined && samePath(id, path);
    })
  );
}

/**
 * Which Manager serves `system` for a command that needs `need`, and why (for --debug):
 *  1. the System's Links.ManagedBy (the first one that has what is needed, else the first);
 *  2. else, among the Managers, one whose Links.ManagerForServers names the System;
 *  3. else by ManagerType (MANAGER_TYPES), preferring one that has what is needed.
 * Taking Managers[0] is wrong on enclosures that list an auxiliary controller first.
 */
export function chooseManager(
  managers: readonly RedfishResource[],
  system: RedfishResource | undefined,
  need: ManagerNeed,
): { manager: RedfishResource; why: string } | undefined {
  if (managers.length === 0) return undefined;
  const systemPath = system ? odataIdOf(system) : undefined;
  const scored = managers.map((m, i) => ({
    m,
    i,
    key: [
      linksTo(m, 'ManagerForServers', systemPath) ? 0 : 1,
      managerHas(m, need) ? 0 : 1,
      managerRank(m),
      i,
    ],
  }));
  scored.sort((a, b) => {
    for (let k = 0; k < a.key.length; k++) if (a.key[k] !== b.key[k]) return a.key[k]! - b.key[k]!;
    return 0;
  });
  const best = scored[0]!.m;
  const reasons: string[] = [];
  if (linksTo(best, 'ManagerForServers', systemPath)) reasons.push('its ManagerForServers names the System');
  reasons.push(`ManagerType ${typeof best.ManagerType === 'string' ? best.ManagerType : 'not given'}`);
  reasons.push(managerHas(best, need) ? `has ${need}` : `no Manager has ${need}`);
  return { manager: best, why: reasons.join(', ') };
}

export function refList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(odataIdOf).filter((x): x is string => x !== undefined);
  const one = odataIdOf(v);
  return one ? [one] : [];
}

function linkList(r: RedfishResource, prop: string): string[] {
  return isRecord(r.Links) ? refList(r.Links[prop]) : [];
}

function idOfResource(r: RedfishResource): string | undefined {
  if (typeof r.Id === 'string' && r.Id !== '') return r.Id;
  const path = odataIdOf(r);
  return path ? lastSegment(path) : undefined;
}

const inPaths = (paths: readonly string[], path: string | undefined) =>
  path !== undefined && paths.some((p) => samePath(p, path));

/**
 * The chassis that hold `system`'s hardware, among `chassis` (the Chassis collection), and how they
 * were found. A BMC with several Systems (blade enclosures, Node0..Node3) must never have one node
 * show another's sensors:
 *  1. linked: the System's Links.Chassis, or a chassis whose Links.ComputerSystems names the System;
 *  2. else the chassis with the System's Id (`Systems/Node0` ↔ `Chassis/Node0`);
 *  then the chassis those are contained in (Links.ContainedBy, or Links.Contains naming them), and
 *  the chassis no System claims (by links or Id): the enclosure's shared fans and supplies.
 * With one System every chassis is its own unless linked to other systems only. With several and none
 * of the System's own found: only the shared chassis, which the caller notes. A chassis another System
 * claims is never included. `own` is the System's own chassis (1. or 2.; every chosen one with one
 * System), for callers that want those first (an LED, a power state).
 */
export function chassisOfSystem(
  system: RedfishResource,
  systems: readonly RedfishResource[],
  chassis: readonly RedfishResource[],
): { chassis: RedfishResource[]; own: RedfishResource[]; how: string } {
  const sysPath = odataIdOf(system);
  // One System: every chassis is its own (baseboard, backplane, supplies; Intel lists 7), except
  // one whose Links.ComputerSystems names only other systems.
  if (systems.length <= 1) {
    const mine = chassis.filter((c) => {
      const linked = linkList(c, 'ComputerSystems');
      return linked.length === 0 || inPaths(linked, sysPath);
    });
    return { chassis: mine, own: mine, how: 'the only System: every chassis not linked to another' };
  }
  const sysLinks = linkList(system, 'Chassis');
  let own = chassis.filter(
    (c) => inPaths(sysLinks, odataIdOf(c)) || inPaths(linkList(c, 'ComputerSystems'), sysPath),
  );
  let how = 'linked to the System (Links)';
  if (own.length === 0) {
    const id = idOfResource(system);
    own = chassis.filter((c) => id !== undefined && idOfResource(c) === id);
    how = `with the System's Id ${id ?? '?'}`;
  }
  // Chassis that no System claims (by links or Id): shared by the nodes (an enclosure's fans and
  // supplies), shown with every node, under their own chassis Id.
  const claimed = (c: RedfishResource) =>
    systems.some(
      (s) =>
        inPaths(linkList(s, 'Chassis'), odataIdOf(c)) ||
        inPaths(linkList(c, 'ComputerSystems'), odataIdOf(s)) ||
        (idOfResource(s) !== undefined && idOfResource(s) === idOfResource(c)),
    );
  const shared = (extra: readonly RedfishResource[]) =>
    chassis.filter((c) => !own.includes(c) && !extra.includes(c) && !claimed(c));
  if (own.length === 0) {
    return {
      chassis: shared([]),
      own: [],
      how: 'none linked to the System or with its Id: shared chassis only',
    };
  }
  const ownPaths = own.map(odataIdOf).filter((p): p is string => p !== undefined);
  const containers = chassis.filter(
    (c) =>
      !own.includes(c) &&
      (own.some((o) => inPaths(linkList(o, 'ContainedBy'), odataIdOf(c))) ||
        linkList(c, 'Contains').some((p) => inPaths(ownPaths, p))),
  );
  const rest = shared(containers);
  const picked = new Set([...own, ...containers, ...rest]);
  const all = chassis.filter((c) => picked.has(c)); // in collection order
  const plus = containers.length + rest.length > 0 ? `${how}, and the enclosure or shared chassis` : how;
  return { chassis: all, own, how: plus };
}
