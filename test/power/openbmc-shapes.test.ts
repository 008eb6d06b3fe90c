/**
 * Request shapes of the OpenBMC REST power and boot executors, on nock: xCAT's exact PUTs (path and
 * `{data}` value) and their order for every verb, rsetboot one-time vs persistent, and the dump purge
 * before a BMC reboot with a pending firmware image.
 */
import { describe, it, expect } from '@jest/globals';
import { useNock } from '../helpers/nock-harness.js';
import nock from 'nock';
import { recordingServices, testContext, testNode } from '../bmc/helpers.js';
import openbmcPower from '../../src/executors/openbmc/power.js';
import openbmcBoot from '../../src/executors/openbmc/boot.js';
import { runPower, type PowerArgs } from '../../src/managers/power.js';
import { runBoot, type BootArgs } from '../../src/managers/boot.js';

const ORIGIN = 'https://bmc01.test:443';
const X = 'xyz.openbmc_project';
const STATE = `/${X.replace(/\./g, '/')}/state`;
const CONTROL = `/${X.replace(/\./g, '/')}/control/host0`;
const ok = (data: unknown) => ({ data, message: '200 OK', status: 'ok' });

useNock();

interface Machine {
  chassis: 'On' | 'Off';
  host: 'Running' | 'Off';
  oneTime: { Enabled: boolean; BootSource: string };
  boot: { BootSource: string };
  software?: Record<string, unknown>;
}

/** An OpenBMC whose state follows the transitions PUT to it; records every write. */
function fakeOpenBmc(m: Machine) {
  const writes: Array<[string, string, unknown]> = [];
  const data = (body: unknown) => (body as { data: unknown }).data;
  nock(ORIGIN)
    .persist()
    .post('/login')
    .reply(200, ok("User 'root' logged in"), { 'Set-Cookie': ['SESSION=s1; Path=/'] })
    .post('/logout')
    .reply(200, ok('User logged out'))
    .get(`${STATE}/enumerate`)
    .reply(() => [
      200,
      ok({
        [`${STATE}/chassis0`]: { CurrentPowerState: `${X}.State.Chassis.PowerState.${m.chassis}` },
        [`${STATE}/host0`]: { CurrentHostState: `${X}.State.Host.HostState.${m.host}` },
        [`${STATE}/bmc0`]: { CurrentBMCState: `${X}.State.BMC.BMCState.Ready` },
      }),
    ])
    .get(`${STATE}/bmc0/attr/CurrentBMCState`)
    .reply(200, ok(`${X}.State.BMC.BMCState.Ready`))
    .get(`/${X.replace(/\./g, '/')}/software/enumerate`)
    .reply(() => [200, ok(m.software ?? {})])
    .get(`${CONTROL}/enumerate`)
    .reply(() => [200, ok({ [`${CONTROL}/boot/one_time`]: m.oneTime, [`${CONTROL}/boot`]: m.boot })])
    .put(/.*/)
    .reply((uri, body) => {
      const v = data(body);
      writes.push(['PUT', uri, v]);
      if (uri.endsWith('RequestedHostTransition')) m.host = String(v).endsWith('.On') ? 'Running' : 'Off';
      if (uri.endsWith('RequestedHostTransition') && String(v).endsWith('.On')) m.chassis = 'On';
      if (uri.endsWith('RequestedPowerTransition')) [m.chassis, m.host] = ['Off', 'Off'];
      if (uri === `${CONTROL}/boot/one_time/attr/Enabled`) m.oneTime.Enabled = v === 1;
      if (uri === `${CONTROL}/boot/one_time/attr/BootSource`) m.oneTime.BootSource = String(v);
      if (uri === `${CONTROL}/boot/attr/BootSource`) m.boot.BootSource = String(v);
      return [200, ok(null)];
    })
    .post(/\/dump\/action\/DeleteAll$/)
    .reply((uri, body) => {
      writes.push(['POST', uri, data(body)]);
      return [200, ok(null)];
    });
  return writes;
}

const machine = (over: Partial<Machine> = {}): Machine => ({
  chassis: 'On',
  host: 'Running',
  oneTime: { Enabled: false, BootSource: `${X}.Control.Boot.Source.Sources.Default` },
  boot: { BootSource: `${X}.Control.Boot.Source.Sources.Default` },
  ...over,
});

async function power(args: PowerArgs) {
  const services = recordingServices();
  const ctx = testContext(testNode({ mgt: 'openbmc' }), services);
  try {
    return { result: await runPower(openbmcPower, { pollIntervalMs: 5, ...args }, ctx), services };
  } finally {
    await ctx.cleanup();
  }
}

