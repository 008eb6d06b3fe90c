/**
 * Renderers: text (xCAT's `node: value`), table (cli-table3), json (one document) and ndjson (a line
 * per node as it completes, then a summary line). The JSON shapes are a public contract:
 * docs/output.md documents them and test/output checks them against golden files.
 */
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import type { NodeResult } from '../core/types.js';
import { foldNodes } from '../noderange/nodeset.js';
import type { RunSummary } from './summary.js';
import type { ResultView } from './view.js';

import type { OutputFormat } from './formats.js';

export { OUTPUT_FORMATS, type OutputFormat } from './formats.js';
export const JSON_SCHEMA_ID = 'hwctl/v1';

/** Where output goes: stdout and stderr, one call per line (or block). */
export interface Sink {
  out(text: string): void;
  err(text: string): void;
}

export interface RenderOptions<T> {
  format: OutputFormat;
  /** The command as typed, e.g. `rpower stat` (json `command` field). */
  command: string;
  view: ResultView<T>;
  collate: boolean;
  /** chalk instance; level 0 when colour is off. */
  color: ChalkInstance;
  sink: Sink;
}

export interface Renderer {
  /** One node finished (ndjson streams it; others buffer). */
  result(r: NodeResult): void;
  /** A node's transitional state while it works (`powering-on`): ndjson streams it, text shows it with -V. */
  progress?(node: string, state: string): void;
  /** Every node finished: write what was buffered. */
  end(results: readonly NodeResult[], summary: RunSummary): void;
}

export function createRenderer<T>(o: RenderOptions<T>): Renderer {
  switch (o.format) {
    case 'text':
      return o.collate ? collatedTextRenderer(o) : textRenderer(o);
    case 'table':
      return tableRenderer(o);
    case 'json':
      return jsonRenderer(o);
    case 'ndjson':
      return ndjsonRenderer(o);
  }
}

/** Error text as xCAT prints it after `node: `. */
const errorText = (r: Extract<NodeResult, { ok: false }>) => `Error: ${r.error.message}`;

function textRenderer<T>(o: RenderOptions<T>): Renderer {
  const c = o.color;
  return {
    result: () => undefined,
    end(results) {
      for (const r of results) {
        if (r.ok) {
          for (const line of o.view.text(r.value as T)) o.sink.out(`${c.bold(r.node)}: ${line}`);
        } else {
          o.sink.err(`${c.bold(r.node)}: ${c.red(errorText(r))}`);
        }
      }
    },
  };
}

export interface CollatedGroup {
  nodes: string[];
  ok: boolean;
  lines: string[];
  /** A representative result (identical output across the group). */
  sample: NodeResult;
}

/** Nodes with identical output, grouped; groups in order of their first node. */
export function collate<T>(results: readonly NodeResult[], view: ResultView<T>): CollatedGroup[] {
  const groups = new Map<string, CollatedGroup>();
  for (const r of results) {
    const lines = r.ok ? view.text(r.value as T) : [errorText(r)];
    const key = `${r.ok ? 'ok' : 'err'}\u0000${lines.join('\n')}`;
    const g = groups.get(key);
    if (g) g.nodes.push(r.node);
    else groups.set(key, { nodes: [r.node], ok: r.ok, lines, sample: r });
  }
  return [...groups.values()];
}

function collatedTextRenderer<T>(o: RenderOptions<T>): Renderer {
  const c = o.color;
  return {
    result: () => undefined,
    end(results) {
      for (const g of collate(results, o.view)) {
        const title = `${foldNodes(g.nodes)} (${g.nodes.length})`;
        const rule = '='.repeat(Math.min(Math.max(title.length, 20), 78));
        const write = g.ok ? o.sink.out : o.sink.err;
        write(c.cyan(rule));
        write(c.cyan.bold(title));
        write(c.cyan(rule));
        for (const line of g.lines) write(g.ok ? line : c.red(line));
      }
    },
  };
}

function tableRenderer<T>(o: RenderOptions<T>): Renderer {
  const c = o.color;
  const columns = o.view.columns ?? [{ header: 'RESULT', value: (v: T) => o.view.text(v).join('\n') }];
  const style = { head: c.level > 0 ? ['bold'] : [], border: c.level > 0 ? ['grey'] : [], compact: true };
  return {
    result: () => undefined,
    end(results) {
      const head = o.collate
        ? ['NODES', 'COUNT', ...columns.map((k) => k.header)]
        : ['NODE', ...columns.map((k) => k.header)];
      const table = new Table({ head, style });
      const rowFor = (r: NodeResult): Table.Cell[] =>
        r.ok
          ? columns.map((k) => k.value(r.value as T))
          : [{ colSpan: columns.length, content: c.red(errorText(r)) }];
      if (o.collate) {
        for (const g of collate(results, o.view))
          table.push([foldNodes(g.nodes), String(g.nodes.length), ...rowFor(g.sample)]);
      } else {
        for (const r of results) table.push([r.node, ...rowFor(r)]);
      }
      o.sink.out(table.toString());
    },
  };
}

/** The JSON form of one node's result (shared by json and ndjson). */
export function resultJson<T>(r: NodeResult, view: ResultView<T>): Record<string, unknown> {
  if (r.ok) {
    return {
      node: r.node,
      ok: true,
      value: view.json ? view.json(r.value as T) : r.value,
      elapsedMs: r.elapsedMs,
    };
  }
  return { node: r.node, ok: false, error: r.error, elapsedMs: r.elapsedMs };
}

function jsonRenderer<T>(o: RenderOptions<T>): Renderer {
  return {
    result: () => undefined,
    end(results, summary) {
      const doc: Record<string, unknown> = {
        schema: JSON_SCHEMA_ID,
        command: o.command,
        results: results.map((r) => resultJson(r, o.view)),
        summary,
      };
      if (o.collate) {
        doc.groups = collate(results, o.view).map((g) => ({
          nodes: foldNodes(g.nodes),
          count: g.nodes.length,
          ...withoutNode(resultJson(g.sample, o.view)),
        }));
      }
      o.sink.out(JSON.stringify(doc, null, 2));
    },
  };
}

function ndjsonRenderer<T>(o: RenderOptions<T>): Renderer {
  return {
    result(r) {
      o.sink.out(JSON.stringify({ type: 'result', schema: JSON_SCHEMA_ID, ...resultJson(r, o.view) }));
    },
    progress(node, state) {
      o.sink.out(JSON.stringify({ type: 'progress', schema: JSON_SCHEMA_ID, node, state }));
    },
    end(_results, summary) {
      o.sink.out(JSON.stringify({ type: 'summary', schema: JSON_SCHEMA_ID, command: o.command, summary }));
    },
  };
}

function withoutNode(o: Record<string, unknown>): Record<string, unknown> {
  const { node: _node, elapsedMs: _e, ...rest } = o;
  return rest;
}
