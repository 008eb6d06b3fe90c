import { describe, it, expect } from '@jest/globals';
import { compareNodeNames, sortNodeNames } from '../../src/noderange/index.js';
import { pick, randomInt, seededRandom, shuffle } from './helpers.js';

describe('compareNodeNames', () => {
  it('orders digit runs by value', () => {
    expect(sortNodeNames(['node10', 'node2', 'node1', 'node100', 'node9'])).toEqual([
      'node1',
      'node2',
      'node9',
      'node10',
      'node100',
    ]);
  });

  it('compares every numeric part, left to right', () => {
    expect(sortNodeNames(['r2n1', 'r10n1', 'r1n10', 'r1n2'])).toEqual(['r1n2', 'r1n10', 'r2n1', 'r10n1']);
  });

  it('compares text parts as text', () => {
    expect(sortNodeNames(['b1', 'a2', 'a10', 'ab1'])).toEqual(['a2', 'a10', 'ab1', 'b1']);
  });

  it('puts a prefix before its extensions', () => {
    expect(sortNodeNames(['node1a', 'node', 'node1'])).toEqual(['node', 'node1', 'node1a']);
  });

  it('orders zero padding: equal values tie-break less padded first, values still dominate', () => {
    expect(sortNodeNames(['node01', 'node1', 'node001', 'node2', 'node02'])).toEqual([
      'node1',
      'node01',
      'node001',
      'node2',
      'node02',
    ]);
    expect(compareNodeNames('node09', 'node10')).toBeLessThan(0);
  });

  it('handles numbers beyond double precision exactly', () => {
    const a = 'n12345678901234567890';
    const b = 'n12345678901234567891';
    expect(compareNodeNames(a, b)).toBeLessThan(0);
    expect(compareNodeNames(b, a)).toBeGreaterThan(0);
    expect(compareNodeNames('n99999999999999999999', 'n100000000000000000000')).toBeLessThan(0);
  });

  it('returns 0 only for identical names', () => {
    expect(compareNodeNames('node1', 'node1')).toBe(0);
    expect(compareNodeNames('node1', 'node01')).not.toBe(0);
    expect(compareNodeNames('', '')).toBe(0);
    expect(compareNodeNames('', 'a')).toBeLessThan(0);
  });

  it('is a consistent total order (antisymmetric, transitive, sort independent of input order)', () => {
    const rand = seededRandom(7);
    const names: string[] = [];
    for (let i = 0; i < 300; i++) {
      const parts = randomInt(rand, 1, 3);
      let name = '';
      for (let p = 0; p < parts; p++) {
        name += pick(rand, ['n', 'node', 'r', '-', 'a', '']);
        name += String(randomInt(rand, 0, 120)).padStart(randomInt(rand, 1, 3), '0');
      }
      names.push(name);
    }
    for (let i = 0; i < 2000; i++) {
      const a = pick(rand, names);
      const b = pick(rand, names);
      expect(Math.sign(compareNodeNames(a, b)) + Math.sign(compareNodeNames(b, a))).toBe(0);
    }
    const sorted = sortNodeNames(names);
    for (let i = 1; i < sorted.length; i++)
      expect(compareNodeNames(sorted[i - 1]!, sorted[i]!)).toBeLessThanOrEqual(0);
    expect(sortNodeNames(shuffle(rand, names))).toEqual(sorted);
    expect(sortNodeNames(shuffle(rand, names))).toEqual(sorted);
  });
});
