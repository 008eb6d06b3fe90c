import { describe, expect, it } from '@jest/globals';
import { secretLocation } from '../../src/inventory/index.js';
import { FILE, node, parse, yaml } from './helpers.js';

describe('a minimal inventory', () => {
  it('needs only nodes with a bmc, and fills in the defaults', () => {
    const inv = parse(yaml`
      nodes:
        n1:
          bmc: 10.0.0.1
    `);
    expect(inv.file).toBe(FILE);
    expect([...inv.nodes.keys()]).toEqual(['n1']);
    expect(node(inv, 'n1')).toEqual({
      name: 'n1',
      bmc: 'https://10.0.0.1',
      mgt: 'auto',
      groups: [],
      tls: { mode: 'verify' },
      attrs: {},
      source: { file: FILE, line: 2, col: 3 },
    });
    expect(inv.groups.size).toBe(0);
    expect(inv.plugins).toEqual([]);
    expect(inv.warnings).toEqual([]);
  });

  it('accepts an empty nodes section', () => {
    expect(parse('nodes: {}\n').nodes.size).toBe(0);
    expect(parse('nodes:\n').nodes.size).toBe(0);
  });

  it('accepts JSON (JSON is YAML)', () => {
    const inv = parse(
      JSON.stringify({
        defaults: { mgt: 'openbmc', password: { env: 'PW' } },
        nodes: { 'n[1-3]': { bmc: '10.0.0.{n}', attrs: { u: 7 } } },
      }),
      '/inv/hwctl.json',
    );
    expect([...inv.nodes.keys()]).toEqual(['n1', 'n2', 'n3']);
    expect(node(inv, 'n3')).toMatchObject({ bmc: 'https://10.0.0.3', mgt: 'openbmc', attrs: { u: '7' } });
    expect(node(inv, 'n3').password).toEqual({ kind: 'env', name: 'PW' });
  });

  it('accepts version: 1', () => {
    expect(parse('version: 1\nnodes: {a: {bmc: a-bmc}}\n').nodes.size).toBe(1);
  });
});

describe('every node key', () => {
  const inv = parse(yaml`
    nodes:
      full:
        bmc: https://full-bmc.example:8443/
        mgt: openbmc
        username: admin
        password: {file: secrets/full.pass}
        tls: {mode: verify, ca: ./ca.pem}
        auth: basic
        system: System.Embedded.1
        timeouts: {connect: 500ms, request: 2m, login: 1.5}
        groups: [compute, rack01]
        attrs: {rack: 07, serial: 'SN 0042', empty: '', on: true}
      envpw:
        bmc: 10.0.0.2
        password: {env: HWCTL_PW}
        tls: pin
        auth: session
      stdinpw:
        bmc: 10.0.0.3
        password: {stdin: true}
        tls: insecure
        auth: auto
      inlinepw:
        bmc: 10.0.0.4
        password: 0123
        groups: compute, rack02
  `);

  it('reads them all into the NodeDef', () => {
    expect(node(inv, 'full')).toEqual({
      name: 'full',
      bmc: 'https://full-bmc.example:8443',
      mgt: 'openbmc',
      username: 'admin',
      password: { kind: 'file', path: '/inv/secrets/full.pass' },
      tls: { mode: 'verify', ca: '/inv/ca.pem' },
      auth: 'basic',
      system: 'System.Embedded.1',
      timeouts: { connectMs: 500, requestMs: 120_000, loginMs: 1500 },
      groups: ['compute', 'rack01'],
      attrs: { rack: '07', serial: 'SN 0042', empty: '', on: 'true' },
      source: { file: FILE, line: 2, col: 3 },
    });
  });

  it('reads each password and tls form', () => {
    expect(node(inv, 'envpw')).toMatchObject({
      password: { kind: 'env', name: 'HWCTL_PW' },
      tls: { mode: 'pin' },
    });
    expect(node(inv, 'stdinpw')).toMatchObject({
      password: { kind: 'stdin' },
      tls: { mode: 'insecure' },
      auth: 'auto',
    });
    // A plain scalar keeps its text: 0123 is not the number 123.
    expect(node(inv, 'inlinepw').password).toEqual({ kind: 'inline', value: '0123' });
  });

  it('records where each password reference was written', () => {
    expect(secretLocation(node(inv, 'envpw').password!)).toEqual({ file: FILE, line: 15, col: 15 });
  });

  it('accepts groups as an xCAT-style comma list', () => {
    expect(node(inv, 'inlinepw').groups).toEqual(['compute', 'rack02']);
  });

  it('builds the group map in definition order', () => {
    expect([...inv.groups]).toEqual([
      ['compute', ['full', 'inlinepw']],
      ['rack01', ['full']],
      ['rack02', ['inlinepw']],
    ]);
  });
});

