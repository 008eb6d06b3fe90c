import { describe, it, expect } from '@jest/globals';
import { NoderangeError } from '../../src/core/errors.js';
import {
  compareNodeNames,
  expandNodeset,
  expandNodesetDetailed,
  foldNodes,
} from '../../src/noderange/nodeset.js';

describe('expandNodeset', () => {
  it('expands lists and ranges keeping padding', () => {
    expect(expandNodeset('node[01-03,12]')).toEqual(['node01', 'node02', 'node03', 'node12']);
    expect(expandNodeset('node[01:03]')).toEqual(['node01', 'node02', 'node03']);
    expect(expandNodeset('n[98-101]')).toEqual(['n98', 'n99', 'n100', 'n101']);
    expect(expandNodeset('n[009-011]')).toEqual(['n009', 'n010', 'n011']);
  });
  it('takes the cartesian product of bracket groups', () => {
    expect(expandNodeset('r[1-2]n[01-02]')).toEqual(['r1n01', 'r1n02', 'r2n01', 'r2n02']);
  });
  it('reports substituted values', () => {
    expect(expandNodesetDetailed('node[0001-0002]-bmc')).toEqual([
      { name: 'node0001-bmc', values: ['0001'] },
      { name: 'node0002-bmc', values: ['0002'] },
    ]);
  });
  it('rejects malformed patterns', () => {
    expect(() => expandNodeset('node[010-12]')).toThrow(NoderangeError);
    expect(() => expandNodeset('node[1-')).toThrow(/unclosed '\[' at position 5/);
  });
});

describe('foldNodes', () => {
  it('folds into the shortest form', () => {
    const names = [
      ...Array.from({ length: 10 }, (_, i) => `node${String(i + 1).padStart(2, '0')}`),
      'node12',
    ];
    expect(foldNodes(names)).toBe('node[01-10,12]');
    expect(foldNodes(['node9', 'node10'])).toBe('node[9-10]');
    expect(foldNodes(['node09', 'node10'])).toBe('node[09-10]');
    expect(foldNodes(['node1', 'node01'])).toBe('node[1,01]');
    expect(foldNodes(['r1n1', 'r1n2', 'r2n1', 'r2n2'])).toBe('r[1-2]n[1-2]');
  });
  it('orders naturally', () => {
    expect(['node10', 'node2', 'node1'].sort(compareNodeNames)).toEqual(['node1', 'node2', 'node10']);
  });
});
