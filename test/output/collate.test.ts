import { describe, expect, it } from '@jest/globals';
import { Chalk } from 'chalk';
import type { NodeResult } from '../../src/core/types.js';
import { errorShape } from '../../src/output/collate.js';
import { createRenderer, type OutputFormat } from '../../src/output/render.js';
import { summarize } from '../../src/output/summary.js';
import { plainView } from '../../src/output/view.js';

const fail = (node: string, message: string): NodeResult => ({
  node,
  ok: false,
  error: { kind: 'unreachable', message },
  elapsedMs: 1,
});

function render(format: OutputFormat, results: NodeResult[]) {
  const out: string[] = [];
  const err: string[] = [];
  const r = createRenderer({
    format,
    command: 'rpower all stat',
    view: plainView,
    collate: true,
    color: new Chalk({ level: 0 }),
    sink: { out: (t) => out.push(t), err: (t) => err.push(t) },
    nodes: results.map((x) => x.node),
  });
  for (const x of results) r.result(x);
  r.end(summarize(results, 1));
  return { out, err };
}

describe('collation of errors', () => {
  it('groups the same failure whatever the address, host name, elapsed time or node name', () => {
    const nodes = Array.from({ length: 32 }, (_, i) => `node${String(i + 1).padStart(2, '0')}`);
    const results: NodeResult[] = nodes.flatMap((n, i) => [
      fail(n, `Unable to resolve ip address for bmc: ${n}-bmc.lab.example (DNS lookup failed)`),
      fail(`${n}x`, `No response (no connection to 10.1.${i}.${i + 7}:443 within ${(i % 5) + 1}.5 s)`),
      fail(`${n}y`, `[503] Service Unavailable (the BMC is busy, ${i + 2} tries: retry later; ${n}y)`),
    ]);
    const { err } = render('text', results);
    const titles = err.filter((l) => /^\S+ \(\d+/.test(l));
    expect(titles).toHaveLength(3);
    expect(titles[0]).toMatch(/ \(32; messages vary, the first is shown\)$/);
    // The group shows its first node's message as it was.
    expect(err).toContain(
      'Error: Unable to resolve ip address for bmc: node01-bmc.lab.example (DNS lookup failed)',
    );
    expect(err).toContain('Error: No response (no connection to 10.1.0.7:443 within 1.5 s)');
  });

  it('keeps different failures and different HTTP statuses apart, and values exact', () => {
    expect(errorShape('[500] Internal Server Error')).not.toBe(errorShape('[503] Internal Server Error'));
    expect(errorShape('connection refused by 10.0.0.1:443')).not.toBe(
      errorShape('connection reset by 10.0.0.1:443'),
    );
    expect(
      errorShape('pinned SHA256 AB:CD:EF:01:23:45:67:89:AA, now [2001:db8::1]:443 bmc7:8443 https://x/y'),
    ).toBe('pinned SHA<n>'.replace('<n>', '#') + ' <hex>, now <addr> <host> <url>');
    const ok = (node: string, v: string): NodeResult => ({ node, ok: true, value: v, elapsedMs: 1 });
    const { out } = render('text', [ok('a1', 'serial 123'), ok('a2', 'serial 124')]);
    expect(out.filter((l) => l.startsWith('a'))).toEqual(['a1 (1)', 'a2 (1)']);
  });

  it('-c with ndjson says once, on stderr, that it is ignored', () => {
    const { out, err } = render('ndjson', [fail('n1', 'x'), fail('n2', 'x')]);
    expect(err).toEqual([
      'Warning: -c/--collate is ignored with -o ndjson (each node is written as it finishes)',
    ]);
    expect(out).toHaveLength(3);
  });
});
