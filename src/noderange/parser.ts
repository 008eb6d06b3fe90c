/**
 * Syntax of an xCAT noderange (man noderange(3)), parsed into a small tree; no inventory needed.
 *
 *   expr     := element (',' element)*
 *   element  := '-' operand            exclusion, applied after every other element of this expr
 *             | '@' operand            intersection with everything to the left, applied in place
 *             | operand                union
 *   operand  := primary ('@' primary)* intersection chain, left to right
 *   primary  := '(' expr ')' | atom
 *   atom     := '@failed'               the nodes that failed in the last run (a saved set)
 *             | '/' regex              node names matching ^(?:regex)$
 *             | '^' path               a file of noderanges, one per line
 *             | attr op value          selector, op one of == = != =~ !~
 *             | name                   node, group, `all`, bracket pattern, a-b / a:b range, a+n
 *
 * Whitespace around elements and operators is allowed. Atoms end at a top-level `,`, `@`, `)` or
 * whitespace; `[]`, `()` and `{}` nest inside an atom, so `node[1,2]`, `/n(1|2)` and `/n{1,3}` are
 * single atoms. Positions in errors are 1-based character positions in the parsed text.
 */
import { NoderangeError } from '../core/errors.js';
import { clip, MAX_NESTING, MAX_REGEX_LENGTH, MAX_TOKEN_LENGTH } from './limits.js';
import { compileRegex, RegexSyntaxError, type Matcher } from './regex.js';

export type ElementOp = 'union' | 'exclude' | 'intersect';

export interface Expr {
  elements: Element[];
}

export interface Element {
  op: ElementOp;
  operand: Primary[]; // intersected left to right
}

export type Primary = { kind: 'paren'; expr: Expr } | Atom;

/** `pos` is the 0-based offset of the atom in the parsed text, for error messages. */
export type Atom =
  | { kind: 'name'; text: string; pos: number }
  | { kind: 'regex'; source: string; regex: Matcher; pos: number }
  | { kind: 'file'; path: string; pos: number }
  | { kind: 'saved'; name: SavedSet; pos: number }
  | { kind: 'selector'; attr: string; op: SelectorOp; value: string; regex?: Matcher; pos: number };

export type SelectorOp = '==' | '!=' | '=~' | '!~';

/**
 * Saved node sets, written `@NAME`: `@failed` is the last run's failed nodes. At the start of an element
 * `@failed` is this set (so `@failed,-node3` works), not an intersection with a group named `failed`
 * (write `@(failed)` for that).
 */
export const SAVED_SETS = ['failed'] as const;
export type SavedSet = (typeof SAVED_SETS)[number];

/** Where the text came from, for messages: the command line or a line of a `^file`. */
export interface TextOrigin {
  /** e.g. `noderange 'a,,b'` or `noderange file /tmp/nodes line 3`. */
  describe: string;
  /** `file:line` for a line of a `^file` (its text is never quoted: the file may hold anything). */
  where?: string;
}

/** The origin of a noderange given on the command line; a long one is cut in messages. */
export function commandLineOrigin(text: string): TextOrigin {
  return { describe: `noderange '${clip(text, 80)}'` };
}

/** A syntax error with the position of the problem. */
export function syntaxError(origin: TextOrigin, problem: string, pos: number): NoderangeError {
  return new NoderangeError(`invalid ${origin.describe}: ${problem} at position ${pos + 1}`);
}

const SELECTOR = /^([A-Za-z_][A-Za-z0-9_.-]*)(==|!=|=~|!~|=)(.*)$/s;
const OPENERS: Record<string, string> = { '[': ']', '(': ')', '{': '}' };

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

