/**
 * The Ironic-style virtual media deploy, end to end over HTTPS against the real simulator: insert an
 * ISO with a standard InsertMedia POST, then hwctl's own `rsetboot cd` and `rpower reset`; the host
 * boots the ISO (read back from the System over HTTPS), once; no session is left open.
 */
import { describe, it, expect } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { useFleet } from '../../helpers/sim-harness.js';
import { rpower, rsetboot, settle, startKindFleet } from '../../power/harness.js';
import { http } from '../http.js';

const f = useFleet(() => startKindFleet());
const ISO = 'https://deploy.example/ironic-python-agent.iso';

type Json = Record<string, unknown>;

describe('virtual media boot with hwctl rsetboot and rpower', () => {
  it('generic, iDRAC and iLO boot the inserted ISO after rsetboot cd + rpower reset', async () => {
    const ca = await readFile(f.sim.caFile ?? '', 'utf8');
    const password = (await readFile(f.sim.passwordFile, 'utf8')).trim();
    const get = async (url: string): Promise<Json> => {
      const r = await http(url, { ca, auth: { user: 'root', password } });
      expect(r.status).toBe(200);
      return r.json<Json>();
    };
    const nodes = [f.node.generic, f.node.idrac, f.node.ilo];
    const systems = new Map<string, string>();
    for (const n of nodes) {
      const base = f.sim.url(n);
      const sys = (((await get(`${base}/redfish/v1/Systems`)).Members as Json[])[0] as Json)[
        '@odata.id'
      ] as string;
      systems.set(n, sys);
      const mgr = ((((await get(`${base}${sys}`)).Links as Json).ManagedBy as Json[])[0] as Json)[
        '@odata.id'
      ] as string;
      const vm = ((await get(`${base}${mgr}`)).VirtualMedia as Json)['@odata.id'] as string;
      const slots = (await get(`${base}${vm}`)).Members as Json[];
      // The CD slot: the one whose MediaTypes has CD.
      let cd: Json | undefined;
      for (const s of slots) {
        const doc = await get(`${base}${s['@odata.id'] as string}`);
        if ((doc.MediaTypes as string[]).includes('CD')) cd = doc;
      }
      const target = ((cd?.Actions as Json)['#VirtualMedia.InsertMedia'] as Json).target as string;
      const ins = await http(`${base}${target}`, {
        method: 'POST',
        ca,
        auth: { user: 'root', password },
        body: { Image: ISO, Inserted: true },
      });
      expect([n, ins.status < 300]).toEqual([n, true]);
    }
    const range = nodes.join(',');
    expect((await rsetboot(f.sim.inventory, range, ['cd'])).code).toBe(0);
    expect((await rpower(f.sim.inventory, range, ['reset'])).code).toBe(0);
    await settle(f.sim);
    for (const n of nodes) {
      const sys = await get(`${f.sim.url(n)}${systems.get(n)!}`);
      const last = ((sys.Oem as Json).HwctlSim as Json).LastBootSource as Json;
      expect([n, last]).toMatchObject([n, { Via: 'Override', Target: 'Cd', Image: ISO }]);
      expect((sys.Boot as Json).BootSourceOverrideEnabled).toBe('Disabled');
      expect(f.sim.machine(n).lastBoot()?.target).toBe('Cd');
    }
    // The next reset follows the boot order again (the disk first).
    expect((await rpower(f.sim.inventory, range, ['reset'])).code).toBe(0);
    await settle(f.sim);
    for (const n of nodes) {
      const sys = await get(`${f.sim.url(n)}${systems.get(n)!}`);
      expect(((sys.Oem as Json).HwctlSim as Json).LastBootSource).toMatchObject({
        Via: 'BootOrder',
        Target: 'Hdd',
      });
    }
    expect(f.sim.stats().openSessions).toBe(0);
  });
});
