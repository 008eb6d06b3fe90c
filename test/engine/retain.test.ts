/**
 * `retainValues: false`: each value goes to onResult and is then dropped; the returned outcomes are slim.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { NodeError } from '../../src/core/errors.js';
import type { NodeOutcome, NodeResult } from '../../src/core/types.js';
import type { Executor, NodeContext, RunServices } from '../../src/engine/executor.js';
import { runOperation } from '../../src/engine/run.js';
import { clearRegistry, registerExecutor } from '../../src/executors/registry.js';
import { fakeNodes } from '../helpers/nodes.js';

const services = (): RunServices => ({ warn: () => undefined, options: {} });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Inventory = { node: string; blob: string };

/** `inv` returns a large value; n2 fails; n1 finishes last so completion order differs from node order. */
function inventoryExecutor(extra: Partial<Executor> = {}): Executor & {
  inv(a: unknown, c: NodeContext): Promise<Inventory>;
} {
  return {
    capability: 'inventory',
    flavor: 'fake',
    inv: async (_a, ctx) => {
      if (ctx.node.name === 'n2') throw new NodeError('auth', '[401] Invalid username or password', 401);
      if (ctx.node.name === 'n1') await sleep(20);
      return { node: ctx.node.name, blob: 'x'.repeat(10_000) };
    },
    ...extra,
  };
}

afterEach(() => clearRegistry());

describe('runOperation retainValues', () => {
  it('false: onResult gets every value, the results keep none (failures stay whole), in node order', async () => {
    registerExecutor('inventory', 'fake', inventoryExecutor());
    const seen: NodeResult[] = [];
    const outcomes: NodeOutcome[] = await runOperation(
      { capability: 'inventory', op: 'inv', args: {}, nodes: fakeNodes(['n1', 'n2', 'n3']) },
      { services: services(), onResult: (r) => seen.push(r), retainValues: false },
    );
    expect(seen.map((r) => r.node)).toEqual(['n2', 'n3', 'n1']);
    expect(seen.filter((r) => r.ok).map((r) => (r.ok ? (r.value as Inventory).node : ''))).toEqual([
      'n3',
      'n1',
    ]);
    expect(outcomes.map((r) => r.node)).toEqual(['n1', 'n2', 'n3']);
    const first = outcomes[0]!;
    // @ts-expect-error the type says what the run did: a slim outcome has no value to read
    if (first.ok) expect(first.value).toBeUndefined();
    for (const r of outcomes.filter((o) => o.ok)) {
      expect(Object.keys(r).sort()).toEqual(['elapsedMs', 'node', 'ok']);
    }
    expect(outcomes[1]).toEqual({
      node: 'n2',
      ok: false,
      error: { kind: 'auth', message: '[401] Invalid username or password', status: 401 },
      elapsedMs: expect.any(Number),
    });
  });

  it('default: the results keep their values', async () => {
    registerExecutor('inventory', 'fake', inventoryExecutor());
    const results = await runOperation(
      { capability: 'inventory', op: 'inv', args: {}, nodes: fakeNodes(['n1', 'n3']) },
      { services: services() },
    );
    expect(results.map((r) => (r.ok ? (r.value as Inventory).node : null))).toEqual(['n1', 'n3']);
  });

  it("false: a flavor's post hook still sees whole results, the returned ones are slim", async () => {
    const posted: unknown[] = [];
    registerExecutor(
      'inventory',
      'fake',
      inventoryExecutor({
        post: (_op, _a, _g, results) =>
          void posted.push(...results.map((r) => (r.ok ? r.value : r.error.kind))),
      }),
    );
    const outcomes = await runOperation(
      { capability: 'inventory', op: 'inv', args: {}, nodes: fakeNodes(['n1', 'n2', 'n3']) },
      { services: services(), retainValues: false },
    );
    expect(posted).toEqual([
      expect.objectContaining({ node: 'n1' }),
      'auth',
      expect.objectContaining({ node: 'n3' }),
    ]);
    expect(outcomes.some((r) => 'value' in r)).toBe(false);
  });

  it('false: a value is garbage once onResult has returned (WeakRef after a full GC); kept by default', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const refs = new Map<string, WeakRef<object>>();
    registerExecutor('inventory', 'fake', inventoryExecutor());
    const run = (retainValues: boolean) =>
      runOperation(
        { capability: 'inventory', op: 'inv', args: {}, nodes: fakeNodes(['n1', 'n3']) },
        {
          services: services(),
          retainValues,
          onResult: (r) =>
            void (r.ok && refs.set(`${retainValues}:${r.node}`, new WeakRef(r.value as object))),
        },
      );
    const slim = await run(false);
    const whole = await run(true);
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const alive = [...refs].filter(([, ref]) => ref.deref() !== undefined).map(([key]) => key);
    expect(alive.sort()).toEqual(['true:n1', 'true:n3']);
    expect([slim.length, whole.length]).toEqual([2, 2]);
  });
});
