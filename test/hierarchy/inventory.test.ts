/** `servicenode:` (a setting: groups, templates, '' for none) and the `servicenodes:` section. */
import { describe, expect, test } from '@jest/globals';
import { nodeAttribute } from '../../src/inventory/index.js';
import { node, parse, parseError, yaml } from '../inventory/helpers.js';

describe('servicenode setting', () => {
  const inv = parse(yaml`
    defaults: {bmc: '{name}-bmc'}
    groups:
      rack1: {servicenode: sn01}
    servicenodes:
      sn01: {}
      sn02: {host: admin@sn02.example, config: ./ssh_config, ssh: [-o, ConnectTimeout=3], hwctl: /opt/hwctl/bin/hwctl}
      sn03:
    nodes:
      n[1-2]: {groups: [rack1]}
      n3: {groups: [rack1], servicenode: ''}
      r[1-4]: {servicenode: 'sn0{(n-1)/2+2}'}
      solo: {}
  `);

  test('from a group, a template, or none', () => {
    expect(node(inv, 'n1').servicenode).toBe('sn01');
    expect(node(inv, 'n3').servicenode).toBeUndefined(); // '' on the node: run here
    expect(['r1', 'r2', 'r3', 'r4'].map((n) => node(inv, n).servicenode)).toEqual([
      'sn02',
      'sn02',
      'sn03',
      'sn03',
    ]);
    expect(node(inv, 'solo').servicenode).toBeUndefined();
    expect(nodeAttribute(node(inv, 'r3'), 'servicenode')).toBe('sn03');
  });

  test('servicenodes: defaults and every key', () => {
    expect(inv.servicenodes.get('sn01')).toMatchObject({ host: 'sn01', ssh: [], hwctl: 'hwctl' });
    expect(inv.servicenodes.get('sn01')!.config).toBeUndefined();
    expect(inv.servicenodes.get('sn02')).toMatchObject({
      host: 'admin@sn02.example',
      config: '/inv/ssh_config',
      ssh: ['-o', 'ConnectTimeout=3'],
      hwctl: '/opt/hwctl/bin/hwctl',
    });
  });
});

describe('refused before anything is touched, with where', () => {
  test('a service node not defined under servicenodes:', () => {
    const e = parseError(yaml`
      servicenodes:
        sn01: {}
      nodes:
        n[1-3]: {bmc: '{name}', servicenode: sn1}
    `);
    expect(e.message).toMatch(
      /^\/inv\/hwctl\.yaml:4:3: servicenode 'sn1' \(of 3 nodes, n1 first\) is not defined under servicenodes:; did you mean 'sn01'\?/,
    );
  });

  test('bad keys and values in servicenodes:', () => {
    const e = parseError(yaml`
      servicenodes:
        sn01: {hots: x}
        sn02: {host: -oProxyCommand=x}
        sn03: {ssh: -v}
      nodes:
        n1: {bmc: n1}
    `);
    expect(e.message).toContain(
      "unknown key 'hots' in servicenode 'sn01'; expected one of host, config, ssh, hwctl; did you mean 'host'?",
    );
    expect(e.message).toContain("servicenode 'sn02': host '-oProxyCommand=x' must be an ssh destination");
    expect(e.message).toContain("servicenode 'sn03': ssh must be a list of ssh arguments");
  });

  test('a servicenode value that is not a name', () => {
    const e = parseError(yaml`
      servicenodes: {sn01: {}}
      nodes:
        n1: {bmc: n1, servicenode: 'sn 01'}
    `);
    expect(e.message).toContain("node 'n1': servicenode 'sn 01' must contain only letters");
  });
});
