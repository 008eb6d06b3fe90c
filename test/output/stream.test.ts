/**
 * Streaming renderers: node order with results arriving in any order, json written piece by piece
 * byte-identical to the whole document, and no node's value kept once it has been rendered.
 */
import { describe, expect, it } from '@jest/globals';
import { Chalk } from 'chalk';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { NodeResult } from '../../src/core/types.js';
import { foldNodes } from '../../src/noderange/nodeset.js';
import { NodeOrder, ReorderBuffer } from '../../src/output/node-order.js';
import { createRenderer, resultJson, type OutputFormat, type Renderer } from '../../src/output/render.js';
import { summarize } from '../../src/output/summary.js';
import type { ResultView } from '../../src/output/view.js';

type Inv = { model: string; serial?: string; dimms?: Array<{ slot: string; gb: number | null }> };

/** Text shows only the model, json the whole value: nodes can share text and differ in json. */
const view: ResultView<Inv> = {
  text: (v) => [`model: ${v.model}`],
  columns: [{ header: 'MODEL', value: (v) => v.model }],
};
const jsonView: ResultView<Inv> = { ...view, json: (v) => ({ ...v, serial: v.serial ?? null }) };

const ok = (node: string, value: Inv, elapsedMs = 10): NodeResult<Inv> => ({
  node,
  ok: true,
  value,
  elapsedMs,
});
const bad = (node: string, message: string, status?: number): NodeResult<Inv> => ({
  node,
  ok: false,
  error: { kind: status ? 'http' : 'timeout', message, ...(status ? { status } : {}) },
  elapsedMs: 30000,
});

function capture(format: OutputFormat, nodes?: readonly string[], collate = false, v = view) {
  const log: Array<['out' | 'err', string]> = [];
  const renderer = createRenderer({
    format,
    command: 'rinv all all',
    view: v,
    collate,
    color: new Chalk({ level: 0 }),
    sink: { out: (t) => log.push(['out', t]), err: (t) => log.push(['err', t]) },
    nodes,
  });
  const text = () => log.map(([, t]) => t + '\n').join('');
  return { renderer, log, text };
}

/** The document as the renderer built it before streaming: the whole thing, stringified at once. */
function wholeDocument(results: NodeResult<Inv>[], v: ResultView<Inv>, collate: boolean): string {
  const summary = summarize(results, 4321);
  const doc: Record<string, unknown> = {
    schema: 'hwctl/v1',
    command: 'rinv all all',
    results: results.map((r) => resultJson(r, v)),
    summary,
  };
  if (collate) {
    const groups = new Map<string, { nodes: string[]; sample: NodeResult<Inv> }>();
    for (const r of results) {
      const key = `${r.ok}\u0000${r.ok ? v.text(r.value).join('\n') : r.error.message}`;
      const g = groups.get(key);
      if (g) g.nodes.push(r.node);
      else groups.set(key, { nodes: [r.node], sample: r });
    }
    doc.groups = [...groups.values()].map((g) => {
      const { node: _n, elapsedMs: _e, ...rest } = resultJson(g.sample, v);
      return { nodes: foldNodes(g.nodes), count: g.nodes.length, ...rest };
    });
  }
  return JSON.stringify(doc, null, 2) + '\n';
}

function streamedDocument(arrival: NodeResult<Inv>[], nodes: string[], v: ResultView<Inv>, collate: boolean) {
  const { renderer, text } = capture('json', nodes, collate, v);
  for (const r of arrival) renderer.result(r);
  renderer.end(summarize(arrival, 4321));
  return text();
}

describe('node order with results arriving in any order', () => {
  it('text: a node is written once every node before it has been', () => {
    const { renderer, log } = capture('text', ['n1', 'n2', 'n3']);
    renderer.result(ok('n3', { model: 'C' }));
    expect(log).toEqual([]);
    renderer.result(ok('n1', { model: 'A' }));
    expect(log).toEqual([['out', 'n1: model: A']]);
    renderer.result(bad('n2', 'operation timed out after 30 s'));
    expect(log).toEqual([
      ['out', 'n1: model: A'],
      ['err', 'n2: Error: operation timed out after 30 s'],
      ['out', 'n3: model: C'],
    ]);
    renderer.end(summarize([], 0));
    expect(log).toHaveLength(3);
  });

  it('a slow first node holds the others back, then they all flush in order', () => {
    const names = Array.from({ length: 50 }, (_, i) => `node${String(i + 1).padStart(2, '0')}`);
    const { renderer, log } = capture('text', names);
    for (const n of names.slice(1).reverse()) renderer.result(ok(n, { model: n }));
    expect(log).toEqual([]);
    renderer.result(ok('node01', { model: 'node01' }));
    expect(log.map(([, t]) => t)).toEqual(names.map((n) => `${n}: model: ${n}`));
  });

  it('json: the header waits for the first node, each element for the next one (its comma)', () => {
    const { renderer, log, text } = capture('json', ['n1', 'n2']);
    renderer.result(ok('n2', { model: 'B' }));
    expect(log).toEqual([]);
    renderer.result(ok('n1', { model: 'A' }));
    // n1 is out with its comma; n2 waits for the end to know it is the last.
    expect(log.map(([, t]) => t).join('\n')).toContain('"node": "n1"');
    expect(text()).not.toContain('"node": "n2"');
    expect(text()).toMatch(/},\n$/);
    renderer.end(summarize([ok('n1', { model: 'A' }), ok('n2', { model: 'B' })], 1));
    expect(JSON.parse(text()).results.map((r: { node: string }) => r.node)).toEqual(['n1', 'n2']);
  });

  it('without a node order, nodes are listed as they arrive', () => {
    const { renderer, log } = capture('text');
    renderer.result(ok('b', { model: 'B' }));
    renderer.result(ok('a', { model: 'A' }));
    expect(log.map(([, t]) => t)).toEqual(['b: model: B', 'a: model: A']);
  });

  it('collation takes each group sample from its first node in node order, not the first to arrive', () => {
    const nodes = ['n1', 'n2', 'n3'];
    const results = [ok('n1', { model: 'X', serial: 'S1' }), ok('n2', { model: 'X', serial: 'S2' })];
    results.push(ok('n3', { model: 'Y' }));
    const arrival = [results[2]!, results[1]!, results[0]!];
    const doc = JSON.parse(streamedDocument(arrival, nodes, jsonView, true));
    expect(doc.groups).toEqual([
      { nodes: 'n[1-2]', count: 2, ok: true, value: { model: 'X', serial: 'S1' } },
      { nodes: 'n3', count: 1, ok: true, value: { model: 'Y', serial: null } },
    ]);
  });
});

