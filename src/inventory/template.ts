/**
 * Templates in inventory values: `10.1.{n/256}.{n%256}`, `rack{(n-1)/64+1:02}`, `{name}-bmc`.
 *
 * A deliberately tiny language, parsed here and evaluated by walking the tree (never eval): integers,
 * the variables `n` (= `n1`), `n1`, `n2`, ... (the numbers of the node's bracket groups) and `name`,
 * `+ - * / %` with the usual precedence, unary minus and parentheses, and an optional format spec after
 * a colon. `{{` and `}}` are literal braces. The full syntax is documented in docs/inventory.md.
 */

/** Variables a template is rendered with: the node name and its bracket values (`values[0]` is n1's). */
export interface TemplateVars {
  name: string;
  /** The text each bracket group put in the name, in bracket order (`node[0001-4096]` → ['0042']). */
  values: readonly string[];
}

/** A template that does not parse or cannot be evaluated for a node. `offset` is into the template text. */
export class TemplateError extends Error {
  override name = 'TemplateError';
  constructor(
    message: string,
    /** Offset of the offending `{...}` (or character) in the template text. */
    readonly offset: number,
    /** The `{...}` expression concerned, as written. */
    readonly expression: string,
  ) {
    super(message);
  }
}

type Expr =
  | { kind: 'int'; value: number }
  | { kind: 'number'; index: number; label: string }
  | { kind: 'name' }
  | { kind: 'neg'; arg: Expr }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/' | '%'; left: Expr; right: Expr };

interface FormatSpec {
  width: number;
  radix: 10 | 16;
  upper: boolean;
}

interface ExprPart {
  kind: 'expr';
  expr: Expr;
  format: FormatSpec | undefined;
  offset: number;
  source: string;
}

type Part = { kind: 'text'; text: string } | ExprPart;

export interface CompiledTemplate {
  readonly source: string;
  /** No `{...}` at all: `render` always returns the same text. */
  readonly constant: boolean;
  /** Highest bracket group referenced (`{n2}` → 2), 0 when none. */
  readonly maxNumberIndex: number;
  render(vars: TemplateVars): string;
}

const MAX_WIDTH = 32;
/** Keeps the recursive-descent parser (depth ≤ tokens) far from the stack limit, whatever the input. */
const MAX_TOKENS = 256;

/** Parse a template once; render it per node. Throws TemplateError on a syntax error. */
export function compileTemplate(source: string): CompiledTemplate {
  const parts: Part[] = [];
  let text = '';
  let maxNumberIndex = 0;
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '{' && source[i + 1] === '{') {
      text += '{';
      i += 2;
    } else if (ch === '}' && source[i + 1] === '}') {
      text += '}';
      i += 2;
    } else if (ch === '}') {
      throw new TemplateError("unmatched '}' (write '}}' for a literal brace)", i, '}');
    } else if (ch === '{') {
      const close = source.indexOf('}', i + 1);
      if (close < 0) {
        throw new TemplateError("unclosed '{' (write '{{' for a literal brace)", i, source.slice(i));
      }
      const exprSource = source.slice(i, close + 1);
      const inner = source.slice(i + 1, close);
      if (text) parts.push({ kind: 'text', text });
      text = '';
      const part = parseExpressionPart(inner, i, exprSource);
      maxNumberIndex = Math.max(maxNumberIndex, highestNumberIndex(part.expr));
      parts.push(part);
      i = close + 1;
    } else {
      text += ch;
      i++;
    }
  }
  if (text) parts.push({ kind: 'text', text });
  const constant = parts.every((p) => p.kind === 'text');
  const constantText = constant ? parts.map((p) => (p.kind === 'text' ? p.text : '')).join('') : '';
  return {
    source,
    constant,
    maxNumberIndex,
    render: constant ? () => constantText : (vars) => renderParts(parts, vars),
  };
}

function renderParts(parts: readonly Part[], vars: TemplateVars): string {
  let out = '';
  for (const part of parts) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    if (part.expr.kind === 'name') {
      out += vars.name;
      continue;
    }
    const value = evaluate(part.expr, vars, part);
    out += formatNumber(value, part.format);
  }
  return out;
}

