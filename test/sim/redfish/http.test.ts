/**
 * The Redfish frontend behind the real simulator core, over HTTPS with the simulator's CA: what a
 * standard client sees on the wire (headers, status codes, task monitors, BMC reboot, captures).
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { startSimulator, type Simulator } from '../../../src/sim/fleet.js';
import { http, transportError, waitFor } from '../http.js';
import { FIXTURES } from './helpers.js';

type Json = Record<string, unknown>;

let sim: Simulator;
let ca: string;
let password: string;

beforeAll(async () => {
  sim = await startSimulator({
    nodes: 4,
    personality: 'mixed',
    transitionMs: 50,
    bmcRebootMs: 300,
    updateMs: 200,
    seed: 7,
    adminPort: false,
  });
  ca = await readFile(sim.caFile ?? '', 'utf8');
  password = (await readFile(sim.passwordFile, 'utf8')).trim();
});
afterAll(async () => {
  await sim.stop();
});

function node(personality: string): string {
  const n = sim.nodes.find((x) => x.personality === personality);
  if (!n) throw new Error(`no ${personality} node in ${sim.nodes.map((x) => x.personality).join(',')}`);
  return n.name;
}

async function login(base: string): Promise<{ token: string; location: string }> {
  const r = await http(`${base}/redfish/v1/SessionService/Sessions`, {
    ca,
    method: 'POST',
    body: { UserName: sim.username, Password: password },
  });
  expect(r.status).toBe(201);
  return { token: String(r.headers['x-auth-token']), location: String(r.headers.location) };
}

describe('Redfish over HTTPS', () => {
  it('session login, ETag + If-Match PATCH, Once boot override, logout; no session left', async () => {
    const name = node('generic');
    const base = sim.url(name);
    const root = await http(`${base}/redfish/v1`, { ca });
    expect(root.status).toBe(200);
    expect(root.headers['odata-version']).toBe('4.0');
    const { token, location } = await login(base);
    const headers = { 'X-Auth-Token': token };
    const sys = await http(`${base}/redfish/v1/Systems/1`, { ca, headers });
    const etag = String(sys.headers.etag);
    expect(etag).toMatch(/^W\/"/);
    const patch = await http(`${base}/redfish/v1/Systems/1`, {
      ca,
      method: 'PATCH',
      headers: { ...headers, 'If-Match': etag },
      body: { Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' } },
    });
    expect(patch.status).toBe(200);
    const stale = await http(`${base}/redfish/v1/Systems/1`, {
      ca,
      method: 'PATCH',
      headers: { ...headers, 'If-Match': etag },
      body: { AssetTag: 'x' },
    });
    expect(stale.status).toBe(412);
    const reset = await http(`${base}/redfish/v1/Systems/1/Actions/ComputerSystem.Reset`, {
      ca,
      method: 'POST',
      headers,
      body: { ResetType: 'ForceRestart' },
    });
    expect(reset.status).toBe(204);
    await waitFor(
      async () =>
        (await http(`${base}/redfish/v1/Systems/1`, { ca, headers })).json<Json>().PowerState === 'On',
    );
    expect(sim.machine(name).lastBoot()?.target).toBe('Pxe');
    const boot = (await http(`${base}/redfish/v1/Systems/1`, { ca, headers })).json<{ Boot: Json }>().Boot;
    expect(boot.BootSourceOverrideEnabled).toBe('Disabled');
    expect(sim.stats(name).perNode[name]?.sessions).toBe(1);
    expect((await http(`${base}${location}`, { ca, method: 'DELETE', headers })).status).toBe(204);
    expect(sim.stats(name).perNode[name]?.sessions).toBe(0);
  });

  it('iLO: trailing-slash ids on the wire and a 400 for a reset while off', async () => {
    const name = node('ilo');
    const base = sim.url(name);
    const auth = { user: sim.username, password };
    const systems = (await http(`${base}/redfish/v1/Systems/`, { ca, auth })).json<{
      Members: { '@odata.id': string }[];
    }>();
    expect(systems.Members[0]?.['@odata.id']).toBe('/redfish/v1/Systems/1/');
    sim.machine(name).seedPower('Off');
    const r = await http(`${base}/redfish/v1/Systems/1/Actions/ComputerSystem.Reset/`, {
      ca,
      auth,
      method: 'POST',
      body: { ResetType: 'ForceOff' },
    });
    expect(r.status).toBe(400);
    expect(
      r.json<{ error: { '@Message.ExtendedInfo': { MessageId: string }[] } }>().error[
        '@Message.ExtendedInfo'
      ][0]?.MessageId,
    ).toBe('iLO.2.15.InvalidOperationForSystemState');
  });

  it('Manager.Reset: 204, the BMC refuses connections while it reboots, then answers again', async () => {
    const name = node('openbmc');
    const base = sim.url(name);
    const auth = { user: sim.username, password };
    const r = await http(`${base}/redfish/v1/Managers/bmc/Actions/Manager.Reset`, {
      ca,
      auth,
      method: 'POST',
      body: { ResetType: 'GracefulRestart' },
    });
    expect(r.status).toBe(204);
    expect(await transportError(`${base}/redfish/v1`, { ca, timeoutMs: 500 })).toBe('ECONNREFUSED');
    await waitFor(
      async () => (await transportError(`${base}/redfish/v1`, { ca, timeoutMs: 500 })) === 'HTTP 200',
      3000,
    );
  });

  it('multipart firmware push returns 202 and a task monitor that reaches Completed', async () => {
    const name = node('idrac');
    const base = sim.url(name);
    const auth = { user: sim.username, password };
    const boundary = 'hwctl-test';
    const body = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="UpdateParameters"\r\nContent-Type: application/json\r\n\r\n{"Targets":[]}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="UpdateFile"; filename="bios_2.19.1.bin"\r\nContent-Type: application/octet-stream\r\n\r\nBINARY\r\n--${boundary}--\r\n`,
    );
    const r = await http(`${base}/redfish/v1/UpdateService/MultipartUpload`, {
      ca,
      auth,
      method: 'POST',
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(r.status).toBe(202);
    const monitor = String(r.headers.location);
    await waitFor(async () => (await http(`${base}${monitor}`, { ca, auth })).status === 200, 3000);
    expect((await http(`${base}${monitor}`, { ca, auth })).json<Json>().TaskState).toBe('Completed');
  });
});

describe('a capture served over HTTPS', () => {
  let mock: Simulator;
  let mockCa: string;
  beforeAll(async () => {
    mock = await startSimulator({
      fromMockup: `${FIXTURES}/dmtf-public-rackmount1`,
      transitionMs: 50,
      adminPort: false,
    });
    mockCa = await readFile(mock.caFile ?? '', 'utf8');
  });
  afterAll(async () => {
    await mock.stop();
  });

  it('serves the capture and its state on top', async () => {
    const name = mock.nodes[0]?.name as string;
    const base = mock.url(name);
    const pw = (await readFile(mock.passwordFile, 'utf8')).trim();
    const auth = { user: mock.username, password: pw };
    const file = JSON.parse(
      readFileSync(`${FIXTURES}/dmtf-public-rackmount1/Systems/437XR1138R2/index.json`, 'utf8'),
    ) as Json;
    const sys = await http(`${base}/redfish/v1/Systems/437XR1138R2`, { ca: mockCa, auth });
    expect(sys.json<Json>().SerialNumber).toBe(file.SerialNumber);
    const r = await http(`${base}/redfish/v1/Systems/437XR1138R2/Actions/ComputerSystem.Reset`, {
      ca: mockCa,
      auth,
      method: 'POST',
      body: { ResetType: 'ForceOff' },
    });
    expect(r.status).toBe(204);
    await waitFor(
      async () =>
        (await http(`${base}/redfish/v1/Systems/437XR1138R2`, { ca: mockCa, auth })).json<Json>()
          .PowerState === 'Off',
    );
    expect(mock.machine(name).powerState()).toBe('Off');
  });
});