describe('json streamed equals the whole document stringified at once', () => {
  const many: NodeResult<Inv>[] = [
    ok('node01', { model: 'R650', serial: 'A1', dimms: [{ slot: 'A1', gb: 32 }] }),
    bad('node02', '[503] Service "Unavailable"\nretry later', 503),
    ok('node03', { model: 'R650', serial: 'A3', dimms: [] }),
    ok('node04', { model: 'ünïcödé \u2028 "quoted" \\ back', dimms: [{ slot: 'B1', gb: null }] }),
    bad('node05', 'operation timed out after 30 s'),
    ok('node06', { model: 'R650' }),
    bad('node07', 'operation timed out after 30 s'),
  ];
  const cases: Array<[string, NodeResult<Inv>[]]> = [
    ['no results', []],
    ['one ok result', many.slice(0, 1)],
    ['one failed result', many.slice(1, 2)],
    ['many results, ok and failed', many],
  ];
  for (const [name, results] of cases) {
    for (const collate of [false, true]) {
      for (const [vname, v] of [
        ['value as is', view],
        ['view.json', jsonView],
      ] as const) {
        it(`${name}${collate ? ', collated' : ''}, ${vname}`, () => {
          const nodes = results.map((r) => r.node);
          const expected = wholeDocument(results, v, collate);
          expect(streamedDocument(results, nodes, v, collate)).toBe(expected);
          expect(streamedDocument([...results].reverse(), nodes, v, collate)).toBe(expected);
        });
      }
    }
  }
});

describe('values are not kept once rendered', () => {
  /** A value that throws on any use after `revoke()`: a renderer reading it later fails the test. */
  function revocable(node: string, value: Inv) {
    const { proxy, revoke } = Proxy.revocable(value, {});
    return { result: ok(node, proxy), revoke };
  }

  const formats: Array<[OutputFormat, boolean]> = [
    ['text', false],
    ['text', true],
    ['table', false],
    ['table', true],
    ['json', false],
    ['json', true],
    ['ndjson', false],
  ];
  for (const [format, collate] of formats) {
    it(`${format}${collate ? ' --collate' : ''} never reads a value after result() returns`, () => {
      const { renderer, text } = capture(format, ['n1', 'n2', 'n3'], collate, jsonView);
      // Arrival 3, 1, 2: n3 waits for n1 and n2 (text, json) with its value already revoked.
      for (const [node, model] of [
        ['n3', 'B'],
        ['n1', 'A'],
        ['n2', 'A'],
      ] as const) {
        const { result, revoke } = revocable(node, { model, serial: node });
        renderer.result(result);
        revoke();
      }
      renderer.end(summarize([], 1));
      expect(text()).toContain(format === 'table' ? 'B' : 'model');
    });
  }

  it('a rendered value is garbage once result() returns (WeakRef after a full GC)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const refs: Array<WeakRef<Inv>> = [];
    const renderers: Renderer[] = [];
    // In its own function so that no local of this (async) test still points at a value.
    const feed = (renderer: Renderer) => {
      const value: Inv = { model: 'M', serial: 'x'.repeat(1000), dimms: [{ slot: 'A', gb: 1 }] };
      refs.push(new WeakRef(value));
      renderer.result(ok('n2', value));
    };
    for (const [format, collate] of formats) {
      const { renderer } = capture(format, ['n1', 'n2'], collate, jsonView);
      renderers.push(renderer);
      // n2 first: it is held (rendered) until n1 arrives, which never happens before the GC.
      feed(renderer);
    }
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(refs.map((r) => r.deref())).toEqual(formats.map(() => undefined));
    expect(renderers).toHaveLength(formats.length); // the renderers themselves are still alive
  });
});

describe('ReorderBuffer', () => {
  it('releases in order, writes a repeated or unknown node rather than losing it, flushes across gaps', () => {
    const out: string[] = [];
    const q = new ReorderBuffer<string>(new NodeOrder(['a', 'b', 'c', 'd', 'a']), (x) => out.push(x));
    q.add('b', 'b');
    q.add('zz', 'zz'); // not in the order: after every known node
    expect(out).toEqual([]);
    expect(q.waiting).toBe(2);
    q.add('a', 'a');
    expect(out).toEqual(['a', 'b']);
    q.add('a', 'a again');
    expect(out).toEqual(['a', 'b', 'a again']);
    q.add('d', 'd'); // c never reports
    q.flush();
    expect(out).toEqual(['a', 'b', 'a again', 'd', 'zz']);
    expect(q.waiting).toBe(0);
  });
});
