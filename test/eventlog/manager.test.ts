/**
 * The flavor-neutral event-log logic (src/managers/eventlog.ts): argument checks with xCAT's messages,
 * the line formats, newest N / -s, resolve outcomes, the request guard and the json shape.
 */
import { describe, it, expect } from '@jest/globals';
import { NodeError } from '../../src/core/errors.js';
import type { NodeDef } from '../../src/core/types.js';
import {
  eventlogCommandWords,
  eventlogRequest,
  eventlogView,
  formatEntry,
  parseEventlogArgs,
  resolveAnnouncement,
  resolveResult,
  runEventlog,
  mergeByTime,
  type EntryListing,
  type EventEntry,
  type EventlogArgs,
  type EventlogExecutor,
  type EventlogResult,
  type ResolveOutcome,
} from '../../src/managers/eventlog.js';
import { fakeContext } from '../power/fake-context.js';
import { usage } from '../helpers/usage.js';
import { localStamp } from './stamp.js';

const parse = (...options: string[]) => parseEventlogArgs({ options });

describe('parseEventlogArgs', () => {
  it('defaults to all; numbers keep the newest N; 0 means all (xCAT)', () => {
    expect(parse()).toEqual({ op: 'list', newestFirst: false });
    expect(parse('all')).toEqual({ op: 'list', newestFirst: false });
    expect(parse('25')).toEqual({ op: 'list', newestFirst: false, newest: 25 });
    expect(parse('0')).toEqual({ op: 'list', newestFirst: false });
    expect(parseEventlogArgs({ options: ['5'], sort: true })).toMatchObject({ newest: 5, newestFirst: true });
  });

  it('clear, resolved=ids (deduplicated, spaces dropped), resolved=LED in any case', () => {
    expect(parse('clear')).toEqual({ op: 'clear', newestFirst: false });
    expect(parse('resolved=3, 4,3')).toMatchObject({
      op: 'resolve',
      resolve: { kind: 'ids', ids: ['3', '4'] },
    });
    expect(parse('resolved=led')).toMatchObject({ op: 'resolve', resolve: { kind: 'led' } });
    expect(parse('resolved=SEL/7')).toMatchObject({ resolve: { kind: 'ids', ids: ['SEL/7'] } });
  });

  it("xCAT's messages for the wrong forms", () => {
    const noId =
      "Usage error. Provide a comma separated list of IDs to be resolved. Example: 'resolved=x,y,z'";
    expect(usage(() => parse('resolved='))).toBe(noId);
    expect(usage(() => parse('resolved'))).toBe(noId);
    expect(usage(() => parse('resolved=,'))).toBe(noId);
    expect(usage(() => parse('unresolved'))).toBe(noId);
    expect(usage(() => parse('5', 'clear'))).toBe(
      'Only one option is supported at the same time for reventlog',
    );
    expect(usage(() => parse('foo'))).toMatch(/^Unsupported command: reventlog foo \(valid: /);
    expect(usage(() => parse('-3'))).toMatch(/^Unsupported command: reventlog -3/);
    expect(usage(() => parseEventlogArgs({ options: ['clear'], sort: true }))).toMatch(
      /-s orders listed entries/,
    );
  });

  it('--log takes repeated and comma-separated names; the policy table is passed on', () => {
    const a = parseEventlogArgs({ options: ['3'], log: ['SEL,Lclog', ' IML '], policyTable: '/tmp/p.json' });
    expect(a.logs).toEqual(['SEL', 'Lclog', 'IML']);
    expect(a.policyTable).toBe('/tmp/p.json');
    expect(eventlogCommandWords(a)).toEqual(['3', '--log=SEL,Lclog,IML']);
    expect(eventlogCommandWords(parse('resolved=led'))).toEqual(['resolved=LED']);
  });

  it('announces what it will resolve, as xCAT does', () => {
    expect(resolveAnnouncement(parse('resolved=1,2'))).toBe(
      'Attempting to resolve the following log entries: 1,2...',
    );
    expect(resolveAnnouncement(parse('5'))).toBeUndefined();
  });
});

describe('line formats', () => {
  const t = Date.UTC(2018, 2, 14, 21, 38, 36);
  const base: EventEntry = {
    style: 'openbmc',
    id: '12',
    time: t,
    message: 'org.open_power.Host.Error.Event',
  };

  it("OpenBMC: xCAT's line with PID, callout, Resolved and the [LED] tag", () => {
    expect(formatEntry({ ...base, pid: '1234', resolved: false })).toBe(
      `${localStamp(t)} [12]: org.open_power.Host.Error.Event (PID: 1234), Resolved: False`,
    );
    expect(
      formatEntry({
        ...base,
        pid: '7',
        resolved: true,
        callout: '/xyz/openbmc_project/inventory/system/cpu0',
        led: true,
      }),
    ).toBe(
      `${localStamp(t)} [12]: org.open_power.Host.Error.Event||/xyz/openbmc_project/inventory/system/cpu0 (PID: 7), Resolved: True [LED]`,
    );
    // Without PID or Resolved the parts are left out rather than printed empty.
    expect(formatEntry({ ...base })).toBe(`${localStamp(t)} [12]: org.open_power.Host.Error.Event`);
  });

  it('OpenBMC with a policy table: the translation, or "Not found in policy table"', () => {
    const policy = {
      eventType: 'Processor',
      severity: 'Critical',
      message: 'CPU failed',
      affectedSubsystem: 'Processor',
    };
    expect(formatEntry({ ...base, pid: '9', resolved: false, policy, led: true })).toBe(
      `${localStamp(t)} [12]: Processor, (Critical) CPU failed (AffectedSubsystem: Processor, PID: 9), Resolved: False [LED]`,
    );
    expect(formatEntry({ ...base, pid: '9', resolved: false, policy: 'not-found' })).toBe(
      `${localStamp(t)} [12]: Not found in policy table: org.open_power.Host.Error.Event (PID: 9), Resolved: False`,
    );
  });

  it('Redfish: severity, message, message id; Resolved only where the entry has it; odd times shown as such', () => {
    const e: EventEntry = {
      style: 'redfish',
      id: 'SEL/3',
      time: t,
      severity: 'Critical',
      message: 'Temperature threshold exceeded',
      messageId: '0x592A28',
    };
    expect(formatEntry(e)).toBe(
      `${localStamp(t)} [SEL/3]: (Critical) Temperature threshold exceeded (MessageId: 0x592A28)`,
    );
    expect(formatEntry({ ...e, resolved: false })).toMatch(/\(MessageId: 0x592A28\), Resolved: False$/);
    expect(formatEntry({ style: 'redfish', id: 'Log/1' })).toBe('(no time) [Log/1]: (no message)');
    expect(formatEntry({ style: 'redfish', id: 'Log/1', created: 'yesterday', message: 'x' })).toBe(
      '(time: yesterday) [Log/1]: x',
    );
  });

  it('mergeByTime: logs merged by time, each log keeping its own order; untimed entries stay behind their predecessor', () => {
    const mk = (id: string, time?: number): EventEntry => ({
      style: 'redfish',
      id,
      ...(time === undefined ? {} : { time }),
    });
    const sel = [mk('sel1', 10), mk('sel2'), mk('sel3', 5), mk('sel4', 30)]; // the clock jumped back at sel3
    const lc = [mk('lc1'), mk('lc2', 20), mk('lc3', 20)];
    expect(mergeByTime([sel, lc]).map((e) => e.id)).toEqual([
      'lc1',
      'sel1',
      'sel2',
      'sel3',
      'lc2',
      'lc3',
      'sel4',
    ]);
    expect(mergeByTime([])).toEqual([]);
    expect(mergeByTime([[], sel]).map((e) => e.id)).toEqual(['sel1', 'sel2', 'sel3', 'sel4']);
  });
});

/** An executor that hands back a fixed listing and records what it was asked. */
class FixedEventlog implements EventlogExecutor {
  readonly capability = 'eventlog' as const;
  readonly flavor = 'fake';
  calls: Array<[string, unknown]> = [];
  constructor(
    private readonly listing: EntryListing,
    private readonly resolveOut: ResolveOutcome = { resolved: [], failed: [] },
  ) {}
  async listEntries(args: unknown) {
    this.calls.push(['list', args]);
    return this.listing;
  }
  async clearEntries(args: unknown) {
    this.calls.push(['clear', args]);
    return { cleared: ['SEL'], skipped: ['Journal'] };
  }
  async resolveEntries(args: unknown) {
    this.calls.push(['resolve', args]);
    return this.resolveOut;
  }
}

const entries = (n: number): EventEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    style: 'redfish' as const,
    id: `Log/${i + 1}`,
    time: 1000 * (i + 1),
    message: `m${i + 1}`,
  }));

