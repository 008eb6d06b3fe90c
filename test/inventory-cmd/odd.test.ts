/**
 * rinv on odd data the simulator does not produce, on nock (test/bmc/fake-redfish.ts): dangling
 * member links, a looping nextLink, paging, empty and malformed collections, missing properties,
 * `$expand` advertised but refused or ignored, a member that answers 500, and failures that must end
 * the node with a clear message (never a crash). OpenBMC REST: wrong formats.
 */
import { describe, it, expect } from '@jest/globals';
import { fakeOpenbmcRest, openbmcOk as ok, runOnTestNode, useNock } from '../helpers/nock-harness.js';
import { FakeRedfish, MANAGER, SYSTEM, standardResources } from '../bmc/fake-redfish.js';
import { recordingServices, testContext, testNode, rejection } from '../bmc/helpers.js';
import redfishInventory from '../../src/executors/redfish/inventory.js';
import openbmcInventory from '../../src/executors/openbmc/inventory.js';
import {
  inventoryLines,
  parseInventoryArgs,
  runInventory,
  type InventoryResult,
} from '../../src/managers/inventory.js';
import { MAX_PAGES } from '../../src/bmc/redfish-read.js';

useNock();

const MEMORY = `${SYSTEM}/Memory`;
const PROCS = `${SYSTEM}/Processors`;
const dimm = (n: number, extra: Record<string, unknown> = {}) => ({
  '@odata.id': `${MEMORY}/DIMM${n}`,
  Id: `DIMM${n}`,
  CapacityMiB: 16384 * n,
  SerialNumber: `SN${n}`,
  ...extra,
});
const refs = (...paths: string[]) => paths.map((p) => ({ '@odata.id': p }));

/** A System with a Memory collection (and whatever else `resources` adds). */
function memoryFake(resources: Record<string, unknown>, root: Record<string, unknown> = {}, handlers = {}) {
  const base = standardResources();
  return new FakeRedfish({
    resources: {
      '/redfish/v1': { ...(base['/redfish/v1'] as object), ...root },
      [SYSTEM]: { ...(base[SYSTEM] as object), Model: 'R1', Memory: { '@odata.id': MEMORY } },
      ...resources,
    },
    handlers,
  });
}

async function inventory(words: string[], flavor: 'redfish' | 'openbmc' = 'redfish') {
  const executor = flavor === 'redfish' ? redfishInventory : openbmcInventory;
  const { result, warnings } = await runOnTestNode(
    (ctx): Promise<InventoryResult> => runInventory(executor, parseInventoryArgs(words), ctx),
    flavor,
    { requestTimeoutMs: 2000 },
  );
  return { result, lines: inventoryLines(result), warnings };
}

