/** The live status line counts in-flight nodes by their rflash state, with the mean percent. */
import { describe, expect, it } from '@jest/globals';
import { ProgressLine } from '../../src/output/progress.js';

describe('ProgressLine states', () => {
  it('groups the in-flight nodes by state word', () => {
    let now = 0;
    const p = new ProgressLine({ write: () => undefined, columns: 200 }, { now: () => now });
    p.begin(5);
    for (const n of ['a', 'b', 'c', 'd']) p.started(n);
    p.state('a', 'uploading 40%');
    p.state('b', 'uploading 60%');
    p.state('c', 'activating 10%');
    p.state('d', 'waiting to upload');
    p.state('zz', 'activating 99%'); // not in flight: ignored
    now = 1000;
    expect(p.line()).toBe(
      '[0/5] 4 in flight (uploading 2 ~50%, activating 1 ~10%, waiting 1), slowest: a 1s, b 1s, c 1s',
    );
    p.finished('a', true);
    p.finished('c', false);
    expect(p.line()).toMatch(
      /^\[2\/5\] 1 failed, 2 in flight \(uploading 1 ~60%, waiting 1\), slowest: b 1s, d 1s/,
    );
    p.stop();
  });
});
