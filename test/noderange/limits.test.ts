/**
 * Noderanges that asked for too much: each fails at once with a NoderangeError naming the limit (exit 2
 * in the CLI), instead of a stack overflow, minutes of CPU, a hang on a device or FIFO, or the
 * contents of a `^file` in the message.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoderangeError } from '../../src/core/errors.js';
import { expandNoderange, expandNodeset } from '../../src/noderange/index.js';
import { makeContext } from './helpers.js';

const LONG = 'a'.repeat(39) + 'b'; // 40 characters: (a+)+$ backtracks 2^39 times on it
const ctx = makeContext({
  nodes: [...expandNodeset('node[01-10]'), LONG],
  groups: { rack: expandNodeset('node[01-05]') },
  attrs: { node01: { bmc: '10.0.0.1.10.0.0.1.10.0.0.1.10.0.0.1.10.0.' } },
});

/** The NoderangeError `expr` throws, and how long it took. */
function refused(expr: string): { message: string; ms: number } {
  const started = performance.now();
  try {
    expandNoderange(expr, ctx);
  } catch (e) {
    if (!(e instanceof NoderangeError)) throw e;
    return { message: e.message, ms: performance.now() - started };
  }
  throw new Error(`expected ${expr.slice(0, 40)} to be refused`);
}

describe('noderange limits', () => {
  it('refuses parentheses nested more than 100 deep (2,000 overflowed the stack)', () => {
    const r = refused('('.repeat(2000) + 'node01' + ')'.repeat(2000));
    expect(r.message).toMatch(/: parentheses nested more than 100 deep at position 101$/);
    expect(expandNoderange('('.repeat(100) + 'node01' + ')'.repeat(100), ctx)).toEqual(['node01']);
  });

  it('refuses an element or a regex that is too long, and quotes neither whole', () => {
    const huge = refused('/' + 'a'.repeat(100_000));
    expect(huge.message).toMatch(/is 100001 characters long \(limit 65536\) at position 1$/);
    expect(huge.message.length).toBeLessThan(300);
    expect(refused('/' + 'a'.repeat(5000)).message).toMatch(
      /regular expression 'a+…' is 5000 characters long \(limit 4096\) at position 2$/,
    );
    expect(refused('mgt=~' + 'a'.repeat(5000)).message).toMatch(/\(limit 4096\) at position 6$/);
  });

  it('counts the whole expansion before making any name (1,000 × node[1-99999] fails at once)', () => {
    const thousand = refused(Array(1000).fill('node[1-99999]').join(','));
    expect(thousand.message).toMatch(/expands to more than 1,000,000 names \(the limit\) at position 141$/);
    expect(thousand.ms).toBeLessThan(200);
    const twenty = refused(Array.from({ length: 20 }, (_, i) => `n${i}[1-999999]`).join(','));
    expect(twenty.message).toMatch(/expands to more than 1,000,000 names/);
    expect(twenty.ms).toBeLessThan(200);
    // Within one pattern too: duplicates cost as much to make as distinct names.
    expect(refused('node[1-600000,1-600000]').message).toMatch(/more than 1000000 values/);
    // Groups count their members, regexes and selectors the nodes they test.
    expect(refused(Array(200_001).fill('rack').join(',')).message).toMatch(/more than 1,000,000 names/);
  });

  it('refuses a range that is too large within a ^file, before evaluating its lines', () => {
    const c = makeContext({ nodes: ['node01'], files: { '/big': 'node01\n' + 'n[1-600000]\n'.repeat(2) } });
    expect(() => expandNoderange('^/big', c)).toThrow(
      /^invalid noderange file \/big line 3: the noderange expands to more than 1,000,000 names/,
    );
  });
});

describe('noderange regexes run in linear time (RE2)', () => {
  it('matches /(a+)+$ against a 40-character name at once', () => {
    const started = performance.now();
    expect(expandNoderange('/(a+)+$', ctx)).toEqual([]);
    expect(expandNoderange('/(a+)+b', ctx)).toEqual([LONG]);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('runs the selector bmc=~(.*.*)*x at once', () => {
    const started = performance.now();
    expect(expandNoderange('bmc=~(.*.*)*x', ctx)).toEqual([]);
    expect(expandNoderange('bmc=~(.*.*)*1', ctx)).toEqual(['node01']);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('speaks RE2: no backreferences or lookaround, with the reason', () => {
    expect(refused('/(node)\\1').message).toMatch(
      /bad regular expression '\(node\)\\1' \(invalid escape sequence/,
    );
    expect(refused('/node(?=01)').message).toMatch(/bad regular expression .*unsupported Perl syntax/);
    expect(expandNoderange('/node0[1-3]', ctx)).toEqual(['node01', 'node02', 'node03']);
    expect(expandNoderange('/(?i)NODE0\\d', ctx)).toHaveLength(9);
  });
});

describe('^file on the real file system', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwctl-noderange-limits-'));
    writeFileSync(join(dir, 'password'), 'correct-horse-battery-staple-and-more-words-1234\n');
    writeFileSync(join(dir, 'password2'), '# saved\nTr0ub4dor&3-is-a-long-enough-password,,x\n');
    writeFileSync(join(dir, 'big'), '');
    truncateSync(join(dir, 'big'), 16 * 1024 * 1024 + 1);
    mkdirSync(join(dir, 'dir'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads only regular files: devices and FIFOs are refused without blocking', () => {
    expect(refused('^/dev/zero').message).toBe(
      "invalid noderange '^/dev/zero': cannot read noderange file '/dev/zero' (it is a character device, not a regular file) at position 1",
    );
    expect(refused('^/dev/urandom').message).toMatch(/it is a character device, not a regular file/);
    expect(refused(`^${join(dir, 'fifo')}`).message).toMatch(/\(it is a FIFO, not a regular file\)/);
    expect(refused(`^${join(dir, 'dir')}`).message).toMatch(/\(it is a directory, not a regular file\)/);
  });

  it('refuses a file larger than 16 MB, and binary files', () => {
    expect(refused(`^${join(dir, 'big')}`).message).toMatch(/\(larger than 16,777,216 bytes\)/);
    expect(refused('^/proc/self/environ').message).toBe(
      "invalid noderange '^/proc/self/environ': cannot read noderange file '/proc/self/environ' (it is not a text file (it contains NUL bytes)) at position 1",
    );
  });

  it('never quotes more of a file than the offending token, cut to 40 characters, with file:line', () => {
    const file = join(dir, 'password');
    const unknown = refused(`^${file}`).message;
    expect(unknown).toBe(
      `Invalid nodes and/or groups in noderange: correct-horse-battery-staple-and-more-w… (${file}:1)`,
    );
    const file2 = join(dir, 'password2');
    const syntax = refused(`node01,^${file2}`).message;
    expect(syntax).toBe(`invalid noderange file ${file2} line 2: empty element at position 39`);
    expect(syntax).not.toMatch(/Tr0ub4dor/);
  });
});