async function run(ex: EventlogExecutor, args: EventlogArgs): Promise<EventlogResult> {
  return runEventlog(ex, args, fakeContext());
}

describe('runEventlog', () => {
  it('keeps the newest N, oldest first; -s turns them round; total counts what the BMC has', async () => {
    const ex = new FixedEventlog({ entries: entries(10), total: 250 });
    const r = await run(ex, { op: 'list', newestFirst: false, newest: 3 });
    expect(r).toMatchObject({ op: 'list', total: 250 });
    expect(r.op === 'list' && r.entries.map((e) => e.id)).toEqual(['Log/8', 'Log/9', 'Log/10']);
    expect(ex.calls[0]).toEqual(['list', { newest: 3 }]);
    const s = await run(ex, { op: 'list', newestFirst: true, newest: 3 });
    expect(s.op === 'list' && s.entries.map((e) => e.id)).toEqual(['Log/10', 'Log/9', 'Log/8']);
  });

  it("passes --log and the policy table to the executor; an empty log prints xCAT's sentence", async () => {
    const ex = new FixedEventlog({ entries: [] });
    const r = await run(ex, { op: 'list', newestFirst: false, logs: ['SEL'], policyTable: '/p' });
    expect(ex.calls[0]).toEqual(['list', { logs: ['SEL'], policyTable: '/p' }]);
    expect(eventlogView.text(r)).toEqual(['No attributes returned from the BMC.']);
    expect(eventlogView.json!(r)).toEqual({ op: 'list', count: 0, total: 0, entries: [] });
  });

  it('clear: xCAT\'s "Logs cleared", naming the Redfish logs; skipped ones in json', async () => {
    const r = await run(new FixedEventlog({ entries: [] }), { op: 'clear', newestFirst: false });
    expect(eventlogView.text(r)).toEqual(['Logs cleared: SEL']);
    expect(eventlogView.text({ op: 'clear', cleared: [] })).toEqual(['Logs cleared']);
    expect(eventlogView.json!(r)).toEqual({ op: 'clear', cleared: ['SEL'], skipped: ['Journal'] });
  });

  it('resolve: "Resolved <id>" lines; already resolved ones said so; a failed id fails the node naming what was done', async () => {
    const ok = await run(
      new FixedEventlog({ entries: [] }, { resolved: ['1', '2'], already: ['5'], failed: [] }),
      {
        op: 'resolve',
        newestFirst: false,
        resolve: { kind: 'ids', ids: ['1', '2', '5'] },
      },
    );
    expect(eventlogView.text(ok)).toEqual([
      'Not resolving already resolved eventlog ID 5',
      'Resolved 1',
      'Resolved 2',
    ]);
    expect(eventlogView.json!(ok)).toEqual({ op: 'resolve', resolved: ['1', '2'], already: ['5'] });

    const err = (() => {
      try {
        resolveResult({ resolved: ['1'], failed: [{ id: '9', kind: 'failed', message: 'Invalid ID: 9' }] });
      } catch (e) {
        return e as NodeError;
      }
      throw new Error('expected a NodeError');
    })();
    expect(err).toBeInstanceOf(NodeError);
    expect(err.kind).toBe('failed');
    expect(err.message).toBe('Invalid ID: 9 (resolved: 1)');

    expect(() =>
      resolveResult({ resolved: [], failed: [{ id: 'x', kind: 'unsupported', message: 'x: no Resolved' }] }),
    ).toThrow(expect.objectContaining({ kind: 'unsupported', message: 'x: no Resolved' }));
    expect(eventlogView.text(resolveResult({ resolved: [], failed: [] }))).toEqual([
      'No event log entries needed to be resolved',
    ]);
  });

  it('entries in json: ISO time (null when unknown) and only the fields the BMC gave', () => {
    const r: EventlogResult = {
      op: 'list',
      total: 1,
      entries: [
        {
          style: 'openbmc',
          id: '3',
          time: 0,
          message: 'm',
          pid: '12',
          led: true,
          resolved: false,
          severity: 'Error',
        },
        { style: 'redfish', id: 'Log/1', created: 'garbage', log: 'Log' },
      ],
      notes: ['odd'],
    };
    expect(eventlogView.json!(r)).toEqual({
      op: 'list',
      count: 2,
      total: 1,
      notes: ['odd'],
      entries: [
        {
          id: '3',
          time: '1970-01-01T00:00:00.000Z',
          message: 'm',
          pid: '12',
          led: true,
          resolved: false,
          severity: 'Error',
        },
        { id: 'Log/1', time: null, message: null, created: 'garbage', log: 'Log' },
      ],
    });
  });
});

describe('eventlogRequest', () => {
  const node = (name: string): NodeDef => ({
    name,
    bmc: 'https://x',
    mgt: 'redfish',
    groups: [],
    tls: { mode: 'insecure' },
    attrs: {},
  });

  it('refuses to resolve over several nodes (ids are per BMC; xCAT refuses too)', () => {
    const args = parse('resolved=1');
    expect(usage(() => eventlogRequest([node('a'), node('b')], args))).toBe(
      'Resolving faults over a xCAT noderange is not recommended.',
    );
    expect(eventlogRequest([node('a')], args)).toMatchObject({ capability: 'eventlog', op: 'resolve' });
    expect(eventlogRequest([node('a'), node('b')], parse('clear'))).toMatchObject({ op: 'clear' });
  });

  it('an executor without the primitives fails its nodes as unsupported', async () => {
    const req = eventlogRequest([node('a')], parse());
    const bare = { capability: 'eventlog' as const, flavor: 'bare' };
    await expect(Promise.resolve().then(() => req.perNode!(bare, fakeContext()))).rejects.toMatchObject({
      kind: 'unsupported',
      message: 'the bare eventlog executor does not implement listEntries, clearEntries, resolveEntries',
    });
  });
});
