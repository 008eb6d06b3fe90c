import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoderangeError } from '../../src/core/errors.js';
import {
  expandNoderange,
  expandNodeset,
  fileLineNoderange,
  parseNoderange,
  type NoderangeContext,
} from '../../src/noderange/index.js';
import { makeContext } from './helpers.js';

const nodes = [
  ...expandNodeset('node[01-20]'),
  'node100',
  ...expandNodeset('rack1-node[01-04]'),
  ...expandNodeset('r[1-2]n[1-3]'),
  ...expandNodeset('gpu[1-4]'),
  'login',
  'both',
  'n8',
  'n9',
  'n10',
  'n098',
  'n099',
  'n100',
  'n101',
];

const ctx = makeContext({
  nodes,
  groups: {
    compute: expandNodeset('node[01-10]'),
    gpu: ['gpu1', 'gpu2', 'gpu3', 'gpu4', 'node05'],
    rack1: expandNodeset('rack1-node[01-04]'),
    empty: [],
    grp1: ['node01'],
    grp2: ['node02'],
    grp3: ['node03'],
    both: ['node11', 'node12'], // a node has the same name: the node wins
    'sw-a': ['r1n1'],
  },
  attrs: Object.fromEntries(
    nodes.map((n, i) => [
      n,
      {
        mgt: n.startsWith('node') ? 'redfish' : 'openbmc',
        ...(i % 3 === 0 ? { rack: `R${i % 2}` } : {}),
      },
    ]),
  ),
  files: {
    '/f/basic': '# nodes to reboot\nnode01\n\n  node02,node03  \nnode04-node05 # inline comment\n',
    '/f/output': 'node01: on\nnode02: off\ngpu1: Error: timeout\n',
    '/f/exclude': 'compute\n-node05\n',
    '/f/nested': 'login\n^/f/basic\n',
    '/f/self': 'node01\n^/f/self\n',
    '/f/bad': 'node01\nnode02,,node03\n',
    '/f/unknown': 'node01\nnope\n',
    '/f/empty': '# nothing\n\n',
    '/f/crlf': 'node01\r\nnode02\r\n',
    // An xCAT-style list: a name and anything after it (a comment, rack data, a command's output).
    '/f/xcat': 'node01 rack3 slot1\nnode02:Error: timeout\n\tnode03\tspare\n#node04\n',
  },
});

const expand = (expr: string, c: NoderangeContext = ctx): string[] => expandNoderange(expr, c);

function errorOf(expr: string, c: NoderangeContext = ctx): string {
  try {
    expandNoderange(expr, c);
  } catch (e) {
    if (e instanceof NoderangeError) return e.message;
    throw e;
  }
  throw new Error(`expected '${expr}' to fail`);
}

describe('expandNoderange: names, lists and ordering', () => {
  it('selects a single node', () => {
    expect(expand('node01')).toEqual(['node01']);
  });

  it('unions a comma list, de-duplicated, in natural order', () => {
    expect(expand('node10,node02')).toEqual(['node02', 'node10']);
    expect(expand('node03,node01,node03,node01')).toEqual(['node01', 'node03']);
    expect(expand('n10,n9,n8')).toEqual(['n8', 'n9', 'n10']);
  });

  it('allows whitespace around elements and operators', () => {
    expect(expand(' node01 , node02 ')).toEqual(['node01', 'node02']);
    expect(expand('compute @ gpu')).toEqual(['node05']);
  });
});