describe('precedence: node > groups (first listed wins) > defaults', () => {
  const inv = parse(yaml`
    defaults:
      mgt: redfish
      username: root
      password: {env: DEFAULT_PW}
      tls: {mode: verify, ca: /etc/ca.pem}
      auth: session
      system: '1'
      timeouts: {connect: 5s, request: 30s, login: 20s}
      attrs: {site: dc1, row: z, owner: ops}
    groups:
      openbmc:
        mgt: openbmc
        auth: basic
        timeouts: {request: 60s}
        attrs: {row: a}
      special:
        mgt: acme-unused
        username: special
        tls: insecure
        attrs: {row: b, vendor: acme}
    plugins: [./acme.js]
    nodes:
      plain:
        bmc: 10.0.0.1
      first:
        bmc: 10.0.0.2
        groups: [openbmc, special]
      second:
        bmc: 10.0.0.3
        groups: [special, openbmc]
      own:
        bmc: 10.0.0.4
        groups: [openbmc, special]
        mgt: redfish
        username: me
        password: {env: OWN_PW}
        timeouts: {login: 1s}
        attrs: {row: c}
  `);

  it('applies defaults to a node without groups', () => {
    expect(node(inv, 'plain')).toMatchObject({
      mgt: 'redfish',
      username: 'root',
      password: { kind: 'env', name: 'DEFAULT_PW' },
      tls: { mode: 'verify', ca: '/etc/ca.pem' },
      auth: 'session',
      system: '1',
      timeouts: { connectMs: 5000, requestMs: 30000, loginMs: 20000 },
      attrs: { site: 'dc1', row: 'z', owner: 'ops' },
    });
  });

  it('takes a setting from the first listed group that has it', () => {
    expect(node(inv, 'first')).toMatchObject({
      mgt: 'openbmc',
      username: 'special',
      auth: 'basic',
      tls: { mode: 'insecure' },
    });
    expect(node(inv, 'second')).toMatchObject({ mgt: 'acme-unused', username: 'special', auth: 'basic' });
  });

  it('merges attrs and timeouts key by key, whole values (tls) replace', () => {
    expect(node(inv, 'first').attrs).toEqual({ site: 'dc1', row: 'a', owner: 'ops', vendor: 'acme' });
    expect(node(inv, 'second').attrs).toEqual({ site: 'dc1', row: 'b', owner: 'ops', vendor: 'acme' });
    expect(node(inv, 'first').timeouts).toEqual({ connectMs: 5000, requestMs: 60000, loginMs: 20000 });
    expect(node(inv, 'first').tls).toEqual({ mode: 'insecure' }); // no ca inherited into another mode
  });

  it('lets the node itself override everything', () => {
    expect(node(inv, 'own')).toMatchObject({
      mgt: 'redfish',
      username: 'me',
      password: { kind: 'env', name: 'OWN_PW' },
      auth: 'basic',
      timeouts: { connectMs: 5000, requestMs: 60000, loginMs: 1000 },
      attrs: { site: 'dc1', row: 'c', owner: 'ops', vendor: 'acme' },
    });
  });
});

