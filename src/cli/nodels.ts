import type { NodeOk } from '../core/types.js';
import { HwctlUsageError } from '../core/errors.js';
import { BUILTIN_ATTRIBUTES, nodeAttribute, type Inventory } from '../inventory/index.js';
import { didYouMean } from '../inventory/suggest.js';
import { normalizeAttribute } from '../noderange/index.js';
import { createRenderer } from '../output/render.js';
import { summarize } from '../output/summary.js';
import type { ResultView } from '../output/view.js';
import type { GlobalArgs } from './global-options.js';
import { chalkFor, stdSink } from './node-command.js';
import { openInventory, selectNodes } from './select.js';
import type { Sink } from '../output/render.js';

type Attrs = Record<string, string | null>;

/**
 * Each attribute asked for, as the inventory names it (`nodehm.mgt` → `mgt`, as in selectors). One
 * that is neither built in nor a free attribute of any node is a usage error: xCAT's nodels refuses an
 * unknown attribute too, and a typo (`nodels all rakc`) would otherwise print an empty column.
 */
export function checkAttributes(inv: Inventory, attrs: readonly string[]): string[] {
  const builtin = BUILTIN_ATTRIBUTES as readonly string[];
  const canonical = attrs.map(normalizeAttribute);
  const unknown = canonical.filter((a) => !builtin.includes(a));
  if (unknown.length === 0) return canonical;
  const free = new Set<string>();
  for (const node of inv.nodes.values()) for (const k of Object.keys(node.attrs)) free.add(k);
  const bad = attrs.filter((_, i) => !builtin.includes(canonical[i]!) && !free.has(canonical[i]!));
  if (bad.length > 0) {
    const known = [...builtin, ...[...free].sort()];
    throw new HwctlUsageError(
      `unknown attribute${bad.length > 1 ? 's' : ''} ${bad.map((a) => `'${a}'`).join(', ')}: ` +
        `not built in (${builtin.join(', ')}) nor a free attribute of any node` +
        (free.size ? ` (${[...free].sort().slice(0, 20).join(', ')})` : '') +
        didYouMean(normalizeAttribute(bad[0]!), known),
    );
  }
  return canonical;
}

export async function runNodels(
  args: GlobalArgs & { noderange?: string; attr?: string[] },
  sink: Sink = stdSink,
): Promise<number> {
  const started = Date.now();
  const inv = await openInventory(args.inventory);
  for (const w of inv.warnings) sink.err(`Warning: ${w}`);
  const nodes = selectNodes(inv, args.noderange ?? 'all');
  const attrs = args.attr ?? [];
  const canonical = checkAttributes(inv, attrs);
  const results: NodeOk<Attrs>[] = nodes.map((n) => ({
    node: n.name,
    ok: true,
    value: Object.fromEntries(attrs.map((a, i) => [a, nodeAttribute(n, canonical[i]!) ?? null])),
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
    width: process.stdout.isTTY ? process.stdout.columns : undefined,
  });
  for (const r of results) renderer.result(r);
  renderer.end(summarize(results, Date.now() - started));
  return 0;
}
