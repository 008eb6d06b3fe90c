/**
 * Event logs on BMCs that answer oddly, on nock (shapes the simulator does not produce): next links that
 * loop, pages that repeat, dangling links, entries without time or message, bare-link members, logs served
 * newest first, duplicate log ids, dump logs; ClearLog and Resolved edge cases; OpenBMC refusals. Each must
 * give a clear per-node message or result and never a crash.
 */
import { describe, it, expect } from '@jest/globals';
import { runOnContext, useNock } from '../helpers/nock-harness.js';
import nock from 'nock';
import {
  FakeRedfish,
  MANAGER,
  SYSTEM,
  standardResources,
  type FakeOptions,
  type Handler,
} from '../bmc/fake-redfish.js';
import { PASSWORD, recordingServices, testContext, testNode } from '../bmc/helpers.js';
import redfishEventlog from '../../src/executors/redfish/eventlog.js';
import openbmcEventlog from '../../src/executors/openbmc/eventlog.js';
import { readMembers } from '../../src/bmc/redfish-paging.js';
import { redfishClient } from '../../src/bmc/index.js';
import {
  eventlogView,
  parseEventlogArgs,
  runEventlog,
  type EventlogResult,
  type EventlogExecutor,
} from '../../src/managers/eventlog.js';
import { localStamp } from './stamp.js';

useNock();

const SYS_LOGS = `${SYSTEM}/LogServices`;
const MGR_LOGS = `${MANAGER}/LogServices`;
const SEL = `${SYS_LOGS}/SEL`;
const SEL_ENTRIES = `${SEL}/Entries`;

type Doc = Record<string, unknown>;

function logService(path: string, id: string, extra: Doc = {}): Doc {
  return {
    '@odata.id': path,
    Id: id,
    Name: `${id} Log Service`,
    Entries: { '@odata.id': `${path}/Entries` },
    Actions: { '#LogService.ClearLog': { target: `${path}/Actions/LogService.ClearLog` } },
    ...extra,
  };
}

function entry(logPath: string, id: number | string, extra: Doc = {}): Doc {
  return {
    '@odata.id': `${logPath}/Entries/${id}`,
    Id: String(id),
    Created: new Date(Date.UTC(2024, 0, 1, 0, 0, Number(id) || 0)).toISOString(),
    Severity: 'OK',
    Message: `event ${id}`,
    MessageId: 'Test.1.0.Event',
    ...extra,
  };
}

/** A System with LogServices [SEL] (and the Manager with none unless given). */
function resources(
  extra: Record<string, unknown> = {},
  systemExtra: Doc = {},
  managerExtra: Doc = {},
): Record<string, unknown> {
  const std = standardResources();
  return {
    [SYSTEM]: { ...(std[SYSTEM] as Doc), LogServices: { '@odata.id': SYS_LOGS }, ...systemExtra },
    [MANAGER]: { ...(std[MANAGER] as Doc), ...managerExtra },
    [SYS_LOGS]: { Members: [{ '@odata.id': SEL }] },
    [SEL]: logService(SEL, 'SEL'),
    ...extra,
  };
}

function setup(opts: FakeOptions) {
  const fake = new FakeRedfish(opts);
  const services = recordingServices();
  const ctx = testContext(testNode(), services);
  return { fake, services, ctx };
}

async function run(
  ex: EventlogExecutor,
  ctx: ReturnType<typeof testContext>,
  words: string[],
  more: { log?: string[] } = {},
): Promise<EventlogResult> {
  return runOnContext(ctx, (c) => runEventlog(ex, parseEventlogArgs({ options: words, ...more }), c));
}

const text = (r: EventlogResult) => eventlogView.text(r);
const stamp = (sec: number) => localStamp(Date.UTC(2024, 0, 1, 0, 0, sec));

