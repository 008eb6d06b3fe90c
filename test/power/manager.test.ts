/**
 * The flavor-neutral power logic (src/managers/power.ts) against a scripted executor: which primitives
 * are called for each verb and state, --wait, --expect, bmcreboot, and argument validation.
 */
import { describe, it, expect } from '@jest/globals';
import { HwctlUsageError, NodeError } from '../../src/core/errors.js';
import {
  defaultPowerTimeoutMs,
  parsePowerArgs,
  powerView,
  runPower,
  type BmcStatus,
  type PowerAction,
  type PowerArgs,
  type PowerExecutor,
  type PowerPhase,
  type PowerStatus,
  type PowerTarget,
} from '../../src/managers/power.js';
import { droppedByReboot } from '../../src/bmc/errors.js';
import { fakeContext } from './fake-context.js';

const DISPLAY: Partial<Record<PowerPhase, string>> = { partial: 'on (Chassis)', other: 'quiesced' };

/** A node whose state walks through `pending` one read at a time after each action. */
class ScriptedPower implements PowerExecutor {
  readonly capability = 'power' as const;
  readonly flavor = 'fake';
  calls: string[] = [];
  pending: PowerPhase[] = [];
  bmc: Array<BmcStatus | Error> = [{ ready: true, display: 'BMC Ready' }];
  rebootError?: Error;
  offSticks = false;

  constructor(
    public phase: PowerPhase,
    withRestart = true,
  ) {
    if (!withRestart) (this as { restart?: unknown }).restart = undefined;
  }

  async getState(): Promise<PowerStatus> {
    this.calls.push('getState');
    if (this.pending.length) this.phase = this.pending.shift()!;
    return { phase: this.phase, display: DISPLAY[this.phase] ?? this.phase };
  }
  async setState(args: { target: PowerTarget }): Promise<PowerAction> {
    this.calls.push(`set:${args.target}`);
    if (args.target === 'on') this.pending = ['powering-on', 'on'];
    else this.pending = this.offSticks ? ['powering-off'] : ['powering-off', 'off'];
    return { sent: args.target === 'on' ? 'On' : args.target === 'off' ? 'ForceOff' : 'GracefulShutdown' };
  }
  async restart(args: { verb: 'reset' | 'boot' }): Promise<PowerAction | undefined> {
    this.calls.push(`restart:${args.verb}`);
    this.pending = ['powering-on', 'on'];
    return { sent: 'ForceRestart' };
  }
  async getBmcState(): Promise<BmcStatus> {
    this.calls.push('getBmcState');
    const next = this.bmc.length > 1 ? this.bmc.shift()! : this.bmc[0]!;
    if (next instanceof Error) throw next;
    return next;
  }
  async rebootBmc(): Promise<PowerAction> {
    this.calls.push('rebootBmc');
    if (this.rebootError) throw this.rebootError;
    return { sent: 'ForceRestart' };
  }
}

const fast = (a: Partial<PowerArgs>): PowerArgs => ({ verb: 'stat', pollIntervalMs: 5, ...a });
const actions = (ex: ScriptedPower) => ex.calls.filter((c) => c !== 'getState' && c !== 'getBmcState');

