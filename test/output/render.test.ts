import { describe, expect, it } from '@jest/globals';
import { Chalk } from 'chalk';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeResult } from '../../src/core/types.js';
import { createRenderer, type OutputFormat } from '../../src/output/render.js';
import { summarize, summaryLine } from '../../src/output/summary.js';
import type { ResultView } from '../../src/output/view.js';

const here = dirname(fileURLToPath(import.meta.url));
const golden = (name: string) => join(here, 'golden', name);

/** Compare with a golden file; HWCTL_UPDATE_GOLDEN=1 rewrites them (review the diff!). */
function expectGolden(name: string, actual: string) {
  if (process.env.HWCTL_UPDATE_GOLDEN === '1' || !existsSync(golden(name)))
    writeFileSync(golden(name), actual);
  expect(actual).toBe(readFileSync(golden(name), 'utf8'));
}

type Power = { state: string; seconds?: number };
const view: ResultView<Power> = {
  text: (v) => [v.seconds === undefined ? v.state : `${v.state} (${v.seconds} s)`],
  columns: [
    { header: 'STATE', value: (v) => v.state },
    { header: 'TIME', value: (v) => (v.seconds === undefined ? '' : `${v.seconds} s`) },
  ],
};

const results: NodeResult<Power>[] = [
  { node: 'node01', ok: true, value: { state: 'on' }, elapsedMs: 12 },
  { node: 'node02', ok: true, value: { state: 'on' }, elapsedMs: 15 },
  {
    node: 'node03',
    ok: false,
    error: { kind: 'auth', message: '[401] Invalid username or password', status: 401 },
    elapsedMs: 8,
  },
  { node: 'node04', ok: true, value: { state: 'off', seconds: 12.4 }, elapsedMs: 12400 },
  { node: 'node05', ok: true, value: { state: 'on' }, elapsedMs: 11 },
  {
    node: 'node07',
    ok: false,
    error: { kind: 'timeout', message: 'operation timed out after 30 s' },
    elapsedMs: 30000,
  },
];

/** Render `results` delivered in `arrival` order (the engine's completion order); listed in node order. */
function render(format: OutputFormat, collate = false, arrival: readonly NodeResult[] = results) {
  const out: string[] = [];
  const err: string[] = [];
  const r = createRenderer({
    format,
    command: 'rpower node[01-07] stat',
    view,
    collate,
    color: new Chalk({ level: 0 }),
    sink: { out: (t) => out.push(t), err: (t) => err.push(t) },
    nodes: results.map((x) => x.node),
  });
  for (const x of arrival) r.result(x);
  r.end(summarize(results, 30123));
  return { out: out.join('\n') + '\n', err: err.join('\n') + '\n' };
}

