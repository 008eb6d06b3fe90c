import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { http, waitFor, type HttpOptions } from './http.js';

const X = '/xyz/openbmc_project';
let sim: Simulator;
let ca: string;
let password: string;
let url: string;

type Envelope<T = unknown> = { data: T; message: string; status: string };

async function login(node = 'sim001'): Promise<string> {
  const r = await http(`${sim.url(node)}/login`, { method: 'POST', body: { data: ['root', password] }, ca });
  expect(r.status).toBe(200);
  const cookie = String(r.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
  expect(cookie).toMatch(/^SESSION=[0-9a-f]{32}$/);
  return cookie;
}

function req(path: string, cookie: string, o: HttpOptions = {}) {
  return http(`${url}${path}`, { ca, ...o, headers: { Cookie: cookie, ...o.headers } });
}

beforeAll(async () => {
  sim = await startSimulator({
    nodes: 3,
    flavor: 'openbmc',
    transitionMs: 100,
    updateMs: 200,
    seed: 1,
    sessionLimit: 4,
  });
  ca = await readFile(sim.caFile ?? '', 'utf8');
  password = (await readFile(sim.passwordFile, 'utf8')).trim();
  url = sim.url('sim001');
});
afterAll(async () => {
  await sim.stop();
});
// The fleet's session limit is 4 (tested below); start every test with none open.
beforeEach(() => {
  sim.admin.expireSessions('all');
});

describe('OpenBMC REST sessions', () => {
  it('logs in with {data: [user, password]} and out; the session count follows', async () => {
    const cookie = await login();
    expect(sim.stats('sim001').perNode.sim001?.sessions).toBe(1);
    const r = await req(`${X}/state/enumerate`, cookie);
    expect(r.status).toBe(200);
    const out = await req('/logout', cookie, { method: 'POST', body: { data: [] } });
    expect(out.json<Envelope>().data).toBe("User 'root' logged out");
    expect(sim.stats('sim001').perNode.sim001?.sessions).toBe(0);
    expect((await req(`${X}/state/enumerate`, cookie)).status).toBe(401);
  });

  it('rejects bad credentials with the envelope error form', async () => {
    const r = await http(`${url}/login`, { method: 'POST', body: { data: ['root', 'nope'] }, ca });
    expect(r.status).toBe(401);
    expect(r.json()).toEqual({
      data: { description: 'Invalid username or password' },
      message: '401 Unauthorized',
      status: 'error',
    });
  });

  it('needs credentials; Basic alone works and so does Basic with a cookie', async () => {
    expect((await http(`${url}${X}/state/enumerate`, { ca })).status).toBe(401);
    const basic = await http(`${url}${X}/state/host0`, { ca, auth: { user: 'root', password } });
    expect(basic.status).toBe(200);
    const cookie = await login();
    const both = await req(`${X}/state/host0`, cookie, { auth: { user: 'root', password } });
    expect(both.status).toBe(200);
    await req('/logout', cookie, { method: 'POST', body: { data: [] } });
  });

  it('refuses logins beyond the session limit, and forgets sessions on expiry', async () => {
    const cookies = [];
    for (let i = 0; i < 4; i++) cookies.push(await login('sim002'));
    const fifth = await http(`${sim.url('sim002')}/login`, {
      method: 'POST',
      body: { data: ['root', password] },
      ca,
    });
    expect(fifth.status).toBe(503);
    expect(sim.stats().perNode.sim002?.sessions).toBe(4);
    sim.admin.expireSessions('sim002');
    expect(sim.stats().perNode.sim002?.sessions).toBe(0);
    const r = await http(`${sim.url('sim002')}${X}/state/host0`, {
      ca,
      headers: { Cookie: cookies[0] ?? '' },
    });
    expect(r.status).toBe(401);
  });

  it('paths are case-sensitive', async () => {
    const cookie = await login();
    const r = await req(`${X}/logging/action/deleteall`, cookie, { method: 'POST', body: { data: [] } });
    expect(r.status).toBe(404);
    expect((await req(`${X}/State/enumerate`, cookie)).status).toBe(404);
    await req('/logout', cookie, { method: 'POST', body: { data: [] } });
  });
});

describe('OpenBMC REST power', () => {
  it('host transition Off → TransitioningToOff → Off, then On → Running', async () => {
    const cookie = await login();
    const put = await req(`${X}/state/host0/attr/RequestedHostTransition`, cookie, {
      method: 'PUT',
      body: { data: 'xyz.openbmc_project.State.Host.Transition.Off' },
    });
    expect(put.json()).toEqual({ data: null, message: '200 OK', status: 'ok' });
    const mid = (await req(`${X}/state/enumerate`, cookie)).json<
      Envelope<Record<string, Record<string, string>>>
    >().data;
    expect(mid[`${X}/state/host0`]?.CurrentHostState).toBe(
      'xyz.openbmc_project.State.Host.HostState.TransitioningToOff',
    );
    expect(mid[`${X}/state/host0`]?.RequestedHostTransition).toBe(
      'xyz.openbmc_project.State.Host.Transition.Off',
    );
    await waitFor(() => sim.machine('sim001').powerState() === 'Off');
    const off = (await req(`${X}/state/enumerate`, cookie)).json<
      Envelope<Record<string, Record<string, string>>>
    >().data;
    expect(off[`${X}/state/chassis0`]?.CurrentPowerState).toBe(
      'xyz.openbmc_project.State.Chassis.PowerState.Off',
    );
    expect(off[`${X}/state/bmc0`]?.CurrentBMCState).toBe('xyz.openbmc_project.State.BMC.BMCState.Ready');
    await req(`${X}/state/host0/attr/RequestedHostTransition`, cookie, {
      method: 'PUT',
      body: { data: 'xyz.openbmc_project.State.Host.Transition.On' },
    });
    await waitFor(() => sim.machine('sim001').hostState() === 'Running');
  });

  it('chassis Off is a hard power off; a bad enum value is a 400', async () => {
    const cookie = await login();
    const bad = await req(`${X}/state/chassis0/attr/RequestedPowerTransition`, cookie, {
      method: 'PUT',
      body: { data: 'Off' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json<Envelope<{ description: string }>>().data.description).toMatch(/cannot be written/);
    await req(`${X}/state/chassis0/attr/RequestedPowerTransition`, cookie, {
      method: 'PUT',
      body: { data: 'xyz.openbmc_project.State.Chassis.Transition.Off' },
    });
    await waitFor(() => sim.machine('sim001').chassisState() === 'Off');
    sim.machine('sim001').powerOn();
    await waitFor(() => sim.machine('sim001').powerState() === 'On');
  });

  it('BMC reboot: the answer arrives, then connections are refused, then it is back and sessions are gone', async () => {
    const cookie = await login('sim003');
    const m = sim.machine('sim003');
    const r = await http(`${sim.url('sim003')}${X}/state/bmc0/attr/RequestedBMCTransition`, {
      ca,
      method: 'PUT',
      headers: { Cookie: cookie },
      body: { data: 'xyz.openbmc_project.State.BMC.Transition.Reboot' },
    });
    expect(r.status).toBe(200);
    expect(m.bmcState()).toBe('NotReady');
    const during = await http(`${sim.url('sim003')}/login`, {
      method: 'POST',
      body: { data: ['root', password] },
      ca,
    }).catch((e: NodeJS.ErrnoException) => e.code);
    expect(during).toBe('ECONNREFUSED');
    await waitFor(() => m.bmcReady() && sim.stats('sim003').perNode.sim003?.listening === true, 3000);
    const after = await http(`${sim.url('sim003')}${X}/state/bmc0`, { ca, headers: { Cookie: cookie } });
    expect(after.status).toBe(401);
  });
});

describe('OpenBMC REST objects', () => {
  it('boot: one-time source is used once, persistent stays', async () => {
    const cookie = await login();
    const S = 'xyz.openbmc_project.Control.Boot.Source.Sources';
    await req(`${X}/control/host0/boot/one_time/attr/Enabled`, cookie, { method: 'PUT', body: { data: 1 } });
    await req(`${X}/control/host0/boot/one_time/attr/BootSource`, cookie, {
      method: 'PUT',
      body: { data: `${S}.Network` },
    });
    const en = (await req(`${X}/control/host0/enumerate`, cookie)).json<
      Envelope<Record<string, Record<string, unknown>>>
    >().data;
    expect(en[`${X}/control/host0/boot/one_time`]).toMatchObject({
      Enabled: true,
      BootSource: `${S}.Network`,
    });
    expect(sim.machine('sim001').bootOverride()).toMatchObject({ target: 'Pxe', enabled: 'Once' });
    await req(`${X}/control/host0/boot/attr/BootSource`, cookie, {
      method: 'PUT',
      body: { data: `${S}.Disk` },
    });
    sim.machine('sim001').forceRestart();
    await waitFor(() => sim.machine('sim001').lastBoot()?.target === 'Pxe');
    const after = await req(`${X}/control/host0/boot/one_time/attr/Enabled`, cookie);
    expect(after.json<Envelope>().data).toBe(false);
    expect(sim.machine('sim001').bootOverride()).toMatchObject({ target: 'Hdd', enabled: 'Continuous' });
  });

  it('inventory, sensors and LEDs', async () => {
    const cookie = await login();
    const sys = (await req(`${X}/inventory/system`, cookie)).json<Envelope<Record<string, unknown>>>().data;
    expect(sys.SerialNumber).toBe(sim.machine('sim001').identity.serialNumber);
    const board = (await req(`${X}/inventory/system/chassis/motherboard/enumerate`, cookie)).json<
      Envelope<Record<string, Record<string, unknown>>>
    >().data;
    expect(board[`${X}/inventory/system/chassis/motherboard/cpu0`]?.Present).toBe(true);
    expect(board[`${X}/inventory/system/chassis/motherboard/dimm0`]?.Present).toBe(true);
    const sensors = (await req(`${X}/sensors/enumerate`, cookie)).json<
      Envelope<Record<string, Record<string, unknown>>>
    >().data;
    const inlet = sensors[`${X}/sensors/temperature/inlet_temp`];
    expect(inlet?.Unit).toBe('xyz.openbmc_project.Sensor.Value.Unit.DegreesC');
    expect(Number(inlet?.Value) * 10 ** Number(inlet?.Scale)).toBeCloseTo(23, 0);
    await req(`${X}/led/groups/enclosure_identify/attr/Asserted`, cookie, {
      method: 'PUT',
      body: { data: true },
    });
    const leds = (await req(`${X}/led/physical/enumerate`, cookie)).json<
      Envelope<Record<string, Record<string, unknown>>>
    >().data;
    expect(leds[`${X}/led/physical/front_id`]?.State).toBe('xyz.openbmc_project.Led.Physical.Action.On');
    await req(`${X}/led/groups/enclosure_identify/attr/Asserted`, cookie, {
      method: 'PUT',
      body: { data: false },
    });
    expect(sim.machine('sim001').indicatorLed()).toBe('Off');
  });

  it('logging: entries, Resolved, DeleteAll', async () => {
    const cookie = await login();
    const list = (await req(`${X}/logging/enumerate`, cookie)).json<
      Envelope<Record<string, Record<string, unknown>>>
    >().data;
    const ids = Object.values(list).map((e) => e.Id);
    expect(ids.length).toBeGreaterThan(0);
    const first = ids[0] as number;
    const r = await req(`${X}/logging/entry/${first}/attr/Resolved`, cookie, {
      method: 'PUT',
      body: { data: '1' },
    });
    expect(r.status).toBe(200);
    expect(sim.machine('sim001').log.get(first)?.resolved).toBe(true);
    await req(`${X}/logging/action/DeleteAll`, cookie, { method: 'POST', body: { data: [] } });
    const after = (await req(`${X}/logging/enumerate`, cookie)).json<Envelope<Record<string, unknown>>>()
      .data;
    expect(after).toEqual({});
    expect((await req(`${X}/logging/entry/${first}`, cookie)).status).toBe(404);
  });

  it('network: IP action, hostname, NTP, VLAN', async () => {
    const cookie = await login();
    const add = await req(`${X}/network/eth0/action/IP`, cookie, {
      method: 'POST',
      body: { data: ['xyz.openbmc_project.Network.IP.Protocol.IPv4', '10.9.8.7', 24, '10.9.8.1'] },
    });
    expect(add.status).toBe(200);
    await req(`${X}/network/config/attr/HostName`, cookie, { method: 'PUT', body: { data: 'bmc-a' } });
    await req(`${X}/network/eth0/attr/NTPServers`, cookie, {
      method: 'PUT',
      body: { data: ['1.2.3.4', 'ntp.example'] },
    });
    const vlan = await req(`${X}/network/action/VLAN`, cookie, {
      method: 'POST',
      body: { data: ['eth0', 42] },
    });
    expect(vlan.status).toBe(200);
    const net = (await req(`${X}/network/enumerate`, cookie)).json<
      Envelope<Record<string, Record<string, unknown>>>
    >().data;
    expect(net[`${X}/network/config`]?.HostName).toBe('bmc-a');
    expect(net[`${X}/network/eth0`]?.NTPServers).toEqual(['1.2.3.4', 'ntp.example']);
    expect(net[`${X}/network/eth0_42`]?.Id).toBe(42);
    const addrs = Object.entries(net).filter(([k]) => k.startsWith(`${X}/network/eth0/ipv4/`));
    expect(addrs.map(([, v]) => v.Address)).toContain('10.9.8.7');
    const bad = await req(`${X}/network/eth0/action/IP`, cookie, {
      method: 'POST',
      body: { data: ['xyz.openbmc_project.Network.IP.Protocol.IPv4', '10.9.8.300', 24, ''] },
    });
    expect(bad.status).toBe(400);
  });

  it('software: upload, activation with Progress, Priority, Delete', async () => {
    const cookie = await login();
    const image = Buffer.from(
      'MANIFEST\0purpose=xyz.openbmc_project.Software.Version.VersionPurpose.BMC\nversion=2.99.0-sim\n',
    );
    const up = await req('/upload/image', cookie, {
      method: 'PUT',
      body: image,
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    expect(up.status).toBe(200);
    const id = up.json<Envelope<string>>().data;
    expect(id).toMatch(/^[0-9a-f]{8}$/);
    const A = 'xyz.openbmc_project.Software.Activation';
    const ready = (await req(`${X}/software/${id}`, cookie)).json<Envelope<Record<string, unknown>>>().data;
    expect(ready.Activation).toBe(`${A}.Activations.Ready`);
    await req(`${X}/software/${id}/attr/RequestedActivation`, cookie, {
      method: 'PUT',
      body: { data: `${A}.RequestedActivations.Active` },
    });
    const act = (await req(`${X}/software/${id}`, cookie)).json<Envelope<Record<string, unknown>>>().data;
    expect(act.Activation).toBe(`${A}.Activations.Activating`);
    expect(typeof act.Progress).toBe('number');
    await waitFor(
      async () =>
        (await req(`${X}/software/${id}`, cookie)).json<Envelope<Record<string, unknown>>>().data
          .Activation === `${A}.Activations.Active`,
    );
    const sw = (await req(`${X}/software/enumerate`, cookie)).json<
      Envelope<Record<string, Record<string, unknown>>>
    >().data;
    expect(sw[`${X}/software/${id}`]?.Priority).toBe(0);
    expect(sw[`${X}/software/functional`]?.endpoints).not.toContain(`${X}/software/${id}`);
    const garbage = await req('/upload/image', cookie, { method: 'PUT', body: Buffer.from('not an image') });
    expect(garbage.status).toBe(400);
    const functional = (sw[`${X}/software/functional`]?.endpoints as string[])[0] ?? '';
    const delRunning = await req(`${functional}/action/Delete`, cookie, {
      method: 'POST',
      body: { data: [] },
    });
    expect(delRunning.status).toBe(403);
    const del = await req(`${X}/software/${id}/action/Delete`, cookie, {
      method: 'POST',
      body: { data: [] },
    });
    expect(del.status).toBe(200);
  });

  it('dumps: create, list, download, delete all', async () => {
    const cookie = await login();
    const c = await req(`${X}/dump/action/CreateDump`, cookie, { method: 'POST', body: { data: [] } });
    const id = c.json<Envelope<number>>().data;
    expect(typeof id).toBe('number');
    await waitFor(
      async () =>
        Object.keys((await req(`${X}/dump/enumerate`, cookie)).json<Envelope<Record<string, unknown>>>().data)
          .length > 0,
    );
    const dl = await req(`/download/dump/${id}`, cookie);
    expect(dl.headers['content-type']).toBe('application/octet-stream');
    expect(dl.body.length).toBeGreaterThan(1000);
    await req(`${X}/dump/action/DeleteAll`, cookie, { method: 'POST', body: { data: [] } });
    expect((await req(`/download/dump/${id}`, cookie)).text).toBe('Path not found');
  });

  it('unknown paths give a 404 envelope; read-only properties a 403', async () => {
    const cookie = await login();
    const r = await req(`${X}/nothing/here`, cookie);
    expect(r.status).toBe(404);
    expect(r.json()).toMatchObject({ message: '404 Not Found', status: 'error' });
    const ro = await req(`${X}/state/host0/attr/CurrentHostState`, cookie, {
      method: 'PUT',
      body: { data: 'x' },
    });
    expect(ro.status).toBe(403);
  });
});