describe('Redfish collections', () => {
  it('a dangling member (404) is a warning naming it; the other members are shown', async () => {
    memoryFake({
      [MEMORY]: { Members: refs(`${MEMORY}/DIMM1`, `${MEMORY}/GONE`, `${MEMORY}/DIMM2`) },
      [`${MEMORY}/DIMM1`]: dimm(1),
      [`${MEMORY}/DIMM2`]: dimm(2),
    });
    const r = await inventory(['dimm']);
    expect(r.lines).toEqual([
      'DIMM1 CapacityMiB : 16384',
      'DIMM1 SerialNumber : SN1',
      'DIMM2 CapacityMiB : 32768',
      'DIMM2 SerialNumber : SN2',
    ]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(
      /^node01: Memory member \/redfish\/v1\/Systems\/System\.Embedded\.1\/Memory\/GONE skipped: \[404\]/,
    );
    expect(r.result.notes).toHaveLength(1);
  });

  it('a nextLink that points back at a page already read stops paging with a warning (no loop)', async () => {
    const fake = memoryFake(
      {
        [MEMORY]: { Members: refs(`${MEMORY}/DIMM1`), 'Members@odata.nextLink': `${MEMORY}?$skip=1` },
        [`${MEMORY}/DIMM1`]: dimm(1),
        [`${MEMORY}/DIMM2`]: dimm(2),
      },
      {},
      {
        // page 2 links back to page 1
        [`GET ${MEMORY}`]: (req: { path: string }) =>
          req.path.includes('skip=1')
            ? [200, { Members: refs(`${MEMORY}/DIMM2`), 'Members@odata.nextLink': MEMORY }]
            : undefined,
      },
    );
    const r = await inventory(['dimm']);
    expect(
      r.lines.filter((l) => l.endsWith('SerialNumber : SN1') || l.endsWith('SerialNumber : SN2')),
    ).toHaveLength(2);
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /nextLink \/redfish\/v1\/Systems\/System\.Embedded\.1\/Memory repeats a page already read; paging stopped/,
      ),
    ]);
    expect(fake.find('GET', new RegExp(`^${MEMORY}(\\?|$)`))).toHaveLength(2);
  });

  it('a nextLink that never repeats but lists the same members again also stops, each member read once', async () => {
    let pages = 0;
    const fake = memoryFake(
      { [`${MEMORY}/DIMM1`]: dimm(1) },
      {},
      {
        [`GET ${MEMORY}`]: () => {
          pages++;
          return [
            200,
            { Members: refs(`${MEMORY}/DIMM1`), 'Members@odata.nextLink': `${MEMORY}?page=${pages}` },
          ];
        },
      },
    );
    const r = await inventory(['dimm']);
    expect(pages).toBe(2);
    expect(r.lines).toEqual(['DIMM1 CapacityMiB : 16384', 'DIMM1 SerialNumber : SN1']);
    expect(r.warnings).toEqual([
      expect.stringMatching(/this page repeats members already listed; paging stopped/),
    ]);
    expect(fake.find('GET', `${MEMORY}/DIMM1`)).toHaveLength(1);
  });

  it('pages are followed (Members@odata.nextLink and @odata.nextLink) up to the page cap', async () => {
    let pages = 0;
    const fake = memoryFake(
      {},
      {},
      {
        [`GET ${MEMORY}`]: () => {
          pages++;
          const link = pages % 2 ? 'Members@odata.nextLink' : '@odata.nextLink';
          return [200, { Members: [dimm(pages)], [link]: `${MEMORY}?page=${pages}` }];
        },
      },
    );
    const client = await import('../../src/bmc/index.js');
    const { RedfishReader } = await import('../../src/bmc/redfish-read.js');
    const ctx = testContext(testNode(), recordingServices());
    try {
      const reader = new RedfishReader(await client.redfishClient(ctx), { maxPages: 5 });
      const members = await reader.members(MEMORY, { what: 'Memory' });
      expect(members.map((m) => m.Id)).toEqual(['DIMM1', 'DIMM2', 'DIMM3', 'DIMM4', 'DIMM5']);
      expect(reader.notes).toEqual([expect.stringMatching(/more than 5 pages; paging stopped/)]);
      expect(fake.find('GET', /Memory\/DIMM/)).toHaveLength(0); // members came inline
    } finally {
      await ctx.cleanup();
    }
    expect(MAX_PAGES).toBe(1000);
  });

  it('empty collections, a missing Members and a non-list Members: no items, clear warnings only for the odd ones', async () => {
    memoryFake({
      [MEMORY]: { Name: 'Memory', 'Members@odata.count': 0 },
      [PROCS]: { Members: [] },
      [`${SYSTEM}/EthernetInterfaces`]: { Members: 'eth0' },
      [SYSTEM]: {
        ...(standardResources()[SYSTEM] as object),
        Memory: { '@odata.id': MEMORY },
        Processors: { '@odata.id': PROCS },
        EthernetInterfaces: { '@odata.id': `${SYSTEM}/EthernetInterfaces` },
      },
    });
    const r = await inventory(['cpu', 'dimm', 'nic']);
    expect(r.lines).toEqual(['No attributes returned from the BMC.']);
    expect(r.warnings.sort()).toEqual([
      `node01: EthernetInterfaces ${SYSTEM}/EthernetInterfaces: Members is not a list`,
      `node01: Memory ${MEMORY} has no Members`,
    ]);
  });

  it('members without the usual properties still show (by Name), and entries without @odata.id are ignored with a warning', async () => {
    memoryFake({
      [MEMORY]: { Members: [...refs(`${MEMORY}/X`), { '@odata.type': '#Memory.v1_0_0.Memory' }] },
      [`${MEMORY}/X`]: { '@odata.id': `${MEMORY}/X`, Name: 'Mystery module', Oem: { Foo: { Bar: 1 } } },
    });
    const r = await inventory(['dimm']);
    expect(r.lines).toEqual(['X Name : Mystery module']);
    expect(r.warnings).toEqual(['node01: Memory member: an entry without @odata.id was ignored']);
  });

  it('a member that answers 500 is a warning; a 401 mid-run, again after the re-login, ends the node (kind auth)', async () => {
    memoryFake(
      { [MEMORY]: { Members: refs(`${MEMORY}/DIMM1`, `${MEMORY}/DIMM2`) }, [`${MEMORY}/DIMM1`]: dimm(1) },
      {},
      { [`GET ${MEMORY}/DIMM2`]: () => [500, { error: { message: 'sensor bus hung' } }] },
    );
    const r = await inventory(['dimm']);
    expect(r.lines).toEqual(['DIMM1 CapacityMiB : 16384', 'DIMM1 SerialNumber : SN1']);
    expect(r.warnings).toEqual([expect.stringMatching(/DIMM2 skipped: \[500\] sensor bus hung/)]);

    memoryFake(
      { [MEMORY]: { Members: refs(`${MEMORY}/DIMM1`) } },
      {},
      { [`GET ${MEMORY}/DIMM1`]: () => [401, { error: { message: 'no' } }] },
    );
    const e = await rejection(inventory(['dimm']));
    // The re-login succeeded, so the credentials are good: the BMC keeps refusing its sessions.
    expect(e).toMatchObject({
      kind: 'auth',
      message: expect.stringMatching(/^The BMC session expired again/),
    });
  });

  it('the System itself failing ends the node with the HTTP error (not a crash)', async () => {
    memoryFake({}, {}, { [`GET ${SYSTEM}`]: () => [503, { error: { message: 'busy' } }] });
    const e = await rejection(inventory(['model']));
    expect(e.kind).toBe('http');
    expect(e.message).toMatch(/^\[503\] busy/);
  });

  it('several systems and none chosen: the node says which ids to pick from', async () => {
    const base = standardResources();
    new FakeRedfish({
      resources: {
        '/redfish/v1/Systems': { Members: refs(SYSTEM, '/redfish/v1/Systems/Other') },
        '/redfish/v1/Systems/Other': {
          ...(base[SYSTEM] as object),
          '@odata.id': '/redfish/v1/Systems/Other',
          Id: 'Other',
        },
      },
    });
    const e = await rejection(inventory(['model']));
    expect(e.message).toBe(
      'This BMC has 2 systems (System.Embedded.1, Other): choose one with system: <id> in the inventory',
    );
  });
});

