import type { NodeOk } from '../core/types.js';
import { nodeAttribute } from '../inventory/index.js';
import { createRenderer } from '../output/render.js';
import { summarize } from '../output/summary.js';
import type { ResultView } from '../output/view.js';
import type { GlobalArgs } from './global-options.js';
import { chalkFor, stdSink } from './node-command.js';
import { openInventory, selectNodes } from './select.js';
import type { Sink } from '../output/render.js';

type Attrs = Record<string, string | null>;

export async function runNodels(
  args: GlobalArgs & { noderange?: string; attr?: string[] },
  sink: Sink = stdSink,
): Promise<number> {
  const started = Date.now();
  const inv = await openInventory(args.inventory);
  for (const w of inv.warnings) sink.err(`Warning: ${w}`);
  const nodes = selectNodes(inv, args.noderange ?? 'all');
  const attrs = args.attr ?? [];
  const results: NodeOk<Attrs>[] = nodes.map((n) => ({
    node: n.name,
    ok: true,
    value: Object.fromEntries(attrs.map((a) => [a, nodeAttribute(n, a) ?? null])),
    elapsedMs: 0,
  }));
  const show = (v: string | null) => v ?? '';
  const view: ResultView<Attrs> = {
    // xCAT: no attribute → the bare name; one → `node: value`; several → `node: attr: value`.
    text: (v) => (attrs.length === 1 ? [show(v[attrs[0]!]!)] : attrs.map((a) => `${a}: ${show(v[a]!)}`)),
    columns: attrs.map((a) => ({ header: a.toUpperCase(), value: (v: Attrs) => show(v[a]!) })),
  };
  if (attrs.length === 0 && args.output === 'text' && !args.collate) {
    for (const r of results) sink.out(r.node);
    return 0;
  }
  const renderer = createRenderer({
    format: args.output,
    command: ['nodels', args.noderange ?? 'all', ...attrs].join(' '),
    view,
    collate: args.collate,
    color: chalkFor(args),
    sink,
  });
  for (const r of results) renderer.result(r);
  renderer.end(summarize(results, Date.now() - started));
  return 0;
}