describe('expandNoderange: ranges between names', () => {
  it('expands dash and colon ranges keeping padding', () => {
    expect(expand('node01-node03')).toEqual(['node01', 'node02', 'node03']);
    expect(expand('node08:node11')).toEqual(['node08', 'node09', 'node10', 'node11']);
    expect(expand('n8-n10')).toEqual(['n8', 'n9', 'n10']);
    expect(expand('n098-n101')).toEqual(['n098', 'n099', 'n100', 'n101']);
  });

  it('handles names containing dashes (middle dash splits)', () => {
    expect(expand('rack1-node01-rack1-node03')).toEqual(['rack1-node01', 'rack1-node02', 'rack1-node03']);
    expect(expand('rack1-node02:rack1-node04')).toEqual(['rack1-node02', 'rack1-node03', 'rack1-node04']);
  });

  it('lets an exact node name win over a range reading', () => {
    expect(expand('rack1-node01')).toEqual(['rack1-node01']);
  });

  it('expands ranges of groups', () => {
    expect(expand('grp1-grp3')).toEqual(['node01', 'node02', 'node03']);
  });

  it('treats a same-name range as that one name', () => {
    expect(expand('node04-node04')).toEqual(['node04']);
  });

  it('fails on range members that do not exist, listing them', () => {
    expect(errorOf('node19-node22')).toBe('Invalid nodes and/or groups in noderange: node21,node22');
  });

  it('rejects reversed, over-padded and multi-number ranges with the position', () => {
    expect(errorOf('node01,node10-node02')).toBe(
      "invalid noderange 'node01,node10-node02': range 'node10-node02' is reversed (start greater than end) at position 8",
    );
    expect(errorOf('n010-n12')).toMatch(/left bound has more digits than the right one/);
    expect(errorOf('r1n1-r2n3')).toMatch(/range 'r1n1-r2n3' varies in 2 numbers; .* at position 1$/);
  });

  it('does not read an even number of dashes or different shapes as a range', () => {
    expect(errorOf('rack1-node01-x')).toBe('Invalid nodes and/or groups in noderange: rack1-node01-x');
    expect(errorOf('node01-gpu2')).toBe('Invalid nodes and/or groups in noderange: node01-gpu2');
  });
});

describe('expandNoderange: brackets and increments', () => {
  it('expands bracket lists and ranges', () => {
    expect(expand('node[01-03,12]')).toEqual(['node01', 'node02', 'node03', 'node12']);
    expect(expand('node[01:02]')).toEqual(['node01', 'node02']);
    expect(expand('r[1-2]n[2-3]')).toEqual(['r1n2', 'r1n3', 'r2n2', 'r2n3']);
    expect(expand('rack1-node[03-04]')).toEqual(['rack1-node03', 'rack1-node04']);
  });

  it('resolves expanded names as nodes or groups', () => {
    expect(expand('grp[1-2]')).toEqual(['node01', 'node02']);
  });

  it('fails on expanded names that do not exist', () => {
    expect(errorOf('node[19-22]')).toBe('Invalid nodes and/or groups in noderange: node21,node22');
  });

  it('reports bracket syntax errors at their position in the whole noderange', () => {
    expect(errorOf('node01,node[1-')).toBe("invalid noderange 'node01,node[1-': unclosed '[' at position 12");
    expect(errorOf('login,node[010-12]')).toBe(
      "invalid noderange 'login,node[010-12]': range '010-12': left bound has more digits than the right one (padding is taken from the left bound) at position 12",
    );
    expect(errorOf('node[]')).toBe("invalid noderange 'node[]': empty brackets at position 6");
    expect(errorOf('node[1-2]+1')).toMatch(/unexpected character '\+' at position 10$/);
  });

  it('expands increments keeping padding', () => {
    expect(expand('node08+3')).toEqual(['node08', 'node09', 'node10', 'node11']);
    expect(expand('n098+3')).toEqual(['n098', 'n099', 'n100', 'n101']);
    expect(expand('node04+0')).toEqual(['node04']);
    expect(errorOf('node19+3')).toBe('Invalid nodes and/or groups in noderange: node21,node22');
  });
});

describe('expandNoderange: groups', () => {
  it('expands groups and the implicit all', () => {
    expect(expand('gpu')).toEqual(['gpu1', 'gpu2', 'gpu3', 'gpu4', 'node05']);
    expect(expand('all')).toHaveLength(nodes.length);
    expect(expand('all')[0]).toBe('both');
  });

  it('selects nothing for a defined but empty group', () => {
    expect(expand('empty')).toEqual([]);
    expect(expand('empty,login')).toEqual(['login']);
  });

  it('prefers a node over a group of the same name', () => {
    expect(expand('both')).toEqual(['both']);
  });

  it('accepts group names that look like ranges', () => {
    expect(expand('sw-a')).toEqual(['r1n1']);
  });

  it('reports group members missing from the inventory', () => {
    const c = makeContext({ nodes: ['a1'], groups: { g: ['a1', 'ghost'] } });
    expect(errorOf('g', c)).toBe('Invalid nodes and/or groups in noderange: ghost');
  });

  it('uses the inventory definition of all when it provides one', () => {
    const c = makeContext({ nodes: ['a1', 'a2'], groups: { all: ['a2'] } });
    expect(expand('all', c)).toEqual(['a2']);
    expect(expand('all', makeContext({ nodes: ['a1', 'a2'] }))).toEqual(['a1', 'a2']);
  });
});