describe('renderers', () => {
  it('text: xCAT lines, values on stdout and errors on stderr, in the given order', () => {
    const { out, err } = render('text');
    expectGolden('text.stdout', out);
    expectGolden('text.stderr', err);
    expect(out.split('\n')[0]).toBe('node01: on');
    expect(err.split('\n')[0]).toBe('node03: Error: [401] Invalid username or password');
  });

  it('text --collate: identical outputs under one folded noderange with a count', () => {
    const { out, err } = render('text', true);
    expectGolden('text-collate.stdout', out);
    expectGolden('text-collate.stderr', err);
    expect(out).toContain('node[01-02,05] (3)\n');
  });

  it('table: a long error message is wrapped, not widening every column', () => {
    const dns = `getaddrinfo ENOTFOUND ${'bmc-very-long-name.'.repeat(12)}example.com:443 (after 3 tries, 12.3 s)`;
    const long: NodeResult<Power>[] = [
      { node: 'node01', ok: true, value: { state: 'on' }, elapsedMs: 1 },
      { node: 'node02', ok: false, error: { kind: 'unreachable', message: dns }, elapsedMs: 1 },
    ];
    for (const collate of [false, true]) {
      for (const width of [80, 200]) {
        const out: string[] = [];
        const r = createRenderer({
          format: 'table',
          command: 'rpower node[01-02] stat',
          view,
          collate,
          color: new Chalk({ level: 0 }),
          sink: { out: (t) => out.push(t), err: () => {} },
          width,
        });
        for (const x of long) r.result(x);
        r.end(summarize(long, 1));
        const lines = out.join('\n').split('\n');
        expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(Math.min(width, 90));
        // The whole message is there, across the lines of the row.
        expect(lines.join('').replace(/[│\s]/g, '')).toContain(`Error:${dns}`.replace(/\s/g, ''));
      }
    }
  });

  it('table, plain and collated', () => {
    expectGolden('table.stdout', render('table').out);
    expectGolden('table-collate.stdout', render('table', true).out);
  });

  it('json: one document with schema, command, results and summary', () => {
    const { out } = render('json');
    expectGolden('json.stdout', out);
    const doc = JSON.parse(out);
    expect(doc.schema).toBe('hwctl/v1');
    expect(doc.command).toBe('rpower node[01-07] stat');
    expect(doc.results).toHaveLength(6);
    expect(doc.results[2]).toEqual({
      node: 'node03',
      ok: false,
      error: { kind: 'auth', message: '[401] Invalid username or password', status: 401 },
      elapsedMs: 8,
    });
    expect(doc.summary).toEqual({
      total: 6,
      ok: 4,
      failed: 2,
      interrupted: 0,
      failedNodes: 'node[03,07]',
      elapsedMs: 30123,
    });
  });

  it('json --collate adds groups', () => {
    const doc = JSON.parse(render('json', true).out);
    expect(doc.groups[0]).toEqual({ nodes: 'node[01-02,05]', count: 3, ok: true, value: { state: 'on' } });
  });

  it('every format lists nodes in node order whatever order their results arrive in', () => {
    const shuffled = [3, 0, 5, 1, 4, 2].map((i) => results[i]!);
    const goldens: Array<[OutputFormat, boolean, string[]]> = [
      ['text', false, ['text.stdout', 'text.stderr']],
      ['text', true, ['text-collate.stdout', 'text-collate.stderr']],
      ['table', false, ['table.stdout']],
      ['table', true, ['table-collate.stdout']],
      ['json', false, ['json.stdout']],
    ];
    for (const arrival of [shuffled, [...results].reverse()]) {
      for (const [format, collate, [outFile, errFile]] of goldens) {
        const { out, err } = render(format, collate, arrival);
        expect(out).toBe(readFileSync(golden(outFile!), 'utf8'));
        if (errFile) expect(err).toBe(readFileSync(golden(errFile), 'utf8'));
      }
      expect(render('json', true, arrival).out).toBe(render('json', true).out);
    }
  });

  it('ndjson: a line per node as it completes, then the summary', () => {
    const { out } = render('ndjson', false, [results[3]!, results[0]!]);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ type: 'result', schema: 'hwctl/v1', node: 'node04', ok: true });
    expect(lines[1]).toMatchObject({ type: 'result', node: 'node01' });
    expect(lines[2]).toMatchObject({
      type: 'summary',
      command: 'rpower node[01-07] stat',
      summary: { failed: 2 },
    });
  });

  it('ndjson streams progress lines', () => {
    const out: string[] = [];
    const r = createRenderer({
      format: 'ndjson',
      command: 'rpower all on --wait',
      view,
      collate: false,
      color: new Chalk({ level: 0 }),
      sink: { out: (t) => out.push(t), err: () => undefined },
    });
    r.progress!('node04', 'powering-on');
    expect(JSON.parse(out[0]!)).toEqual({
      type: 'progress',
      schema: 'hwctl/v1',
      node: 'node04',
      state: 'powering-on',
    });
    expect(
      createRenderer({
        ...{ format: 'text' as const, command: 'x', view, collate: false },
        color: new Chalk({ level: 0 }),
        sink: { out: () => undefined, err: () => undefined },
      }).progress,
    ).toBeUndefined();
  });

  it('summary line folds the failed nodes', () => {
    expect(summaryLine(summarize(results, 30123))).toBe('6 nodes: 4 ok, 2 failed: node[03,07] (30.1 s)');
  });

  it('colour codes only when the chalk level allows', () => {
    const out: string[] = [];
    const r = createRenderer({
      format: 'text',
      command: 'x',
      view,
      collate: false,
      color: new Chalk({ level: 1 }),
      sink: { out: (t) => out.push(t), err: () => undefined },
    });
    r.result(results[0]!);
    r.end(summarize(results.slice(0, 1), 1));
    expect(out[0]).toContain('\u001b[1m');
    expect(render('text').out).not.toContain('\u001b[');
  });
});
