import { describe, expect, it } from '@jest/globals';
import { InventoryError } from '../../src/core/errors.js';
import { FILE, parse, parseError, yaml } from './helpers.js';

/** Parse `text` and return the first line of the error message (location included). */
function firstProblem(text: string): string {
  return parseError(text).message.split('\n')[0]!;
}

describe('document-level errors', () => {
  it('reports YAML syntax errors with their position', () => {
    const e = parseError('nodes:\n  a: [1, 2\n  b: 3\n');
    expect(e).toBeInstanceOf(InventoryError);
    expect(e.location).toEqual({ file: FILE, line: 3, col: 3 }); // where the parser finds the list unclosed
    expect(e.message).toBe(
      `${FILE}:3:3: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    );
    expect(parseError('nodes:\n  a:\n\tbmc: x\n').message).toBe(
      `${FILE}:3:1: YAML syntax: Tabs are not allowed as indentation`,
    );
  });

  it('refuses several YAML documents in one file', () => {
    expect(parseError('nodes: {}\n---\nnodes: {}\n').message).toBe(
      `${FILE}:2:1: YAML syntax: the inventory must be a single YAML document (found a second one after '---')`,
    );
  });

  it('never quotes a password in a YAML syntax error', () => {
    for (const text of [
      'nodes:\n  a:\n    password: "hunt\\qer2"\n',
      'nodes:\n  a:\n    password: @hunter2\n',
      'nodes:\n  a:\n    password: hunter2: x\n',
      'nodes:\n  a:\n    password: "hunter2\n',
    ]) {
      const e = parseError(text);
      expect(e.message).toMatch(/^\/inv\/hwctl\.yaml:\d+:\d+: YAML syntax: /);
      expect(e.message).not.toMatch(/hunt|er2|\\q/);
    }
  });

  it('refuses an empty file', () => {
    expect(parseError('').message).toBe(
      `${FILE}:1:1: the inventory is empty; expected a mapping with a nodes: section (see docs/inventory.md)`,
    );
    expect(parseError('# only a comment\n').message).toContain('the inventory is empty');
  });

  it('refuses a top level that is not a mapping', () => {
    expect(firstProblem('- a\n- b\n')).toBe(
      `${FILE}:1:1: the inventory must be a mapping (key: value), not a list`,
    );
  });

  it('requires a nodes section', () => {
    expect(firstProblem('defaults: {mgt: redfish}\n')).toBe(
      `${FILE}:1:1: no nodes: section; expected nodes: with one entry per node or node range`,
    );
  });

  it('names unknown top-level keys and suggests the closest', () => {
    expect(firstProblem('node:\n  a: {bmc: x}\n')).toBe(
      `${FILE}:1:1: unknown top-level key 'node'; expected one of version, defaults, groups, nodes, plugins, servicenodes; did you mean 'nodes'?`,
    );
    expect(firstProblem('nodes: {}\ndefualts: {}\n')).toContain("did you mean 'defaults'?");
    expect(firstProblem('nodes: {}\nfrobnicate: 1\n')).not.toContain('did you mean');
  });

  it('only reads version 1', () => {
    expect(firstProblem('version: 2\nnodes: {}\n')).toBe(
      `${FILE}:1:10: version is '2'; this hwctl reads version 1`,
    );
  });

  it('reports several problems at once, in file order', () => {
    const e = parseError(yaml`
      nodes:
        a:
          bmc: a-bmc
          pasword: x
        b:
          bmc: b-bmc
          mgt: redfsh
        c: {}
    `);
    expect(e.message.split('\n')).toEqual([
      `${FILE}:4:5: unknown key 'pasword' in node 'a'; expected one of bmc, mgt, username, password, tls, auth, system, timeouts, attrs, transport, proxy, servicenode, groups; did you mean 'password'?`,
      `${FILE}:7:10: node 'b': mgt is 'redfsh'; expected redfish | openbmc | auto; did you mean 'redfish'?`,
      `${FILE}:8:3: node 'c' has no bmc; set bmc on the node, on one of its groups or in defaults`,
    ]);
    expect(e.location).toEqual({ file: FILE, line: 4, col: 5 });
  });

  it('reports every problem of one node, not only its first', () => {
    const e = parseError(yaml`
      nodes:
        a:
          bmc: a-bmc
          pasword: x
          mgt: foo
          tls: {mode: bogus}
          usrname: y
    `);
    expect(e.message.split('\n')).toEqual([
      `${FILE}:4:5: unknown key 'pasword' in node 'a'; expected one of bmc, mgt, username, password, tls, auth, system, timeouts, attrs, transport, proxy, servicenode, groups; did you mean 'password'?`,
      `${FILE}:5:10: node 'a': mgt is 'foo'; expected redfish | openbmc | auto`,
      `${FILE}:6:17: node 'a': tls.mode is 'bogus'; expected verify | pin | insecure | plaintext`,
      `${FILE}:7:5: unknown key 'usrname' in node 'a'; expected one of bmc, mgt, username, password, tls, auth, system, timeouts, attrs, transport, proxy, servicenode, groups; did you mean 'username'?`,
    ]);
  });

  it('caps the list at ten problems', () => {
    const lines = ['nodes:'];
    for (let i = 0; i < 14; i++) lines.push(`  n${i}: {}`);
    const messages = parseError(lines.join('\n')).message.split('\n');
    expect(messages).toHaveLength(11);
    expect(messages[10]).toBe('(and 4 more problems)');
  });
});

describe('unknown keys', () => {
  it.each([
    [
      'defaults: {usrname: root}\nnodes: {}\n',
      '1:12',
      "unknown key 'usrname' in defaults",
      "did you mean 'username'?",
    ],
    [
      'groups:\n  g: {timeout: {connect: 1s}}\nnodes: {}\n',
      '2:7',
      "unknown key 'timeout' in group 'g'",
      "did you mean 'timeouts'?",
    ],
    [
      'defaults:\n  groups: [a]\nnodes: {}\n',
      '2:3',
      "unknown key 'groups' in defaults",
      'membership is declared on nodes',
    ],
    ['nodes:\n  a: {bmc: x, attr: {}}\n', '2:15', "unknown key 'attr' in node 'a'", "did you mean 'attrs'?"],
    [
      'nodes:\n  a: {bmc: x, tls: {mode: pin, cert: y}}\n',
      '2:32',
      "unknown key 'cert' in node 'a': tls",
      'expected one of mode, ca',
    ],
    [
      'nodes:\n  a: {bmc: x, timeouts: {conect: 1s}}\n',
      '2:26',
      "unknown key 'conect' in node 'a': timeouts",
      "did you mean 'connect'?",
    ],
    [
      'nodes:\n  a: {bmc: x, password: {evn: PW}}\n',
      '2:26',
      "unknown key 'evn' in node 'a': password",
      "did you mean 'env'?",
    ],
  ])('%j', (text, at, message, hint) => {
    const problem = firstProblem(text);
    expect(problem.startsWith(`${FILE}:${at}: `)).toBe(true);
    expect(problem).toContain(message);
    expect(problem).toContain(hint);
  });
});

describe('value errors point at the value', () => {
  it.each([
    ['mgt: ipmi', '4:10', "node 'a': mgt is 'ipmi'; expected redfish | openbmc | auto"],
    ['tls: strict', '4:10', "node 'a': tls is 'strict'; expected verify | pin | insecure | plaintext"],
    ['tls: {ca: x.pem}', '4:10', "node 'a': tls needs a mode (verify | pin | insecure | plaintext)"],
    ['tls: {mode: pin, ca: x.pem}', '4:22', "node 'a': tls.ca applies only to mode verify (mode is pin)"],
    ['auth: digest', '4:11', "node 'a': auth is 'digest'; expected session | basic | auto"],
    [
      'timeouts: 5s',
      '4:15',
      "node 'a': timeouts must be a mapping like {connect: 5s, request: 30s, login: 20s}, not a string",
    ],
    [
      'timeouts: {connect: fast}',
      '4:25',
      "node 'a': timeouts.connect is 'fast'; expected a duration like 500ms, 5s, 2m or a number of seconds",
    ],
    ['timeouts: {connect: 0s}', '4:25', 'expected more than 0 and at most 24h'],
    ['timeouts: {login: 2d}', '4:23', "timeouts.login is '2d'"],
    [
      'password: {env: PW, file: /x}',
      '4:15',
      "node 'a': password must have exactly one of env, file or stdin",
    ],
    ['password: {env: 1PW}', '4:21', "password.env '1PW' is not an environment variable name"],
    ['password: {stdin: false}', '4:23', 'password.stdin must be true'],
    ['password: ~', '4:15', "node 'a': password is empty"],
    [
      'password: [a]',
      '4:15',
      "node 'a': password must be {env: VAR}, {file: PATH}, {stdin: true} or a string, not a list",
    ],
    ['username: [a]', '4:15', "node 'a': username must be a string, not a list"],
    ['attrs: [a]', '4:12', "node 'a': attrs must be a mapping of attribute names to values, not a list"],
    ['attrs: {1st: x}', '4:13', "attribute name '1st' must start with a letter"],
    ['attrs: {mgt: x}', '4:13', "'mgt' is a built-in attribute; set it as a key of its own, not under attrs"],
    ['attrs: {pos: {row: 1}}', '4:18', "node 'a': attrs.pos must be a single value, not a mapping"],
    ['attrs: {pos: }', '4:18', "node 'a': attrs.pos is empty; write '' for an empty value"],
    ['groups: {a: 1}', '4:13', "node 'a': groups must be a list of group names, not a mapping"],
    ['groups: [rack 1]', '4:14', "node 'a': group name 'rack 1' must contain only letters"],
    ['groups: [all]', '4:14', "node 'a': 'all' is implicit (every node is in it); do not list it"],
    ['groups: "a,,b"', '4:16', "node 'a': groups: empty group name in 'a,,b'"],
    ['username: "ro:ot"', '4:16', "node 'a': username 'ro:ot' must not contain ':'"],
    [
      'system: /redfish/v1/Systems/1',
      '4:13',
      "system '/redfish/v1/Systems/1' must be a Redfish ComputerSystem id",
    ],
    ['bmc: 10.0.0.256', '3:10', "node 'a': bmc '10.0.0.256': '10.0.0.256' is not a valid IPv4 address"],
    ['bmc: ', '3:10', "node 'a': bmc is empty; expected a string"],
  ])('%s', (setting, at, message) => {
    // The setting is written on line 4 (line 3 for bmc) starting at column 5; `at` is 'line:col' in the file.
    const doc = setting.startsWith('bmc:')
      ? `nodes:\n  a:\n    ${setting}\n`
      : `nodes:\n  a:\n    bmc: a-bmc\n    ${setting}\n`;
    const problem = firstProblem(doc);
    expect(problem).toContain(message);
    expect(problem.startsWith(`${FILE}:${at}: `)).toBe(true);
  });
});

describe('template errors in the inventory', () => {
  it('points at the {...} of a syntax error and names the expression', () => {
    expect(firstProblem("nodes:\n  n[1-2]:\n    bmc: '10.0.{n+}.1'\n")).toBe(
      `${FILE}:3:16: node 'n[1-2]': bmc: bad template '10.0.{n+}.1': expression ends too early (in '{n+}')`,
    );
    expect(firstProblem('nodes:\n  n[1-2]:\n    bmc: 10.0.{n}.1\n    attrs: {u: "{n:3}"}\n')).toBe(
      `${FILE}:4:17: node 'n[1-2]': attrs.u: bad template '{n:3}': bad format ':3'; expected :0W (zero-pad to W digits), :x or :X (hex), or both as in :04x (in '{n:3}')`,
    );
    expect(firstProblem('nodes:\n  n[1-2]:\n    bmc: x\n    groups: compute, rack{n\n')).toBe(
      `${FILE}:4:26: node 'n[1-2]': groups: bad template 'rack{n': unclosed '{' (write '{{' for a literal brace) (in '{n')`,
    );
  });

  it('reports evaluation errors with the node, the template and where it was written', () => {
    expect(firstProblem("nodes:\n  n[1-2]:\n    bmc: '10.{n2}.0.1'\n")).toBe(
      `${FILE}:3:14: bmc template '10.{n2}.0.1' (node 'n[1-2]'): 'n2' needs bracket group 2, but node 'n1' has only 1 bracket group (in '{n2}')`,
    );
    expect(firstProblem("defaults:\n  bmc: '10.0.0.{n}'\nnodes:\n  mgmt01: {}\n")).toBe(
      `${FILE}:2:16: bmc template '10.0.0.{n}' (defaults): 'n' needs bracket group 1, but node 'mgmt01' has no bracket group (in '{n}')`,
    );
    expect(firstProblem("nodes:\n  n[0-1]:\n    bmc: x\n    attrs: {r: '{10/n}'}\n")).toBe(
      `${FILE}:4:17: attrs.r template '{10/n}' (node 'n[0-1]'): division by zero for node 'n0' (in '{10/n}')`,
    );
  });

  it('reports a computed BMC address that is not valid, naming the node', () => {
    expect(firstProblem("nodes:\n  n[250-260]:\n    bmc: '10.0.0.{n}'\n")).toBe(
      `${FILE}:3:11: node 'n256': bmc '10.0.0.256': '10.0.0.256' is not a valid IPv4 address (four numbers 0-255, no leading zeros) (from template '10.0.0.{n}' in node 'n[250-260]')`,
    );
  });

  it('reports a computed group name that is not valid', () => {
    expect(firstProblem("nodes:\n  n[1-2]:\n    bmc: x\n    groups: ['-r{n}']\n")).toContain(
      "node 'n1': group name '-r1' (from '-r{n}') must contain only letters",
    );
  });
});

describe('names', () => {
  it('reports a malformed node key at the offending character', () => {
    expect(firstProblem('nodes:\n  node[01-:\n    bmc: x\n')).toMatch(
      new RegExp(`^${FILE}:2:7: node key: invalid node pattern 'node\\[01-'`),
    );
    expect(firstProblem('nodes:\n  node[3-1]: {bmc: x}\n')).toContain('is reversed');
    expect(firstProblem('nodes:\n  "bad name": {bmc: x}\n')).toMatch(
      /^\/inv\/hwctl\.yaml:2:7: node key: invalid node pattern .bad name.: unexpected character . . at position 4$/,
    );
  });

  it('refuses all as a node or group name', () => {
    expect(firstProblem('nodes:\n  all: {bmc: x}\n')).toBe(
      `${FILE}:2:3: 'all' is the implicit group of every node and cannot be a node name`,
    );
    expect(firstProblem('groups:\n  all: {mgt: redfish}\nnodes: {}\n')).toBe(
      `${FILE}:2:3: group 'all' is implicit (every node is in it) and cannot be defined`,
    );
  });

  it('refuses group keys that are not plain names', () => {
    expect(firstProblem('groups:\n  rack[1-2]: {}\nnodes: {}\n')).toContain(
      '(ranges are for node keys only)',
    );
  });

  it('refuses a group with the name of a node, naming both places', () => {
    expect(firstProblem('groups:\n  web: {}\nnodes:\n  web: {bmc: x}\n')).toBe(
      `${FILE}:2:3: group 'web' has the same name as node 'web' (defined by 'web' at ${FILE}:4:3); node and group names must differ`,
    );
    expect(firstProblem('nodes:\n  a: {bmc: x, groups: [b]}\n  b: {bmc: y}\n')).toBe(
      `${FILE}:2:24: group 'b' has the same name as node 'b' (defined by 'b' at ${FILE}:3:3); node and group names must differ`,
    );
  });
});

describe('duplicates', () => {
  it('refuses the same node twice, naming both locations', () => {
    expect(firstProblem('nodes:\n  a: {bmc: x}\n  b: {bmc: y}\n  a: {bmc: z}\n')).toBe(
      `${FILE}:4:3: node a is defined twice: by 'a' at ${FILE}:2:3 and by 'a' here`,
    );
  });

  it('refuses overlapping ranges, folding the overlap', () => {
    expect(firstProblem('nodes:\n  node[01-10]: {bmc: x}\n  node[05-20]: {bmc: y}\n')).toBe(
      `${FILE}:3:3: nodes node[05-10] are defined twice: by 'node[01-10]' at ${FILE}:2:3 and by 'node[05-20]' here`,
    );
    expect(firstProblem('nodes:\n  node[01-10]: {bmc: x}\n  node07: {bmc: y}\n')).toBe(
      `${FILE}:3:3: node node07 is defined twice: by 'node[01-10]' at ${FILE}:2:3 and by 'node07' here`,
    );
  });

  it('treats differently padded names as different nodes', () => {
    expect(parse('nodes:\n  node[1-9]: {bmc: x}\n  node[01-09]: {bmc: y}\n').nodes.size).toBe(18);
  });

  it('refuses a key written twice in any mapping', () => {
    expect(firstProblem('defaults:\n  mgt: redfish\n  mgt: openbmc\nnodes: {}\n')).toBe(
      `${FILE}:3:3: defaults: key 'mgt' appears twice (first at line 2:3)`,
    );
    expect(firstProblem('nodes:\n  a: {bmc: x, attrs: {r: 1, r: 2}}\n')).toContain("key 'r' appears twice");
  });
});

describe('flavors', () => {
  it('accepts other flavors only when plugins are listed', () => {
    expect(firstProblem('nodes:\n  a: {bmc: x, mgt: acme}\n')).toBe(
      `${FILE}:2:20: node 'a': mgt is 'acme'; expected redfish | openbmc | auto`,
    );
    const inv = parse('plugins: [./acme.js]\nnodes:\n  a: {bmc: x, mgt: acme}\n');
    expect(inv.nodes.get('a')!.mgt).toBe('acme');
    expect(firstProblem('plugins: [./acme.js]\nnodes:\n  a: {bmc: x, mgt: "Ac me"}\n')).toContain(
      'expected redfish | openbmc | auto or a flavor added by a plugin',
    );
  });

  it('suggests the right case', () => {
    expect(firstProblem('nodes:\n  a: {bmc: x, mgt: Redfish}\n')).toContain("did you mean 'redfish'?");
  });
});

describe('plugins section', () => {
  it('must be a list of paths', () => {
    expect(firstProblem('plugins: ./a.js\nnodes: {}\n')).toBe(
      `${FILE}:1:10: plugins must be a list of module paths (- ./plugins/acme.js)`,
    );
    expect(firstProblem('plugins: [{a: 1}]\nnodes: {}\n')).toBe(
      `${FILE}:1:11: plugins[0] must be a module path, not a mapping`,
    );
  });
});

describe('secrets stay out of messages', () => {
  it('never quotes an inline password, whatever is wrong around it', () => {
    const texts = [
      'nodes:\n  a:\n    bmc: x\n    password: {value: hunter2}\n',
      'nodes:\n  a:\n    bmc: x\n    password: [hunter2]\n',
      'nodes:\n  a:\n    bmc: https://root:hunter2@bmc\n',
      'nodes:\n  a:\n    bmc: x\n    password: hunter2\n    passwd: hunter2x\n'.replace(
        'passwd: hunter2x',
        'passwd: 1',
      ),
      'defaults:\n  password: hunter2\nnodes:\n  a: {}\n',
    ];
    for (const text of texts) {
      expect(parseError(text).message).not.toContain('hunter2');
    }
  });
});
