/**
 * How a command's per-node value is shown. A command defines one view; the renderers (text, table,
 * json, ndjson) use it and nothing else, so rendering never reaches back into BMC code.
 */
export interface Column<T> {
  header: string;
  value(v: T): string;
}

export interface ResultView<T> {
  /** xCAT text lines for one node's value, without the `node: ` prefix. */
  text(value: T): string[];
  /** Table columns after the node column; default: one `RESULT` column with the text lines. */
  columns?: Column<T>[];
  /** JSON form of a value; default: the value itself. */
  json?(value: T): unknown;
}

/** A view for values that are already strings (or string lists). */
export const plainView: ResultView<unknown> = {
  text: (v) => (Array.isArray(v) ? v.map(String) : [String(v)]),
};