describe('rpower verbs without --wait (xCAT prints what was requested)', () => {
  it('on: sends On to a node that is off, nothing to a node that is on or powering on', async () => {
    const off = new ScriptedPower('off');
    expect(await runPower(off, fast({ verb: 'on' }), fakeContext())).toMatchObject({
      state: 'on',
      changed: true,
      action: 'On',
    });
    expect(actions(off)).toEqual(['set:on']);
    for (const phase of ['on', 'powering-on'] as const) {
      const ex = new ScriptedPower(phase);
      expect(await runPower(ex, fast({ verb: 'on' }), fakeContext())).toMatchObject({
        state: 'on',
        changed: false,
      });
      expect(actions(ex)).toEqual([]);
    }
  });

  it('on: a node still powering off is let reach off first, then powered on', async () => {
    const ex = new ScriptedPower('powering-off');
    ex.pending = ['powering-off', 'off'];
    expect(await runPower(ex, fast({ verb: 'on' }), fakeContext())).toMatchObject({
      state: 'on',
      changed: true,
    });
    expect(ex.calls).toEqual(['getState', 'getState', 'set:on']);
    const stuck = new ScriptedPower('powering-off');
    const err = (await runPower(stuck, fast({ verb: 'on', offWaitMs: 30 }), fakeContext()).catch(
      (e: unknown) => e,
    )) as NodeError;
    expect(err.message).toBe(
      'was powering off and did not reach off after waiting 0 seconds (State= powering-off); power-on not sent.',
    );
    expect(actions(stuck)).toEqual([]);
  });

  it('on: a node with chassis power but the host off (OpenBMC on (Chassis)) is powered on', async () => {
    const ex = new ScriptedPower('partial');
    await runPower(ex, fast({ verb: 'on' }), fakeContext());
    expect(actions(ex)).toEqual(['set:on']);
  });

  it('off: nothing sent to a node that is off; a hard off goes out even during a graceful shutdown', async () => {
    const ex = new ScriptedPower('off');
    expect(await runPower(ex, fast({ verb: 'off' }), fakeContext())).toMatchObject({
      state: 'off',
      changed: false,
    });
    expect(actions(ex)).toEqual([]);
    const going = new ScriptedPower('powering-off');
    await runPower(going, fast({ verb: 'off' }), fakeContext());
    expect(actions(going)).toEqual(['set:off']);
    const partial = new ScriptedPower('partial');
    await runPower(partial, fast({ verb: 'off' }), fakeContext());
    expect(actions(partial)).toEqual(['set:off']);
  });

  it('softoff: GracefulShutdown unless already off or shutting down; prints softoff', async () => {
    const ex = new ScriptedPower('on');
    expect(await runPower(ex, fast({ verb: 'softoff' }), fakeContext())).toMatchObject({
      state: 'softoff',
      changed: true,
    });
    expect(actions(ex)).toEqual(['set:softoff']);
    const going = new ScriptedPower('powering-off');
    await runPower(going, fast({ verb: 'softoff' }), fakeContext());
    expect(actions(going)).toEqual([]);
  });

  it('reset: a node that is off (or only chassis-on) prints off and is left alone', async () => {
    for (const phase of ['off', 'partial'] as const) {
      const ex = new ScriptedPower(phase);
      expect(await runPower(ex, fast({ verb: 'reset' }), fakeContext())).toMatchObject({
        state: 'off',
        changed: false,
      });
      expect(actions(ex)).toEqual([]);
    }
  });

  it('reset: exactly one restart action on a node that is on', async () => {
    const ex = new ScriptedPower('on');
    expect(await runPower(ex, fast({ verb: 'reset' }), fakeContext())).toMatchObject({
      state: 'reset',
      changed: true,
      action: 'ForceRestart',
    });
    expect(actions(ex)).toEqual(['restart:reset']);
  });

  it('boot: on when off, a restart when on; prints boot', async () => {
    const off = new ScriptedPower('off');
    expect(await runPower(off, fast({ verb: 'boot' }), fakeContext())).toMatchObject({
      state: 'boot',
      action: 'On',
    });
    expect(actions(off)).toEqual(['set:on']);
    const on = new ScriptedPower('on');
    await runPower(on, fast({ verb: 'boot' }), fakeContext());
    expect(actions(on)).toEqual(['restart:boot']);
  });

  it('reset without a restart primitive: hard off, wait until off, then on (xCAT OpenBMC)', async () => {
    const ex = new ScriptedPower('on', false);
    const ctx = fakeContext();
    const r = await runPower(ex, fast({ verb: 'reset' }), ctx);
    expect(r).toMatchObject({ state: 'reset', action: 'ForceOff, then On' });
    expect(ex.calls).toEqual(['getState', 'set:off', 'getState', 'getState', 'set:on']);
    expect(ctx.progress).toEqual(['powering-off', 'off']);
  });

  it('a composed reset whose off never happens fails with xCAT message and never sends on', async () => {
    const ex = new ScriptedPower('on', false);
    ex.offSticks = true;
    const err = await runPower(ex, fast({ verb: 'reset', offWaitMs: 40 }), fakeContext()).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NodeError);
    expect((err as NodeError).kind).toBe('failed');
    expect((err as NodeError).message).toBe(
      'Sent power-off command but state did not change to off after waiting 0 seconds. (State= powering-off).',
    );
    expect(actions(ex)).toEqual(['set:off']);
  });
});

