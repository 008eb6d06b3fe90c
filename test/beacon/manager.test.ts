/** The flavor-neutral rbeacon logic (src/managers/beacon.ts): arguments, read-back checks, the view. */
import { describe, it, expect } from '@jest/globals';
import {
  beaconRequest,
  beaconView,
  parseBeaconArgs,
  runBeacon,
  type BeaconExecutor,
  type BeaconSetOutcome,
  type BeaconStatus,
  type BeaconTarget,
} from '../../src/managers/beacon.js';
import { fakeContext } from '../power/fake-context.js';
import { usage } from '../helpers/usage.js';

describe('parseBeaconArgs', () => {
  it('on, off, blink, stat', () => {
    for (const v of ['on', 'off', 'blink', 'stat']) expect(parseBeaconArgs([v])).toEqual({ verb: v });
  });
  it("xCAT's messages for none and several; the valid words for anything else", () => {
    expect(usage(() => parseBeaconArgs([]))).toBe('No option specified for rbeacon');
    expect(usage(() => parseBeaconArgs(['on', 'off']))).toBe(
      'Only one option is supported at the same time for rbeacon',
    );
    expect(usage(() => parseBeaconArgs(['flash']))).toBe(
      'Unsupported command: rbeacon flash (valid: on, off, blink, stat)',
    );
  });
});

/** An executor whose read-back is scripted. */
class ScriptedBeacon implements BeaconExecutor {
  readonly capability = 'beacon' as const;
  readonly flavor = 'fake';
  calls: string[] = [];
  constructor(
    private readonly after: BeaconStatus,
    /** null: the LED already was as asked, nothing sent. */
    private readonly sent: string | null = 'X=1',
  ) {}
  async getBeacon(): Promise<BeaconStatus> {
    this.calls.push('get');
    return this.after;
  }
  async setBeacon(args: { target: BeaconTarget }): Promise<BeaconSetOutcome> {
    this.calls.push(`set:${args.target}`);
    return this.sent === null ? { status: this.after } : { status: this.after, sent: this.sent };
  }
}

const status = (display: string, active?: boolean): BeaconStatus => ({
  display,
  source: '/redfish/v1/Systems/1 LocationIndicatorActive',
  ...(active === undefined ? {} : { active }),
});

describe('runBeacon', () => {
  it('stat reads only; a set reports the read back and what was sent', async () => {
    const ex = new ScriptedBeacon(status('on', true));
    expect(await runBeacon(ex, { verb: 'stat' }, fakeContext())).toEqual({
      verb: 'stat',
      state: 'on',
      changed: false,
      active: true,
      source: '/redfish/v1/Systems/1 LocationIndicatorActive',
    });
    expect(ex.calls).toEqual(['get']);
    const set = await runBeacon(ex, { verb: 'on' }, fakeContext());
    expect(set).toMatchObject({ verb: 'on', state: 'on', changed: true, sent: 'X=1' });
    expect(ex.calls).toEqual(['get', 'set:on']);
  });

  it('a LED already as asked: nothing sent, changed false', async () => {
    const r = await runBeacon(new ScriptedBeacon(status('off', false), null), { verb: 'off' }, fakeContext());
    expect(r).toMatchObject({ state: 'off', changed: false });
    expect(r.sent).toBeUndefined();
  });

  it('a read back that contradicts the request fails the node; an unknown one is reported as read', async () => {
    await expect(
      runBeacon(new ScriptedBeacon(status('off', false)), { verb: 'blink' }, fakeContext()),
    ).rejects.toMatchObject({
      kind: 'failed',
      message:
        'the BMC accepted blink but the identify LED reads off (/redfish/v1/Systems/1 LocationIndicatorActive)',
    });
    await expect(
      runBeacon(new ScriptedBeacon(status('on', true)), { verb: 'off' }, fakeContext()),
    ).rejects.toMatchObject({
      kind: 'failed',
    });
    expect(
      await runBeacon(new ScriptedBeacon(status('unknown')), { verb: 'on' }, fakeContext()),
    ).toMatchObject({
      state: 'unknown',
    });
  });

  it('an executor without the primitives is unsupported', async () => {
    const req = beaconRequest([], { verb: 'stat' });
    await expect(
      Promise.resolve().then(() => req.perNode!({ capability: 'beacon', flavor: 'bare' }, fakeContext())),
    ).rejects.toMatchObject({
      kind: 'unsupported',
      message: 'the bare beacon executor does not implement getBeacon, setBeacon',
    });
  });
});

describe('beaconView', () => {
  it('text is the state; json adds verb, changed, source, what was sent and the raw value', () => {
    const r = {
      verb: 'blink' as const,
      state: 'blink',
      changed: true,
      active: true,
      blinking: true,
      source: '/redfish/v1/Systems/1 IndicatorLED',
      sent: 'IndicatorLED=Blinking',
      raw: 'Blinking',
    };
    expect(beaconView.text(r)).toEqual(['blink']);
    expect(beaconView.json!(r)).toEqual({
      state: 'blink',
      verb: 'blink',
      changed: true,
      source: '/redfish/v1/Systems/1 IndicatorLED',
      active: true,
      blinking: true,
      sent: 'IndicatorLED=Blinking',
      raw: 'Blinking',
    });
    expect(beaconView.columns!.map((c) => c.value(r))).toEqual(['blink', 'IndicatorLED=Blinking']);
  });
});
