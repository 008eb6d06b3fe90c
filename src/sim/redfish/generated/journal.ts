/**
 * bmcweb's `Managers/bmc/LogServices/Journal`: the BMC's own systemd journal, read-only. The simulator
 * writes the lines a phosphor BMC logs when it boots, at start and after every BMC reboot. Entry ids
 * are microseconds since the epoch and entries are `EntryType: Oem`, `OemRecordFormat: "BMC Journal
 * Entry"`, as in the bmcweb capture (test/fixtures/redfish/openbmc-bmcweb).
 */
import { isoTime, type JsonObject } from '../json.js';
import type { Router } from '../router.js';
import { collection, type Gen } from './context.js';
import { featureState, peekFeatureState } from './state.js';

const BOOT_LINES = [
  'kernel: Booting Linux on physical CPU 0x0',
  'systemd[1]: Started Phosphor Dbus Service Mapper.',
  'systemd[1]: Started Phosphor BMC State Manager.',
  'systemd[1]: Started Start bmcweb server.',
  'bmcweb[312]: Starting Redfish service on port 443',
];

interface JournalEntry {
  id: string;
  created: number;
  message: string;
}

/** The journal of a machine served by the bmcweb personality (tests compare reventlog with it). */
export function journalOf(m: Gen['m']): readonly JournalEntry[] {
  return peekFeatureState<JournalEntry[]>(m, 'journal') ?? [];
}

export const journalServicePath = (g: Gen): string => `${g.mgr}/LogServices/Journal`;

function journal(g: Gen): JournalEntry[] {
  return featureState(g.m, 'journal', () => {
    const list: JournalEntry[] = [];
    const boot = (at: number): void => {
      BOOT_LINES.forEach((message, i) => {
        // Microsecond ids, unique even when two boots share a millisecond (ManualClock in tests).
        let id = at * 1000 + i;
        while (list.some((e) => e.id === String(id))) id += BOOT_LINES.length;
        list.push({ id: String(id), created: at, message });
      });
    };
    // The BMC booted before it logged anything about the host: its first boot lines are dated a minute
    // before the oldest event log entry (or now), so `reventlog N` still shows the host's newest events.
    const oldest = g.m.log.list().reduce((t, e) => Math.min(t, e.created), g.m.clock.now());
    boot(oldest - 60_000);
    g.m.on('bmc', (ev: 'down' | 'up') => {
      if (ev === 'up') boot(g.m.clock.now());
    });
    return list;
  });
}

function entryDoc(g: Gen, e: JournalEntry): JsonObject {
  return {
    '@odata.id': g.u(`${journalServicePath(g)}/Entries/${e.id}`),
    '@odata.type': '#LogEntry.v1_9_0.LogEntry',
    Id: e.id,
    Name: 'BMC Journal Entry',
    Created: isoTime(e.created),
    EntryType: 'Oem',
    OemRecordFormat: 'BMC Journal Entry',
    Message: e.message,
    Severity: 'OK',
  };
}

export function addJournalRoutes(r: Router, g: Gen): void {
  if (!g.p.journal) return;
  journal(g);
  const path = journalServicePath(g);
  r.node(path, () => ({
    get: () => ({
      '@odata.id': g.u(path),
      '@odata.type': '#LogService.v1_1_0.LogService',
      Id: 'Journal',
      Name: 'Open BMC Journal Log Service',
      Description: 'BMC Journal Log Service',
      DateTime: isoTime(g.m.clock.now()),
      DateTimeLocalOffset: '+00:00',
      OverWritePolicy: 'WrapsWhenFull',
      Entries: g.link(`${path}/Entries`),
    }),
  }));
  r.node(`${path}/Entries`, () => ({
    pageSize: 1000,
    get: () => {
      const list = journal(g);
      return {
        ...collection(g, `${path}/Entries`, 'LogEntryCollection', 'Open BMC Journal Entries', []),
        Description: 'Collection of BMC Journal Entries',
        Members: list.map((e) => entryDoc(g, e)),
        'Members@odata.count': list.length,
      };
    },
  }));
  r.add(`${path}/Entries/:id`, ({ id }) => {
    const e = journal(g).find((x) => x.id === id);
    return e ? { get: () => entryDoc(g, e) } : undefined;
  });
}
