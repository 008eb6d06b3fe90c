/**
 * The `-o json` document written piece by piece, byte-identical to
 * `JSON.stringify({ schema, command, results, summary, groups? }, null, 2)`: a result is written as soon as it
 * is released instead of the whole document being built (and every value kept) until the end.
 *
 * `JSON.stringify(x, null, 2)` nested `d` levels deep is the same text with every line after the first
 * indented by `2·d` more spaces (string contents never hold a raw newline), which is what `nested` does.
 */
import type { Sink } from './render.js';

const nested = (json: string, depth: number) => json.replaceAll('\n', '\n' + '  '.repeat(depth));

export class JsonDocumentWriter {
  private opened = false;
  /** The last element written, held back until the next one or the end decides on its comma. */
  private held: string | undefined;

  constructor(
    private readonly sink: Sink,
    private readonly schema: string,
    private readonly command: string,
  ) {}

  /** One element of `results`, as `JSON.stringify(element, null, 2)`. */
  result(json: string): void {
    if (!this.opened) {
      this.sink.out(this.header('['));
      this.opened = true;
    }
    if (this.held !== undefined) this.sink.out(this.held + ',');
    this.held = '    ' + nested(json, 2);
  }

  /** Closes `results`, then `summary` and (with collation) `groups`, each as `JSON.stringify(x, null, 2)`. */
  end(summary: unknown, groups?: Iterable<string>): void {
    if (!this.opened) {
      this.sink.out(this.header('[],'));
    } else {
      if (this.held !== undefined) this.sink.out(this.held);
      this.sink.out('  ],');
    }
    this.held = undefined;
    const summaryJson = `  "summary": ${nested(JSON.stringify(summary, null, 2), 1)}`;
    if (!groups) {
      this.sink.out(summaryJson);
      this.sink.out('}');
      return;
    }
    this.sink.out(summaryJson + ',');
    // Groups one by one (each made only when written), the last without its comma.
    let previous: string | undefined;
    for (const g of groups) {
      this.sink.out(previous === undefined ? '  "groups": [' : previous + ',');
      previous = '    ' + nested(g, 2);
    }
    if (previous === undefined) {
      this.sink.out('  "groups": []');
    } else {
      this.sink.out(previous);
      this.sink.out('  ]');
    }
    this.sink.out('}');
  }

  private header(results: string): string {
    return [
      '{',
      `  "schema": ${JSON.stringify(this.schema)},`,
      `  "command": ${JSON.stringify(this.command)},`,
      `  "results": ${results}`,
    ].join('\n');
  }
}

/**
 * `JSON.stringify({ nodes, count, ...rest }, null, 2)` from `rest` already stringified (a collated group's
 * shared part, rendered once from its first node).
 */
export function groupJson(nodes: string, count: number, restJson: string): string {
  const head = `{\n  "nodes": ${JSON.stringify(nodes)},\n  "count": ${JSON.stringify(count)}`;
  return restJson === '{}' ? head + '\n}' : `${head},\n${restJson.slice(2)}`;
}
