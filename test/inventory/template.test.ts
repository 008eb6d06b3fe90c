import { describe, expect, it } from '@jest/globals';
import { compileTemplate, TemplateError } from '../../src/inventory/template.js';

const render = (template: string, name = 'node0042', values: string[] = ['0042']): string =>
  compileTemplate(template).render({ name, values });

function compileError(template: string): TemplateError {
  try {
    compileTemplate(template);
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error(`expected '${template}' to fail`);
}

function renderError(template: string, name: string, values: string[]): TemplateError {
  const compiled = compileTemplate(template);
  try {
    compiled.render({ name, values });
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error(`expected '${template}' to fail for ${name}`);
}

describe('template rendering', () => {
  it('leaves text without braces alone and marks it constant', () => {
    const t = compileTemplate('bmc01.example:8443');
    expect(t.constant).toBe(true);
    expect(t.maxNumberIndex).toBe(0);
    expect(t.render({ name: 'x', values: [] })).toBe('bmc01.example:8443');
  });

  it('substitutes n as the number of the first bracket group, without padding', () => {
    expect(render('10.0.0.{n}')).toBe('10.0.0.42');
    expect(render('{n1}')).toBe('42');
  });

  it('substitutes the node name', () => {
    expect(render('{name}-bmc.example')).toBe('node0042-bmc.example');
    expect(render('{ name }')).toBe('node0042');
  });

  it('does integer arithmetic with precedence and parentheses', () => {
    const vars = { name: 'c300', values: ['300'] };
    const r = (t: string): string => compileTemplate(t).render(vars);
    expect(r('{n/256}.{n%256}')).toBe('1.44');
    expect(r('{n+1*2}')).toBe('302');
    expect(r('{(n+1)*2}')).toBe('602');
    expect(r('{n-1-1}')).toBe('298'); // left associative
    expect(r('{n/10/3}')).toBe('10');
    expect(r('{(n-1)/64+1}')).toBe('5');
    expect(r('{-n+301}')).toBe('1');
    expect(r('{--n}')).toBe('300');
    expect(r('{ n * 2 }')).toBe('600');
  });

  it('truncates division toward zero and keeps the dividend sign in %, as C does', () => {
    const r = (t: string): string => compileTemplate(t).render({ name: 'a1', values: ['1'] });
    expect(r('{7/2}')).toBe('3');
    expect(r('{(n-8)/2}')).toBe('-3');
    expect(r('{(n-8)%2}')).toBe('-1');
    expect(r('{(n-1)/5}')).toBe('0'); // not "-0"
  });

  it('zero-pads with :0W and formats hex with :x / :X', () => {
    expect(render('rack{n:03}')).toBe('rack042');
    expect(render('{n:02}')).toBe('42'); // never truncates
    expect(render('{n:x}')).toBe('2a');
    expect(render('{n:X}')).toBe('2A');
    expect(render('{n:04x}')).toBe('002a');
    expect(render('{n:d}')).toBe('42');
    expect(render('{n-50:04}')).toBe('-008'); // sign counts in the width, as in Python
  });

  it('gives each bracket group its own variable', () => {
    const t = compileTemplate('10.{n1}.{n2}.{n3:03}');
    expect(t.maxNumberIndex).toBe(3);
    expect(t.render({ name: 'r07c03n12', values: ['07', '03', '12'] })).toBe('10.7.3.012');
  });

  it('turns {{ and }} into literal braces', () => {
    expect(render('{{n}}')).toBe('{n}');
    expect(render('{{{n}}}')).toBe('{42}');
  });
});

describe('template errors', () => {
  it.each([
    ['x{n', 1, "unclosed '{'"],
    ['x}', 1, "unmatched '}'"],
    ['a{}', 1, 'empty expression'],
    ['a.{n+}', 2, 'expression ends too early'],
    ['{n n}', 0, "unexpected 'n'"],
    ['{(n+1}', 0, "missing ')'"],
    ['{n+1)}', 0, "unexpected ')'"],
    ['{x}', 0, "unknown variable 'x'"],
    ['{n0}', 0, "unknown variable 'n0'"],
    ['{n$1}', 0, "unexpected '$'"],
    ['{n:3}', 0, "bad format ':3'"],
    ['{n:}', 0, "bad format ':'"],
    ['{n:08o}', 0, "bad format ':08o'"],
    ['{n:099}', 0, 'format width 99 is too large'],
    ['{name:03}', 0, "applies to numbers, not to 'name'"],
    ['{name+1}', 0, "'name' is text"],
    ['{-name}', 0, "'name' is text"],
    ['{99999999999999999999}', 0, 'too large'],
  ])('%s fails at offset %d: %s', (template, offset, message) => {
    const e = compileError(template);
    expect(e.offset).toBe(offset);
    expect(e.message).toContain(message);
  });

  it('refuses absurdly long expressions instead of overflowing the stack', () => {
    expect(compileError(`{${'('.repeat(5000)}n${')'.repeat(5000)}}`).message).toBe(
      'expression longer than 256 tokens',
    );
    expect(compileError(`{${'-'.repeat(5000)}n}`).message).toBe('expression longer than 256 tokens');
    expect(render(`{${'('.repeat(100)}n${')'.repeat(100)}}`)).toBe('42');
  });

  it('names the expression concerned', () => {
    expect(compileError('10.{n}.{n+}').expression).toBe('{n+}');
  });

  it('reports a missing bracket group for the node at render time', () => {
    const e = renderError('{n2}', 'node01', ['01']);
    expect(e.message).toBe("'n2' needs bracket group 2, but node 'node01' has only 1 bracket group");
    expect(renderError('{n}', 'mgmt01', []).message).toContain("node 'mgmt01' has no bracket group");
  });

  it('reports division by zero and non-numeric bracket values', () => {
    expect(renderError('{100/(n-5)}', 'n5', ['5']).message).toBe("division by zero for node 'n5'");
    expect(renderError('{100%(n-5)}', 'n5', ['5']).message).toBe("division by zero for node 'n5'");
    expect(renderError('{n}', 'nodea', ['a']).message).toBe(
      "'n' is 'a' for node 'nodea', which is not a number",
    );
  });

  it('refuses results beyond exact integers', () => {
    expect(renderError('{n*999999999*999999999}', 'n5', ['5']).message).toContain('too large');
  });
});
