/**
 * Renderers: text (xCAT's `node: value`), table (cli-table3), json (one document) and ndjson (a line
 * per node as it completes, then a summary line). The JSON shapes are a public contract:
 * docs/output.md documents them and test/output checks them against golden files.
 *
 * Memory stays flat with the fleet: each result is rendered when it arrives and its value is not kept.
 * text and json write a node as soon as every node before it (in `nodes` order) has been written, holding
 * only the rendered text of nodes that finished early; table keeps rendered cells (it needs every row for
 * its widths) and collation keeps one rendered sample per group.
 */
import { append } from '../core/arrays.js';
import { displayWidth, wrapText } from '../core/text.js';
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import type { NodeResult } from '../core/types.js';
import { foldNodes } from '../noderange/nodeset.js';
import { Collator, type CollatedGroup } from './collate.js';
import { JsonDocumentWriter, groupJson } from './json-document.js';
import { NodeOrder, ReorderBuffer } from './node-order.js';
import type { RunSummary } from './summary.js';
import type { ResultView } from './view.js';

import type { OutputFormat } from './formats.js';

export { OUTPUT_FORMATS, type OutputFormat } from './formats.js';
export type { CollatedGroup } from './collate.js';
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
  /**
   * The nodes in the order text, table and json list them (the command's node order). Results may
   * arrive in any order. Without it, nodes are listed in the order their results arrive.
   */
  nodes?: readonly string[];
  /** Terminal width for table output (stdout's columns); absent when not a terminal. */
  width?: number;
}