describe('Redfish $expand', () => {
  const expanding = {
    ProtocolFeaturesSupported: { ExpandQuery: { NoLinks: true, Levels: true, MaxLevels: 3 } },
  };
  const twoDimms = {
    [MEMORY]: { Members: refs(`${MEMORY}/DIMM1`, `${MEMORY}/DIMM2`) },
    [`${MEMORY}/DIMM1`]: dimm(1),
    [`${MEMORY}/DIMM2`]: dimm(2),
  };

  it('advertised but refused (400): the same data with plain reads, and no further $expand asked', async () => {
    const fake = memoryFake(twoDimms, expanding, {
      'GET /redfish/v1/Systems': (req: { path: string }) =>
        req.path.includes('$expand')
          ? [400, { error: { code: 'Base.1.8.QueryNotSupported', message: 'Querying is not supported' } }]
          : undefined,
    });
    const r = await inventory(['dimm']);
    expect(r.lines).toHaveLength(4);
    expect(r.warnings).toEqual([]);
    const expandRequests = fake.requests.filter((q) => q.path.includes('$expand'));
    expect(expandRequests.map((q) => q.path)).toEqual([`/redfish/v1/Systems?$expand=.($levels=3)`]);
  });

  it('advertised but ignored (references come back): members are read one by one, $expand not asked again', async () => {
    const fake = memoryFake(twoDimms, expanding);
    const r = await inventory(['dimm']);
    expect(r.lines).toEqual([
      'DIMM1 CapacityMiB : 16384',
      'DIMM1 SerialNumber : SN1',
      'DIMM2 CapacityMiB : 32768',
      'DIMM2 SerialNumber : SN2',
    ]);
    // The Systems read asked for it and got references: nothing after that asks again.
    expect(fake.requests.filter((q) => q.path.includes('$expand'))).toHaveLength(1);
    expect(fake.find('GET', `${MEMORY}/DIMM1`)).toHaveLength(1);
  });

  it('honoured: the expanded Systems read brings the members inline — no member GETs', async () => {
    const expandedSystem = {
      ...(standardResources()[SYSTEM] as object),
      Model: 'R1',
      Memory: { '@odata.id': MEMORY, Members: [dimm(1), dimm(2)] },
    };
    const fake = memoryFake({}, expanding, {
      'GET /redfish/v1/Systems': (req: { path: string }) =>
        req.path.includes('$expand') ? [200, { Members: [expandedSystem] }] : undefined,
    });
    const r = await inventory(['dimm']);
    expect(r.lines).toHaveLength(4);
    expect(fake.requests.filter((q) => q.method === 'GET').map((q) => q.path)).toEqual([
      '/redfish/v1/',
      '/redfish/v1/Systems?$expand=.($levels=3)',
    ]);
  });
});