describe('expandNoderange: regular expressions', () => {
  it('matches node names, anchored', () => {
    expect(expand('/node1.')).toEqual(expandNodeset('node[10-19]'));
    expect(expand('/gpu')).toEqual([]);
    expect(expand('/gpu[12]')).toEqual(['gpu1', 'gpu2']);
  });

  it('keeps commas, parentheses and braces inside the regex', () => {
    expect(expand('/(gpu|r1n)[12]')).toEqual(['gpu1', 'gpu2', 'r1n1', 'r1n2']);
    expect(expand('/node0{1,2}1')).toEqual(['node01']);
    expect(expand('/gpu[1,3],login')).toEqual(['gpu1', 'gpu3', 'login']);
  });

  it('does not match group names', () => {
    expect(expand('/comp.*')).toEqual([]);
  });

  it('rejects bad regexes with the position', () => {
    expect(errorOf('login,/*x')).toMatch(
      /^invalid noderange 'login,\/\*x': bad regular expression '\*x' \(.+\) at position 8$/,
    );
    expect(errorOf('/')).toBe("invalid noderange '/': empty regular expression after '/' at position 1");
    expect(errorOf('/a(b')).toBe("invalid noderange '/a(b': unclosed '(' at position 3");
  });
});

describe('expandNoderange: exclusion', () => {
  it('removes excluded nodes', () => {
    expect(expand('compute,-node05')).toEqual(expandNodeset('node[01-04,06-10]'));
    expect(expand('compute,-node01-node08')).toEqual(['node09', 'node10']);
    expect(expand('compute,-node[02-10]')).toEqual(['node01']);
  });

  it('applies exclusions last, whatever their position', () => {
    expect(expand('-node05,compute')).toEqual(expand('compute,-node05'));
    expect(expand('compute,-node05,node05')).not.toContain('node05');
    expect(expand('-node01')).toEqual([]);
  });

  it('excludes groups, regexes and parenthesized noderanges', () => {
    expect(expand('compute,gpu,-gpu')).toEqual(expandNodeset('node[01-04,06-10]'));
    expect(expand('compute,-/node0.')).toEqual(['node10']);
    expect(expand('gpu,-(compute@gpu)')).toEqual(['gpu1', 'gpu2', 'gpu3', 'gpu4']);
  });

  it('may select nothing', () => {
    expect(expand('all,-all')).toEqual([]);
  });

  it('still validates excluded names', () => {
    expect(errorOf('compute,-nope')).toBe('Invalid nodes and/or groups in noderange: nope');
  });
});

describe('expandNoderange: intersection and parentheses', () => {
  it('intersects left to right', () => {
    expect(expand('compute@gpu')).toEqual(['node05']);
    expect(expand('all@compute@gpu')).toEqual(['node05']);
    expect(expand('gpu@compute,login')).toEqual(['login', 'node05']);
  });

  it('applies an @ element to everything on its left, in place', () => {
    expect(expand('compute,gpu1,@gpu')).toEqual(['gpu1', 'node05']);
    expect(expand('compute,@gpu,gpu1')).toEqual(['gpu1', 'node05']);
    expect(expand('@gpu,login')).toEqual(['login']);
  });

  it('evaluates parentheses as sub-noderanges (with their own exclusions)', () => {
    expect(expand('(compute,gpu)@(node05,gpu1,login)')).toEqual(['gpu1', 'node05']);
    expect(expand('all,-(rack1,compute,gpu,r[1-2]n[1-3],n8-n10,n098-n101,node[11-20],node100)')).toEqual([
      'both',
      'login',
    ]);
    expect(expand('((compute,-node01)@(grp1,grp2))')).toEqual(['node02']);
    expect(expand('(compute,-node01),node01')).toContain('node01');
    expect(expand('login,@(gpu,login)')).toEqual(['login']);
  });

  it('reports parenthesis errors with their position', () => {
    expect(errorOf('(login')).toBe("invalid noderange '(login': unclosed '(' at position 1");
    expect(errorOf('login)')).toBe("invalid noderange 'login)': unmatched ')' at position 6");
    expect(errorOf('login,()')).toBe("invalid noderange 'login,()': empty parentheses at position 7");
    expect(errorOf('(login,)')).toBe("invalid noderange '(login,)': empty element at position 8");
    expect(errorOf('(login)(gpu)')).toMatch(
      /unexpected '\(' \(expected ',' or '@' between elements\) at position 8$/,
    );
  });
});

