/**
 * Request shapes of the Redfish power and boot executors, on nock (test/bmc/fake-redfish.ts): the
 * vendor variants the simulator does not have (Cray's `Off`, ForceOn-only, ActionInfo-only restart
 * lists, no restart at all, AMI's settings object, BMCs that require the boot mode), and exactly which
 * requests each verb sends.
 */
import { describe, it, expect } from '@jest/globals';
import { useNock } from '../helpers/nock-harness.js';
import { FakeRedfish, MANAGER, SYSTEM, standardResources, type Handler } from '../bmc/fake-redfish.js';
import { recordingServices, testContext, testNode, rejection } from '../bmc/helpers.js';
import redfishPower from '../../src/executors/redfish/power.js';
import redfishBoot from '../../src/executors/redfish/boot.js';
import { runPower, type PowerArgs } from '../../src/managers/power.js';
import { runBoot, type BootArgs } from '../../src/managers/boot.js';

useNock();

const RESET = `${SYSTEM}/Actions/ComputerSystem.Reset`;

/** A System whose PowerState follows the ResetTypes POSTed to it (instantly). */
function powerFake(opts: {
  state: 'On' | 'Off';
  allowed?: string[];
  actionInfo?: string[];
  extra?: Record<string, Handler>;
}) {
  let state = opts.state;
  const base = standardResources()[SYSTEM] as Record<string, unknown>;
  const reset: Record<string, unknown> = { target: RESET };
  if (opts.allowed) reset['ResetType@Redfish.AllowableValues'] = opts.allowed;
  const resources: Record<string, unknown> = {};
  if (opts.actionInfo) {
    reset['@Redfish.ActionInfo'] = `${SYSTEM}/ResetActionInfo`;
    resources[`${SYSTEM}/ResetActionInfo`] = {
      Parameters: [{ Name: 'ResetType', Required: true, AllowableValues: opts.actionInfo }],
    };
  }
  const fake = new FakeRedfish({
    resources,
    handlers: {
      [`GET ${SYSTEM}`]: () => [
        200,
        { ...base, PowerState: state, Actions: { '#ComputerSystem.Reset': reset } },
      ],
      [`POST ${RESET}`]: (req) => {
        const t = (req.body as { ResetType: string }).ResetType;
        if (['On', 'ForceOn'].includes(t)) state = 'On';
        if (['ForceOff', 'Off', 'GracefulShutdown'].includes(t)) state = 'Off';
        return [204];
      },
      ...opts.extra,
    },
  });
  return fake;
}

async function power(args: PowerArgs) {
  const ctx = testContext(testNode(), recordingServices({ requestTimeoutMs: 300 }));
  try {
    return await runPower(redfishPower, { pollIntervalMs: 5, ...args }, ctx);
  } finally {
    await ctx.cleanup();
  }
}

const posted = (fake: FakeRedfish) =>
  fake.find('POST', RESET).map((r) => (r.body as { ResetType: string }).ResetType);

