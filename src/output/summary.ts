import type { NodeOutcome } from '../core/types.js';
import { foldNodes } from '../noderange/nodeset.js';

export interface RunSummary {
  total: number;
  ok: number;
  failed: number;
  /** Nodes that did not finish because the run was interrupted (also counted in `failed`). */
  interrupted: number;
  /** Failed nodes folded into a noderange, e.g. `node[03,07]`. */
  failedNodes: string;
  elapsedMs: number;
}

export function summarize(results: readonly NodeOutcome[], elapsedMs: number): RunSummary {
  const failedNames: string[] = [];
  let interrupted = 0;
  for (const r of results) {
    if (r.ok) continue;
    failedNames.push(r.node);
    if (r.error.kind === 'interrupted') interrupted++;
  }
  return {
    total: results.length,
    ok: results.length - failedNames.length,
    failed: failedNames.length,
    interrupted,
    failedNodes: failedNames.length ? foldNodes(failedNames) : '',
    elapsedMs,
  };
}

/** The one-line stderr summary: `8 nodes: 6 ok, 2 failed: node[03,07] (1.2 s)`. */
export function summaryLine(s: RunSummary): string {
  let line = `${s.total} nodes: ${s.ok} ok, ${s.failed} failed`;
  if (s.interrupted) line += ` (${s.interrupted} interrupted)`;
  if (s.failed) line += `: ${s.failedNodes}`;
  return `${line} (${(s.elapsedMs / 1000).toFixed(1)} s)`;
}