describe('expandNoderange: attribute selectors', () => {
  it('selects by equality (== and =) and inequality', () => {
    expect(expand('mgt==openbmc,-/r.*,-/n.*')).toEqual(['both', 'gpu1', 'gpu2', 'gpu3', 'gpu4', 'login']);
    expect(expand('mgt=redfish')).toEqual(expand('/node.*'));
    expect(expand('mgt!=redfish')).toEqual(expand('all,-/node.*'));
  });

  it('selects by regex (unanchored) and negated regex', () => {
    expect(expand('groups=~(^|,)gpu')).toEqual(['gpu1', 'gpu2', 'gpu3', 'gpu4', 'node05']);
    expect(expand('groups=~^gpu')).toEqual(['gpu1', 'gpu2', 'gpu3', 'gpu4']); // node05: 'compute,gpu'
    expect(expand('groups=~rack')).toEqual(expandNodeset('rack1-node[01-04]'));
    expect(expand('compute,@groups!~gpu')).toEqual(expandNodeset('node[01-04,06-10]'));
    expect(expand('groups=~(gpu|rack1)(,|$)')).toEqual(expand('gpu,rack1'));
  });

  it('tests membership for groups with == and !=, and accepts xCAT table prefixes and tags', () => {
    expect(expand('groups==gpu')).toEqual(expand('gpu'));
    expect(expand('compute,@groups!=gpu')).toEqual(expandNodeset('node[01-04,06-10]'));
    expect(expand('nodelist.groups==rack1')).toEqual(expand('rack1'));
    expect(expand('tags==gpu')).toEqual(expand('gpu'));
    expect(expand('nodehm.mgt==openbmc')).toEqual(expand('mgt==openbmc'));
  });

  it('treats a missing attribute as empty', () => {
    const withRack = expand('rack=~.');
    const withoutRack = expand('rack==');
    expect(withRack.length + withoutRack.length).toBe(nodes.length);
    expect(expand('rack==R0').length + expand('rack==R1').length).toBe(withRack.length);
    expect(expand('rack!=R0')).toEqual(expand('all,-rack==R0'));
  });

  it('combines selectors with everything else', () => {
    expect(expand('compute@mgt==redfish,-node[02-10]')).toEqual(['node01']);
    expect(expand('all,-(mgt==redfish)')).toEqual(expand('mgt==openbmc'));
  });

  it('rejects malformed selectors', () => {
    expect(errorOf('mgt=~(')).toMatch(/^invalid noderange 'mgt=~\(': unclosed '\(' at position 6$/);
    expect(errorOf('mgt=~*a')).toMatch(/bad regular expression '\*a' .* at position 6$/);
    expect(errorOf('mgt=~')).toBe(
      "invalid noderange 'mgt=~': empty regular expression after '=~' at position 6",
    );
    expect(errorOf('=x')).toMatch(/bad attribute selector '=x'/);
    expect(errorOf('a b=c')).toMatch(/unexpected 'b' .* at position 3$/);
  });

  it('evaluates selectors in one pass over the nodes', () => {
    const c = makeContext({ nodes: expandNodeset('x[1-50]'), attrs: {} });
    expandNoderange('mgt==a', c);
    expect(c.attributeCalls).toBe(50);
  });
});

