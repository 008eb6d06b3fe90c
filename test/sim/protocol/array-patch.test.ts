/**
 * DSP0266 "PATCH on array properties" on every array the simulator lets a client PATCH, over HTTPS:
 * `null` removes the element at its index, `{}` keeps it, a value replaces it, and an element of the
 * wrong type is 400 PropertyValueTypeError with nothing changed. NTPServers of the generated
 * personalities has its own test in privileges.test.ts; here Boot.BootOrder (generated personalities
 * and a served capture) and the capture overlay's arrays (NTPServers, IPv4StaticAddresses).
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { startSimulator } from '../../../src/sim/fleet.js';
import { FIXTURES } from '../../helpers/fixtures.js';
import { Bmc, messageIds, startFleet, type Fleet } from './harness.js';

type Json = Record<string, unknown>;

/** A fleet serving one capture (its only BMC has personality `mockup`). */
async function captureFleet(capture: string): Promise<Fleet> {
  const sim = await startSimulator({
    fromMockup: `${FIXTURES}/${capture}`,
    transitionMs: 50,
    seed: 11,
    adminPort: false,
  });
  const ca = await readFile(sim.caFile ?? '', 'utf8');
  const password = (await readFile(sim.passwordFile, 'utf8')).trim();
  return { sim, ca, password };
}

let generated: Fleet;
let supermicro: Fleet;
let bmcweb: Fleet;
beforeAll(async () => {
  [generated, supermicro, bmcweb] = await Promise.all([
    startFleet(),
    captureFleet('bmclib-supermicro'),
    captureFleet('openbmc-bmcweb'),
  ]);
});
afterAll(async () => {
  await Promise.all([generated, supermicro, bmcweb].map((f) => f?.sim.stop()));
});

async function bootOrder(bmc: Bmc, system: string): Promise<unknown[]> {
  return ((await bmc.doc(system)).Boot as Json).BootOrder as unknown[];
}

describe('Boot.BootOrder on the generated personalities', () => {
  const SYSTEMS = {
    generic: '/redfish/v1/Systems/1',
    idrac: '/redfish/v1/Systems/System.Embedded.1',
    ilo: '/redfish/v1/Systems/1',
  } as const;
  for (const [p, system] of Object.entries(SYSTEMS) as [keyof typeof SYSTEMS, string][]) {
    it(`${p}: {} keeps, null removes (the option follows the listed ones), a value replaces; a wrong element is 400`, async () => {
      const bmc = new Bmc(generated, p);
      const set = async (order: unknown[]): Promise<void> => {
        const r = await bmc.patch(system, { Boot: { BootOrder: order } });
        if (r.status >= 300) throw new Error(`PATCH ${JSON.stringify(order)}: ${r.status} ${r.text}`);
      };
      const original = await bootOrder(bmc, system);
      expect(original).toEqual(['Boot0000', 'Boot0001', 'Boot0002', 'Boot0003']);
      // {} keeps Boot0000 at index 0; Boot0003 replaces Boot0001 at index 1.
      await set([{}, 'Boot0003']);
      expect(await bootOrder(bmc, system)).toEqual(['Boot0000', 'Boot0003', 'Boot0001', 'Boot0002']);
      // null takes Boot0000 out of the listed order; every option keeps a place, so it follows.
      await set([null, {}, {}, {}]);
      expect(await bootOrder(bmc, system)).toEqual(['Boot0003', 'Boot0001', 'Boot0002', 'Boot0000']);
      // {} past the end keeps nothing
      await set([{}, {}, {}, {}, {}]);
      expect(await bootOrder(bmc, system)).toEqual(['Boot0003', 'Boot0001', 'Boot0002', 'Boot0000']);
      // a {} that keeps an element also listed elsewhere repeats it: refused as before
      const repeated = await bmc.patch(system, { Boot: { BootOrder: [{}, 'Boot0003'] } });
      expect([repeated.status, messageIds(repeated.json())]).toEqual([400, ['PropertyValueFormatError']]);
      for (const bad of [[42], [{}, { Id: 'Boot0001' }], 'Boot0001']) {
        const r = await bmc.patch(system, { Boot: { BootOrder: bad } });
        expect([bad, r.status, messageIds(r.json())]).toEqual([bad, 400, ['PropertyValueTypeError']]);
        const info = ((r.json().error as Json)['@Message.ExtendedInfo'] as Json[])[0];
        expect(info?.RelatedProperties).toEqual(['#/Boot/BootOrder']);
      }
      expect(await bootOrder(bmc, system)).toEqual(['Boot0003', 'Boot0001', 'Boot0002', 'Boot0000']);
      await set(original);
      expect(await bootOrder(bmc, system)).toEqual(original);
    });
  }
});

