/**
 * Roles enforced on every personality over HTTPS: a ReadOnly user reads and changes nothing (403
 * InsufficientPrivilege, the machine untouched), an Operator runs the server but not the BMC, anyone
 * ends their own session. Also the PATCH details DSP0266 asks for: arrays with `{}`/`null` elements and
 * the Manager's DateTime.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals';
import { Bmc, PERSONALITIES, messageIds, startFleet, type Fleet } from './harness.js';

let fleet: Fleet;
beforeAll(async () => {
  fleet = await startFleet();
});
afterAll(async () => {
  await fleet.sim.stop();
});
afterEach(() => {
  expect(fleet.sim.stats().openSessions).toBe(0);
});

type Json = Record<string, unknown>;
const id = (v: unknown): string => String((v as { '@odata.id': string })['@odata.id']).replace(/\/+$/, '');

async function paths(bmc: Bmc): Promise<{ system: string; manager: string; proto: string }> {
  const root = await bmc.doc('/redfish/v1/');
  const system = id(((await bmc.doc(id(root.Systems))).Members as unknown[])[0]);
  const manager = id(((await bmc.doc(id(root.Managers))).Members as unknown[])[0]);
  return { system, manager, proto: id((await bmc.doc(manager)).NetworkProtocol) };
}

for (const p of PERSONALITIES) {
  describe(`${p}: privileges`, () => {
    let bmc: Bmc;
    const users = { ReadOnly: 'rouser01', Operator: 'opuser01' } as const;
    const password = 'Secret1234';
    beforeAll(async () => {
      bmc = new Bmc(fleet, p);
      for (const [role, name] of Object.entries(users)) {
        const r = await bmc.request('POST', '/redfish/v1/AccountService/Accounts', 'admin', {
          body: { UserName: name, Password: password, RoleId: role },
        });
        expect(r.status).toBe(201);
      }
    });
    afterAll(async () => {
      for (const name of Object.values(users))
        await bmc.request('DELETE', `/redfish/v1/AccountService/Accounts/${name}`);
    });

    it('ReadOnly reads everything and changes nothing: reset, PATCH, subscriptions and other sessions are 403; its own session it may end', async () => {
      const { system, manager } = await paths(bmc);
      const s = await bmc.login(users.ReadOnly, password);
      expect((await bmc.get(system, s)).status).toBe(200);
      const before = (await bmc.doc(system)).PowerState;
      const attempts: [string, string, Json][] = [
        ['POST', `${system}/Actions/ComputerSystem.Reset`, { ResetType: 'ForceOff' }],
        ['PATCH', system, { AssetTag: 'nope' }],
        ['PATCH', manager, { DateTimeLocalOffset: '+01:00' }],
        [
          'POST',
          '/redfish/v1/EventService/Subscriptions',
          { Destination: 'http://192.0.2.1/e', Protocol: 'Redfish' },
        ],
        ['PATCH', '/redfish/v1/SessionService', { SessionTimeout: 600 }],
        [
          'POST',
          '/redfish/v1/AccountService/Accounts',
          { UserName: 'x1', Password: 'Xyzxyz1234', RoleId: 'ReadOnly' },
        ],
      ];
      for (const [method, path, body] of attempts) {
        const r = await bmc.request(method, path, s, { body, headers: { 'If-Match': '*' } });
        expect([method, path, r.status, messageIds(r.json())]).toEqual([
          method,
          path,
          403,
          ['InsufficientPrivilege'],
        ]);
      }
      expect((await bmc.doc(system)).PowerState).toBe(before);
      const admin = await bmc.login();
      expect((await bmc.request('DELETE', admin.location, s)).status).toBe(403);
      await bmc.logout(admin);
      expect((await bmc.request('DELETE', s.location, s)).status).toBeLessThan(300);
    });

    it('Operator resets the server and edits it, but not the BMC (ConfigureComponents without ConfigureManager)', async () => {
      const { system, manager } = await paths(bmc);
      const op = { user: users.Operator, password };
      const patch = await bmc.patch(system, { AssetTag: `op-${p}` }, op);
      expect(patch.status).toBeLessThan(300);
      expect((await bmc.doc(system)).AssetTag).toBe(`op-${p}`);
      const r = await bmc.request('POST', `${system}/Actions/ComputerSystem.Reset`, op, {
        body: { ResetType: 'ForceRestart' },
      });
      expect(r.status).toBeLessThan(300);
      const mgr = await bmc.patch(manager, { DateTimeLocalOffset: '+01:00' }, op);
      expect([mgr.status, messageIds(mgr.json())]).toEqual([403, ['InsufficientPrivilege']]);
    });
  });

  describe(`${p}: PATCH details`, () => {
    it('Manager DateTime and DateTimeLocalOffset are writable and read back', async () => {
      const bmc = new Bmc(fleet, p);
      const { manager } = await paths(bmc);
      const bad = await bmc.patch(manager, { DateTime: 'yesterday' });
      expect(bad.status).toBe(400);
      expect((await bmc.patch(manager, { DateTime: '2030-01-02T03:04:05+00:00' })).status).toBeLessThan(300);
      const doc = await bmc.doc(manager);
      const drift = Date.parse(String(doc.DateTime)) - Date.parse('2030-01-02T03:04:05Z');
      expect(drift).toBeGreaterThanOrEqual(0);
      expect(drift).toBeLessThan(5000);
      expect((await bmc.patch(manager, { DateTimeLocalOffset: '+05:30' })).status).toBeLessThan(300);
      const local = await bmc.doc(manager);
      expect(local.DateTimeLocalOffset).toBe('+05:30');
      expect(String(local.DateTime)).toMatch(/\+05:30$/);
      // the same instant, written in the new zone
      expect(Math.abs(Date.parse(String(local.DateTime)) - Date.parse(String(doc.DateTime)))).toBeLessThan(
        5000,
      );
      await bmc.patch(manager, { DateTimeLocalOffset: '+00:00' });
    });

    it(
      p === 'ilo'
        ? 'iLO keeps NTP servers in its Oem DateTime resource: NetworkProtocol has no NTP array to PATCH'
        : 'NTPServers: null removes an element, {} keeps one, a shorter array truncates (REQ_PATCH_ARRAY_*)',
      async () => {
        const bmc = new Bmc(fleet, p);
        const { proto } = await paths(bmc);
        const servers = async (): Promise<unknown[]> =>
          ((await bmc.doc(proto)).NTP as Json).NTPServers as unknown[];
        if (p === 'ilo') {
          expect((await bmc.doc(proto)).NTP).toBeUndefined();
          return;
        }
        const original = await servers();
        const set = async (list: unknown[]): Promise<void> => {
          const r = await bmc.patch(proto, { NTP: { NTPServers: list } });
          expect([list, r.status]).toEqual([list, expect.any(Number)]);
          expect(r.status).toBeLessThan(300);
        };
        // iDRAC shows three slots, padded with "" (as the real one does): pad the expectations the same way
        const pad = (l: string[]): string[] =>
          p === 'idrac' ? [...l, '', '', ''].slice(0, Math.max(3, l.length)) : l;
        await set(['time-a-b.nist.gov', 'time-b-b.nist.gov']);
        expect(await servers()).toEqual(pad(['time-a-b.nist.gov', 'time-b-b.nist.gov']));
        await set([null, 'time-b-b.nist.gov']);
        expect(await servers()).toEqual(pad(['time-b-b.nist.gov']));
        await set(['time-a-b.nist.gov', 'time-b-b.nist.gov']);
        await set([{}, 'time-d-b.nist.gov']);
        expect(await servers()).toEqual(pad(['time-a-b.nist.gov', 'time-d-b.nist.gov']));
        await set(['time-b-b.nist.gov']);
        expect(await servers()).toEqual(pad(['time-b-b.nist.gov']));
        const wrong = await bmc.patch(proto, { NTP: { NTPServers: [42] } });
        expect(wrong.status).toBe(400);
        await set(original.filter((s) => s !== ''));
      },
    );
  });
}