describe('expandNoderange: ^file', () => {
  it('unions the noderange on each line, skipping blanks and comments', () => {
    expect(expand('^/f/basic')).toEqual(expandNodeset('node[01-05]'));
  });

  it('reads hwctl/xCAT output lines as their node names', () => {
    expect(expand('^/f/output')).toEqual(['gpu1', 'node01', 'node02']);
  });

  it('applies exclusion lines inside the file', () => {
    expect(expand('^/f/exclude')).toEqual(expandNodeset('node[01-04,06-10]'));
  });

  it('honours exclusion and intersection prefixes on the file token', () => {
    expect(expand('compute,-^/f/basic')).toEqual(expandNodeset('node[06-10]'));
    expect(expand('gpu,@^/f/basic')).toEqual(['node05']);
  });

  it('follows nested files and refuses cycles', () => {
    expect(expand('^/f/nested')).toEqual(['login', ...expandNodeset('node[01-05]')]);
    expect(errorOf('^/f/self')).toBe(
      "invalid noderange file /f/self line 2: noderange file '/f/self' includes itself at position 1",
    );
  });

  it('reports syntax errors with the file and line, unknown names with the others', () => {
    expect(errorOf('^/f/bad')).toBe('invalid noderange file /f/bad line 2: empty element at position 8');
    expect(errorOf('bogus,^/f/unknown')).toBe(
      'Invalid nodes and/or groups in noderange: bogus,nope (/f/unknown:2)',
    );
  });

  it('handles empty files and CRLF line ends', () => {
    expect(expand('^/f/empty')).toEqual([]);
    expect(expand('^/f/crlf')).toEqual(['node01', 'node02']);
  });

  it('fails clearly on an unreadable file', () => {
    expect(errorOf('login,^/f/missing')).toBe(
      "invalid noderange 'login,^/f/missing': cannot read noderange file '/f/missing' (ENOENT) at position 7",
    );
    expect(errorOf('^')).toBe("invalid noderange '^': missing file name after '^' at position 1");
  });

  describe('on the real file system (default reader)', () => {
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'hwctl-noderange-'));
      writeFileSync(join(dir, 'nodes'), 'node01\ngpu[1-2]\n');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads the file with fs', () => {
      const c = makeContext({ nodes, groups: {} });
      expect(expandNoderange(`^${join(dir, 'nodes')}`, c)).toEqual(['gpu1', 'gpu2', 'node01']);
      expect(() => expandNoderange(`^${join(dir, 'absent')}`, c)).toThrow(/ENOENT/);
    });
  });

  it('extracts the noderange of a line', () => {
    expect(fileLineNoderange('  node01  ')).toBe('node01');
    expect(fileLineNoderange('node01: on')).toBe('node01');
    expect(fileLineNoderange('node01:')).toBe('node01');
    expect(fileLineNoderange('# all')).toBe('');
    expect(fileLineNoderange('a,b # c')).toBe('a,b');
    expect(fileLineNoderange('/n#1')).toBe('/n#1');
  });

  it('takes a line up to its first whitespace or colon, as xCAT does', () => {
    expect(fileLineNoderange('node01 rack3 slot1')).toBe('node01');
    expect(fileLineNoderange('node01\track3')).toBe('node01');
    expect(fileLineNoderange('node01:off')).toBe('node01');
    expect(fileLineNoderange('node01:node05')).toBe('node01');
    expect(fileLineNoderange('  # indented comment')).toBe('');
    expect(expand('^/f/xcat')).toEqual(['node01', 'node02', 'node03']);
  });
});

describe('expandNoderange: errors', () => {
  it('lists every unknown element in one message', () => {
    expect(errorOf('foo,node01,bar')).toBe('Invalid nodes and/or groups in noderange: foo,bar');
    expect(errorOf('foo,foo,(bar@compute),-baz')).toBe(
      'Invalid nodes and/or groups in noderange: foo,bar,baz',
    );
  });

  it('folds a long list of unknown names', () => {
    expect(errorOf('node[15-40]')).toBe('Invalid nodes and/or groups in noderange: node[21-40]');
  });

  it('rejects empty input and empty elements with positions', () => {
    expect(errorOf('')).toBe("invalid noderange '': empty noderange");
    expect(errorOf('   ')).toBe("invalid noderange '   ': empty noderange");
    expect(errorOf('a,,b')).toBe("invalid noderange 'a,,b': empty element at position 3");
    expect(errorOf(',a')).toBe("invalid noderange ',a': empty element at position 1");
    expect(errorOf('a,')).toBe("invalid noderange 'a,': empty element at position 3");
  });

  it('rejects dangling operators', () => {
    expect(errorOf('login,-')).toMatch(
      /'-' must be followed by a node, group or parenthesized noderange at position 8$/,
    );
    expect(errorOf('login@')).toMatch(/'@' must be followed by .* at position 7$/);
    expect(errorOf('login,@,gpu')).toMatch(/'@' must be followed by .* at position 8$/);
    expect(errorOf('login@-gpu')).toBe(
      "invalid noderange 'login@-gpu': exclusion '-' is only allowed at the start of an element at position 7",
    );
    expect(errorOf('--login')).toMatch(/'-' must be followed/);
  });

  it('rejects mismatched brackets inside an atom', () => {
    expect(errorOf('node[1-2)')).toBe("invalid noderange 'node[1-2)': ')' does not match '[' at position 9");
    expect(errorOf('node[1-2')).toBe("invalid noderange 'node[1-2': unclosed '[' at position 5");
    expect(errorOf('/a(b]')).toBe("invalid noderange '/a(b]': ']' does not match '(' at position 5");
  });

  it('throws NoderangeError (a usage error) for every failure', () => {
    expect(() => expandNoderange('nope', ctx)).toThrow(NoderangeError);
    expect(() => expandNoderange('a,,b', ctx)).toThrow(NoderangeError);
  });
});

