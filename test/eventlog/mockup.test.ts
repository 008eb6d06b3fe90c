/**
 * reventlog against the two real captures served by the simulator's mockup mode: DMTF's reference rack
 * server (a System log and a Manager log; its Entries carry a next link that points back at itself) and a
 * stock OpenBMC bmcweb (EventLog and HostLogger empty, a 654-entry BMC Journal). The expected values are
 * read from the capture files themselves.
 */
import { describe, it, expect } from '@jest/globals';
import {
  BMCWEB,
  DMTF_RACKMOUNT as DMTF,
  endpoints,
  fixture as read,
  startRackmountAndBmcweb,
  useFleet,
} from '../helpers/sim-harness.js';
import { reventlog } from './harness.js';
import { localStamp } from './stamp.js';

type Doc = Record<string, unknown>;
const members = (doc: Doc) => doc.Members as Doc[];

/** A capture's log: its LogService Id and entries, straight from the files. */
function captureLog(dir: string, service: string): { id: string; entries: Doc[] } {
  const svc = read(dir, service);
  return { id: svc.Id as string, entries: members(read(dir, `${service}/Entries`)) };
}

/** The line of one captured entry, built from its own fields. */
function line(logId: string, e: Doc): string {
  const stamp = localStamp(Date.parse(e.Created as string));
  const messageId = typeof e.MessageId === 'string' ? ` (MessageId: ${e.MessageId})` : '';
  return `${stamp} [${logId}/${e.Id as string}]: (${e.Severity as string}) ${e.Message as string}${messageId}`;
}

const m = useFleet(startRackmountAndBmcweb);

describe('DMTF rackmount1 capture', () => {
  const system = captureLog(DMTF, 'Systems/437XR1138R2/LogServices/Log1');
  const manager = captureLog(DMTF, 'Managers/BMC/LogServices/Log');

  it("shows the System and Manager log entries with the capture's times, severities, ids and messages, oldest first", async () => {
    expect(system.entries).toHaveLength(2);
    expect(manager.entries).toHaveLength(1);
    const expected = [
      ...system.entries.map((e) => ({ t: Date.parse(e.Created as string), l: line(system.id, e) })),
      ...manager.entries.map((e) => ({ t: Date.parse(e.Created as string), l: line(manager.id, e) })),
    ]
      .sort((a, b) => a.t - b.t)
      .map((x) => x.l);
    m.sim.admin.resetStats();
    const r = await reventlog(m.sim.inventory, m.dmtf, []);
    expect(r.code).toBe(0);
    expect(r.lines.get(m.dmtf)).toEqual(expected);
    // The self-referencing next link is never followed: Members@odata.count says both entries are in hand.
    const e = endpoints(m.sim, m.dmtf);
    expect(e['GET /redfish/v1/Systems/437XR1138R2/LogServices/Log1/Entries']).toBe(1);
    expect(Object.keys(e).filter((k) => k.includes('skiptoken'))).toEqual([]);
  });

  it("json: the capture's Created kept as sent, both logs described, nothing odd to note", async () => {
    const r = await reventlog(m.sim.inventory, m.dmtf, ['all'], { output: 'json' });
    const v = r.json!.results[0]!.value!;
    expect(v.count).toBe(3);
    expect(v.notes).toBeUndefined();
    expect(v.logs).toEqual([
      expect.objectContaining({ id: 'Log1', owner: 'System', clearable: true, selected: true, entries: 2 }),
      expect.objectContaining({ id: 'Log', owner: 'Manager', clearable: true, selected: true, entries: 1 }),
    ]);
    const first = system.entries[0]!;
    expect((v.entries as Doc[])[0]).toEqual({
      id: `Log1/${first.Id as string}`,
      log: 'Log1',
      time: new Date(Date.parse(first.Created as string)).toISOString(),
      created: first.Created,
      severity: first.Severity,
      message: first.Message,
      messageId: first.MessageId,
      entryType: first.EntryType,
      sensorType: first.SensorType,
      entryCode: first.EntryCode,
    });
  });

  it('--log Log picks the Manager log only', async () => {
    const r = await reventlog(m.sim.inventory, m.dmtf, [], { log: ['Log'] });
    expect(r.lines.get(m.dmtf)).toEqual(manager.entries.map((e) => line(manager.id, e)));
  });
});

const journal = captureLog(BMCWEB, 'Managers/bmc/LogServices/Journal');

describe('OpenBMC bmcweb capture', () => {
  it('the newest N of the Journal, read in one request (the empty EventLog and HostLogger add nothing)', async () => {
    expect(journal.entries).toHaveLength(654);
    m.sim.admin.resetStats();
    const r = await reventlog(m.sim.inventory, m.bmcweb, ['10']);
    expect(r.code).toBe(0);
    // The capture lists the journal oldest first.
    expect(r.lines.get(m.bmcweb)).toEqual(journal.entries.slice(-10).map((e) => line(journal.id, e)));
    expect(endpoints(m.sim, m.bmcweb)['GET /redfish/v1/Managers/bmc/LogServices/Journal/Entries']).toBe(1);
  });

  it("all: every Journal entry, in the capture's order", async () => {
    const r = await reventlog(m.sim.inventory, m.bmcweb, [], { output: 'json' });
    const v = r.json!.results[0]!.value!;
    expect(v.count).toBe(654);
    expect((v.entries as Doc[]).map((e) => e.id)).toEqual(
      journal.entries.map((e) => `Journal/${e.Id as string}`),
    );
    expect((v.logs as Doc[]).map((l) => [l.id, l.owner, l.clearable, l.entries])).toEqual([
      ['EventLog', 'System', true, 0],
      ['HostLogger', 'System', false, 0],
      ['Journal', 'Manager', false, 654],
    ]);
  });
});

describe('clear on the captures', () => {
  it('ClearLog where the capture offers it; logs without it are left alone and named in json', async () => {
    const r = await reventlog(m.sim.inventory, `${m.dmtf},${m.bmcweb}`, ['clear'], { output: 'json' });
    expect(r.code).toBe(0);
    const byNode = new Map(r.json!.results.map((x) => [x.node, x.value]));
    expect(byNode.get(m.dmtf)).toEqual({ op: 'clear', cleared: ['Log1', 'Log'] });
    expect(byNode.get(m.bmcweb)).toEqual({
      op: 'clear',
      cleared: ['EventLog'],
      skipped: ['HostLogger', 'Journal'],
    });

    const after = await reventlog(m.sim.inventory, m.dmtf, [], { output: 'json' });
    const entries = after.json!.results[0]!.value!.entries as Doc[];
    // The captured entries are gone; only the BMC's own "log cleared" record remains.
    expect(entries.map((e) => e.message)).toEqual(['Event log cleared']);
    const journalAfter = await reventlog(m.sim.inventory, m.bmcweb, ['1'], { log: ['Journal'] });
    expect(journalAfter.lines.get(m.bmcweb)).toEqual([line(journal.id, journal.entries.at(-1)!)]);
    const eventLog = await reventlog(m.sim.inventory, m.bmcweb, [], { log: ['EventLog'] });
    expect(eventLog.lines.get(m.bmcweb)).toEqual([
      expect.stringMatching(/\[EventLog\/\d+\]: \(OK\) Event log cleared /),
    ]);
  });
});