describe('paging guards', () => {
  it('a next link that points back at a page already read stops the walk, with a per-node warning', async () => {
    const page: Handler = (req) => {
      if (req.path.endsWith('page=2'))
        return [200, { Members: [entry(SEL, 3)], '@odata.nextLink': `${SEL_ENTRIES}?page=2` }];
      return [
        200,
        { Members: [entry(SEL, 1), entry(SEL, 2)], 'Members@odata.nextLink': `${SEL_ENTRIES}?page=2` },
      ];
    };
    const { fake, services, ctx } = setup({
      resources: resources(),
      handlers: { [`GET ${SEL_ENTRIES}`]: page },
    });
    const r = await run(redfishEventlog, ctx, []);
    expect(text(r)).toEqual(
      [1, 2, 3].map((i) => `${stamp(i)} [SEL/${i}]: (OK) event ${i} (MessageId: Test.1.0.Event)`),
    );
    expect(fake.find('GET', /Entries/)).toHaveLength(2);
    expect(services.warnings).toEqual([
      `node01: SEL: ${SEL_ENTRIES}: the next-page link ${SEL_ENTRIES}?page=2 repeats a page already read; stopped paging (3 members read in 2 pages)`,
    ]);
    expect(r.op === 'list' && r.notes).toEqual([services.warnings[0]!.replace('node01: ', '')]);
  });

  it('a new link that serves the same members again stops after that page (no endless walk)', async () => {
    const page: Handler = (_req, n) => [
      200,
      { Members: [entry(SEL, 1)], 'Members@odata.nextLink': `${SEL_ENTRIES}?$skiptoken=${n}` },
    ];
    const { fake, services, ctx } = setup({
      resources: resources(),
      handlers: { [`GET ${SEL_ENTRIES}`]: page },
    });
    const r = await run(redfishEventlog, ctx, []);
    expect(text(r)).toHaveLength(1);
    expect(fake.find('GET', /Entries/)).toHaveLength(2);
    expect(services.warnings[0]).toMatch(/repeats members already read; stopped paging/);
  });

  it('readMembers: a page limit bounds a service that pages forever; Members@odata.count ends the walk early', async () => {
    const forever: Handler = (_req, n) => [
      200,
      { Members: [{ '@odata.id': `/x/${n}` }], 'Members@odata.nextLink': `/redfish/v1/Things?p=${n}` },
    ];
    const { fake, ctx } = setup({ handlers: { 'GET /redfish/v1/Things': forever } });
    const client = await redfishClient(ctx);
    const walk = await readMembers(client, '/redfish/v1/Things', { maxPages: 3 });
    expect(walk.members).toHaveLength(3);
    expect(walk.stopped).toEqual({ reason: 'page-limit', link: '/redfish/v1/Things?p=3' });
    expect(fake.find('GET', /Things/)).toHaveLength(3);

    const counted: Handler = () => [
      200,
      {
        Members: [{ '@odata.id': '/a' }, { '@odata.id': '/b' }],
        'Members@odata.count': 2,
        '@odata.nextLink': '/redfish/v1/Counted?x',
      },
    ];
    const fake2 = new FakeRedfish({ handlers: { 'GET /redfish/v1/Counted': counted } });
    const ctx2 = testContext(testNode(), recordingServices());
    const walk2 = await readMembers(await redfishClient(ctx2), '/redfish/v1/Counted');
    expect(walk2).toMatchObject({ pages: 1, count: 2 });
    expect(walk2.stopped).toBeUndefined();
    expect(fake2.find('GET', /Counted/)).toHaveLength(1);
    await ctx.cleanup();
    await ctx2.cleanup();
  });
});

