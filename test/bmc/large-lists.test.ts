/**
 * Lists whose length a BMC decides: 200,000 members in a Redfish collection (and as many inventory lines) must not be spread into call arguments (`push(...x)` threw `Maximum call stack size
 * exceeded` past ~100,000).
 */
import { describe, it, expect } from '@jest/globals';
import { useNock } from '../helpers/nock-harness.js';
import { redfishClient } from '../../src/bmc/index.js';
import { append } from '../../src/core/arrays.js';
import { inventoryLines, type InventoryItem } from '../../src/managers/inventory.js';
import { FakeRedfish } from './fake-redfish.js';
import { recordingServices, testContext, testNode } from './helpers.js';

useNock();

const N = 200_000;

describe('200,000 of a kind', () => {
  it('append adds every item in order, however many', () => {
    const big = Array.from({ length: N }, (_, i) => i);
    const out = append([-1], big);
    expect(out).toHaveLength(N + 1);
    expect(out[N]).toBe(N - 1);
  });

  it('a Redfish collection of 200,000 members is read whole (the last one is found)', async () => {
    const members = Array.from({ length: N }, (_, i) => ({ '@odata.id': `/redfish/v1/Systems/${i}` }));
    const last = `/redfish/v1/Systems/${N - 1}`;
    new FakeRedfish({
      resources: {
        '/redfish/v1/Systems': { 'Members@odata.count': N, Members: members },
        [last]: { '@odata.id': last, Id: String(N - 1), PowerState: 'On' },
      },
    });
    const ctx = testContext(testNode({ system: String(N - 1) }), recordingServices());
    const client = await redfishClient(ctx);
    expect((await client.system())['@odata.id']).toBe(last);
    await ctx.cleanup();
  });

  it.each([false, true])('rinv text of 200,000 DIMMs (xCAT order %s)', (xcatOrder) => {
    const items: InventoryItem[] = Array.from({ length: N }, (_, i) => ({
      kind: 'dimm',
      source: `DIMM${i}`,
      group: 'DIMM',
      properties: [{ name: 'Size', keyword: 'dimm', value: '32 GiB' }],
    })) as InventoryItem[];
    const lines = inventoryLines({
      keywords: ['dimm'],
      verbose: false,
      items,
      firmware: [],
      xcatOrder,
      notes: [],
    });
    expect(lines.length).toBeGreaterThanOrEqual(N);
  });
});