function formatNumber(value: number, format: FormatSpec | undefined): string {
  if (!format) return String(value);
  const digits = Math.abs(value).toString(format.radix);
  const cased = format.upper ? digits.toUpperCase() : digits;
  const sign = value < 0 ? '-' : '';
  return sign + cased.padStart(Math.max(0, format.width - sign.length), '0');
}

function evaluate(expr: Expr, vars: TemplateVars, part: { offset: number; source: string }): number {
  switch (expr.kind) {
    case 'int':
      return expr.value;
    case 'name':
      // Rejected at compile time everywhere except as a whole expression; kept for exhaustiveness.
      throw new TemplateError("'name' is text and cannot be used in arithmetic", part.offset, part.source);
    case 'number': {
      const text = vars.values[expr.index - 1];
      if (text === undefined) {
        const have = vars.values.length;
        const what =
          have === 0 ? 'has no bracket group' : `has only ${have} bracket group${have === 1 ? '' : 's'}`;
        throw new TemplateError(
          `'${expr.label}' needs bracket group ${expr.index}, but node '${vars.name}' ${what}`,
          part.offset,
          part.source,
        );
      }
      if (!/^\d{1,15}$/.test(text)) {
        throw new TemplateError(
          `'${expr.label}' is '${text}' for node '${vars.name}', which is not a number`,
          part.offset,
          part.source,
        );
      }
      return Number(text);
    }
    case 'neg':
      return checked(-evaluate(expr.arg, vars, part), part);
    case 'binary': {
      const a = evaluate(expr.left, vars, part);
      const b = evaluate(expr.right, vars, part);
      switch (expr.op) {
        case '+':
          return checked(a + b, part);
        case '-':
          return checked(a - b, part);
        case '*':
          return checked(a * b, part);
        case '/':
        case '%':
          if (b === 0) {
            throw new TemplateError(`division by zero for node '${vars.name}'`, part.offset, part.source);
          }
          // Integer division truncates toward zero and % keeps the dividend's sign, as in C.
          return expr.op === '/' ? Math.trunc(a / b) + 0 : (a % b) + 0;
      }
    }
  }
}

function checked(value: number, part: { offset: number; source: string }): number {
  if (!Number.isSafeInteger(value)) {
    throw new TemplateError('arithmetic result is too large', part.offset, part.source);
  }
  return value + 0; // normalise -0
}

function highestNumberIndex(expr: Expr): number {
  switch (expr.kind) {
    case 'number':
      return expr.index;
    case 'neg':
      return highestNumberIndex(expr.arg);
    case 'binary':
      return Math.max(highestNumberIndex(expr.left), highestNumberIndex(expr.right));
    default:
      return 0;
  }
}

/** `inner` is the text between the braces; `offset` is where its `{` is in the template. */
function parseExpressionPart(inner: string, offset: number, source: string): ExprPart {
  const colon = inner.indexOf(':');
  const exprText = colon < 0 ? inner : inner.slice(0, colon);
  const specText = colon < 0 ? undefined : inner.slice(colon + 1);
  const fail = (message: string): never => {
    throw new TemplateError(message, offset, source);
  };
  if (exprText.trim() === '') fail('empty expression; expected e.g. {n}, {n+1}, {n:03} or {name}');
  const expr = new ExpressionParser(exprText, fail).parse();
  const format = specText === undefined ? undefined : parseFormatSpec(specText, fail);
  if (expr.kind === 'name' && format) fail(`format ':${specText}' applies to numbers, not to 'name'`);
  if (containsNameInArithmetic(expr)) fail("'name' is text and cannot be used in arithmetic");
  return { kind: 'expr', expr, format, offset, source };
}

function containsNameInArithmetic(expr: Expr): boolean {
  if (expr.kind === 'neg') return expr.arg.kind === 'name' || containsNameInArithmetic(expr.arg);
  if (expr.kind === 'binary') {
    return (
      expr.left.kind === 'name' ||
      expr.right.kind === 'name' ||
      containsNameInArithmetic(expr.left) ||
      containsNameInArithmetic(expr.right)
    );
  }
  return false;
}