describe('odd data', () => {
  it('entries with null Created, no Message, no Severity: shown as such, noted once, never a crash', async () => {
    const { services, ctx } = setup({
      resources: resources({
        [SEL_ENTRIES]: {
          Members: [
            entry(SEL, 2),
            { '@odata.id': `${SEL_ENTRIES}/3`, Id: '3', Created: null, Message: null, Severity: null },
            entry(SEL, 4, { Created: 'not a time', MessageId: undefined }),
          ],
        },
      }),
    });
    const r = await run(redfishEventlog, ctx, []);
    expect(text(r)).toEqual([
      `${stamp(2)} [SEL/2]: (OK) event 2 (MessageId: Test.1.0.Event)`,
      '(no time) [SEL/3]: (no message)',
      '(time: not a time) [SEL/4]: (OK) event 4',
    ]);
    expect(services.warnings).toEqual(['node01: SEL: 2 entries have no usable Created time']);
  });

  it('a dangling LogService member and a dangling Entries link are noted; the other logs are still read', async () => {
    const ghost = `${SYS_LOGS}/Ghost`;
    const broken = `${SYS_LOGS}/Broken`;
    const { services, ctx } = setup({
      resources: resources({
        [SYS_LOGS]: { Members: [{ '@odata.id': ghost }, { '@odata.id': broken }, { '@odata.id': SEL }] },
        [broken]: logService(broken, 'Broken'),
        [SEL_ENTRIES]: { Members: [entry(SEL, 1)], 'Members@odata.count': 1 },
      }),
    });
    const r = await run(redfishEventlog, ctx, []);
    expect(text(r)).toEqual([`${stamp(1)} [SEL/1]: (OK) event 1 (MessageId: Test.1.0.Event)`]);
    expect(services.warnings).toEqual([
      expect.stringMatching(
        new RegExp(`^node01: ${ghost}: .*404.*\\(a dangling LogService link\\); left out$`),
      ),
      `node01: Broken: ${broken}/Entries: 404 Not Found (a dangling Entries link); no entries read`,
    ]);
  });

  it("no LogServices on the System or the Manager: xCAT's empty answer and a note", async () => {
    const std = standardResources();
    const { services, ctx } = setup({ resources: { [SYSTEM]: std[SYSTEM] } });
    const r = await run(redfishEventlog, ctx, []);
    expect(text(r)).toEqual(['No attributes returned from the BMC.']);
    expect(services.warnings).toEqual(['node01: neither the System nor its Manager offers a LogService']);
  });

  it("an unreadable Manager (dangling ManagedBy) is noted; the System's logs are still shown", async () => {
    const res = resources({ [SEL_ENTRIES]: { Members: [entry(SEL, 1)] } });
    res[SYSTEM] = {
      ...(res[SYSTEM] as Doc),
      Links: { ManagedBy: [{ '@odata.id': '/redfish/v1/Managers/Gone' }] },
    };
    const { services, ctx } = setup({ resources: res });
    const r = await run(redfishEventlog, ctx, []);
    expect(text(r)).toHaveLength(1);
    expect(services.warnings[0]).toMatch(
      /^node01: Manager \/redfish\/v1\/Managers\/Gone could not be read \(.*404.*\); its logs are left out$/,
    );
  });

  it('members given as bare links: one GET each without $expand (a dangling one noted); one $expand=. request where offered', async () => {
    const links = {
      Members: [1, 2, 3].map((i) => ({ '@odata.id': `${SEL_ENTRIES}/${i}` })),
      'Members@odata.count': 3,
    };
    const { fake, services, ctx } = setup({
      resources: resources({
        [SEL_ENTRIES]: links,
        [`${SEL_ENTRIES}/1`]: entry(SEL, 1),
        [`${SEL_ENTRIES}/3`]: entry(SEL, 3),
      }),
    });
    const r = await run(redfishEventlog, ctx, []);
    expect(text(r).map((l) => l.split(' [')[1])).toEqual([
      'SEL/1]: (OK) event 1 (MessageId: Test.1.0.Event)',
      'SEL/3]: (OK) event 3 (MessageId: Test.1.0.Event)',
    ]);
    expect(fake.find('GET', /Entries\/\d$/)).toHaveLength(3);
    expect(services.warnings[0]).toMatch(
      new RegExp(`^node01: SEL: entry ${SEL_ENTRIES}/2: .*404.*\\(a dangling link\\); left out$`),
    );

    // The same service advertising $expand: the members come inline in one request instead.
    const std = standardResources();
    const root = {
      ...(std['/redfish/v1'] as Doc),
      ProtocolFeaturesSupported: { ExpandQuery: { NoLinks: true, Levels: true, MaxLevels: 2 } },
    };
    const expanded: Handler = (req) =>
      req.path.includes('$expand') ? [200, { Members: [1, 2, 3].map((i) => entry(SEL, i)) }] : [200, links];
    const logs: Handler = (req) =>
      req.path.includes('$expand')
        ? [200, { Members: [logService(SEL, 'SEL')] }]
        : [200, { Members: [{ '@odata.id': SEL }] }];
    const two = setup({
      resources: resources({ '/redfish/v1': root }),
      handlers: { [`GET ${SEL_ENTRIES}`]: expanded, [`GET ${SYS_LOGS}`]: logs },
    });
    const r2 = await run(redfishEventlog, two.ctx, []);
    expect(text(r2)).toHaveLength(3);
    expect(two.fake.find('GET', /Entries\/\d$/)).toHaveLength(0);
    expect(two.fake.find('GET', SEL)).toHaveLength(0); // the LogService came with the expanded collection
    expect(two.fake.find('GET', /LogServices\?\$expand=\.\(\$levels=1\)$/)).toHaveLength(1);
  });

  it('a log served newest first (Dell Lclog style) is shown oldest first, and `N` stops reading once it has N', async () => {
    const page: Handler = (req) => {
      const p = Number(/p=(\d+)/.exec(req.path)?.[1] ?? '1');
      const ids = [0, 1, 2].map((k) => 100 - (p - 1) * 3 - k);
      return [
        200,
        {
          Members: ids.map((i) => entry(SEL, i)),
          'Members@odata.count': 100,
          'Members@odata.nextLink': `${SEL_ENTRIES}?p=${p + 1}`,
        },
      ];
    };
    const { fake, ctx } = setup({ resources: resources(), handlers: { [`GET ${SEL_ENTRIES}`]: page } });
    const r = await run(redfishEventlog, ctx, ['5']);
    expect(text(r).map((l) => /\[SEL\/(\d+)\]/.exec(l)![1])).toEqual(['96', '97', '98', '99', '100']);
    expect(fake.find('GET', /Entries/)).toHaveLength(2);
    expect(r.op === 'list' && r.total).toBe(100);
  });

  it('two logs with the same Id (System SEL, Manager SEL) get qualified labels so ids stay unambiguous', async () => {
    const mSel = `${MGR_LOGS}/SEL`;
    const { ctx } = setup({
      resources: resources(
        {
          [MGR_LOGS]: { Members: [{ '@odata.id': mSel }] },
          [mSel]: logService(mSel, 'SEL'),
          [SEL_ENTRIES]: { Members: [entry(SEL, 1)] },
          [`${mSel}/Entries`]: { Members: [entry(mSel, 2)] },
        },
        {},
        { LogServices: { '@odata.id': MGR_LOGS } },
      ),
    });
    const r = await run(redfishEventlog, ctx, []);
    expect(text(r).map((l) => /\[(.*)\]/.exec(l)![1])).toEqual(['System:SEL/1', 'Manager:SEL/2']);
  });

  it('dump stores (CollectDiagnosticData) are left out unless named with --log', async () => {
    const dump = `${SYS_LOGS}/Dump`;
    const res = resources({
      [SYS_LOGS]: { Members: [{ '@odata.id': SEL }, { '@odata.id': dump }] },
      [dump]: logService(dump, 'Dump', {
        Actions: {
          '#LogService.CollectDiagnosticData': { target: `${dump}/Actions/LogService.CollectDiagnosticData` },
        },
      }),
      [SEL_ENTRIES]: { Members: [entry(SEL, 1)] },
      [`${dump}/Entries`]: { Members: [entry(dump, 2, { Message: 'BMC dump 2' })] },
    });
    const a = setup({ resources: res });
    const r = await run(redfishEventlog, a.ctx, [], {});
    expect(text(r)).toHaveLength(1);
    expect(r.op === 'list' && r.logs!.map((l) => [l.id, l.selected])).toEqual([
      ['SEL', true],
      ['Dump', false],
    ]);
    const b = setup({ resources: res });
    const named = await run(redfishEventlog, b.ctx, [], { log: ['dump'] });
    expect(text(named)).toEqual([`${stamp(2)} [Dump/2]: (OK) BMC dump 2 (MessageId: Test.1.0.Event)`]);
  });
});

