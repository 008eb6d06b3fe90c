/**
 * Identify LEDs on BMCs that the simulator does not model, on nock: the LED only on the Chassis (Lenovo,
 * NVIDIA), on no resource at all, behind a dangling link, a PATCH answer that carries the resource, a BMC
 * that accepts a set and does not do it, null and unknown values; OpenBMC REST without the groups.
 */
import { describe, it, expect } from '@jest/globals';
import { runOnContext, useNock } from '../helpers/nock-harness.js';
import nock from 'nock';
import { CHASSIS, FakeRedfish, SYSTEM, standardResources, type FakeOptions } from '../bmc/fake-redfish.js';
import { PASSWORD, recordingServices, testContext, testNode } from '../bmc/helpers.js';
import redfishBeacon from '../../src/executors/redfish/beacon.js';
import openbmcBeacon from '../../src/executors/openbmc/beacon.js';
import {
  runBeacon,
  type BeaconExecutor,
  type BeaconResult,
  type BeaconVerb,
} from '../../src/managers/beacon.js';

useNock();

type Doc = Record<string, unknown>;
const std = standardResources();

function setup(opts: FakeOptions, mgt = 'redfish') {
  const fake = new FakeRedfish(opts);
  const ctx = testContext(testNode({ mgt }), recordingServices(), PASSWORD);
  return { fake, ctx };
}

async function run(
  ex: BeaconExecutor,
  ctx: ReturnType<typeof testContext>,
  verb: BeaconVerb,
): Promise<BeaconResult> {
  return runOnContext(ctx, (c) => runBeacon(ex, { verb }, c));
}

/** Resources where `path` holds a mutable LED that PATCH changes. */
function liveLed(
  path: string,
  initial: Doc,
  resources: Record<string, unknown>,
  patchReply?: (doc: Doc) => [number, unknown?],
) {
  const state: Doc = { ...(resources[path] as Doc), ...initial };
  return {
    state,
    handlers: {
      [`GET ${path}`]: () => [200, state] as [number, unknown],
      [`PATCH ${path}`]: (req: { body: unknown }) => {
        Object.assign(state, req.body as Doc);
        return patchReply ? patchReply(state) : ([204] as [number]);
      },
    },
  };
}

describe('Redfish: where the LED is', () => {
  it('only on the Chassis (Lenovo style): read and set there', async () => {
    const led = liveLed(CHASSIS, { IndicatorLED: 'Off' }, std);
    const { fake, ctx } = setup({ handlers: led.handlers });
    const r = await run(redfishBeacon, ctx, 'on');
    expect(r).toMatchObject({ state: 'on', sent: 'IndicatorLED=Lit', source: `${CHASSIS} IndicatorLED` });
    expect(fake.find('PATCH', CHASSIS)[0]!.body).toEqual({ IndicatorLED: 'Lit' });
    expect(fake.find('PATCH', SYSTEM)).toHaveLength(0);
  });

  it('a dangling Chassis link is skipped for the next one; with none left the node says what it looked at', async () => {
    const res = {
      [SYSTEM]: {
        ...(std[SYSTEM] as Doc),
        Links: { Chassis: [{ '@odata.id': '/redfish/v1/Chassis/Gone' }, { '@odata.id': CHASSIS }] },
      },
      [CHASSIS]: { '@odata.id': CHASSIS, LocationIndicatorActive: true },
    };
    const a = setup({ resources: res });
    expect(await run(redfishBeacon, a.ctx, 'stat')).toMatchObject({
      state: 'on',
      source: `${CHASSIS} LocationIndicatorActive`,
    });

    const b = setup({ resources: { ...res, [CHASSIS]: { '@odata.id': CHASSIS } } });
    await expect(run(redfishBeacon, b.ctx, 'on')).rejects.toMatchObject({
      kind: 'unsupported',
      message: expect.stringMatching(
        new RegExp(
          `^No identify LED on this BMC: neither ${SYSTEM} nor its Chassis has LocationIndicatorActive or IndicatorLED \\(Chassis link /redfish/v1/Chassis/Gone: .*404`,
        ),
      ),
    });
  });

  it('no Links.Chassis: every Chassis member is looked at', async () => {
    const res = {
      [SYSTEM]: { ...(std[SYSTEM] as Doc), Links: {} },
      '/redfish/v1/Chassis/Enclosure': {
        '@odata.id': '/redfish/v1/Chassis/Enclosure',
        IndicatorLED: 'Blinking',
      },
    };
    const { ctx } = setup({ resources: res });
    expect(await run(redfishBeacon, ctx, 'stat')).toMatchObject({ state: 'blink', blinking: true });
  });
});

