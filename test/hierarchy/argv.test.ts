/**
 * The service node's command line: the user's words for the command, its nodes for the noderange, the
 * global options as resolved here; never the inventory, the output form or a password.
 */
import { describe, expect, test } from '@jest/globals';
import { globalOptions, type GlobalArgs } from '../../src/cli/global-options.js';
import {
  FORWARDED_OPTIONS,
  NOT_FORWARDED,
  remoteArgv,
  withoutGlobalOptions,
} from '../../src/hierarchy/argv.js';
import { makeEnvelope } from '../../src/hierarchy/protocol.js';
import { shellQuote } from '../../src/core/text.js';
import { sshCommand } from '../../src/hierarchy/ssh.js';
import type { NodeDef } from '../../src/core/types.js';

const args = (o: Partial<GlobalArgs> = {}): GlobalArgs => ({
  output: 'text',
  fanout: 64,
  collate: false,
  quiet: false,
  debug: false,
  verbose: false,
  passwordStdin: false,
  insecure: false,
  ...o,
});
const FIXED = ['-o', 'ndjson', '-q', '--yes', '--no-color', '--sn-stdin'];

describe('withoutGlobalOptions', () => {
  test("drops every spelling of a global option and its value, keeps the command's own", () => {
    expect(
      withoutGlobalOptions([
        '-i', 'inv.yaml', 'rpower', '--output=json', 'rack1', '-qc', 'on', '--wait', '180', '--fanout', '8',
        '--no-color', '--password-stdin', '--failedTo', 'f', '-t', '5', '--batch', '4',
      ]),
    ).toEqual(['rpower', 'rack1', 'on', '--wait', '180', '--batch', '4']); // prettier-ignore
  });

  test('after --, nothing is an option', () => {
    expect(withoutGlobalOptions(['rinv', 'n1', '--', '-i'])).toEqual(['rinv', 'n1', '--', '-i']);
  });
});

describe('remoteArgv', () => {
  test('the noderange replaced, globals from their resolved values, the protocol flags last', () => {
    const invoked = ['rpower', '-i', 'site.yaml', 'rack1,rack2', 'on', '--wait=60', '-k', '-o', 'table'];
    expect(remoteArgv(invoked, 'rack1,rack2', 'a[001-003]', args({ insecure: true, timeout: 30, cache: false }))).toEqual([
      'rpower', 'a[001-003]', 'on', '--wait=60',
      '--fanout', '64', '--timeout', '30', '--insecure', '--no-cache', ...FIXED,
    ]); // prettier-ignore
  });

  test('a very long node list becomes `all` (the slice holds exactly these nodes)', () => {
    const many = Array.from({ length: 2000 }, (_, i) => `x${i * 7}y`).join(',');
    expect(remoteArgv(['rpower', 'all', 'stat'], 'all', many, args())[1]).toBe('all');
  });

  test('every global option is handed on or deliberately not (a new option cannot be forgotten)', () => {
    const all = Object.keys(globalOptions).sort();
    const accounted = [...FORWARDED_OPTIONS, ...Object.keys(NOT_FORWARDED)].sort();
    expect(accounted).toEqual(all);
    expect(FORWARDED_OPTIONS.filter((o) => o in NOT_FORWARDED)).toEqual([]);
  });

  test('every forwarded option, set, reaches the service node’s command line', () => {
    const set = args({
      fanout: 8, timeout: 30, debug: true, verbose: true, insecure: true, ca: '/ca.pem', tls: 'pin',
      knownBmcs: '/kb', auth: 'basic', connectTimeout: 3, requestTimeout: 9, loginTimeout: 7, perBmc: 1,
      maxBody: 4, record: '/rec', quirks: false, cache: false,
    }); // prettier-ignore
    expect(remoteArgv(['rpower', 'n1', 'stat'], 'n1', 'n1', set)).toEqual([
      'rpower', 'n1', 'stat', '--fanout', '8', '--timeout', '30', '--debug', '--verbose', '--insecure',
      '--ca', '/ca.pem', '--tls', 'pin', '--known-bmcs', '/kb', '--auth', 'basic', '--connect-timeout', '3',
      '--request-timeout', '9', '--login-timeout', '7', '--per-bmc', '1', '--max-body', '4',
      '--record', '/rec', '--no-quirks', '--no-cache', ...FIXED,
    ]); // prettier-ignore
  });

  test('no password on the command line, ever', () => {
    const argv = remoteArgv(
      ['rpower', '--password-stdin', 'n1', 'stat'],
      'n1',
      'n1',
      args({ passwordStdin: true }),
    );
    expect(argv).not.toContain('--password-stdin');
  });
});