describe('clear edge cases', () => {
  it('logs without ClearLog are skipped; one failing ClearLog fails the node naming what was cleared', async () => {
    const journal = `${SYS_LOGS}/Journal`;
    const iel = `${SYS_LOGS}/IEL`;
    const res = resources({
      [SYS_LOGS]: { Members: [{ '@odata.id': SEL }, { '@odata.id': journal }, { '@odata.id': iel }] },
      [journal]: { ...logService(journal, 'Journal'), Actions: {} },
      [iel]: logService(iel, 'IEL'),
    });
    const ok = setup({
      resources: res,
      handlers: { [`POST ${iel}/Actions/LogService.ClearLog`]: () => [204] },
    });
    const r = await run(redfishEventlog, ok.ctx, ['clear']);
    expect(r).toEqual({ op: 'clear', cleared: ['SEL', 'IEL'], skipped: ['Journal'] });
    expect(ok.fake.find('POST', `${SEL}/Actions/LogService.ClearLog`)[0]!.body).toEqual({});

    const bad = setup({
      resources: res,
      handlers: {
        [`POST ${iel}/Actions/LogService.ClearLog`]: () => [500, { error: { message: 'flash busy' } }],
      },
    });
    await expect(run(redfishEventlog, bad.ctx, ['clear'])).rejects.toMatchObject({
      kind: 'failed',
      message: expect.stringMatching(/^ClearLog on IEL failed: .*flash busy.* \(cleared: SEL\)$/),
    });
  });

  it('no log offers ClearLog: unsupported, naming the logs', async () => {
    const { ctx } = setup({
      resources: resources({ [SEL]: { ...logService(SEL, 'SEL'), Actions: undefined } }),
    });
    await expect(run(redfishEventlog, ctx, ['clear'])).rejects.toMatchObject({
      kind: 'unsupported',
      message: 'No log here offers LogService.ClearLog (logs: SEL)',
    });
  });
});