describe('Redfish firmware', () => {
  it('no UpdateService: the Manager’s FirmwareVersion as the running BMC image, and a warning', async () => {
    const base = standardResources();
    new FakeRedfish({
      resources: {
        [MANAGER]: { ...(base[MANAGER] as object), FirmwareVersion: '7.00.00', Status: { State: 'Enabled' } },
      },
    });
    const r = await inventory(['firm']);
    expect(r.lines).toEqual(['BMC Firmware Product: 7.00.00 (Enabled)*']);
    expect(r.warnings).toEqual([
      'node01: this service has no UpdateService: firmware inventory not available',
    ]);
  });

  it('a Manager without FirmwareVersion and an empty inventory: N/A and warnings, never a crash', async () => {
    const base = standardResources();
    new FakeRedfish({
      resources: {
        '/redfish/v1': {
          ...(base['/redfish/v1'] as object),
          UpdateService: { '@odata.id': '/redfish/v1/UpdateService' },
        },
        '/redfish/v1/UpdateService': {
          FirmwareInventory: { '@odata.id': '/redfish/v1/UpdateService/FirmwareInventory' },
        },
        '/redfish/v1/UpdateService/FirmwareInventory': { Members: [] },
      },
    });
    const r = await inventory(['firm']);
    expect(r.lines).toEqual(['BMC Firmware Product: N/A']);
    expect(r.warnings).toEqual([`node01: the Manager ${MANAGER} has no FirmwareVersion`]);
  });
});

describe('required reads (rflash’s firmware list)', () => {
  const expanding = {
    ProtocolFeaturesSupported: { ExpandQuery: { NoLinks: true, Levels: true, MaxLevels: 3 } },
  };
  const errorBody = { error: { code: 'Base.1.8.InternalError', message: 'boom' } };

  async function required(resources: Record<string, unknown>, root: Record<string, unknown>) {
    memoryFake(resources, root);
    const client = await import('../../src/bmc/index.js');
    const { RedfishReader } = await import('../../src/bmc/redfish-read.js');
    const ctx = testContext(testNode(), recordingServices());
    try {
      const reader = new RedfishReader(await client.redfishClient(ctx));
      const soft = await reader.members(MEMORY, { what: 'Memory' }).catch((e: Error) => e.message);
      const strict = await reader
        .members(MEMORY, { what: 'Memory', required: true })
        .catch((e: Error) => e.message);
      return { soft, strict, notes: reader.notes };
    } finally {
      await ctx.cleanup();
    }
  }

  it('an expanded read answered with a Redfish error body fails a required read (soft: a note)', async () => {
    const r = await required({ [MEMORY]: errorBody }, expanding);
    expect(r.soft).toEqual([]);
    expect(r.notes).toEqual([
      expect.stringMatching(/Redfish error \(InternalError\) instead of the resource/),
    ]);
    expect(r.strict).toBe(`${MEMORY} answered with a Redfish error body instead of the resource`);
  });

  it('a member that came inline as a Redfish error body fails a required read (soft: dropped, a note)', async () => {
    const r = await required(
      { [MEMORY]: { Members: [dimm(1), { '@odata.id': `${MEMORY}/DIMM2`, ...errorBody }] } },
      {},
    );
    expect((r.soft as Array<{ Id: string }>).map((m) => m.Id)).toEqual(['DIMM1']);
    expect(r.strict).toBe(`${MEMORY}/DIMM2 answered with a Redfish error body instead of the resource`);
  });
});

describe('OpenBMC REST wrong formats', () => {
  function fake(routes: Record<string, unknown>) {
    const s = fakeOpenbmcRest();
    for (const [path, data] of Object.entries(routes)) s.get(path).reply(200, ok(data));
  }

  it('an enumerate that is not an object map ends the node with a wrong-format message', async () => {
    fake({ '/xyz/openbmc_project/inventory/enumerate': ['not', 'a', 'map'] });
    const e = await rejection(inventory(['uuid'], 'openbmc'));
    expect(e).toMatchObject({ kind: 'protocol' });
    expect(e.message).toMatch(
      /^Received wrong format response: \/xyz\/openbmc_project\/inventory\/enumerate/,
    );
  });

  it('no object with Present, no image with Version: xCAT’s message and warnings', async () => {
    fake({
      '/xyz/openbmc_project/inventory/enumerate': { '/xyz/openbmc_project/inventory/system': { Model: 'x' } },
      '/xyz/openbmc_project/software/enumerate': {
        '/xyz/openbmc_project/software/functional': { endpoints: [] },
      },
    });
    const r = await inventory([], 'openbmc');
    expect(r.lines).toEqual(['No attributes returned from the BMC.']);
    expect(r.warnings.sort()).toEqual([
      'node01: /xyz/openbmc_project/inventory/enumerate has no object with a Present property',
      'node01: /xyz/openbmc_project/software/enumerate lists no firmware image with a Version',
    ]);
  });
});
