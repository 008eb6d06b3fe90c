/** The engine's rolling start (RunRequest.rolling): batches, the fan-out inside a batch, the stagger gate. */
import { afterEach, expect, it } from '@jest/globals';
import type { Executor, RunServices } from '../../src/engine/executor.js';
import { runOperation } from '../../src/engine/run.js';
import { clearRegistry, registerExecutor } from '../../src/executors/registry.js';
import { fakeNodes } from '../helpers/nodes.js';

const services: RunServices = { warn: () => undefined, options: {} };
afterEach(() => clearRegistry());

function recorder() {
  const events: string[] = [];
  let inFlight = 0;
  let peak = 0;
  registerExecutor('power', 'a', {
    capability: 'power',
    flavor: 'a',
    ping: async (_a: unknown, ctx: { node: { name: string } }) => {
      events.push(`start ${ctx.node.name}`);
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 10));
      inFlight--;
      events.push(`end ${ctx.node.name}`);
      return 'ok';
    },
  } as Executor);
  return { events, peak: () => peak };
}

it('--batch 3 with --fanout 2: a batch starts only when the previous one ended, the fan-out caps each batch', async () => {
  const r = recorder();
  const nodes = fakeNodes(['n1', 'n2', 'n3', 'n4', 'n5'], 'a');
  const results = await runOperation(
    { capability: 'power', op: 'ping', args: {}, nodes, rolling: { batch: 3 } },
    { services, fanout: 2 },
  );
  expect(results.every((x) => x.ok)).toBe(true);
  expect(r.peak()).toBe(2);
  // n4 and n5 start after every node of the first batch ended.
  const lastEndOfBatch1 = Math.max(...['n1', 'n2', 'n3'].map((n) => r.events.indexOf(`end ${n}`)));
  expect(r.events.indexOf('start n4')).toBeGreaterThan(lastEndOfBatch1);
  expect(r.events.indexOf('start n5')).toBeGreaterThan(lastEndOfBatch1);
});

it('an interrupt during the pause between batches ends it at once: the rest are interrupted, never started', async () => {
  const r = recorder();
  const controller = new AbortController();
  const nodes = fakeNodes(['n1', 'n2', 'n3'], 'a');
  const started = Date.now();
  const pending = runOperation(
    { capability: 'power', op: 'ping', args: {}, nodes, rolling: { batch: 1, batchDelayMs: 10_000 } },
    { services, signal: controller.signal, onResult: () => controller.abort(new Error('SIGINT')) },
  );
  const results = await pending;
  expect(Date.now() - started).toBeLessThan(1000);
  expect(results.map((x) => (x.ok ? 'ok' : x.error.kind))).toEqual(['ok', 'interrupted', 'interrupted']);
  expect(r.events).toEqual(['start n1', 'end n1']);
});