describe('Redfish power request shapes', () => {
  it('reset on a node that is on: one POST {ResetType: ForceRestart}, no If-Match; the session is deleted', async () => {
    const fake = powerFake({ state: 'On', allowed: ['On', 'ForceOff', 'ForceRestart'] });
    expect(await power({ verb: 'reset' })).toMatchObject({ state: 'reset', action: 'ForceRestart' });
    const posts = fake.find('POST', RESET);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toEqual({ ResetType: 'ForceRestart' });
    expect(posts[0]!.headers['if-match']).toBeUndefined();
    expect(fake.sessions.size).toBe(0);
  });

  it('on and off where the node already is: no POST at all', async () => {
    const on = powerFake({ state: 'On' });
    await power({ verb: 'on' });
    expect(posted(on)).toEqual([]);
    const off = powerFake({ state: 'Off' });
    await power({ verb: 'off' });
    await power({ verb: 'reset' });
    expect(posted(off)).toEqual([]);
  });

  it('Cray-like lists: on → ForceOn when On is not allowed, off → Off when ForceOff is not', async () => {
    const fake = powerFake({ state: 'Off', allowed: ['ForceOn', 'Off', 'ForceRestart'] });
    await power({ verb: 'on' });
    await power({ verb: 'off' });
    expect(posted(fake)).toEqual(['ForceOn', 'Off']);
  });

  it('values only in ActionInfo (bmcweb, AMI): read it, restart with GracefulRestart when ForceRestart is missing', async () => {
    const fake = powerFake({ state: 'On', actionInfo: ['On', 'ForceOff', 'GracefulRestart', 'PowerCycle'] });
    expect(await power({ verb: 'boot' })).toMatchObject({ state: 'boot', action: 'GracefulRestart' });
    expect(fake.find('GET', `${SYSTEM}/ResetActionInfo`).length).toBeGreaterThan(0);
    expect(posted(fake)).toEqual(['GracefulRestart']);
  });

  it('no restart value at all: ForceOff, wait until off, On — one of each', async () => {
    const fake = powerFake({ state: 'On', allowed: ['On', 'ForceOff'] });
    expect(await power({ verb: 'reset' })).toMatchObject({ action: 'ForceOff, then On' });
    expect(posted(fake)).toEqual(['ForceOff', 'On']);
  });

  it('softoff on a BMC without GracefulShutdown: unsupported, listing the values, nothing sent', async () => {
    const fake = powerFake({ state: 'On', allowed: ['On', 'ForceOff', 'ForceRestart'] });
    expect(await rejection(power({ verb: 'softoff' }))).toEqual({
      kind: 'unsupported',
      message: 'Unsupported option: softoff (this BMC allows ResetType: On, ForceOff, ForceRestart)',
      status: undefined,
    });
    expect(posted(fake)).toEqual([]);
  });

  it('an error answer to the action is the node error (iDRAC 409)', async () => {
    powerFake({
      state: 'Off',
      extra: {
        [`POST ${RESET}`]: () => [
          409,
          {
            error: {
              '@Message.ExtendedInfo': [
                { MessageId: 'IDRAC.2.8.PSU501', Message: 'Server is already powered ON.' },
              ],
            },
          },
        ],
      },
    });
    const e = await rejection(power({ verb: 'on' }));
    expect(e.status).toBe(409);
    expect(e.message).toContain('Server is already powered ON.');
  });

  describe('bmcreboot', () => {
    const managerWith = (handler: Handler, allowed = ['GracefulRestart']) =>
      new FakeRedfish({
        resources: {
          [MANAGER]: {
            '@odata.id': MANAGER,
            ManagerType: 'BMC',
            Status: { State: 'Enabled' },
            Actions: {
              '#Manager.Reset': {
                target: `${MANAGER}/Actions/Manager.Reset`,
                'ResetType@Redfish.AllowableValues': allowed,
              },
            },
          },
        },
        handlers: { [`POST ${MANAGER}/Actions/Manager.Reset`]: handler },
      });

    it('iDRAC: GracefulRestart, the only value it allows', async () => {
      const fake = managerWith(() => [204]);
      expect(await power({ verb: 'bmcreboot' })).toMatchObject({
        state: 'BMC reboot',
        action: 'GracefulRestart',
      });
      expect(fake.find('POST', `${MANAGER}/Actions/Manager.Reset`).map((r) => r.body)).toEqual([
        { ResetType: 'GracefulRestart' },
      ]);
    });

    it('a BMC that goes down before answering (no response, 504) has rebooted: success, sent once', async () => {
      for (const handler of [() => 'hang' as const, (): [number, unknown] => [504, 'Gateway Timeout']]) {
        const fake = managerWith(handler, ['ForceRestart', 'GracefulRestart']);
        expect(await power({ verb: 'bmcreboot' })).toMatchObject({
          state: 'BMC reboot',
          action: 'BMC reboot',
        });
        expect(fake.find('POST', `${MANAGER}/Actions/Manager.Reset`)).toHaveLength(1);
      }
    });

    it('a Manager without a reset value we can use is unsupported', async () => {
      managerWith(() => [204], ['StatefulReset']);
      expect((await rejection(power({ verb: 'bmcreboot' }))).message).toBe(
        'Unsupported option: bmcreboot (this BMC allows Manager ResetType: StatefulReset)',
      );
    });
  });
});