async function boot(args: BootArgs) {
  const ctx = testContext(testNode({ mgt: 'openbmc' }), recordingServices());
  try {
    return await runBoot(openbmcBoot, args, ctx);
  } finally {
    await ctx.cleanup();
  }
}

describe('OpenBMC power request shapes (xCAT)', () => {
  it('on: host Transition.On; off: chassis Transition.Off; softoff: host Transition.Off', async () => {
    const m = machine({ chassis: 'Off', host: 'Off' });
    const writes = fakeOpenBmc(m);
    expect((await power({ verb: 'on' })).result.state).toBe('on');
    expect((await power({ verb: 'softoff' })).result.state).toBe('softoff');
    m.chassis = 'On';
    m.host = 'Running';
    expect((await power({ verb: 'off' })).result.state).toBe('off');
    expect(writes).toEqual([
      ['PUT', `${STATE}/host0/attr/RequestedHostTransition`, `${X}.State.Host.Transition.On`],
      ['PUT', `${STATE}/host0/attr/RequestedHostTransition`, `${X}.State.Host.Transition.Off`],
      ['PUT', `${STATE}/chassis0/attr/RequestedPowerTransition`, `${X}.State.Chassis.Transition.Off`],
    ]);
  });

  it('reset: chassis off, then host on, in that order; on (Chassis) counts as off', async () => {
    const writes = fakeOpenBmc(machine());
    expect((await power({ verb: 'reset' })).result).toMatchObject({
      state: 'reset',
      action: 'chassis Off, then host On',
    });
    expect(writes.map((w) => w[2])).toEqual([
      `${X}.State.Chassis.Transition.Off`,
      `${X}.State.Host.Transition.On`,
    ]);
    nock.cleanAll();
    const partial = fakeOpenBmc(machine({ host: 'Off' }));
    expect((await power({ verb: 'reset' })).result.state).toBe('off');
    expect((await power({ verb: 'stat' })).result.state).toBe('on (Chassis)');
    expect(partial).toEqual([]);
  });

  it('bmcreboot: RequestedBMCTransition Reboot; with a pending firmware image the dumps are purged first', async () => {
    const sw = `/${X.replace(/\./g, '/')}/software`;
    const writes = fakeOpenBmc(
      machine({
        software: {
          [`${sw}/functional`]: { endpoints: [`${sw}/aaa`] },
          [`${sw}/aaa`]: {
            Version: '2.12',
            Priority: 0,
            Purpose: `${X}.Software.Version.VersionPurpose.BMC`,
          },
          [`${sw}/bbb`]: {
            Version: '2.14',
            Priority: 0,
            Purpose: `${X}.Software.Version.VersionPurpose.BMC`,
          },
        },
      }),
    );
    const { result, services } = await power({ verb: 'bmcreboot' });
    expect(result.state).toBe('BMC reboot');
    expect(writes).toEqual([
      ['POST', '/xyz/openbmc_project/dump/action/DeleteAll', []],
      ['PUT', `${STATE}/bmc0/attr/RequestedBMCTransition`, `${X}.State.BMC.Transition.Reboot`],
    ]);
    expect(services.warnings).toEqual([
      'node01: Firmware will be flashed on reboot, deleting all BMC diagnostics...',
    ]);
  });
});

describe('OpenBMC rsetboot request shapes (xCAT)', () => {
  it('one-time: one_time Enabled 1, then one_time BootSource; read back from one_time', async () => {
    const writes = fakeOpenBmc(machine());
    expect(await boot({ device: 'net', persistent: false, uefi: false })).toMatchObject({
      display: 'Network',
      persistent: false,
    });
    expect(writes).toEqual([
      ['PUT', `${CONTROL}/boot/one_time/attr/Enabled`, 1],
      ['PUT', `${CONTROL}/boot/one_time/attr/BootSource`, `${X}.Control.Boot.Source.Sources.Network`],
    ]);
  });

  it('-p: one_time Enabled 0, then the persistent BootSource; read back from boot', async () => {
    const writes = fakeOpenBmc(
      machine({ oneTime: { Enabled: true, BootSource: `${X}.Control.Boot.Source.Sources.Network` } }),
    );
    expect(await boot({ device: 'cd', persistent: true, uefi: false })).toMatchObject({
      display: 'CD/DVD',
      persistent: true,
    });
    expect(writes).toEqual([
      ['PUT', `${CONTROL}/boot/one_time/attr/Enabled`, 0],
      ['PUT', `${CONTROL}/boot/attr/BootSource`, `${X}.Control.Boot.Source.Sources.ExternalMedia`],
    ]);
  });
});