describe('range keys and templates', () => {
  it('defines many nodes with one entry, in order, with computed values', () => {
    const inv = parse(yaml`
      nodes:
        node[0001-0300]:
          bmc: '10.1.{n/256}.{n%256}'
          username: 'u{n}'
          system: 'Sys{n:x}'
          groups: [compute, 'rack{(n-1)/64+1:02}']
          attrs: {slot: '{(n-1)%64+1:02}', label: '{name}'}
    `);
    expect(inv.nodes.size).toBe(300);
    const names = [...inv.nodes.keys()];
    expect(names[0]).toBe('node0001');
    expect(names[299]).toBe('node0300');
    expect(node(inv, 'node0300')).toMatchObject({
      bmc: 'https://10.1.1.44',
      username: 'u300',
      system: 'Sys12c',
      groups: ['compute', 'rack05'],
      attrs: { slot: '44', label: 'node0300' },
      source: { file: FILE, line: 2, col: 3 },
    });
    expect(inv.groups.get('rack01')).toHaveLength(64);
    expect(inv.groups.get('rack05')).toHaveLength(300 - 256);
    expect(inv.groups.get('compute')).toHaveLength(300);
  });

  it('numbers several bracket groups n1, n2 ...', () => {
    const inv = parse(yaml`
      nodes:
        r[1-2]n[01-03]:
          bmc: '[fd00:{n1}::{n2:x}]:8443'
          groups: ['rack{n1}']
    `);
    expect([...inv.nodes.keys()]).toEqual(['r1n01', 'r1n02', 'r1n03', 'r2n01', 'r2n02', 'r2n03']);
    expect(node(inv, 'r2n03').bmc).toBe('https://[fd00:2::3]:8443');
    expect(inv.groups.get('rack2')).toEqual(['r2n01', 'r2n02', 'r2n03']);
  });

  it('accepts a comma list of names as a key', () => {
    const inv = parse('nodes:\n  a1,b[1-2]:\n    bmc: "{name}-bmc"\n');
    expect([...inv.nodes.values()].map((n) => n.bmc)).toEqual([
      'https://a1-bmc',
      'https://b1-bmc',
      'https://b2-bmc',
    ]);
  });

  it('renders templates from defaults and groups for each node', () => {
    const inv = parse(yaml`
      defaults:
        bmc: '{name}-bmc.example'
        attrs: {asset: 'A-{name}'}
      groups:
        numbered:
          bmc: '10.9.0.{n}'
      nodes:
        mgmt01: {}
        c[1-2]:
          groups: [numbered]
    `);
    expect(node(inv, 'mgmt01')).toMatchObject({
      bmc: 'https://mgmt01-bmc.example',
      attrs: { asset: 'A-mgmt01' },
    });
    expect(node(inv, 'c2')).toMatchObject({ bmc: 'https://10.9.0.2', attrs: { asset: 'A-c2' } });
  });

  it('never treats braces in a password as a template', () => {
    const inv = parse('nodes:\n  a:\n    bmc: a-bmc\n    password: "p{n}w}"\n');
    expect(node(inv, 'a').password).toEqual({ kind: 'inline', value: 'p{n}w}' });
  });
});

describe('YAML features', () => {
  it('follows anchors, aliases and << merge keys (explicit keys win)', () => {
    const inv = parse(yaml`
      defaults: &common
        mgt: openbmc
        attrs: &attrs {site: dc1}
      nodes:
        a:
          <<: *common
          bmc: a-bmc
          mgt: redfish
        b:
          bmc: b-bmc
          attrs: *attrs
    `);
    expect(node(inv, 'a')).toMatchObject({ mgt: 'redfish', attrs: { site: 'dc1' } });
    expect(node(inv, 'b').attrs).toEqual({ site: 'dc1' });
  });

  it('strips a byte order mark', () => {
    expect(parse('\uFEFFnodes: {a: {bmc: a-bmc}}\n').nodes.size).toBe(1);
  });
});

describe('paths and plugins', () => {
  it('resolves plugin, password file and CA paths against the inventory directory', () => {
    const inv = parse(
      yaml`
        plugins: [./plugins/acme.js, ../shared/x.js, /opt/hwctl/y.js, ./plugins/acme.js]
        defaults:
          password: {file: ../secrets/pw}
          tls: {mode: verify, ca: certs/ca.pem}
        nodes: {a: {bmc: a-bmc, mgt: acme}}
      `,
      '/site/conf/hwctl.yaml',
    );
    expect(inv.plugins).toEqual(['/site/conf/plugins/acme.js', '/site/shared/x.js', '/opt/hwctl/y.js']);
    expect(node(inv, 'a')).toMatchObject({
      mgt: 'acme',
      password: { kind: 'file', path: '/site/secrets/pw' },
      tls: { mode: 'verify', ca: '/site/conf/certs/ca.pem' },
    });
  });
});

describe('warnings', () => {
  it('flags a group with settings but no members, suggesting the likely intended one', () => {
    const inv = parse(yaml`
      groups:
        rack1:
          attrs: {row: a}
      nodes:
        n1: {bmc: n1-bmc, groups: [rack01]}
    `);
    expect(inv.warnings).toEqual([
      `${FILE}:2:3: group 'rack1' has settings but no members (no node lists it under groups:); did you mean 'rack01'?`,
    ]);
    expect(inv.groups.get('rack1')).toEqual([]);
  });
});