describe('rpower --wait', () => {
  it('on --wait: polls through powering-on, prints the final state and time', async () => {
    const ex = new ScriptedPower('off');
    const ctx = fakeContext();
    const r = await runPower(ex, fast({ verb: 'on', waitMs: 5000 }), ctx);
    expect(r.state).toBe('on');
    expect(r.waitedMs).toBeGreaterThanOrEqual(0);
    expect(ctx.progress).toEqual(['powering-on', 'on']);
    expect(powerView.text(r)[0]).toMatch(/^on \(\d+\.\d s\)$/);
    expect(powerView.json!(r)).toMatchObject({
      state: 'on',
      verb: 'on',
      changed: true,
      action: 'On',
      phase: 'on',
    });
  });

  it('a state never reached within --wait is a failed node naming the last state', async () => {
    const ex = new ScriptedPower('on');
    ex.offSticks = true;
    const err = (await runPower(ex, fast({ verb: 'off', waitMs: 30 }), fakeContext()).catch(
      (e: unknown) => e,
    )) as NodeError;
    expect(err.kind).toBe('failed');
    expect(err.message).toMatch(/^did not reach off within 0\.0 s \(state is powering-off\)$/);
  });

  it('reset --wait waits for on after the restart action', async () => {
    const ex = new ScriptedPower('on');
    const r = await runPower(ex, fast({ verb: 'reset', waitMs: 5000 }), fakeContext());
    expect(r).toMatchObject({ state: 'on', action: 'ForceRestart', changed: true });
    expect(actions(ex)).toEqual(['restart:reset']);
  });

  it('the node deadline ends a wait at once', async () => {
    const ex = new ScriptedPower('on');
    ex.offSticks = true;
    const started = Date.now();
    const err = await runPower(
      ex,
      { verb: 'off', waitMs: 60_000, pollIntervalMs: 1000 },
      fakeContext('n', AbortSignal.timeout(50)),
    ).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(900);
    expect((err as DOMException).name).toBe('TimeoutError');
  });
});

describe('rpower stat --expect', () => {
  it('a node in the expected state passes; another state is a failed node', async () => {
    expect(await runPower(new ScriptedPower('on'), fast({ expect: 'on' }), fakeContext())).toMatchObject({
      state: 'on',
      phase: 'on',
    });
    const err = (await runPower(new ScriptedPower('partial'), fast({ expect: 'on' }), fakeContext()).catch(
      (e: unknown) => e,
    )) as NodeError;
    expect(err.kind).toBe('failed');
    expect(err.message).toBe('state is on (Chassis), expected on');
  });

  it('stat --expect --wait polls until the expected state', async () => {
    const ex = new ScriptedPower('off');
    ex.pending = ['off', 'powering-on', 'on'];
    const r = await runPower(ex, fast({ expect: 'on', waitMs: 5000 }), fakeContext());
    expect(r.state).toBe('on');
    expect(actions(ex)).toEqual([]);
  });
});

describe('bmcstate and bmcreboot', () => {
  it('bmcstate prints BMC Ready / BMC NotReady', async () => {
    const ex = new ScriptedPower('on');
    ex.bmc = [{ ready: false, display: 'BMC NotReady' }];
    expect((await runPower(ex, fast({ verb: 'bmcstate' }), fakeContext())).state).toBe('BMC NotReady');
  });

  it('bmcstate --wait rides out errors and NotReady until Ready', async () => {
    const ex = new ScriptedPower('on');
    ex.bmc = [
      new NodeError('unreachable', 'connect ECONNREFUSED'),
      { ready: false, display: 'BMC NotReady' },
      { ready: true, display: 'BMC Ready' },
    ];
    const r = await runPower(ex, fast({ verb: 'bmcstate', waitMs: 5000 }), fakeContext());
    expect(r.state).toBe('BMC Ready');
    expect(ex.calls.filter((c) => c === 'getBmcState')).toHaveLength(3);
  });

  it('bmcstate --wait on a BMC that may restart on its own (rflash): an auth failure is ridden out, Ready counts at once', async () => {
    const login = () => new NodeError('auth', '[401] Invalid username or password', 401);
    const ex = new ScriptedPower('on');
    ex.bmc = [login(), { ready: true, display: 'BMC Ready' }];
    const r = await runPower(
      ex,
      fast({ verb: 'bmcstate', waitMs: 5000, bmcMayRestart: true }),
      fakeContext(),
    );
    expect(r.state).toBe('BMC Ready');
    expect(ex.calls.filter((c) => c === 'getBmcState')).toHaveLength(2);
    // Without it (rpower bmcstate --wait), a refused login is the node's answer.
    const plain = new ScriptedPower('on');
    plain.bmc = [login(), { ready: true, display: 'BMC Ready' }];
    await expect(runPower(plain, fast({ verb: 'bmcstate', waitMs: 5000 }), fakeContext())).rejects.toThrow(
      'Invalid username or password',
    );
  });

  it('bmcreboot: a dropped connection or 504 after the request is success; a refused connection is not', async () => {
    for (const e of [
      new NodeError(
        'unreachable',
        'BMC did not respond. Validate BMC configuration and retry the command. (socket hang up)',
      ),
      new NodeError('http', '504 Gateway Timeout', 504),
      new NodeError('timeout', 'request timed out after 30 s'),
    ]) {
      const ex = new ScriptedPower('on');
      ex.rebootError = e;
      expect(await runPower(ex, fast({ verb: 'bmcreboot' }), fakeContext())).toMatchObject({
        state: 'BMC reboot',
        changed: true,
      });
    }
    const refused = new ScriptedPower('on');
    refused.rebootError = new NodeError('unreachable', 'connect ECONNREFUSED 127.0.0.1:1');
    await expect(runPower(refused, fast({ verb: 'bmcreboot' }), fakeContext())).rejects.toThrow(
      'ECONNREFUSED',
    );
    expect(droppedByReboot(new NodeError('auth', '[401] Invalid username or password', 401))).toBe(false);
    const noResponse = 'BMC did not respond. Validate BMC configuration and retry the command.';
    expect(
      droppedByReboot(new NodeError('unreachable', `${noResponse} (connection reset by 127.0.0.1:1)`)),
    ).toBe(true);
    expect(droppedByReboot(new NodeError('timeout', `${noResponse} (no response within 30 s)`))).toBe(true);
    expect(
      droppedByReboot(new NodeError('timeout', `${noResponse} (no connection to 127.0.0.1:1 within 5 s)`)),
    ).toBe(false);
    expect(
      droppedByReboot(new NodeError('unreachable', `${noResponse} (connection refused by 127.0.0.1:1)`)),
    ).toBe(false);
    expect(
      droppedByReboot(
        new NodeError('unreachable', 'Unable to resolve ip address for bmc: x (DNS lookup failed)'),
      ),
    ).toBe(false);
  });

  it('bmcreboot --wait only accepts Ready once the BMC has been seen down', async () => {
    const ex = new ScriptedPower('on');
    ex.bmc = [
      { ready: true, display: 'BMC Ready' }, // still the old firmware answering
      new NodeError('unreachable', 'socket hang up'),
      { ready: false, display: 'BMC NotReady' },
      { ready: true, display: 'BMC Ready' },
    ];
    const ctx = fakeContext();
    const r = await runPower(ex, fast({ verb: 'bmcreboot', waitMs: 5000 }), ctx);
    expect(r.state).toBe('BMC Ready');
    expect(ex.calls.filter((c) => c === 'getBmcState')).toHaveLength(4);
    expect(ctx.progress).toEqual(['BMC Ready', 'BMC NotReady', 'BMC Ready']);
  });
});

