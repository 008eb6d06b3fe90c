import { describe, expect, it } from '@jest/globals';
import { BUILTIN_ATTRIBUTES, nodeAttribute } from '../../src/inventory/index.js';
import { node, parse } from './helpers.js';

describe('nodeAttribute', () => {
  const inv = parse(
    [
      'nodes:',
      '  c1:',
      '    bmc: 10.0.0.1:8443',
      '    mgt: openbmc',
      '    username: root',
      '    password: {env: PW}',
      '    tls: insecure',
      '    auth: basic',
      '    system: "1"',
      '    groups: [compute, rack01]',
      '    attrs: {rack: "01", empty: ""}',
      '  c2:',
      '    bmc: c2-bmc',
      '    password: inline-value',
    ].join('\n'),
  );
  const c1 = node(inv, 'c1');
  const c2 = node(inv, 'c2');

  it('answers the built-ins', () => {
    expect(BUILTIN_ATTRIBUTES.map((a) => [a, nodeAttribute(c1, a)])).toEqual([
      ['name', 'c1'],
      ['bmc', 'https://10.0.0.1:8443'],
      ['mgt', 'openbmc'],
      ['groups', 'compute,rack01'],
      ['username', 'root'],
      ['password', 'env:PW'],
      ['tls', 'insecure'],
      ['auth', 'basic'],
      ['system', '1'],
      ['transport', 'https'],
      ['proxy', undefined],
      ['servicenode', undefined],
    ]);
  });

  it('answers free attributes, including empty ones', () => {
    expect(nodeAttribute(c1, 'rack')).toBe('01');
    expect(nodeAttribute(c1, 'empty')).toBe('');
  });

  it('returns undefined for what a node does not have', () => {
    expect(nodeAttribute(c2, 'username')).toBeUndefined();
    expect(nodeAttribute(c2, 'auth')).toBeUndefined();
    expect(nodeAttribute(c2, 'system')).toBeUndefined();
    expect(nodeAttribute(c2, 'groups')).toBe('');
    expect(nodeAttribute(c2, 'rack')).toBeUndefined();
    expect(nodeAttribute(c2, 'toString')).toBeUndefined(); // nothing from Object.prototype
    expect(nodeAttribute(c2, 'constructor')).toBeUndefined();
  });

  it('shows an inline password as "inline", never its value', () => {
    expect(nodeAttribute(c2, 'password')).toBe('inline');
  });
});
