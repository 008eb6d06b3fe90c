/**
 * The core with the real frontends: every flavor and personality reachable over HTTPS, sessions
 * counted by the core's stats, power actions reaching the shared machine, mockups served.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { http, waitFor } from './http.js';
import { FIXTURES } from '../helpers/fixtures.js';

let sim: Simulator;
let ca: string;
let password: string;

beforeAll(async () => {
  sim = await startSimulator({ nodes: 5, flavor: 'mixed', personality: 'mixed', transitionMs: 100, seed: 5 });
  ca = await readFile(sim.caFile ?? '', 'utf8');
  password = (await readFile(sim.passwordFile, 'utf8')).trim();
});
afterAll(async () => {
  await sim.stop();
});

type Json = Record<string, unknown>;

async function redfishLogin(base: string): Promise<{ token: string; location: string }> {
  const r = await http(`${base}/redfish/v1/SessionService/Sessions`, {
    ca,
    method: 'POST',
    body: { UserName: 'root', Password: password },
  });
  expect(r.status).toBe(201);
  const token = String(r.headers['x-auth-token']);
  const location = String(r.headers.location ?? r.json<Json>()['@odata.id']);
  return { token, location: location.startsWith('http') ? new URL(location).pathname : location };
}

describe('mixed fleet with the real frontends', () => {
  it('has every personality and both flavors', () => {
    expect(sim.nodes.map((n) => `${n.flavor}/${n.personality}`)).toEqual([
      'redfish/generic',
      'openbmc/openbmc',
      'redfish/idrac',
      'redfish/ilo',
      'redfish/openbmc',
    ]);
  });

  it('each Redfish personality: login, a Reset reaching the machine, logout; no session leaks', async () => {
    for (const node of sim.nodes.filter((n) => n.flavor === 'redfish')) {
      const m = sim.machine(node.name);
      const root = await http(`${node.url}/redfish/v1`, { ca });
      expect(root.status).toBe(200);
      const { token, location } = await redfishLogin(node.url);
      expect(sim.stats(node.name).perNode[node.name]?.sessions).toBe(1);
      const auth = { 'X-Auth-Token': token };
      const systems = (await http(`${node.url}/redfish/v1/Systems`, { ca, headers: auth })).json<{
        Members: { '@odata.id': string }[];
      }>();
      const sysPath = systems.Members[0]?.['@odata.id'] ?? '';
      const system = (await http(`${node.url}${sysPath}`, { ca, headers: auth })).json<Json>();
      expect(system.PowerState).toBe('On');
      expect(system.SerialNumber).toBe(m.identity.serialNumber);
      const target =
        (system.Actions as Record<string, { target: string }>)['#ComputerSystem.Reset']?.target ?? '';
      const reset = await http(`${node.url}${target}`, {
        ca,
        method: 'POST',
        headers: auth,
        body: { ResetType: 'ForceOff' },
      });
      expect(reset.status).toBeLessThan(300);
      expect(['PoweringOff', 'Off']).toContain(m.powerState());
      await waitFor(() => m.powerState() === 'Off');
      const del = await http(`${node.url}${location}`, { ca, method: 'DELETE', headers: auth });
      expect([200, 204]).toContain(del.status);
      expect(sim.stats(node.name).perNode[node.name]?.sessions).toBe(0);
    }
    expect(sim.stats().openSessions).toBe(0);
  });

  it('the OpenBMC REST node answers in its own envelope', async () => {
    const r = await http(`${sim.url('sim002')}/xyz/openbmc_project/state/host0`, {
      ca,
      auth: { user: 'root', password },
    });
    expect(r.json()).toMatchObject({ status: 'ok', message: '200 OK' });
  });
});

describe('mockup fleet', () => {
  it('serves the captures with live power state on top', async () => {
    const mock = await startSimulator({
      fromMockup: [`${FIXTURES}/dmtf-public-rackmount1`, `${FIXTURES}/openbmc-bmcweb`],
      transitionMs: 100,
      adminPort: false,
    });
    try {
      expect(mock.nodes.map((n) => n.personality)).toEqual(['mockup', 'mockup']);
      const c = await readFile(mock.caFile ?? '', 'utf8');
      const capturedRoot = JSON.parse(
        await readFile(`${FIXTURES}/openbmc-bmcweb/index.json`, 'utf8'),
      ) as Json;
      const root = (await http(`${mock.url('sim002')}/redfish/v1`, { ca: c })).json<Json>();
      expect(root.RedfishVersion).toBe(capturedRoot.RedfishVersion);
      expect(root.UUID).toBe(capturedRoot.UUID);
      const inv = await readFile(mock.inventory, 'utf8');
      expect(inv).toContain('personality: "mockup"');
    } finally {
      await mock.stop();
    }
  });
});
