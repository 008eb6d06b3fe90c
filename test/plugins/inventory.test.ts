/**
 * The inventory side of transports: `transport:` and `proxy:` parsed with positions, inherited like the
 * other settings, templates rendered per node; and the registries' view (validateNodes, the built-in
 * lists in step, servicenode known but not dialled).
 */
import { describe, it, expect } from '@jest/globals';
import { dialerFor, findTransport, transportNames, TransportNotHere } from '../../src/bmc/transport.js';
import { registerBuiltinExecutors } from '../../src/executors/builtin.js';
import { protocolNames, validateNodes } from '../../src/executors/registry.js';
import { nodeAttribute } from '../../src/inventory/index.js';
import { BUILTIN_TRANSPORTS, builtinIgnoresProxy } from '../../src/inventory/transport.js';
import { node, parse, parseError, yaml } from '../inventory/helpers.js';

describe('transport: and proxy: in the inventory', () => {
  it('inherit node > group > defaults as whole values; options and proxy are templates', () => {
    const inv = parse(yaml`
      defaults:
        proxy: 'squid{n1%2}.example:3128'
      groups:
        agents: {transport: {name: unix, socket: '/run/agent-{n1}.sock'}}
        far: {transport: proxy}
      nodes:
        a[1-2]: {bmc: '10.0.0.{n}', groups: [agents]}
        f[1-2]: {bmc: '10.0.1.{n}', groups: [far]}
        plain: {bmc: 10.0.2.1, transport: https}
        bare: {bmc: 10.0.2.2, proxy: 'squid:3128'}
    `);
    expect(node(inv, 'a2').transport).toEqual({ name: 'unix', options: { socket: '/run/agent-2.sock' } });
    expect(node(inv, 'f1')).toMatchObject({
      transport: { name: 'proxy', options: {} },
      proxy: 'http://squid1.example:3128',
    });
    expect(node(inv, 'f2').proxy).toBe('http://squid0.example:3128');
    // A defaults proxy: does not reach nodes on another built-in transport (agents, plain)...
    expect(node(inv, 'plain').proxy).toBeUndefined();
    expect(node(inv, 'a1').proxy).toBeUndefined();
    expect(nodeAttribute(node(inv, 'plain'), 'transport')).toBe('https');
    // ...but is kept on a node with no transport at all, which validation then refuses (a likely mistake).
    expect(node(inv, 'bare')).toMatchObject({ proxy: 'http://squid:3128' });
    expect(node(inv, 'bare').transport).toBeUndefined();
    expect(nodeAttribute(node(inv, 'bare'), 'transport')).toBe('https');
    expect(nodeAttribute(node(inv, 'a1'), 'transport')).toBe('unix');
    expect(nodeAttribute(node(inv, 'f1'), 'proxy')).toBe('http://squid1.example:3128');
  });

  it('refuses bad values with file:line:col and the node', () => {
    const e = parseError(yaml`
      nodes:
        a: {bmc: 10.0.0.1, transport: sock5}
        b: {bmc: 10.0.0.2, transport: {socket: /x}}
        c: {bmc: 10.0.0.3, transport: proxy, proxy: 'http://u:pw@squid:3128'}
        d: {bmc: 10.0.0.4, transport: proxy, proxy: 'ftp://squid'}
        e: {bmc: 10.0.0.5, transport: proxy, proxy: 'http://squid:3128/path'}
    `);
    const lines = e.message.split('\n');
    expect(lines[0]).toMatch(
      /^\/inv\/hwctl\.yaml:2:33: node 'a': transport is 'sock5'; expected https \| proxy \| unix \| servicenode/,
    );
    expect(lines[1]).toMatch(/^\/inv\/hwctl\.yaml:3:\d+: node 'b': transport needs a name/);
    expect(lines[2]).toMatch(/^\/inv\/hwctl\.yaml:4:\d+: node 'c': proxy URL must not hold credentials/);
    expect(e.message).not.toContain('pw');
    expect(lines[3]).toContain(
      "node 'd': proxy 'ftp://squid': only http:// and https:// proxies are supported",
    );
    expect(lines[4]).toContain("node 'e': proxy 'http://squid:3128/path' must be just scheme://host:port");
  });

  it('with plugins listed, other transport names wait for the registry', () => {
    const inv = parse(yaml`
      plugins: []
      nodes:
        a: {bmc: 10.0.0.1, mgt: toyjson, transport: {name: socks5, server: '10.9.9.9:1080'}}
    `);
    expect(node(inv, 'a').transport).toEqual({ name: 'socks5', options: { server: '10.9.9.9:1080' } });
  });
});

describe('the registries', () => {
  it('the inventory’s built-in transport names are the registry’s, and so is which of them read proxy:', () => {
    expect(transportNames().slice(0, BUILTIN_TRANSPORTS.length)).toEqual([...BUILTIN_TRANSPORTS]);
    for (const name of BUILTIN_TRANSPORTS)
      expect([name, builtinIgnoresProxy(name)]).toEqual([name, findTransport(name)?.usesProxy !== true]);
    expect(builtinIgnoresProxy('socks5')).toBe(false); // a plugin's transport may read it
  });

  it('built-in protocols are registered through registerProtocol', () => {
    registerBuiltinExecutors();
    expect(protocolNames()).toEqual(expect.arrayContaining(['redfish', 'openbmc']));
  });

  it('validateNodes folds the nodes that share a problem', () => {
    registerBuiltinExecutors();
    const inv = parse(yaml`
      plugins: []
      nodes:
        n[01-40]: {bmc: '10.0.0.{n}', mgt: acme, transport: {name: unix}}
        ok: {bmc: 10.0.1.1, mgt: redfish}
    `);
    expect(() => validateNodes([...inv.nodes.values()])).toThrow(
      "n[01-40]: mgt 'acme' is not a known protocol; known: redfish, openbmc, auto (a plugin adds one with registerProtocol)\n" +
        "n[01-40]: transport unix needs option 'socket' (path of the agent’s Unix socket): transport: {name: unix, socket: ...}",
    );
    expect(() => validateNodes([node(inv, 'ok')])).not.toThrow();
  });

  it('servicenode is known (validates with a servicenode:, not without) but is never dialled by the BMC layer', () => {
    const n = {
      name: 'x',
      bmc: 'https://10.0.0.1',
      tls: { mode: 'verify' as const },
      transport: { name: 'servicenode', options: {} },
    };
    registerBuiltinExecutors();
    expect(() =>
      validateNodes([{ ...n, mgt: 'redfish', groups: [], attrs: {}, servicenode: 'sn01' }]),
    ).not.toThrow();
    expect(() => validateNodes([{ ...n, mgt: 'redfish', groups: [], attrs: {} }])).toThrow(
      /transport servicenode needs the node’s servicenode:/,
    );
    expect(() => dialerFor(n, 1000)).toThrow(TransportNotHere);
    expect(dialerFor({ ...n, transport: { name: 'https', options: {} } }, 1000)).toBeUndefined();
  });
});