describe('Redfish boot request shapes', () => {
  const bootSystem = (boot: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) => ({
    ...(standardResources()[SYSTEM] as object),
    '@odata.etag': 'W/"42"',
    ...(boot ? { Boot: boot } : {}),
    ...extra,
  });

  async function boot(args: BootArgs) {
    const ctx = testContext(testNode(), recordingServices());
    try {
      return await runBoot(redfishBoot, args, ctx);
    } finally {
      await ctx.cleanup();
    }
  }

  it('one PATCH with If-Match and only Enabled+Target (no mode without -u), then a read back', async () => {
    const fake = new FakeRedfish({
      resources: {
        [SYSTEM]: bootSystem({
          BootSourceOverrideEnabled: 'Disabled',
          BootSourceOverrideTarget: 'None',
          BootSourceOverrideMode: 'Legacy',
        }),
      },
    });
    await boot({ device: 'net', persistent: false, uefi: false });
    const patches = fake.find('PATCH', SYSTEM);
    expect(patches).toHaveLength(1);
    expect(patches[0]!.body).toEqual({
      Boot: { BootSourceOverrideEnabled: 'Once', BootSourceOverrideTarget: 'Pxe' },
    });
    expect(patches[0]!.headers['if-match']).toBe('W/"42"');
    expect(fake.find('GET', SYSTEM).length).toBeGreaterThanOrEqual(2);
  });

  it('a BMC that requires BootSourceOverrideMode gets its current mode back, once', async () => {
    const fake = new FakeRedfish({
      resources: {
        [SYSTEM]: bootSystem({
          BootSourceOverrideEnabled: 'Once',
          BootSourceOverrideTarget: 'Pxe',
          BootSourceOverrideMode: 'Legacy',
        }),
      },
      handlers: {
        [`PATCH ${SYSTEM}`]: (req) =>
          (req.body as { Boot: Record<string, unknown> }).Boot.BootSourceOverrideMode
            ? [204]
            : [
                400,
                {
                  error: {
                    '@Message.ExtendedInfo': [
                      {
                        Message:
                          'BootSourceOverrideMode is a required property and must be included in the request.',
                      },
                    ],
                  },
                },
              ],
      },
    });
    await boot({ device: 'default', persistent: false, uefi: false });
    expect(fake.find('PATCH', SYSTEM).map((r) => r.body)).toEqual([
      { Boot: { BootSourceOverrideEnabled: 'Disabled', BootSourceOverrideTarget: 'None' } },
      {
        Boot: {
          BootSourceOverrideEnabled: 'Disabled',
          BootSourceOverrideTarget: 'None',
          BootSourceOverrideMode: 'Legacy',
        },
      },
    ]);
  });

  it('AMI: the change goes to the @Redfish.Settings object when the System refuses it', async () => {
    const sd = '/redfish/v1/Systems/Self/SD';
    const fake = new FakeRedfish({
      resources: {
        [SYSTEM]: bootSystem(
          { BootSourceOverrideEnabled: 'Disabled', BootSourceOverrideTarget: 'None' },
          { '@Redfish.Settings': { SettingsObject: { '@odata.id': sd } } },
        ),
        [sd]: { '@odata.id': sd },
      },
      handlers: {
        [`PATCH ${SYSTEM}`]: () => [
          400,
          {
            error: {
              '@Message.ExtendedInfo': [
                {
                  MessageId: 'Ami.1.0.OperationSupportedInFutureStateURI',
                  Message: 'Use the FutureState URI.',
                },
              ],
            },
          },
        ],
      },
    });
    const services = recordingServices();
    const ctx = testContext(testNode(), services);
    const r = await runBoot(redfishBoot, { device: 'hd', persistent: false, uefi: false }, ctx);
    await ctx.cleanup();
    expect(fake.find('PATCH', sd).map((x) => x.body)).toEqual([
      { Boot: { BootSourceOverrideEnabled: 'Once', BootSourceOverrideTarget: 'Hdd' } },
    ]);
    // The System still reads the old value until the next reboot: printed as read, with a warning.
    expect(r.display).toBe('boot override inactive');
    expect(services.warnings[0]).toMatch(/asked for hd, the BMC reads back 'boot override inactive'/);
  });

  it('a System without a Boot object (Cray EX) is unsupported and nothing is written', async () => {
    const fake = new FakeRedfish({ resources: { [SYSTEM]: bootSystem(undefined) } });
    expect((await rejection(boot({ device: 'net', persistent: false, uefi: false }))).kind).toBe(
      'unsupported',
    );
    expect(fake.find('PATCH', /./)).toEqual([]);
  });
});