describe('Redfish resolve', () => {
  const withResolved = (id: number, resolved: unknown, extra: Doc = {}) =>
    entry(SEL, id, { Resolved: resolved, ...extra });

  it("PATCHes Resolved with the entry's ETag and reads it back; already resolved ids are not sent", async () => {
    const res = resources({
      [`${SEL_ENTRIES}/1`]: withResolved(1, false),
      [`${SEL_ENTRIES}/2`]: withResolved(2, true),
    });
    let patched: Doc | undefined;
    const { fake, ctx } = setup({
      resources: res,
      handlers: {
        [`GET ${SEL_ENTRIES}/1`]: () => [200, patched ?? res[`${SEL_ENTRIES}/1`], { ETag: '"e1"' }],
        [`PATCH ${SEL_ENTRIES}/1`]: (req) => {
          patched = { ...(res[`${SEL_ENTRIES}/1`] as Doc), ...(req.body as Doc) };
          return [204];
        },
      },
    });
    const r = await run(redfishEventlog, ctx, ['resolved=SEL/1,2']);
    expect(text(r)).toEqual(['Not resolving already resolved eventlog ID 2', 'Resolved SEL/1']);
    const [patch] = fake.find('PATCH', `${SEL_ENTRIES}/1`);
    expect(patch!.body).toEqual({ Resolved: true });
    expect(patch!.headers['if-match']).toBe('"e1"');
    expect(fake.find('GET', `${SEL_ENTRIES}/1`)).toHaveLength(2); // the lookup and the read back
    expect(fake.find('PATCH', `${SEL_ENTRIES}/2`)).toHaveLength(0);
  });

  it('a PATCH answer carrying the entry spares the read back; a read back that disagrees fails the id', async () => {
    const res = resources({
      [`${SEL_ENTRIES}/1`]: withResolved(1, false),
      [`${SEL_ENTRIES}/3`]: withResolved(3, false),
    });
    const { fake, ctx } = setup({
      resources: res,
      handlers: {
        [`PATCH ${SEL_ENTRIES}/1`]: () => [200, withResolved(1, true)],
        [`PATCH ${SEL_ENTRIES}/3`]: () => [204],
      },
    });
    await expect(run(redfishEventlog, ctx, ['resolved=1,3'])).rejects.toMatchObject({
      kind: 'failed',
      message: '3: the BMC accepted Resolved=true but the entry still reads Resolved: false (resolved: 1)',
    });
    expect(fake.find('GET', `${SEL_ENTRIES}/1`)).toHaveLength(1);
    expect(fake.find('GET', `${SEL_ENTRIES}/3`)).toHaveLength(2);
  });

  it('unknown, ambiguous and Resolved-less ids each get their own message', async () => {
    const iel = `${SYS_LOGS}/IEL`;
    const res = resources({
      [SYS_LOGS]: { Members: [{ '@odata.id': SEL }, { '@odata.id': iel }] },
      [iel]: logService(iel, 'IEL'),
      [`${SEL_ENTRIES}/5`]: withResolved(5, false),
      [`${iel}/Entries/5`]: entry(iel, 5, { Resolved: false }),
      [`${iel}/Entries/6`]: entry(iel, 6),
    });
    const { ctx } = setup({ resources: res });
    await expect(run(redfishEventlog, ctx, ['resolved=5,IEL/6,7'])).rejects.toMatchObject({
      kind: 'failed',
      message:
        'ID 5 is in several logs (SEL, IEL): name one, e.g. resolved=SEL/5; ' +
        'IEL/6: the entries of IEL carry no Resolved property (nothing to resolve on this BMC); Invalid ID: 7',
    });
  });
});