describe('a served capture (mockup personality)', () => {
  it('Boot.BootOrder the capture shows is writable with array PATCH semantics; the override still works', async () => {
    const bmc = new Bmc(supermicro, 'mockup');
    const system = '/redfish/v1/Systems/1';
    const captured = (await bootOrder(bmc, system)) as string[];
    expect(captured.length).toBeGreaterThan(3);
    const [a, b, c] = captured as [string, string, string];
    const ok = await bmc.patch(system, { Boot: { BootOrder: [b, {}, null] } });
    if (ok.status >= 300) throw new Error(`PATCH: ${ok.status} ${ok.text}`);
    // index 0 replaced, index 1 kept, index 2 removed, the rest truncated
    expect(await bootOrder(bmc, system)).toEqual([b, b]);
    // the next PATCH works on what is shown now, not on the capture
    expect((await bmc.patch(system, { Boot: { BootOrder: [{}, c, a] } })).status).toBeLessThan(300);
    expect(await bootOrder(bmc, system)).toEqual([b, c, a]);
    const bad = await bmc.patch(system, { Boot: { BootOrder: [{}, 7] } });
    expect([bad.status, messageIds(bad.json())]).toEqual([400, ['PropertyValueTypeError']]);
    expect(await bootOrder(bmc, system)).toEqual([b, c, a]);
    // BootOrder next to an override property: both apply
    const both = await bmc.patch(system, {
      Boot: {
        BootOrder: [{}, {}, {}, b],
        BootSourceOverrideTarget: 'Hdd',
        BootSourceOverrideEnabled: 'Once',
      },
    });
    expect(both.status).toBeLessThan(300);
    const boot = (await bmc.doc(system)).Boot as Json;
    expect([boot.BootOrder, boot.BootSourceOverrideTarget]).toEqual([[b, c, a, b], 'Hdd']);
  });

  it('NetworkProtocol NTP.NTPServers and EthernetInterface IPv4StaticAddresses take array PATCH', async () => {
    const bmc = new Bmc(bmcweb, 'mockup');
    const proto = '/redfish/v1/Managers/bmc/NetworkProtocol';
    const servers = async (): Promise<unknown> => ((await bmc.doc(proto)).NTP as Json).NTPServers;
    expect(await servers()).toEqual([]);
    expect(
      (await bmc.patch(proto, { NTP: { NTPServers: ['a.lab', 'b.lab', 'c.lab'] } })).status,
    ).toBeLessThan(300);
    expect((await bmc.patch(proto, { NTP: { NTPServers: [null, {}, 'd.lab'] } })).status).toBeLessThan(300);
    expect(await servers()).toEqual(['b.lab', 'd.lab']);
    expect((await bmc.patch(proto, { NTP: { NTPServers: [{}] } })).status).toBeLessThan(300);
    expect(await servers()).toEqual(['b.lab']);
    const bad = await bmc.patch(proto, { NTP: { NTPServers: [{}, 42] } });
    expect([bad.status, messageIds(bad.json())]).toEqual([400, ['PropertyValueTypeError']]);
    expect(await servers()).toEqual(['b.lab']);

    const eth = '/redfish/v1/Managers/bmc/EthernetInterfaces/eth0';
    const statics = async (): Promise<unknown> => (await bmc.doc(eth)).IPv4StaticAddresses;
    const x = { Address: '10.0.0.5', SubnetMask: '255.255.255.0', Gateway: '10.0.0.1' };
    const y = { Address: '10.0.1.5', SubnetMask: '255.255.0.0', Gateway: '10.0.0.1' };
    expect((await bmc.patch(eth, { IPv4StaticAddresses: [x, y] })).status).toBeLessThan(300);
    expect((await bmc.patch(eth, { IPv4StaticAddresses: [null, {}] })).status).toBeLessThan(300);
    const doc = await bmc.doc(eth);
    expect(doc.IPv4StaticAddresses).toEqual([y]);
    expect(doc.IPv4Addresses).toEqual([{ ...y, AddressOrigin: 'Static' }]);
    const wrong = await bmc.patch(eth, { IPv4StaticAddresses: [{}, '10.0.0.9'] });
    expect([wrong.status, messageIds(wrong.json())]).toEqual([400, ['PropertyValueTypeError']]);
    expect(await statics()).toEqual([y]);
  });
});
