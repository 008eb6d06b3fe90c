/**
 * What a generated personality serves differently is read from its Profile (personalities.ts), not from
 * its name: over HTTPS, each answer below is the one its profile field says, on every personality.
 */
import { describe, it, expect } from '@jest/globals';
import { PROFILES } from '../../../src/sim/redfish/personalities.js';
import { Bmc, PERSONALITIES, fleetForFile } from './harness.js';

type Json = Record<string, unknown>;

const fleet = fleetForFile();

const id = (v: unknown): string => String((v as { '@odata.id': string })['@odata.id']).replace(/\/+$/, '');

for (const p of PERSONALITIES) {
  const profile = PROFILES[p];
  describe(p, () => {
    it('names, SSE, account Keys, HPE RESTful API and If-Match on actions follow the profile', async () => {
      const bmc = new Bmc(fleet(), p);
      const root = await bmc.doc('/redfish/v1/');
      const system = await bmc.doc(id(((await bmc.doc(id(root.Systems))).Members as unknown[])[0]));
      const manager = await bmc.doc(id(((await bmc.doc(id(root.Managers))).Members as unknown[])[0]));
      const chassis = await bmc.doc(id(((await bmc.doc(id(root.Chassis))).Members as unknown[])[0]));
      expect({ system: system.Name, manager: manager.Name, chassis: chassis.Name }).toEqual(profile.names);

      const events = await bmc.doc(id(root.EventService));
      expect(events.ServerSentEventUri).toBe(profile.sseUri);
      if (profile.sseUri) {
        const r = await bmc.get(profile.sseUri, 'admin', { headers: { Accept: 'application/json' } });
        expect(r.status).toBe(406); // there, but a stream only
      }

      const account = await bmc.doc(`/redfish/v1/AccountService/Accounts/${fleet().sim.username}`);
      expect('Keys' in account).toBe(profile.accountKeys);

      expect(((root.Oem as Json | undefined)?.Hpe as Json | undefined) !== undefined).toBe(profile.hpeRest);
      expect((await bmc.get('/rest/v1/Systems')).status === 200).toBe(profile.hpeRest);

      const reset = `${id(system)}/Actions/ComputerSystem.Reset`;
      const tagged = await bmc.request('POST', reset, 'admin', {
        body: { ResetType: 'On' },
        headers: { 'If-Match': '"whatever"' },
      });
      expect(tagged.status === 412).toBe(profile.ifMatchOnActionFails);
    });
  });
}