describe('OpenBMC refusals (nock)', () => {
  const ORIGIN = 'https://bmc01.test:443';
  const ok = (data: unknown) => ({ data, message: '200 OK', status: 'ok' });
  const fail = (code: string, description: string) => ({
    data: { description },
    message: code,
    status: 'error',
  });

  it("a 403 on a resolve PUT gives Perl xCAT's wording; the other id is still resolved", async () => {
    nock(ORIGIN)
      .post('/login')
      .reply(200, ok("User 'root' logged in"), { 'Set-Cookie': 'SESSION=s1; Path=/' })
      .get('/xyz/openbmc_project/logging/enumerate')
      .reply(
        200,
        ok({
          '/xyz/openbmc_project/logging/entry/1': { Id: 1, Message: 'a', Resolved: false },
          '/xyz/openbmc_project/logging/entry/2': { Id: 2, Message: 'b', Resolved: false },
        }),
      )
      .put('/xyz/openbmc_project/logging/entry/1/attr/Resolved', { data: 1 })
      .reply(403, fail('403 Forbidden', 'Forbidden'))
      .put('/xyz/openbmc_project/logging/entry/2/attr/Resolved', { data: 1 })
      .reply(200, ok(null))
      .post('/logout')
      .reply(200, ok('bye'));
    const ctx = testContext(testNode({ mgt: 'openbmc' }), recordingServices(), PASSWORD);
    await expect(run(openbmcEventlog, ctx, ['resolved=1,2'])).rejects.toMatchObject({
      kind: 'failed',
      message: 'Invalid ID: 1 provided to be resolved. [403 Forbidden] (resolved: 2)',
    });
    expect(nock.isDone()).toBe(true);
  });
});