function parseFormatSpec(spec: string, fail: (message: string) => never): FormatSpec {
  const match = /^(0(\d{1,2}))?([dxX])?$/.exec(spec);
  if (!spec || !match) {
    fail(`bad format ':${spec}'; expected :0W (zero-pad to W digits), :x or :X (hex), or both as in :04x`);
  }
  const width = match![2] === undefined ? 0 : Number(match![2]);
  if (width > MAX_WIDTH) fail(`format width ${width} is too large (at most ${MAX_WIDTH})`);
  const type = match![3] ?? 'd';
  return { width, radix: type === 'd' ? 10 : 16, upper: type === 'X' };
}

type Token = { kind: 'int'; value: number } | { kind: 'ident'; text: string } | { kind: 'op'; text: string };

/** Recursive descent over: sum := prod (('+'|'-') prod)*; prod := unary (('*'|'/'|'%') unary)*. */
class ExpressionParser {
  private readonly tokens: Token[];
  private pos = 0;

  constructor(
    text: string,
    private readonly fail: (message: string) => never,
  ) {
    this.tokens = this.tokenize(text);
    if (this.tokens.length > MAX_TOKENS) this.fail(`expression longer than ${MAX_TOKENS} tokens`);
  }

  parse(): Expr {
    const expr = this.sum();
    const extra = this.tokens[this.pos];
    if (extra) this.fail(`unexpected '${tokenText(extra)}'`);
    return expr;
  }

  private tokenize(text: string): Token[] {
    const tokens: Token[] = [];
    const re = /\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/%()]))/y;
    let at = 0;
    while (at < text.length) {
      if (/^\s*$/.test(text.slice(at))) break;
      re.lastIndex = at;
      const m = re.exec(text);
      if (!m) {
        const bad = text.slice(at).trimStart()[0] ?? '';
        this.fail(`unexpected '${bad}'; expected numbers, n, n1, n2..., name, + - * / % and parentheses`);
      }
      at = re.lastIndex;
      if (m![1] !== undefined) {
        const value = Number(m![1]);
        if (!Number.isSafeInteger(value)) this.fail(`number ${m![1]} is too large`);
        tokens.push({ kind: 'int', value });
      } else if (m![2] !== undefined) {
        tokens.push({ kind: 'ident', text: m![2] });
      } else {
        tokens.push({ kind: 'op', text: m![3]! });
      }
    }
    return tokens;
  }

  private peekOp(...ops: string[]): string | undefined {
    const t = this.tokens[this.pos];
    return t?.kind === 'op' && ops.includes(t.text) ? t.text : undefined;
  }

  private sum(): Expr {
    let left = this.product();
    for (let op = this.peekOp('+', '-'); op; op = this.peekOp('+', '-')) {
      this.pos++;
      left = { kind: 'binary', op: op as '+' | '-', left, right: this.product() };
    }
    return left;
  }

  private product(): Expr {
    let left = this.unary();
    for (let op = this.peekOp('*', '/', '%'); op; op = this.peekOp('*', '/', '%')) {
      this.pos++;
      left = { kind: 'binary', op: op as '*' | '/' | '%', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expr {
    if (this.peekOp('-')) {
      this.pos++;
      return { kind: 'neg', arg: this.unary() };
    }
    if (this.peekOp('+')) {
      this.pos++;
      return this.unary();
    }
    return this.atom();
  }

  private atom(): Expr {
    const t = this.tokens[this.pos++];
    if (!t) return this.fail('expression ends too early');
    if (t.kind === 'int') return { kind: 'int', value: t.value };
    if (t.kind === 'ident') return variable(t.text, this.fail);
    if (t.text === '(') {
      const inner = this.sum();
      if (!this.peekOp(')')) this.fail("missing ')'");
      this.pos++;
      return inner;
    }
    return this.fail(`unexpected '${t.text}'`);
  }
}

function variable(text: string, fail: (message: string) => never): Expr {
  if (text === 'name') return { kind: 'name' };
  if (text === 'n') return { kind: 'number', index: 1, label: 'n' };
  const m = /^n([1-9]\d{0,2})$/.exec(text);
  if (m) return { kind: 'number', index: Number(m[1]), label: text };
  return fail(`unknown variable '${text}'; expected n, n1, n2... (bracket numbers) or name`);
}

function tokenText(t: Token): string {
  return t.kind === 'int' ? String(t.value) : t.text;
}
