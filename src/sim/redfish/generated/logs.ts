/** The LogService holding the machine's event log, under the System or the Manager per personality. */
import type { LogEntry } from '../../machine.js';
import { isObject, isoTime, type JsonObject } from '../json.js';
import type { Router } from '../router.js';
import { parseJsonBody } from '../tree.js';
import { collection, rejectProperty, type Gen } from './context.js';
import { dumpServicePath } from './dump.js';

export function logPaths(g: Gen): { parent: string; services: string; log: string; entries: string } {
  const parent = g.p.log.parent === 'system' ? g.sys : g.mgr;
  const services = `${parent}/LogServices`;
  const log = `${services}/${g.p.log.id}`;
  return { parent, services, log, entries: `${log}/Entries` };
}

function logServiceDoc(g: Gen): JsonObject {
  const p = logPaths(g);
  const l = g.p.log;
  return {
    '@odata.id': g.u(p.log),
    '@odata.type': '#LogService.v1_3_0.LogService',
    Id: l.id,
    Name: l.name,
    Description: l.description,
    MaxNumberOfRecords: g.m.log.maxEntries,
    OverWritePolicy: 'WrapsWhenFull',
    LogEntryType: l.entryType === 'Oem' ? 'OEM' : l.entryType,
    DateTime: isoTime(g.m.clock.now()),
    DateTimeLocalOffset: '+00:00',
    ServiceEnabled: true,
    Status: { State: 'Enabled', Health: 'OK' },
    Entries: g.link(p.entries),
    Actions: { '#LogService.ClearLog': { target: g.u(`${p.log}/Actions/LogService.ClearLog`) } },
  };
}

export function logEntryDoc(g: Gen, e: LogEntry): JsonObject {
  const p = logPaths(g);
  const l = g.p.log;
  const doc: JsonObject = {
    '@odata.id': g.u(`${p.entries}/${e.id}`),
    '@odata.type': '#LogEntry.v1_15_0.LogEntry',
    Id: String(e.id),
    Name: l.entryType === 'SEL' ? 'Log Entry' : `${l.name} Entry`,
    Created: isoTime(e.created),
    EntryType: l.entryType,
    Severity: e.severity,
    Message: e.message,
    MessageId: e.messageId,
    MessageArgs: [...e.messageArgs],
    Resolved: e.resolved,
  };
  if (l.entryType === 'SEL') {
    doc.EntryCode = 'Assert';
    if (e.sensorType) doc.SensorType = e.sensorType;
  }
  if (l.entryType === 'Oem') doc.OemRecordFormat = l.oemRecordFormat ?? 'Hwctl';
  return doc;
}

/** `Resolved` is the one writable property of an entry (bmcweb: PATCH {"Resolved": true}). */
function patchEntry(g: Gen, e: LogEntry, body: JsonObject): undefined {
  const doc = logEntryDoc(g, e);
  let resolved: boolean | undefined;
  for (const [k, v] of Object.entries(body)) {
    if (k !== 'Resolved') rejectProperty(g, doc, k);
    if (typeof v !== 'boolean')
      throw g.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: ['#/Resolved'] });
    resolved = v;
  }
  if (resolved !== undefined) e.resolved = resolved;
  return undefined;
}

export function addLogRoutes(r: Router, g: Gen): void {
  const p = logPaths(g);
  // The Manager's collection also lists the dump service where the personality has one (dump.ts).
  const members = g.p.dump && p.parent === g.mgr ? [p.log, dumpServicePath(g)] : [p.log];
  r.node(p.services, () => ({
    get: () => collection(g, p.services, 'LogServiceCollection', 'Log Service Collection', members),
  }));
  r.node(p.log, () => ({ get: () => logServiceDoc(g) }));
  r.node(p.entries, () => ({
    pageSize: g.p.log.pageSize,
    get: () => {
      const entries = g.m.log.list();
      return {
        ...collection(g, p.entries, 'LogEntryCollection', `${g.p.log.name} Entries`, []),
        Members: entries.map((e) => logEntryDoc(g, e)),
        'Members@odata.count': entries.length,
      };
    },
  }));
  r.add(`${p.entries}/:id`, ({ id }) => {
    const n = /^\d+$/.test(id ?? '') ? Number(id) : NaN;
    const e = g.m.log.get(n);
    if (!e) return undefined;
    const get = () => logEntryDoc(g, g.m.log.get(n) ?? e);
    return g.p.log.resolvable ? { get, patch: (body) => patchEntry(g, e, body) } : { get };
  });
  r.node(`${p.log}/Actions/LogService.ClearLog`, () => ({
    post: (ctx) => {
      const body = parseJsonBody(ctx);
      if (!isObject(body)) throw g.errors.error('MalformedJSON');
      for (const k of Object.keys(body))
        throw g.errors.error('ActionParameterUnknown', ['#LogService.ClearLog', k]);
      g.m.clearLog();
      return undefined;
    },
  }));
}