describe('parseNoderange', () => {
  it('builds the element tree', () => {
    expect(parseNoderange('a,-b@c,@(d)')).toEqual({
      elements: [
        { op: 'union', operand: [{ kind: 'name', text: 'a', pos: 0 }] },
        {
          op: 'exclude',
          operand: [
            { kind: 'name', text: 'b', pos: 3 },
            { kind: 'name', text: 'c', pos: 5 },
          ],
        },
        {
          op: 'intersect',
          operand: [
            {
              kind: 'paren',
              expr: { elements: [{ op: 'union', operand: [{ kind: 'name', text: 'd', pos: 9 }] }] },
            },
          ],
        },
      ],
    });
  });
});

describe('expandNoderange: 10,000-node inventories', () => {
  const big = expandNodeset('node[0001-9999],gpu[1-1]');
  const racks: Record<string, string[]> = {};
  big.forEach((n, i) => (racks[`rack${Math.floor(i / 40) + 1}`] ??= []).push(n));
  const bigCtx = makeContext({
    nodes: big,
    groups: { ...racks, compute: big.slice(0, 9000) },
    attrs: Object.fromEntries(big.map((n, i) => [n, { mgt: i % 2 ? 'redfish' : 'openbmc' }])),
  });
  const timed = (expr: string): { names: string[]; ms: number } => {
    expandNoderange(expr, bigCtx); // warm-up (JIT)
    const t = performance.now();
    const names = expandNoderange(expr, bigCtx);
    return { names, ms: performance.now() - t };
  };

  it('expands the common forms quickly (generous bounds, not a benchmark)', () => {
    const cases: Array<[string, number]> = [
      ['all', 10000],
      ['node[0001-9999],-node[0100-0200]', 9898],
      ['node0001-node9999', 9999],
      ['compute,-rack1', 8960],
      ['rack[1-250]', 10000],
      ['mgt==redfish', 5000],
      ['/node0.*5', 100],
      ['all@compute,-mgt=redfish', 4500],
    ];
    for (const [expr, count] of cases) {
      const { names, ms } = timed(expr);
      expect({ expr, count: names.length }).toEqual({ expr, count });
      expect(ms).toBeLessThan(500);
    }
  });

  it('returns natural order on big sets', () => {
    const { names } = timed('all');
    expect(names[0]).toBe('gpu1');
    expect(names[1]).toBe('node0001');
    expect(names[names.length - 1]).toBe('node9999');
  });

  it('reports thousands of unknown names folded', () => {
    expect(errorOf('node[5000-15000]', bigCtx)).toBe(
      'Invalid nodes and/or groups in noderange: node[10000-15000]',
    );
  });
});

describe('expandNoderange: @failed (the last run’s failed nodes)', () => {
  const c: NoderangeContext = {
    ...makeContext({ nodes: ['a1', 'a2', 'a3', 'a4'], groups: { failed: ['a4'], g: ['a1', 'a2'] } }),
    savedSet: () => ['a2', 'a3'],
  };
  it('is a set at the start of an element, excluded with -, intersected with @', () => {
    expect(expand('@failed', c)).toEqual(['a2', 'a3']);
    expect(expand('@failed,-a3', c)).toEqual(['a2']);
    expect(expand('all,-@failed', c)).toEqual(['a1', 'a4']);
    expect(expand('g@@failed', c)).toEqual(['a2']);
    expect(expand('(@failed)', c)).toEqual(['a2', 'a3']);
  });
  it('leaves a group named failed reachable as @(failed), and @failedx as a group intersection', () => {
    expect(expand('all,@(failed)', c)).toEqual(['a4']);
    expect(errorOf('all,@failedx', c)).toBe('Invalid nodes and/or groups in noderange: failedx');
  });
  it('is refused where no saved set is available', () => {
    expect(errorOf('@failed', makeContext({ nodes: ['a1'] }))).toBe(
      "invalid noderange '@failed': @failed is not available here at position 1",
    );
  });
});
