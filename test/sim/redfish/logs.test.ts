import { describe, it, expect } from '@jest/globals';
import { makeBmc, messageId, type Body, type TestBmc } from './helpers.js';

const LOG = '/redfish/v1/Systems/1/LogServices/Log';

/** Follows Members@odata.nextLink like a client, guarding against loops. */
function readAll(b: TestBmc, start: string): { ids: string[]; pages: number } {
  const ids: string[] = [];
  const seen = new Set<string>();
  let next: string | undefined = start;
  let pages = 0;
  while (next && !seen.has(next)) {
    seen.add(next);
    const page = b.doc(next);
    pages++;
    for (const m of page.Members as Body[]) ids.push(m.Id as string);
    next = page['Members@odata.nextLink'] as string | undefined;
  }
  return { ids, pages };
}

describe('LogServices', () => {
  it('the generic System has a Log service with ClearLog and Entries', () => {
    const b = makeBmc('generic', { logEntries: 3 });
    expect(b.doc('/redfish/v1/Systems/1/LogServices').Members).toEqual([{ '@odata.id': LOG }]);
    const svc = b.doc(LOG);
    expect(svc).toMatchObject({
      Id: 'Log',
      OverWritePolicy: 'WrapsWhenFull',
      Entries: { '@odata.id': `${LOG}/Entries` },
      Actions: { '#LogService.ClearLog': { target: `${LOG}/Actions/LogService.ClearLog` } },
    });
    const entries = b.doc(`${LOG}/Entries`);
    expect(entries['Members@odata.count']).toBe(3);
    const first = (entries.Members as Body[])[0] as Body;
    expect(first).toMatchObject({ Id: '1', EntryType: 'Event', MessageId: 'HwctlSim.1.0.RoutineEvent' });
    expect(b.doc(`${LOG}/Entries/1`)).toMatchObject(first);
    expect(b.get(`${LOG}/Entries/99`).status).toBe(404);
  });

  it('pages many entries with Members@odata.nextLink; the count is the total', () => {
    const b = makeBmc('generic', { logEntries: 120 });
    const page1 = b.doc(`${LOG}/Entries`);
    expect((page1.Members as Body[]).length).toBe(50);
    expect(page1['Members@odata.count']).toBe(120);
    expect(page1['Members@odata.nextLink']).toBe(`${LOG}/Entries?$skip=50`);
    const all = readAll(b, `${LOG}/Entries`);
    expect(all.pages).toBe(3);
    expect(all.ids).toEqual(Array.from({ length: 120 }, (_, i) => String(i + 1)));
  });

  it('honours $top and $skip, and keeps $top in the nextLink', () => {
    const b = makeBmc('generic', { logEntries: 30 });
    const page = b.doc(`${LOG}/Entries?$top=10&$skip=5`);
    expect((page.Members as Body[]).map((m) => m.Id)).toEqual([
      '6',
      '7',
      '8',
      '9',
      '10',
      '11',
      '12',
      '13',
      '14',
      '15',
    ]);
    expect(page['Members@odata.nextLink']).toBe(`${LOG}/Entries?$skip=15&$top=10`);
    expect(readAll(b, `${LOG}/Entries?$top=7`).ids.length).toBe(30);
    const last = b.doc(`${LOG}/Entries?$skip=25`);
    expect(last['Members@odata.nextLink']).toBeUndefined();
    expect((last.Members as Body[]).length).toBe(5);
  });

  it('ClearLog empties the log but for the entry saying so; later events are added', () => {
    const b = makeBmc('generic', { logEntries: 40 });
    expect(b.call('POST', `${LOG}/Actions/LogService.ClearLog`, { body: {} }).status).toBe(204);
    let entries = b.doc(`${LOG}/Entries`);
    expect((entries.Members as Body[]).map((m) => m.MessageId)).toEqual(['HwctlSim.1.0.LogCleared']);
    b.call('POST', '/redfish/v1/Systems/1/Actions/ComputerSystem.Reset', { body: { ResetType: 'ForceOff' } });
    entries = b.doc(`${LOG}/Entries`);
    expect(entries['Members@odata.count']).toBe(2);
    const bad = b.call('POST', `${LOG}/Actions/LogService.ClearLog`, { body: { Now: true } });
    expect([bad.status, messageId(bad)]).toEqual([400, 'Base.1.16.ActionParameterUnknown']);
    // an empty body is fine too (OpenBMC and iDRAC clients send none)
    expect(b.call('POST', `${LOG}/Actions/LogService.ClearLog`).status).toBe(204);
  });

  it('faults add entries too: a hung OS, a sensor over its threshold', () => {
    const b = makeBmc('generic');
    b.machine.quiesce();
    b.machine.overrideSensor('inlet_temp', 46);
    const entries = b.doc(`${LOG}/Entries`).Members as Body[];
    expect(entries.map((e) => [e.MessageId, e.Severity])).toEqual([
      ['HwctlSim.1.0.HostQuiesced', 'Critical'],
      ['HwctlSim.1.0.SensorThresholdCrossed', 'Critical'],
    ]);
    expect((b.doc('/redfish/v1/Systems/1').Status as Body).Health).toBe('Critical');
    const inlet = b.doc('/redfish/v1/Chassis/1/Sensors/inlet_temp');
    expect(inlet).toMatchObject({ Reading: 46, Status: { Health: 'Critical' } });
  });

  it('personalities put the log where the vendor does: OpenBMC EventLog, iDRAC Sel on the Manager, iLO IML', () => {
    const where: [string, string, number][] = [
      ['openbmc', '/redfish/v1/Systems/system/LogServices/EventLog/Entries', 1000],
      ['idrac', '/redfish/v1/Managers/iDRAC.Embedded.1/LogServices/Sel/Entries', 50],
      ['ilo', '/redfish/v1/Systems/1/LogServices/IML/Entries/', 40],
    ];
    for (const [p, path, pageSize] of where) {
      const b = makeBmc(p as 'generic', { logEntries: 1200 });
      const page = b.doc(path);
      expect([p, (page.Members as Body[]).length, page['Members@odata.count']]).toEqual([p, pageSize, 1200]);
    }
    const idrac = makeBmc('idrac', { logEntries: 1 });
    const entry = (
      idrac.doc('/redfish/v1/Managers/iDRAC.Embedded.1/LogServices/Sel/Entries').Members as Body[]
    )[0];
    expect(entry).toMatchObject({ EntryType: 'SEL', EntryCode: 'Assert', SensorType: 'System Event' });
    expect(idrac.doc('/redfish/v1/Systems/System.Embedded.1').LogServices).toBeUndefined();
  });
});