describe('rpower arguments (checked before anything is touched)', () => {
  const usage = (input: Parameters<typeof parsePowerArgs>[0]) => {
    try {
      parsePowerArgs(input);
    } catch (e) {
      expect(e).toBeInstanceOf(HwctlUsageError);
      return (e as Error).message;
    }
    throw new Error('no usage error');
  };

  it('uses xCAT wording for missing, several and unknown verbs', () => {
    expect(usage({ actions: [] })).toBe('No option specified for rpower');
    expect(usage({ actions: ['on', 'off'] })).toBe(
      'Only one option is supported at the same time for rpower',
    );
    expect(usage({ actions: ['foo'] })).toMatch(/^Unsupported command: rpower foo \(valid: on, off, softoff/);
  });

  it('state and status are stat; --wait bare, =N, or swallowing the verb', () => {
    expect(parsePowerArgs({ actions: ['status'] }).verb).toBe('stat');
    expect(parsePowerArgs({ actions: ['on'], wait: '' }).waitMs).toBe(300_000);
    expect(parsePowerArgs({ actions: ['on'], wait: '12.5' }).waitMs).toBe(12_500);
    expect(parsePowerArgs({ actions: [], wait: 'reset' })).toMatchObject({ verb: 'reset', waitMs: 300_000 });
  });

  it('rejects bad --wait/--expect combinations', () => {
    expect(usage({ actions: ['on'], wait: 'soon' })).toMatch(/--wait takes a number of seconds/);
    expect(usage({ actions: ['on'], expect: 'on' })).toBe('--expect applies to rpower stat, not rpower on');
    expect(usage({ actions: ['stat'], expect: 'maybe' })).toBe("--expect takes on or off, not 'maybe'");
    expect(usage({ actions: ['stat'], wait: '' })).toMatch(/needs --expect/);
    expect(usage({ actions: ['on'], interval: 0 })).toMatch(/--interval/);
  });

  it('gives longer deadlines to composed restarts and waits', () => {
    expect(defaultPowerTimeoutMs({ verb: 'stat' })).toBe(60_000);
    expect(defaultPowerTimeoutMs({ verb: 'reset' })).toBeGreaterThan(120_000);
    expect(defaultPowerTimeoutMs({ verb: 'off', waitMs: 300_000 })).toBe(360_000);
    expect(defaultPowerTimeoutMs({ verb: 'on', waitMs: 300_000 })).toBe(450_000);
  });
});