export interface Renderer {
  /**
   * One node finished. Rendered at once, the value is not kept: ndjson writes it, text and json as soon
   * as every earlier node has been written, table and collated output hold the rendered form.
   */
  result(r: NodeResult): void;
  /** A node's transitional state while it works (`powering-on`): ndjson streams it, text shows it with -V. */
  progress?(node: string, state: string): void;
  /** Every node finished (each came through `result()`): write what is still held (table, groups, summary). */
  end(summary: RunSummary): void;
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

/** A node's output lines without the `node: ` prefix (what collation compares). */
const textLines = <T>(r: NodeResult, view: ResultView<T>) =>
  r.ok ? view.text(r.value as T) : [errorText(r)];

function textRenderer<T>(o: RenderOptions<T>): Renderer {
  const c = o.color;
  const queue = new ReorderBuffer<{ err: boolean; lines: string[] }>(new NodeOrder(o.nodes), (x) => {
    for (const line of x.lines) {
      if (x.err) o.sink.err(line);
      else o.sink.out(line);
    }
  });
  return {
    result(r) {
      const name = c.bold(r.node);
      if (r.ok)
        queue.add(r.node, { err: false, lines: o.view.text(r.value as T).map((l) => `${name}: ${l}`) });
      else queue.add(r.node, { err: true, lines: [`${name}: ${c.red(errorText(r))}`] });
    },
    end() {
      queue.flush();
    },
  };
}

function collatedTextRenderer<T>(o: RenderOptions<T>): Renderer {
  const c = o.color;
  const collator = new Collator<string[]>(new NodeOrder(o.nodes));
  return {
    result(r) {
      const lines = textLines(r, o.view);
      collator.add(r.node, r.ok, lines, () => lines);
    },
    end() {
      for (const g of collator.groups()) {
        // An error group gathers messages that differ only in addresses and numbers: say so.
        const varies = g.varies ? '; messages vary, the first is shown' : '';
        const title = `${foldNodes(g.nodes)} (${g.nodes.length}${varies})`;
        const rule = '='.repeat(Math.min(Math.max(title.length, 20), 78));
        const write = g.ok ? o.sink.out : o.sink.err;
        write(c.cyan(rule));
        write(c.cyan.bold(title));
        write(c.cyan(rule));
        for (const line of g.sample) write(g.ok ? line : c.red(line));
      }
    },
  };
}

/** An error row spans the value columns; its message is wrapped when the table is drawn. */
interface TableRow {
  /** NODE, or NODES and COUNT with -c. */
  lead: string[];
  cells?: Table.Cell[];
  error?: string;
}

/** Error messages are wrapped to at most this width (or the terminal's room) rather than widening every column. */
export const TABLE_ERROR_WIDTH = 60;
/** Table width when stdout is not a terminal. */
const PIPE_WIDTH = 120;

function tableRenderer<T>(o: RenderOptions<T>): Renderer {
  const c = o.color;
  const columns = o.view.columns ?? [{ header: 'RESULT', value: (v: T) => o.view.text(v).join('\n') }];
  const style = { head: c.level > 0 ? ['bold'] : [], border: c.level > 0 ? ['grey'] : [], compact: true };
  const cellsFor = (r: NodeResult): Omit<TableRow, 'lead'> =>
    r.ok ? { cells: columns.map((k) => k.value(r.value as T)) } : { error: errorText(r) };
  const order = new NodeOrder(o.nodes);
  // The table needs every row for its column widths: keep the rendered cells, in node order.
  const rows: TableRow[] = [];
  const queue = new ReorderBuffer<TableRow>(order, (row) => rows.push(row));
  const collator = new Collator<Omit<TableRow, 'lead'>>(order);
  return {
    result(r) {
      if (o.collate) collator.add(r.node, r.ok, textLines(r, o.view), () => cellsFor(r));
      else queue.add(r.node, { lead: [r.node], ...cellsFor(r) });
    },
    end() {
      queue.flush();
      const head = o.collate
        ? ['NODES', 'COUNT', ...columns.map((k) => k.header)]
        : ['NODE', ...columns.map((k) => k.header)];
      if (o.collate) {
        for (const g of collator.groups())
          rows.push({ lead: [foldNodes(g.nodes), String(g.nodes.length)], ...g.sample });
      }
      const wrapAt = errorWrapWidth(head, rows, columns.length, o.width ?? PIPE_WIDTH);
      const table = new Table({ head, style });
      append(
        table,
        rows.map((row): Table.Cell[] => [
          ...row.lead,
          ...(row.cells ?? [
            { colSpan: columns.length, content: c.red(wrapText(row.error ?? '', wrapAt).join('\n')) },
          ]),
        ]),
      );
      o.sink.out(table.toString());
    },
  };
}

/**
 * How wide an error message may be: as wide as the value columns it spans are anyway, or
 * TABLE_ERROR_WIDTH, but never more than what the terminal leaves after the leading columns. Without
 * this, one 300-character DNS error made every row of a 1,000-node table 300 characters wide.
 */
function errorWrapWidth(head: string[], rows: TableRow[], valueColumns: number, width: number): number {
  const lead = head.length - valueColumns;
  const widths = head.map(displayWidth);
  for (const row of rows) {
    row.lead.forEach((t, i) => (widths[i] = Math.max(widths[i]!, displayWidth(t))));
    row.cells?.forEach(
      (cell, i) => (widths[lead + i] = Math.max(widths[lead + i]!, displayWidth(String(cell)))),
    );
  }
  const sum = (ws: number[]) => ws.reduce((a, b) => a + b, 0) + 3 * (ws.length - 1);
  const span = sum(widths.slice(lead));
  // Borders: `│ ` before, ` │ ` between, ` │` after each column.
  const room = width - sum(widths.slice(0, lead)) - 7;
  return Math.max(20, Math.min(Math.max(span, TABLE_ERROR_WIDTH), room));
}

/** The JSON form of one node's result (shared by json and ndjson). */
export function resultJson<T>(r: NodeResult, view: ResultView<T>): Record<string, unknown> {
  // `quirks` (the vendor workarounds used) only where the node's executor consults them: Redfish.
  const quirks = r.quirks ? { quirks: r.quirks } : {};
  // The service node that ran it (docs/hierarchy.md); absent for nodes run here.
  const sn = r.servicenode !== undefined ? { servicenode: r.servicenode } : {};
  if (r.ok) {
    return {
      node: r.node,
      ...sn,
      ok: true,
      value: view.json ? view.json(r.value as T) : r.value,
      ...quirks,
      elapsedMs: r.elapsedMs,
    };
  }
  return { node: r.node, ...sn, ok: false, error: r.error, ...quirks, elapsedMs: r.elapsedMs };
}

function jsonRenderer<T>(o: RenderOptions<T>): Renderer {
  const order = new NodeOrder(o.nodes);
  const doc = new JsonDocumentWriter(o.sink, JSON_SCHEMA_ID, o.command);
  const queue = new ReorderBuffer<string>(order, (json) => doc.result(json));
  // A group's shared part ({ ok, value } or { ok, error }) as JSON text, from its first node.
  const collator = o.collate ? new Collator<string>(order) : undefined;
  return {
    result(r) {
      const element = resultJson(r, o.view);
      queue.add(r.node, JSON.stringify(element, null, 2));
      collator?.add(r.node, r.ok, textLines(r, o.view), () => JSON.stringify(withoutNode(element), null, 2));
    },
    end(summary) {
      queue.flush();
      doc.end(summary, collator && groupsJson(collator.groups()));
    },
  };
}

/** Each group's JSON text, made as it is written (a fleet's worth of groups is not copied at once). */
function* groupsJson(groups: Iterable<CollatedGroup<string>>): Iterable<string> {
  for (const g of groups) yield groupJson(foldNodes(g.nodes), g.nodes.length, g.sample);
}

function ndjsonRenderer<T>(o: RenderOptions<T>): Renderer {
  // ndjson streams each node as it finishes: there is nothing to group. Said once, on stderr.
  if (o.collate)
    o.sink.err('Warning: -c/--collate is ignored with -o ndjson (each node is written as it finishes)');
  return ndjsonLines(o.view, o.command, (line) => o.sink.out(line));
}

/**
 * The ndjson lines: a `result` per node as it finishes, `progress` events, the `summary`. `withRaw` (the
 * service-node protocol, src/hierarchy/remote.ts): each result also carries `raw`, the value as the
 * command made it, when the view's JSON form differs from it, for the control host to render itself.
 */
export function ndjsonLines<T>(
  view: ResultView<T>,
  command: string,
  out: (line: string) => void,
  withRaw = false,
): Renderer {
  return {
    result(r) {
      const line: Record<string, unknown> = {
        type: 'result',
        schema: JSON_SCHEMA_ID,
        ...resultJson(r, view),
      };
      if (withRaw && r.ok && view.json) line.raw = r.value;
      out(JSON.stringify(line));
    },
    progress(node, state) {
      out(JSON.stringify({ type: 'progress', schema: JSON_SCHEMA_ID, node, state }));
    },
    end(summary) {
      out(JSON.stringify({ type: 'summary', schema: JSON_SCHEMA_ID, command, summary }));
    },
  };
}

/** A collated group's shared part: what its nodes printed alike (quirks may differ between them). */
function withoutNode(o: Record<string, unknown>): Record<string, unknown> {
  const { node: _node, elapsedMs: _e, quirks: _q, servicenode: _s, ...rest } = o;
  return rest;
}