class Parser {
  private i = 0;
  /** Parentheses open around the current position. */
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly origin: TextOrigin,
  ) {}

  parse(): Expr {
    this.skipSpace();
    if (this.i >= this.text.length)
      throw new NoderangeError(`invalid ${this.origin.describe}: empty noderange`);
    return this.expr(false);
  }

  private fail(problem: string, pos = this.i): never {
    throw syntaxError(this.origin, problem, pos);
  }

  private skipSpace(): void {
    while (isSpace(this.text[this.i])) this.i++;
  }

  private expr(inParens: boolean): Expr {
    const elements: Element[] = [];
    for (;;) {
      this.skipSpace();
      const c = this.text[this.i];
      if (c === undefined || c === ',' || (c === ')' && inParens)) this.fail('empty element');
      if (c === ')') this.fail("unmatched ')'");
      elements.push(this.element());
      this.skipSpace();
      const next = this.text[this.i];
      if (next === ',') {
        this.i++;
        continue;
      }
      if (next === undefined) {
        return { elements };
      }
      if (next === ')') {
        if (inParens) return { elements };
        this.fail("unmatched ')'");
      }
      this.fail(`unexpected '${next}' (expected ',' or '@' between elements)`);
    }
  }

  private element(): Element {
    let op: ElementOp = 'union';
    const c = this.text[this.i];
    if (c === '-' || (c === '@' && this.savedAt(this.i) === undefined)) {
      op = c === '-' ? 'exclude' : 'intersect';
      this.i++;
      this.skipSpace();
      const after = this.text[this.i];
      const saved = after === '@' && this.savedAt(this.i) !== undefined;
      if (
        after === undefined ||
        after === ',' ||
        after === ')' ||
        (after === '@' && !saved) ||
        after === '-'
      ) {
        this.fail(`'${c}' must be followed by a node, group or parenthesized noderange`);
      }
    }
    const operand = [this.primary()];
    for (;;) {
      this.skipSpace();
      if (this.text[this.i] !== '@') break;
      this.i++;
      this.skipSpace();
      const after = this.text[this.i];
      if (after === '-') this.fail("exclusion '-' is only allowed at the start of an element");
      if (
        after === undefined ||
        after === ',' ||
        after === ')' ||
        (after === '@' && this.savedAt(this.i) === undefined)
      ) {
        this.fail("'@' must be followed by a node, group or parenthesized noderange");
      }
      operand.push(this.primary());
    }
    return { op, operand };
  }

  /** The saved set written at `at` (`@failed`, ending where an atom ends), if any. */
  private savedAt(at: number): SavedSet | undefined {
    if (this.text[at] !== '@') return undefined;
    for (const name of SAVED_SETS) {
      const end = at + 1 + name.length;
      const next = this.text[end];
      if (
        this.text.startsWith(name, at + 1) &&
        (next === undefined || next === ',' || next === '@' || next === ')' || isSpace(next))
      )
        return name;
    }
    return undefined;
  }

  private primary(): Primary {
    const saved = this.savedAt(this.i);
    if (saved !== undefined) {
      const pos = this.i;
      this.i += 1 + saved.length;
      return { kind: 'saved', name: saved, pos };
    }
    if (this.text[this.i] === '(') {
      const open = this.i;
      this.i++;
      this.skipSpace();
      if (this.text[this.i] === ')') this.fail('empty parentheses', open);
      // The parser and the evaluator recurse on parentheses: bound them before the stack does.
      if (++this.depth > MAX_NESTING) this.fail(`parentheses nested more than ${MAX_NESTING} deep`, open);
      const expr = this.expr(true);
      if (this.text[this.i] !== ')') this.fail("unclosed '('", open);
      this.i++;
      this.depth--;
      return { kind: 'paren', expr };
    }
    return this.atom();
  }

  /** Scans to the end of an atom, keeping nested brackets together. */
  private scanAtom(): { text: string; pos: number } {
    const pos = this.i;
    const stack: Array<{ close: string; at: number }> = [];
    while (this.i < this.text.length) {
      const c = this.text[this.i]!;
      if (c === '\\') {
        this.i += 2;
        continue;
      }
      if (stack.length === 0 && (c === ',' || c === '@' || c === ')' || isSpace(c))) break;
      const close = OPENERS[c];
      if (close !== undefined) stack.push({ close, at: this.i });
      else if (stack.length > 0 && c === stack[stack.length - 1]!.close) stack.pop();
      else if (stack.length > 0 && (c === ']' || c === ')' || c === '}')) {
        this.fail(`'${c}' does not match '${this.text[stack[stack.length - 1]!.at]}'`);
      }
      this.i++;
    }
    if (stack.length > 0) {
      const open = stack[stack.length - 1]!;
      this.fail(`unclosed '${this.text[open.at]}'`, open.at);
    }
    if (this.i > this.text.length) this.i = this.text.length; // trailing backslash
    return { text: this.text.slice(pos, this.i), pos };
  }

  private atom(): Atom {
    const { text, pos } = this.scanAtom();
    if (text.length === 0) this.fail('empty element', pos);
    if (text.length > MAX_TOKEN_LENGTH) {
      this.fail(`element '${clip(text)}' is ${text.length} characters long (limit ${MAX_TOKEN_LENGTH})`, pos);
    }
    if (text.startsWith('/')) {
      const source = text.slice(1);
      if (source.length === 0) this.fail("empty regular expression after '/'", pos);
      return { kind: 'regex', source, regex: this.compile(source, pos + 1, true), pos };
    }
    if (text.startsWith('^')) {
      const path = text.slice(1);
      if (path.length === 0) this.fail("missing file name after '^'", pos);
      return { kind: 'file', path, pos };
    }
    if (text.includes('=') || text.includes('!~')) {
      const m = SELECTOR.exec(text);
      if (!m) {
        this.fail(
          `bad attribute selector '${clip(text)}' (expected ATTR==VALUE, ATTR!=VALUE, ATTR=~RE or ATTR!~RE)`,
          pos,
        );
      }
      const attr = m[1]!;
      const op: SelectorOp = m[2] === '=' ? '==' : (m[2] as SelectorOp);
      const value = m[3]!;
      const valuePos = pos + attr.length + m[2]!.length;
      if (op === '=~' || op === '!~') {
        if (value.length === 0) this.fail(`empty regular expression after '${op}'`, valuePos);
        return { kind: 'selector', attr, op, value, regex: this.compile(value, valuePos, false), pos };
      }
      return { kind: 'selector', attr, op, value, pos };
    }
    return { kind: 'name', text, pos };
  }

  private compile(source: string, pos: number, whole: boolean): Matcher {
    if (source.length > MAX_REGEX_LENGTH) {
      this.fail(
        `regular expression '${clip(source)}' is ${source.length} characters long (limit ${MAX_REGEX_LENGTH})`,
        pos,
      );
    }
    try {
      return compileRegex(source, whole);
    } catch (e) {
      if (e instanceof RegexSyntaxError)
        this.fail(`bad regular expression '${clip(source)}' (${e.reason})`, pos);
      throw e;
    }
  }
}

/** Parses a noderange. Throws NoderangeError naming the problem and its position. */
export function parseNoderange(text: string, origin?: TextOrigin): Expr {
  return new Parser(text, origin ?? commandLineOrigin(text)).parse();
}