describe('Redfish: sets and read backs', () => {
  it('a PATCH answer carrying the resource is the read back (no extra GET); the body ETag is sent as If-Match', async () => {
    const sys = { ...(std[SYSTEM] as Doc), LocationIndicatorActive: false, '@odata.etag': 'W/"7"' };
    const led = liveLed(SYSTEM, {}, { [SYSTEM]: sys }, (doc) => [200, doc]);
    const { fake, ctx } = setup({ handlers: led.handlers });
    const r = await run(redfishBeacon, ctx, 'on');
    expect(r).toMatchObject({ state: 'on', changed: true, sent: 'LocationIndicatorActive=true' });
    expect(fake.find('GET', SYSTEM)).toHaveLength(1);
    expect(fake.find('PATCH', SYSTEM)[0]!.headers['if-match']).toBe('W/"7"');
  });

  it('a BMC that accepts the set but does not carry it out fails the node, saying what it reads', async () => {
    const { ctx } = setup({ resources: { [SYSTEM]: { ...(std[SYSTEM] as Doc), IndicatorLED: 'Off' } } });
    await expect(run(redfishBeacon, ctx, 'blink')).rejects.toMatchObject({
      kind: 'failed',
      message: `the BMC accepted blink but the identify LED reads off (${SYSTEM} IndicatorLED)`,
    });
  });

  it('odd values: LocationIndicatorActive null and an IndicatorLED outside the enum are shown, not guessed', async () => {
    const a = setup({ resources: { [SYSTEM]: { ...(std[SYSTEM] as Doc), LocationIndicatorActive: null } } });
    expect(await run(redfishBeacon, a.ctx, 'stat')).toMatchObject({ state: 'unknown', raw: null });
    const b = setup({ resources: { [SYSTEM]: { ...(std[SYSTEM] as Doc), IndicatorLED: 'Unknown' } } });
    const r = await run(redfishBeacon, b.ctx, 'stat');
    expect(r.state).toBe('unknown');
    expect(r.active).toBeUndefined();
  });
});

describe('OpenBMC REST without the expected objects (nock)', () => {
  const ORIGIN = 'https://bmc01.test:443';
  const ok = (data: unknown) => ({ data, message: '200 OK', status: 'ok' });
  const G = '/xyz/openbmc_project/led/groups';

  function rest(data: Record<string, unknown>, path = `${G}/enumerate`) {
    nock(ORIGIN)
      .post('/login')
      .reply(200, ok("User 'root' logged in"), { 'Set-Cookie': 'SESSION=s1; Path=/' })
      .get(path)
      .reply(200, ok(data))
      .post('/logout')
      .reply(200, ok('bye'));
    return testContext(testNode({ mgt: 'openbmc' }), recordingServices(), PASSWORD);
  }

  it('no enclosure_identify_blink group: blink is unsupported, nothing written', async () => {
    const ctx = rest({ [`${G}/enclosure_identify`]: { Asserted: false } });
    await expect(run(openbmcBeacon, ctx, 'blink')).rejects.toMatchObject({
      kind: 'unsupported',
      message: 'This BMC has no enclosure_identify_blink LED group: blink is not possible here (use on)',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('no enclosure_identify group: on is unsupported', async () => {
    const ctx = rest({ [`${G}/power_on`]: { Asserted: true } });
    await expect(run(openbmcBeacon, ctx, 'on')).rejects.toMatchObject({
      kind: 'unsupported',
      message: 'This BMC has no enclosure_identify LED group',
    });
  });

  it('stat with only a front identify LED: the missing one is N/A (xCAT)', async () => {
    const ctx = rest(
      {
        '/xyz/openbmc_project/led/physical/front_id': {
          State: 'xyz.openbmc_project.Led.Physical.Action.Blink',
        },
      },
      '/xyz/openbmc_project/led/physical/enumerate',
    );
    expect(await run(openbmcBeacon, ctx, 'stat')).toMatchObject({
      state: 'Front:Blink Rear:N/A',
      active: true,
      blinking: true,
    });
  });
});
