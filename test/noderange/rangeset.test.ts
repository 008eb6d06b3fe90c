import { describe, it, expect } from '@jest/globals';
import {
  expandNumericRange,
  expandRangeBody,
  foldRangeValues,
  RangeSyntaxError,
} from '../../src/noderange/rangeset.js';
import { randomInt, seededRandom, shuffle } from './helpers.js';

function bodyError(body: string): RangeSyntaxError {
  try {
    expandRangeBody(body);
  } catch (e) {
    if (e instanceof RangeSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected '${body}' to be rejected`);
}

describe('expandRangeBody', () => {
  it('expands single values, lists and ranges in written order', () => {
    expect(expandRangeBody('5')).toEqual(['5']);
    expect(expandRangeBody('1,3,5')).toEqual(['1', '3', '5']);
    expect(expandRangeBody('1-3')).toEqual(['1', '2', '3']);
    expect(expandRangeBody('1:3')).toEqual(['1', '2', '3']);
    expect(expandRangeBody('7,1-2')).toEqual(['7', '1', '2']);
  });

  it('keeps the left bound padding (Perl magic increment)', () => {
    expect(expandRangeBody('01-03')).toEqual(['01', '02', '03']);
    expect(expandRangeBody('001-003')).toEqual(['001', '002', '003']);
    expect(expandRangeBody('98-101')).toEqual(['98', '99', '100', '101']);
    expect(expandRangeBody('098-101')).toEqual(['098', '099', '100', '101']);
    expect(expandRangeBody('09-100')).toHaveLength(92);
    expect(expandRangeBody('09-100').slice(-2)).toEqual(['99', '100']);
    expect(expandRangeBody('0-2')).toEqual(['0', '1', '2']);
    expect(expandRangeBody('00-02')).toEqual(['00', '01', '02']);
  });

  it('supports a step', () => {
    expect(expandRangeBody('1-10/3')).toEqual(['1', '4', '7', '10']);
    expect(expandRangeBody('01-09/4')).toEqual(['01', '05', '09']);
  });

  it('keeps words verbatim and removes duplicates', () => {
    expect(expandRangeBody('a,b,1')).toEqual(['a', 'b', '1']);
    expect(expandRangeBody('1-3,2,3-4')).toEqual(['1', '2', '3', '4']);
  });

  it('rejects a left bound longer than the right one (Perl would yield nothing)', () => {
    expect(bodyError('010-12').message).toMatch(/left bound has more digits/);
    expect(bodyError('1,010-12').offset).toBe(2);
  });

  it('rejects padding mismatches, reversed ranges and zero steps', () => {
    expect(bodyError('1-05').message).toMatch(/padding mismatch/);
    expect(bodyError('01-005').message).toMatch(/padding mismatch/);
    expect(bodyError('5-3').message).toMatch(/reversed/);
    expect(bodyError('1-5/0').message).toMatch(/step must be a positive number/);
  });

  it('rejects empty, malformed and oversized bodies with the offset of the culprit', () => {
    expect(bodyError('').message).toBe('empty brackets');
    expect(bodyError('1,,2').offset).toBe(2);
    expect(bodyError('1,').offset).toBe(2);
    expect(bodyError('1-').message).toMatch(/bad range '1-'/);
    expect(bodyError('a-c').message).toMatch(/bad range 'a-c'/);
    expect(bodyError('1-2-3').message).toMatch(/bad range/);
    expect(bodyError('x y').message).toMatch(/bad element 'x y'/);
    expect(bodyError('1-2000000').message).toMatch(/limit/);
    expect(bodyError('1-1234567890123456').message).toMatch(/too large/);
  });
});

describe('expandNumericRange', () => {
  it('names the range by its label in errors', () => {
    expect(() => expandNumericRange('10', '02', undefined, 0, 'node10-node02')).toThrow(
      "range 'node10-node02' is reversed",
    );
  });
});

describe('foldRangeValues', () => {
  it('folds consecutive numbers into ranges', () => {
    expect(foldRangeValues(['1', '2', '3', '5', '7', '8'])).toBe('1-3,5,7-8');
    expect(foldRangeValues(['3', '1', '2'])).toBe('1-3');
    expect(foldRangeValues(['4'])).toBe('4');
    expect(foldRangeValues([])).toBe('');
  });

  it('respects padding so the body expands back to the same strings', () => {
    expect(foldRangeValues(['9', '10'])).toBe('9-10');
    expect(foldRangeValues(['09', '10'])).toBe('09-10');
    expect(foldRangeValues(['1', '01'])).toBe('1,01');
    expect(foldRangeValues(['1', '2', '01', '02'])).toBe('1-2,01-02');
    expect(foldRangeValues(['099', '100', '101'])).toBe('099-101');
    expect(foldRangeValues(['008', '009', '010'])).toBe('008-010');
    expect(foldRangeValues(['08', '009', '10'])).toBe('08,009,10');
  });

  it('ignores duplicates and keeps words after numbers', () => {
    expect(foldRangeValues(['2', '1', '2', 'b', 'a'])).toBe('1-2,a,b');
  });

  it('round-trips: expandRangeBody(fold(values)) is the same set, in numeric order', () => {
    const rand = seededRandom(42);
    for (let round = 0; round < 300; round++) {
      const values = new Set<string>();
      const count = randomInt(rand, 1, 60);
      for (let i = 0; i < count; i++) {
        const n = randomInt(rand, 0, round % 3 === 0 ? 1200 : 130);
        const width = randomInt(rand, 1, 4);
        values.add(String(n).padStart(width, '0'));
      }
      const input = shuffle(rand, [...values]);
      const body = foldRangeValues(input);
      const back = expandRangeBody(body);
      expect(new Set(back)).toEqual(values);
      expect(back).toHaveLength(values.size);
      expect(foldRangeValues(back)).toBe(body);
    }
  });
});
