import { describe, it, expect } from '@jest/globals';
import { NoderangeError } from '../../src/core/errors.js';
import {
  expandNodeset,
  expandNodesetDetailed,
  foldNodes,
  hasBrackets,
  NodesetSyntaxError,
  sortNodeNames,
} from '../../src/noderange/index.js';
import { pick, randomInt, seededRandom, shuffle } from './helpers.js';

function seq(prefix: string, from: number, to: number, width = 0, suffix = ''): string[] {
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(prefix + String(n).padStart(width, '0') + suffix);
  return out;
}

function patternError(pattern: string): NodesetSyntaxError {
  try {
    expandNodeset(pattern);
  } catch (e) {
    if (e instanceof NodesetSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected '${pattern}' to be rejected`);
}

describe('expandNodeset', () => {
  it('returns a plain name as itself', () => {
    expect(expandNodeset('node01')).toEqual(['node01']);
    expect(expandNodeset('rack1-node01.example_x')).toEqual(['rack1-node01.example_x']);
  });

  it('expands lists and ranges keeping padding', () => {
    expect(expandNodeset('node[01-10,12]')).toEqual([...seq('node', 1, 10, 2), 'node12']);
    expect(expandNodeset('node[01:03]')).toEqual(['node01', 'node02', 'node03']);
    expect(expandNodeset('node[1,3,5]')).toEqual(['node1', 'node3', 'node5']);
    expect(expandNodeset('n[98-101]')).toEqual(['n98', 'n99', 'n100', 'n101']);
    expect(expandNodeset('n[001-012]')).toEqual(seq('n', 1, 12, 3));
    expect(expandNodeset('n[9-10]')).toEqual(['n9', 'n10']);
  });

  it('keeps text after and between brackets', () => {
    expect(expandNodeset('node[1-2]-bmc')).toEqual(['node1-bmc', 'node2-bmc']);
    expect(expandNodeset('[1-2]x')).toEqual(['1x', '2x']);
  });

  it('takes the cartesian product of bracket groups, first group slowest', () => {
    expect(expandNodeset('r[1-2]n[01-03]')).toEqual(['r1n01', 'r1n02', 'r1n03', 'r2n01', 'r2n02', 'r2n03']);
    expect(expandNodeset('a[1-2]b[1-2]c[5,7]')).toHaveLength(8);
    expect(expandNodeset('a[1-2]b[1-2]c[5,7]')[1]).toBe('a1b1c7');
  });

  it('accepts a comma list of patterns and removes duplicates (first kept)', () => {
    expect(expandNodeset('n[1-3],m1,n[2-4]')).toEqual(['n1', 'n2', 'n3', 'm1', 'n4']);
    expect(expandNodeset('n[1,1,1]')).toEqual(['n1']);
  });

  it('supports a step and words', () => {
    expect(expandNodeset('n[1-9/4]')).toEqual(['n1', 'n5', 'n9']);
    expect(expandNodeset('rack[a,b]')).toEqual(['racka', 'rackb']);
  });

  it('reports substituted values, padded, in bracket order', () => {
    expect(expandNodesetDetailed('node[0001-0002]-bmc')).toEqual([
      { name: 'node0001-bmc', values: ['0001'] },
      { name: 'node0002-bmc', values: ['0002'] },
    ]);
    expect(expandNodesetDetailed('r[1-2]n[08-09]')[3]).toEqual({ name: 'r2n09', values: ['2', '09'] });
    expect(expandNodesetDetailed('plain,x[7]')).toEqual([
      { name: 'plain', values: [] },
      { name: 'x7', values: ['7'] },
    ]);
    const big = expandNodesetDetailed('node[0001-4096]');
    expect(big).toHaveLength(4096);
    expect(big[4095]).toEqual({ name: 'node4096', values: ['4096'] });
  });

  it('rejects malformed patterns naming the pattern, the problem and the position', () => {
    expect(() => expandNodeset('node[010-12]')).toThrow(NoderangeError);
    expect(() => expandNodeset('node[010-12]')).toThrow(
      "invalid node pattern 'node[010-12]': range '010-12': left bound has more digits than the right one (padding is taken from the left bound) at position 6",
    );
    expect(patternError('node[1-').problem).toBe("unclosed '['");
    expect(patternError('node[1-').index).toBe(4);
    expect(patternError('node[1-2]]').problem).toBe("unmatched ']'");
    expect(patternError('node]').index).toBe(4);
    expect(patternError('n[1[2]]').problem).toBe("nested '['");
    expect(patternError('node[]').problem).toBe('empty brackets');
    expect(patternError('n[1,,2]').index).toBe(4);
    expect(patternError('n[5-1]').problem).toMatch(/reversed/);
    expect(patternError('').problem).toBe('empty pattern');
    expect(patternError('a,,b').problem).toBe('empty element');
    expect(patternError('a,,b').index).toBe(2);
    expect(patternError('a,').index).toBe(2);
    expect(patternError('-node').problem).toMatch(/cannot start with '-'/);
    expect(patternError('node 1').problem).toBe("unexpected character ' '");
    expect(patternError('node@1').index).toBe(4);
    expect(patternError('n[1-1000]m[1-1000]x[1-2]').problem).toMatch(/more than 1000000 names/);
  });

  it('detects brackets', () => {
    expect(hasBrackets('n[1-2]')).toBe(true);
    expect(hasBrackets('n1-n2')).toBe(false);
  });
});

describe('foldNodes', () => {
  it('folds into the shortest range form', () => {
    expect(foldNodes([...seq('node', 1, 10, 2), 'node12'])).toBe('node[01-10,12]');
    expect(foldNodes(['node3'])).toBe('node3');
    expect(foldNodes([])).toBe('');
    expect(foldNodes(['node1', 'node2'])).toBe('node[1-2]');
  });

  it('keeps padding correct', () => {
    expect(foldNodes(['node9', 'node10'])).toBe('node[9-10]');
    expect(foldNodes(['node09', 'node10'])).toBe('node[09-10]');
    expect(foldNodes(['node1', 'node01'])).toBe('node[1,01]');
    expect(foldNodes(['n098', 'n099', 'n100'])).toBe('n[098-100]');
  });

  it('lists different prefixes and suffixes as separate folded groups in natural order', () => {
    expect(foldNodes(['gpu2', 'node1', 'gpu1', 'node2', 'login'])).toBe('gpu[1-2],login,node[1-2]');
    expect(foldNodes(['n1-bmc', 'n2-bmc', 'n1', 'n2'])).toBe('n[1-2],n[1-2]-bmc');
  });

  it('ignores duplicates and input order', () => {
    expect(foldNodes(['n3', 'n1', 'n2', 'n1', 'n3'])).toBe('n[1-3]');
  });

  it('folds several numeric dimensions', () => {
    expect(foldNodes(expandNodeset('r[1-2]n[01-03]'))).toBe('r[1-2]n[01-03]');
    expect(foldNodes(expandNodeset('r[1-40]c[1-10]n[1-25]'))).toBe('r[1-40]c[1-10]n[1-25]');
    expect(foldNodes(['r1n1', 'r1n2', 'r1n3', 'r2n1', 'r2n2'])).toBe('r1n[1-3],r2n[1-2]');
    expect(foldNodes(['r1n5', 'r2n5', 'r3n5'])).toBe('r[1-3]n5');
    expect(foldNodes(expandNodeset('rack[1-4]-node[01-20]'))).toBe('rack[1-4]-node[01-20]');
  });

  it('keeps unrepresentable names verbatim', () => {
    expect(foldNodes(['a,b', 'n1', 'n2'])).toBe('a,b,n[1-2]');
  });

  it('fold(expand(x)) round-trips for generated patterns (fixed seed)', () => {
    const rand = seededRandom(2024);
    for (let round = 0; round < 300; round++) {
      const elements: string[] = [];
      for (let e = randomInt(rand, 1, 4); e > 0; e--) {
        const width = randomInt(rand, 1, 3);
        const lo = randomInt(rand, 0, 60);
        const hi = lo + randomInt(rand, 0, 40);
        elements.push(
          hi === lo
            ? String(lo).padStart(width, '0')
            : `${String(lo).padStart(width, '0')}-${String(hi).padStart(width, '0')}`,
        );
      }
      const prefix = pick(rand, ['node', 'n', 'rack2-n', 'x']);
      const pattern =
        rand() < 0.3
          ? `${prefix}[${elements.join(',')}]r[1-${randomInt(rand, 1, 3)}]`
          : `${prefix}[${elements.join(',')}]`;
      const names = expandNodeset(pattern);
      const folded = foldNodes(names);
      expect(sortNodeNames(expandNodeset(folded))).toEqual(sortNodeNames(names));
      expect(foldNodes(expandNodeset(folded))).toBe(folded);
      expect(folded.length).toBeLessThanOrEqual(Math.max(pattern.length, names.join(',').length));
    }
  });

  it('expand(fold(names)) == names for generated name sets (fixed seed)', () => {
    const rand = seededRandom(99);
    for (let round = 0; round < 200; round++) {
      const names = new Set<string>();
      for (let i = randomInt(rand, 1, 200); i > 0; i--) {
        const shape = randomInt(rand, 0, 4);
        const num = (max: number): string =>
          String(randomInt(rand, 0, max)).padStart(randomInt(rand, 1, 3), '0');
        if (shape === 0) names.add(`node${num(150)}`);
        else if (shape === 1) names.add(`r${num(4)}n${num(30)}`);
        else if (shape === 2) names.add(`rack${num(3)}-node${num(20)}-bmc`);
        else if (shape === 3) names.add(pick(rand, ['login', 'mgmt', 'nfs']));
        else names.add(`${num(20)}x`);
      }
      const input = shuffle(rand, [...names]);
      const folded = foldNodes(input);
      const expanded = expandNodeset(folded);
      expect(expanded).toHaveLength(names.size);
      expect(new Set(expanded)).toEqual(names);
      expect(foldNodes(shuffle(rand, input))).toBe(folded);
    }
  });

  it('folds 10,000 names fast (generous bound)', () => {
    const names = expandNodeset('node[00001-10000]').filter((_, i) => i % 7 !== 3);
    const grid = expandNodeset('r[1-40]c[1-10]n[1-25]');
    foldNodes(names); // warm-up (JIT)
    const t0 = performance.now();
    const folded = foldNodes(names);
    const t1 = performance.now();
    foldNodes(grid);
    const t2 = performance.now();
    expect(expandNodeset(folded)).toHaveLength(names.length);
    expect(t1 - t0).toBeLessThan(250);
    expect(t2 - t1).toBeLessThan(250);
  });
});