test("ssh: the inventory's arguments first (ssh keeps the first value), the command one quoted string", () => {
  const argv = sshCommand(
    {
      name: 'sn01',
      host: 'sn01',
      ssh: ['-o', 'ControlMaster=no'],
      config: '/etc/hwctl/ssh_config',
      hwctl: 'sudo -n hwctl',
      location: { file: 'x' },
    },
    ['rpower', "n'1", 'stat'],
    '/run/ctl',
  );
  expect(argv.slice(0, 4)).toEqual(['-o', 'ControlMaster=no', '-F', '/etc/hwctl/ssh_config']);
  expect(argv).toContain('ControlMaster=auto'); // hwctl's default, after: the inventory's wins
  expect(argv.slice(-3)).toEqual(['--', 'sn01', `sudo -n hwctl rpower 'n'\\''1' stat`]);
  expect(shellQuote('a[001-003]')).toBe("'a[001-003]'");
});

test('envelope: each distinct password once, nodes point at it', () => {
  const n = (name: string): NodeDef => ({
    name,
    bmc: `https://${name}`,
    mgt: 'redfish',
    groups: [],
    tls: { mode: 'verify' },
    attrs: {},
  });
  const e = makeEnvelope(
    [n('a'), n('b'), n('c')],
    new Map([
      ['a', 'pw1'],
      ['b', 'pw1'],
      ['c', 'pw2'],
    ]),
    [],
    'inv',
    '0.1.0',
  );
  expect(e.secrets).toEqual(['pw1', 'pw2']);
  expect(e.nodes.map((x) => x.secret)).toEqual([0, 0, 1]);
});

test('envelope: a node travels with all its settings (transport, proxy...), not its password reference, service node or source', () => {
  const node: NodeDef = {
    name: 'p1',
    bmc: 'https://10.1.0.1',
    mgt: 'redfish',
    groups: ['rack1'],
    tls: { mode: 'pin' },
    auth: 'basic',
    attrs: { rack: '1' },
    username: 'admin',
    password: { kind: 'file', path: '/etc/hwctl/pw' },
    transport: { name: 'proxy', options: {} },
    proxy: 'http://squid:3128',
    servicenode: 'sn01',
    source: { file: 'hwctl.yaml', line: 3, col: 5 },
  };
  const local: NodeDef = { ...node, name: 'p2', transport: { name: 'servicenode', options: {} } };
  const e = makeEnvelope([node, local], new Map([['p1', 'pw']]), [], 'inv', '0.1.0');
  expect(e.nodes[0]).toEqual({
    name: 'p1',
    bmc: 'https://10.1.0.1',
    mgt: 'redfish',
    groups: ['rack1'],
    tls: { mode: 'pin' },
    auth: 'basic',
    attrs: { rack: '1' },
    username: 'admin',
    transport: { name: 'proxy', options: {} },
    proxy: 'http://squid:3128',
    secret: 0,
  });
  // on its service node the node runs there: `transport: servicenode` does not travel
  expect(e.nodes[1]!.transport).toBeUndefined();
  expect(JSON.stringify(e.nodes)).not.toContain('/etc/hwctl/pw');
});
