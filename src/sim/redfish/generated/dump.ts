/**
 * The BMC dump LogService of the personalities that have one (bmcweb: `Managers/bmc/LogServices/Dump`):
 * entries are the machine's completed dumps (shared with the OpenBMC REST frontend), each with its
 * bytes at `AdditionalDataURI`; `LogService.CollectDiagnosticData` starts one, `ClearLog` and DELETE of
 * an entry remove them. Unlike bmcweb, CollectDiagnosticData answers 204 rather than a Task: the dump
 * appears in Entries when complete (after the machine's transition time), which is what a client waits for.
 */
import { MachineError, type Dump } from '../../machine.js';
import { isObject, isoTime, type JsonObject } from '../json.js';
import type { Router } from '../router.js';
import { parseJsonBody } from '../tree.js';
import { journalServicePath } from './journal.js';
import { collection, type Gen } from './context.js';

export function dumpServicePath(g: Gen): string {
  return `${g.mgr}/LogServices/Dump`;
}

const COLLECT = '#LogService.CollectDiagnosticData';

function serviceDoc(g: Gen): JsonObject {
  const path = dumpServicePath(g);
  return {
    '@odata.id': g.u(path),
    '@odata.type': '#LogService.v1_3_0.LogService',
    Id: 'Dump',
    Name: 'Dump LogService',
    Description: 'BMC Dump LogService',
    OverWritePolicy: 'WrapsWhenFull',
    LogEntryType: 'Multiple',
    DateTime: isoTime(g.m.clock.now()),
    DateTimeLocalOffset: '+00:00',
    ServiceEnabled: true,
    Status: { State: 'Enabled', Health: 'OK' },
    Entries: g.link(`${path}/Entries`),
    Actions: {
      '#LogService.ClearLog': { target: g.u(`${path}/Actions/LogService.ClearLog`) },
      [COLLECT]: {
        target: g.u(`${path}/Actions/LogService.CollectDiagnosticData`),
        'DiagnosticDataType@Redfish.AllowableValues': ['Manager'],
      },
    },
  };
}

function entryDoc(g: Gen, d: Dump): JsonObject {
  const entry = `${dumpServicePath(g)}/Entries/${d.id}`;
  return {
    '@odata.id': g.u(entry),
    '@odata.type': '#LogEntry.v1_15_0.LogEntry',
    Id: String(d.id),
    Name: 'BMC Dump Entry',
    EntryType: 'Event',
    Created: isoTime(d.created),
    DiagnosticDataType: 'Manager',
    AdditionalDataURI: g.u(`${entry}/attachment`),
    AdditionalDataSizeBytes: d.size,
  };
}

function completed(g: Gen): Dump[] {
  return g.m.listDumps().filter((d) => d.completed);
}

export function addDumpRoutes(r: Router, g: Gen): void {
  const path = dumpServicePath(g);
  const entries = `${path}/Entries`;
  // Without a Manager event log the Manager's LogServices collection is the dump service's alone.
  if (g.p.log.parent !== 'manager')
    r.node(`${g.mgr}/LogServices`, () => ({
      get: () =>
        collection(g, `${g.mgr}/LogServices`, 'LogServiceCollection', 'Log Service Collection', [
          // bmcweb lists its Journal first (the capture), then the dump service.
          ...(g.p.journal ? [journalServicePath(g)] : []),
          path,
        ]),
    }));
  r.node(path, () => ({ get: () => serviceDoc(g) }));
  r.node(entries, () => ({
    get: () => {
      const list = completed(g);
      return {
        ...collection(g, entries, 'LogEntryCollection', 'BMC Dump Entries', []),
        Members: list.map((d) => entryDoc(g, d)),
        'Members@odata.count': list.length,
      };
    },
  }));
  const find = (id: string | undefined) =>
    /^\d+$/.test(id ?? '') ? completed(g).find((d) => d.id === Number(id)) : undefined;
  r.add(`${entries}/:id`, ({ id }) => {
    const d = find(id);
    if (!d) return undefined;
    return {
      get: () => entryDoc(g, d),
      delete: () => {
        g.m.deleteDump(d.id);
        return undefined;
      },
    };
  });
  r.add(`${entries}/:id/attachment`, ({ id }) => {
    const d = find(id);
    if (!d) return undefined;
    return {
      raw: () => ({
        status: 200,
        headers: { 'Content-Type': 'application/octet-stream' },
        body: g.m.dumpContent(d.id) ?? Buffer.alloc(0),
      }),
    };
  });
  r.node(`${path}/Actions/LogService.CollectDiagnosticData`, () => ({
    post: (ctx) => {
      const body = parseJsonBody(ctx);
      if (!isObject(body)) throw g.errors.error('MalformedJSON');
      const type = body.DiagnosticDataType;
      if (type === undefined) throw g.errors.error('ActionParameterMissing', [COLLECT, 'DiagnosticDataType']);
      if (type !== 'Manager')
        throw g.errors.error('ActionParameterValueNotInList', [String(type), 'DiagnosticDataType', COLLECT]);
      try {
        g.m.createDump();
      } catch (e) {
        if (e instanceof MachineError) throw g.errors.error('ResourceInUse');
        throw e;
      }
      return undefined;
    },
  }));
  r.node(`${path}/Actions/LogService.ClearLog`, () => ({
    post: () => {
      g.m.deleteAllDumps();
      return undefined;
    },
  }));
}
