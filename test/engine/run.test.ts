import { afterEach, describe, expect, it } from '@jest/globals';
import { getEventListeners } from 'node:events';
import { HwctlUsageError, NodeError } from '../../src/core/errors.js';
import type { NodeResult } from '../../src/core/types.js';
import type { Executor, NodeContext, RunServices } from '../../src/engine/executor.js';
import { runOperation } from '../../src/engine/run.js';
import { clearRegistry, registerExecutor } from '../../src/executors/registry.js';
import { fakeNodes } from '../helpers/nodes.js';

const services = (): RunServices & { warnings: string[] } => {
  const warnings: string[] = [];
  return { warnings, warn: (m) => warnings.push(m), options: {} };
};
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

afterEach(() => clearRegistry());

describe('runOperation', () => {
  it('runs validate → pre → op per node → post, hooks once per flavor group', async () => {
    const calls: string[] = [];
    const make = (flavor: string): Executor & { ping(a: unknown, c: NodeContext): Promise<string> } => ({
      capability: 'power',
      flavor,
      validate: (op) => void calls.push(`validate:${flavor}:${op}`),
      pre: (op, _a, g) => void calls.push(`pre:${flavor}:${op}:${g.nodes.length}`),
      ping: async (_a, ctx) => {
        calls.push(`op:${ctx.node.name}`);
        return `pong ${ctx.node.name}`;
      },
      post: (op, _a, _g, results) => void calls.push(`post:${flavor}:${op}:${results.length}`),
    });
    registerExecutor('power', 'a', make('a'));
    registerExecutor('power', 'b', make('b'));
    const nodes = [...fakeNodes(['n1', 'n2'], 'a'), ...fakeNodes(['n3'], 'b')];
    const results = await runOperation(
      { capability: 'power', op: 'ping', args: {}, nodes },
      { services: services() },
    );
    expect(results.map((r) => (r.ok ? r.value : r.error.message))).toEqual(['pong n1', 'pong n2', 'pong n3']);
    // Every validate before any pre, every pre before any op, posts last.
    expect(calls.slice(0, 4)).toEqual(['validate:a:ping', 'validate:b:ping', 'pre:a:ping:2', 'pre:b:ping:1']);
    expect(calls.slice(4, 7).sort()).toEqual(['op:n1', 'op:n2', 'op:n3']);
    expect(calls.slice(7)).toEqual(['post:a:ping:2', 'post:b:ping:1']);
  });

  it('gives nodes without an executor an unsupported error and runs the others', async () => {
    registerExecutor('power', 'a', { capability: 'power', flavor: 'a', ping: async () => 'ok' } as Executor);
    const nodes = [...fakeNodes(['n1'], 'a'), ...fakeNodes(['n2'], 'vendorx')];
    const results = await runOperation(
      { capability: 'power', op: 'ping', args: {}, nodes },
      { services: services() },
    );
    expect(results[0]).toMatchObject({ node: 'n1', ok: true, value: 'ok' });
    expect(results[1]).toMatchObject({
      node: 'n2',
      ok: false,
      error: { kind: 'unsupported', message: 'power is not supported for mgt=vendorx (supported: a)' },
    });
  });

  it('never runs more than `fanout` nodes at once', async () => {
    let inFlight = 0;
    let peak = 0;
    registerExecutor('power', 'a', {
      capability: 'power',
      flavor: 'a',
      ping: async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await sleep(5);
        inFlight--;
        return 'ok';
      },
    } as Executor);
    const nodes = fakeNodes(
      Array.from({ length: 40 }, (_, i) => `n${i}`),
      'a',
    );
    const results = await runOperation(
      { capability: 'power', op: 'ping', args: {}, nodes },
      { services: services(), fanout: 7 },
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(peak).toBe(7);
  });

  it('only working nodes listen on the run’s signal (at most the fan-out), through detection and the operation', async () => {
    // An EventTarget scans its listeners on every add: all nodes listening from the start made a run
    // quadratic in the fleet size.
    const controller = new AbortController();
    const listeners = () => getEventListeners(controller.signal, 'abort').length;
    let peak = 0;
    registerExecutor('power', 'a', {
      capability: 'power',
      flavor: 'a',
      ping: async () => {
        peak = Math.max(peak, listeners());
        await sleep(1);
        return 'ok';
      },
    } as Executor);
    const results = await runOperation(
      {
        capability: 'power',
        op: 'ping',
        args: {},
        nodes: fakeNodes(
          Array.from({ length: 300 }, (_, i) => `n${i}`),
          'auto',
        ),
      },
      {
        services: services(),
        fanout: 6,
        signal: controller.signal,
        detectFlavor: async () => {
          peak = Math.max(peak, listeners());
          await sleep(1);
          return 'a';
        },
      },
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(6);
    expect(listeners()).toBe(0);
  });

  it('a node started after the run was interrupted is interrupted, and one interrupted while working stops', async () => {
    const controller = new AbortController();
    registerExecutor('power', 'a', {
      capability: 'power',
      flavor: 'a',
      ping: async (_a: unknown, ctx: NodeContext) => {
        if (ctx.node.name === 'n0') controller.abort(new Error('SIGINT'));
        await sleep(1000, ctx.signal);
        return 'ok';
      },
    } as Executor);
    const t0 = Date.now();
    const results = await runOperation(
      { capability: 'power', op: 'ping', args: {}, nodes: fakeNodes(['n0', 'n1', 'n2', 'n3'], 'a') },
      { services: services(), fanout: 2, signal: controller.signal },
    );
    expect(Date.now() - t0).toBeLessThan(900);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.kind))).toEqual([
      'interrupted',
      'interrupted',
      'interrupted',
      'interrupted',
    ]);
  });

  it('keeps a failing or throwing node from affecting the others, one result each', async () => {
    registerExecutor('power', 'a', {
      capability: 'power',
      flavor: 'a',
      ping: async (_a: unknown, ctx: NodeContext) => {
        if (ctx.node.name === 'n2') throw new NodeError('auth', '[401] Invalid username or password', 401);
        if (ctx.node.name === 'n3') throw new TypeError("Cannot read properties of undefined (reading 'x')");
        return 'ok';
      },
    } as Executor);
    const seen: NodeResult[] = [];
    const results = await runOperation(
      { capability: 'power', op: 'ping', args: {}, nodes: fakeNodes(['n1', 'n2', 'n3', 'n4'], 'a') },
      { services: services(), onResult: (r) => seen.push(r) },
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, false, true]);
    expect(results[1]).toMatchObject({ error: { kind: 'auth', status: 401 } });
    expect(results[2]).toMatchObject({ error: { kind: 'failed' } });
    expect(seen).toHaveLength(4);
  });

  it('ends a node that passes its deadline as a timeout and still runs its cleanups', async () => {
    const cleaned: string[] = [];
    registerExecutor('power', 'a', {
      capability: 'power',
      flavor: 'a',
      ping: async (_a: unknown, ctx: NodeContext) => {
        ctx.defer(() => cleaned.push(ctx.node.name));
        // n2 hangs and ignores its signal: the engine must not wait for it.
        if (ctx.node.name === 'n2') await new Promise(() => undefined);
        return 'ok';
      },
    } as Executor);
    const t0 = Date.now();
    const results = await runOperation(
      { capability: 'power', op: 'ping', args: {}, nodes: fakeNodes(['n1', 'n2'], 'a') },
      { services: services(), timeoutMs: 200 },
    );
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(results[0]!.ok).toBe(true);
    expect(results[1]).toMatchObject({
      ok: false,
      error: { kind: 'timeout', message: 'operation timed out after 0.2 s' },
    });
    expect(cleaned.sort()).toEqual(['n1', 'n2']);
  });

  it('starts a node’s deadline when the node starts, not while it waits behind the fan-out limit', async () => {
    registerExecutor('power', 'a', {
      capability: 'power',
      flavor: 'a',
      ping: async (_a: unknown, ctx: NodeContext) => {
        await sleep(100, ctx.signal);
        return 'ok';
      },
    } as Executor);
    // Four nodes one at a time take ~400 ms in all; each node alone needs 100 ms of its 250 ms.
    const results = await runOperation(
      { capability: 'power', op: 'ping', args: {}, nodes: fakeNodes(['n1', 'n2', 'n3', 'n4'], 'a') },
      { services: services(), fanout: 1, timeoutMs: 250 },
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true]);
    for (const r of results) expect(r.elapsedMs).toBeLessThan(250);
  });

  it('on cancellation keeps finished results, reports the rest interrupted and cleans up', async () => {
    const controller = new AbortController();
    const cleaned: string[] = [];
    registerExecutor('power', 'a', {
      capability: 'power',
      flavor: 'a',
      ping: async (_a: unknown, ctx: NodeContext) => {
        ctx.defer(async () => {
          await sleep(5);
          cleaned.push(ctx.node.name);
        });
        if (ctx.node.name === 'n1') return 'fast';
        if (ctx.node.name === 'n2') setTimeout(() => controller.abort(new Error('SIGINT')), 20);
        await sleep(10_000, ctx.signal);
        return 'slow';
      },
    } as Executor);
    const results = await runOperation(
      { capability: 'power', op: 'ping', args: {}, nodes: fakeNodes(['n1', 'n2', 'n3', 'n4'], 'a') },
      { services: services(), fanout: 2, signal: controller.signal },
    );
    expect(results[0]).toMatchObject({ ok: true, value: 'fast' });
    for (const r of results.slice(1)) expect(r).toMatchObject({ ok: false, error: { kind: 'interrupted' } });
    // n4 never started (fanout 2, aborted before its turn) so it has nothing to clean; the others did.
    expect(cleaned.sort()).toEqual(['n1', 'n2', 'n3']);
  });

  it('lets a usage error from validate abort the whole run before any node runs', async () => {
    let ran = false;
    registerExecutor('power', 'a', {
      capability: 'power',
      flavor: 'a',
      validate: () => {
        throw new HwctlUsageError('Unsupported command: rpower foo');
      },
      ping: async () => {
        ran = true;
        return 'ok';
      },
    } as Executor);
    await expect(
      runOperation(
        { capability: 'power', op: 'ping', args: {}, nodes: fakeNodes(['n1'], 'a') },
        { services: services() },
      ),
    ).rejects.toThrow('Unsupported command: rpower foo');
    expect(ran).toBe(false);
  });

  it('fails only the group whose pre hook fails, and warns when post fails', async () => {
    registerExecutor('power', 'a', {
      capability: 'power',
      flavor: 'a',
      pre: () => {
        throw new NodeError('unsupported', 'firmware too old');
      },
      ping: async () => 'ok',
    } as Executor);
    registerExecutor('power', 'b', {
      capability: 'power',
      flavor: 'b',
      ping: async () => 'ok',
      post: () => {
        throw new Error('summary failed');
      },
    } as Executor);
    const s = services();
    const results = await runOperation(
      {
        capability: 'power',
        op: 'ping',
        args: {},
        nodes: [...fakeNodes(['n1'], 'a'), ...fakeNodes(['n2'], 'b')],
      },
      { services: s },
    );
    expect(results[0]).toMatchObject({
      ok: false,
      error: { kind: 'unsupported', message: 'firmware too old' },
    });
    expect(results[1]).toMatchObject({ ok: true });
    expect(s.warnings).toEqual(['b ping: summary failed']);
  });

  it('resolves mgt=auto per node before grouping; a failed detection is that node’s result', async () => {
    registerExecutor('power', 'redfish', {
      capability: 'power',
      flavor: 'redfish',
      ping: async () => 'rf',
    } as Executor);
    registerExecutor('power', 'openbmc', {
      capability: 'power',
      flavor: 'openbmc',
      ping: async () => 'ob',
    } as Executor);
    const detected: string[] = [];
    const results = await runOperation(
      { capability: 'power', op: 'ping', args: {}, nodes: fakeNodes(['n1', 'n2', 'n3'], 'auto') },
      {
        services: services(),
        detectFlavor: async (node) => {
          detected.push(node.name);
          if (node.name === 'n3') throw new NodeError('unreachable', 'BMC did not respond.');
          return node.name === 'n1' ? 'redfish' : 'openbmc';
        },
      },
    );
    expect(detected.sort()).toEqual(['n1', 'n2', 'n3']);
    expect(results.map((r) => (r.ok ? r.value : r.error.kind))).toEqual(['rf', 'ob', 'unreachable']);
  });

  it('shares per-node values between the steps of one node only', async () => {
    let created = 0;
    registerExecutor('power', 'a', { capability: 'power', flavor: 'a' } as Executor);
    const results = await runOperation<unknown, number>(
      {
        capability: 'power',
        op: 'compose',
        args: {},
        nodes: fakeNodes(['n1', 'n2'], 'a'),
        perNode: async (_e, ctx) => {
          const a = ctx.shared('client', () => ({ id: ++created }));
          const b = ctx.shared('client', () => ({ id: ++created }));
          expect(a).toBe(b);
          ctx.forget('client');
          expect(ctx.shared('client', () => ({ id: 100 + ++created })).id).toBeGreaterThan(100);
          return a.id;
        },
      },
      { services: services() },
    );
    expect(results.map((r) => (r.ok ? r.value : 0)).sort()).toEqual([1, 3]);
  });
});
