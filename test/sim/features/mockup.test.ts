/**
 * `--from-mockup`: PATCH of the properties the DMTF schema marks writable, on any captured resource,
 * kept per BMC on top of the capture; and one inventory node per System of a multi-System capture,
 * each with its own power, over HTTPS through the real simulator.
 */
import { describe, it, expect } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimulator } from '../../../src/sim/fleet.js';
import { http } from '../http.js';
import { FIXTURES, makeBmc, messageId, type Body } from '../redfish/helpers.js';

const mockup = (name: string) => makeBmc('mockup', { mockupDir: join(FIXTURES, name) });

describe('PATCH of writable properties on a served capture', () => {
  it('System AssetTag, Manager DateTime, Chassis AssetTag: kept, shown, and the ETag changes', () => {
    const b = mockup('dmtf-public-rackmount1');
    const sys = '/redfish/v1/Systems/437XR1138R2';
    const tag = b.get(sys).headers?.ETag;
    expect(b.call('PATCH', sys, { body: { AssetTag: 'rack7-u12', IndicatorLED: 'Lit' } }).status).toBe(204);
    expect(b.doc(sys)).toMatchObject({ AssetTag: 'rack7-u12', IndicatorLED: 'Lit' });
    expect(b.get(sys).headers?.ETag).not.toBe(tag);
    const mgr = '/redfish/v1/Managers/BMC';
    expect(b.call('PATCH', mgr, { body: { DateTime: '2030-01-02T03:04:05+00:00' } }).status).toBe(204);
    expect(b.doc(mgr).DateTime).toBe('2030-01-02T03:04:05+00:00');
    expect(b.call('PATCH', '/redfish/v1/Chassis/1U', { body: { AssetTag: 'chassis-9' } }).status).toBe(204);
    expect(b.doc('/redfish/v1/Chassis/1U').AssetTag).toBe('chassis-9');
    // Another BMC serving the same capture keeps the captured value.
    expect(mockup('dmtf-public-rackmount1').doc(sys).AssetTag).not.toBe('rack7-u12');
  });

  it('refuses read-only, unknown and mistyped properties, all or nothing', () => {
    const b = mockup('dmtf-public-rackmount1');
    const sys = '/redfish/v1/Systems/437XR1138R2';
    const before = b.doc(sys).AssetTag;
    expect(messageId(b.call('PATCH', sys, { body: { AssetTag: 'x', Model: 'y' } }))).toBe(
      'Base.1.16.PropertyNotWritable',
    );
    expect(messageId(b.call('PATCH', sys, { body: { AssetTag: 'x', Nope: 1 } }))).toBe(
      'Base.1.16.PropertyUnknown',
    );
    expect(messageId(b.call('PATCH', sys, { body: { AssetTag: 7 } }))).toBe(
      'Base.1.16.PropertyValueTypeError',
    );
    expect(b.doc(sys).AssetTag).toBe(before);
    // A resource whose type has nothing writable takes no PATCH at all.
    expect(b.call('PATCH', '/redfish/v1/Systems', { body: { Name: 'x' } }).status).toBe(405);
  });

  it('a document showing nothing writable answers PATCH with 405 and its Allow header', () => {
    const b = mockup('openbmc-bmcweb');
    const entries = b.doc('/redfish/v1/Managers/bmc/LogServices/Journal/Entries').Members as Body[];
    const id = entries[0]?.['@odata.id'] as string;
    // LogEntry.Resolved is writable in the schema, but bmcweb's journal entries do not show it.
    const r = b.call('PATCH', id, { body: { Resolved: true } });
    expect([r.status, r.headers?.Allow]).toEqual([405, 'GET, HEAD']);
  });
});

describe('multi-System captures over HTTPS', () => {
  it('one inventory node per System, each with its own power', async () => {
    const sim = await startSimulator({
      nodes: 1,
      fromMockup: [join(FIXTURES, 'dmtf-public-bladed')],
      transitionMs: 50,
      seed: 3,
      adminPort: false,
    });
    try {
      const inv = await readFile(sim.inventory, 'utf8');
      const nodes = [...inv.matchAll(/system: "([^"]+)"/g)].map((m) => m[1]);
      expect(nodes.length).toBe(4);
      const ca = await readFile(sim.caFile ?? '', 'utf8');
      const password = (await readFile(sim.passwordFile, 'utf8')).trim();
      const auth = { user: 'root', password };
      const url = sim.url('sim001');
      const members = (await http(`${url}/redfish/v1/Systems`, { ca, auth })).json<{ Members: Body[] }>()
        .Members;
      const [a, b] = members.map((m) => m['@odata.id'] as string);
      const state = async (p: string) => (await http(`${url}${p}`, { ca, auth })).json<Body>().PowerState;
      const before = await state(b as string);
      const off = await http(`${url}${a}/Actions/ComputerSystem.Reset`, {
        method: 'POST',
        ca,
        auth,
        body: { ResetType: 'ForceOff' },
      });
      expect(off.status).toBe(204);
      await new Promise((r) => setTimeout(r, 150));
      expect(await state(a as string)).toBe('Off');
      expect(await state(b as string)).toBe(before);
      const patch = await http(`${url}${b}`, { method: 'PATCH', ca, auth, body: { AssetTag: 'blade-2' } });
      // The DMTF blades show no AssetTag: unknown to this BMC, whatever the schema allows.
      expect([patch.status, patch.json<Body>().error]).toMatchObject([
        400,
        { code: 'Base.1.16.PropertyUnknown' },
      ]);
      const led = await http(`${url}${b}`, { method: 'PATCH', ca, auth, body: { IndicatorLED: 'Lit' } });
      expect(led.status).toBe(204);
      expect((await http(`${url}${b}`, { ca, auth })).json<Body>().IndicatorLED).toBe('Lit');
      expect((await http(`${url}${a}`, { ca, auth })).json<Body>().IndicatorLED).toBe('Off');
    } finally {
      await sim.stop();
    }
  });
});
