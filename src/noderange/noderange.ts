/**
 * Evaluation of an xCAT noderange against an inventory (grammar: parser.ts, docs/noderange.md).
 *
 * Sets all the way: every element is a Set of node names, so 10,000-node inventories expand in
 * milliseconds (no list scans per name). Unknown names do not stop evaluation: they are all
 * collected and reported together, so one run tells the user everything that is wrong.
 */
import { resolve as resolvePath } from 'node:path';
import { NoderangeError } from '../core/errors.js';
import { checkText, readNoderangeFile } from './file.js';
import { clip, formatCount, MAX_EXPANSION } from './limits.js';
import { compareNodeNames } from './natural.js';
import { incrementForm, nameRangeForm, type NameForm } from './nameforms.js';
import { countNodeset, expandNodeset, foldNodes, NodesetSyntaxError } from './nodeset.js';
import {
  commandLineOrigin,
  parseNoderange,
  syntaxError,
  type Atom,
  type Element,
  type Expr,
  type SavedSet,
  type TextOrigin,
} from './parser.js';
import { RangeSyntaxError } from './rangeset.js';

export interface NoderangeContext {
  /** All node names defined in the inventory. */
  nodes: readonly string[];
  /** Members of a group, or undefined if no such group. The implicit group `all` is handled here. */
  groupMembers(group: string): readonly string[] | undefined;
  /** Attribute value for selectors (`mgt==redfish`, `groups=~rack`); `groups` gives a comma list. */
  attribute(node: string, attr: string): string | undefined;
  /**
   * The names of a saved set (`@failed`: the last run's failed nodes). Throws a NoderangeError when
   * there is none; absent: saved sets are refused.
   */
  savedSet?(name: SavedSet): readonly string[];
  /** Read a file for `^file` tokens (default: `readNoderangeFile`, regular files up to 16 MB). */
  readFile?(path: string): string;
}

/** Nested `^file` references deeper than this are refused (xCAT stops recursion too). */
const MAX_FILE_DEPTH = 16;
/** Up to this many unknown names are listed as written; more are folded (`node[101-200]`). */
const MAX_LISTED_INVALID = 10;

/** xCAT table prefixes accepted on selector attributes: `nodehm.mgt==openbmc` means `mgt==openbmc`. */
const XCAT_TABLES = new Set([
  'nodelist',
  'nodehm',
  'noderes',
  'nodetype',
  'ipmi',
  'openbmc',
  'hosts',
  'vpd',
  'mp',
]);
/** xCAT short names: `tags` is another name for `groups`. */
const ATTRIBUTE_ALIASES: Record<string, string> = { tags: 'groups' };
/** Attributes holding a comma list: `==`/`!=` test membership rather than the whole string. */
const LIST_ATTRIBUTES = new Set(['groups']);

/**
 * An attribute as the inventory names it: xCAT's table prefix dropped, `tags` read as `groups`. Shared
 * by selectors and `nodels node attr...`, so both accept the same spellings.
 */
export function normalizeAttribute(attr: string): string {
  const dot = attr.indexOf('.');
  const bare = dot > 0 && XCAT_TABLES.has(attr.slice(0, dot)) ? attr.slice(dot + 1) : attr;
  return ATTRIBUTE_ALIASES[bare] ?? bare;
}

/** Accumulator of one expression level: unions and intersections in order, exclusions at the end. */
interface Accumulator {
  result: Set<string>;
  excluded: Set<string>;
}

/** What a name atom is: a node, a group, a name form (a pattern, `a-b`, `a+n`), or nothing known. */
type Resolution =
  | { kind: 'node' }
  | { kind: 'group'; members: readonly string[] }
  | { kind: 'form'; form: NameForm }
  | { kind: 'unknown' };

class Evaluator {
  private readonly known: Set<string>;
  private readonly invalid: Array<{ name: string; where?: string }> = [];
  private readonly invalidSeen = new Set<string>();
  private readonly fileStack: string[] = [];
  private readonly resolved = new Map<string, Resolution>();
  private readonly savedSets = new Map<SavedSet, readonly string[]>();
  /** Names the noderange produces, counted before they are made (MAX_EXPANSION). */
  private produced = 0;

  constructor(private readonly ctx: NoderangeContext) {
    this.known = new Set(ctx.nodes);
  }

  run(expr: Expr, origin: TextOrigin): string[] {
    this.charge(expr, origin);
    const result = this.evalExpr(expr, origin);
    if (this.invalid.length > 0) {
      // Names from a `^file` are cut and located: the file may hold anything (a password...).
      const listed =
        this.invalid.length > MAX_LISTED_INVALID
          ? foldNodes(this.invalid.map((i) => i.name)).slice(0, 200)
          : this.invalid.map((i) => (i.where ? `${clip(i.name)} (${i.where})` : clip(i.name, 80))).join(',');
      throw new NoderangeError(`Invalid nodes and/or groups in noderange: ${listed}`);
    }
    return Array.from(result).sort(compareNodeNames);
  }

  private markInvalid(name: string, origin: TextOrigin): void {
    if (this.invalidSeen.has(name)) return;
    this.invalidSeen.add(name);
    this.invalid.push(origin.where ? { name, where: origin.where } : { name });
  }

  /**
   * Counts what `expr` will produce before anything is made, in O(expression size), and refuses it
   * past MAX_EXPANSION: `node[1-99999]` written a thousand times fails here at once rather than after
   * minutes of building names. A `^file` is counted when it is read.
   */
  private charge(expr: Expr, origin: TextOrigin): void {
    for (const element of expr.elements) {
      for (const primary of element.operand) {
        if (primary.kind === 'paren') {
          this.charge(primary.expr, origin);
          continue;
        }
        this.produced += this.cost(primary, origin);
        if (this.produced > MAX_EXPANSION) {
          throw syntaxError(
            origin,
            `the noderange expands to more than ${formatCount(MAX_EXPANSION)} names (the limit)`,
            primary.pos,
          );
        }
      }
    }
  }

  private cost(atom: Atom, origin: TextOrigin): number {
    switch (atom.kind) {
      case 'name': {
        const r = this.resolve(atom.text, atom.pos, origin);
        return r.kind === 'group' ? r.members.length : r.kind === 'form' ? r.form.count : 1;
      }
      case 'regex':
      case 'selector':
        return this.ctx.nodes.length; // each node is tested
      case 'file':
        return 0; // counted line by line when read
      case 'saved':
        return this.saved(atom.name, atom.pos, origin).length;
    }
  }

  /** What a name atom is, checked and counted but not expanded; the same text is resolved once. */
  private resolve(text: string, pos: number, origin: TextOrigin): Resolution {
    let r = this.resolved.get(text);
    if (r) return r;
    if (this.known.has(text)) r = { kind: 'node' };
    else {
      const members = this.ctx.groupMembers(text) ?? (text === 'all' ? this.ctx.nodes : undefined);
      if (members) r = { kind: 'group', members };
      else {
        const form = this.nameForm(text, pos, origin);
        r = form ? { kind: 'form', form } : { kind: 'unknown' };
      }
    }
    this.resolved.set(text, r);
    return r;
  }

  private nameForm(text: string, pos: number, origin: TextOrigin): NameForm | undefined {
    try {
      if (text.includes('[')) return { count: countNodeset(text), expand: () => expandNodeset(text) };
      return incrementForm(text) ?? nameRangeForm(text);
    } catch (e) {
      if (e instanceof NodesetSyntaxError) throw syntaxError(origin, e.problem, pos + e.index);
      if (e instanceof RangeSyntaxError) throw syntaxError(origin, e.message, pos + e.offset);
      throw e;
    }
  }

  private evalExpr(expr: Expr, origin: TextOrigin): Set<string> {
    const acc: Accumulator = { result: new Set(), excluded: new Set() };
    this.apply(expr.elements, origin, acc);
    return this.finish(acc);
  }

  private finish(acc: Accumulator): Set<string> {
    for (const name of acc.excluded) acc.result.delete(name);
    return acc.result;
  }

  private apply(elements: Element[], origin: TextOrigin, acc: Accumulator): void {
    for (const element of elements) {
      const names = this.evalOperand(element, origin);
      if (element.op === 'union') for (const n of names) acc.result.add(n);
      else if (element.op === 'exclude') for (const n of names) acc.excluded.add(n);
      else acc.result = intersect(acc.result, names);
    }
  }

  /** The primaries of an element, intersected left to right. */
  private evalOperand(element: Element, origin: TextOrigin): Set<string> {
    let set: Set<string> | undefined;
    for (const primary of element.operand) {
      const names =
        primary.kind === 'paren' ? this.evalExpr(primary.expr, origin) : this.evalAtom(primary, origin);
      set = set === undefined ? names : intersect(set, names);
    }
    return set ?? new Set();
  }

  private evalAtom(atom: Atom, origin: TextOrigin): Set<string> {
    switch (atom.kind) {
      case 'name':
        return this.resolveName(atom.text, atom.pos, origin);
      case 'regex': {
        const out = new Set<string>();
        for (const n of this.ctx.nodes) if (atom.regex.test(n)) out.add(n);
        return out;
      }
      case 'selector':
        return this.select(atom);
      case 'file':
        return this.evalFile(atom.path, atom.pos, origin);
      case 'saved': {
        const out = new Set<string>();
        const where = { ...origin, where: `@${atom.name}` };
        for (const n of this.saved(atom.name, atom.pos, origin)) {
          if (this.known.has(n)) out.add(n);
          else this.markInvalid(n, where);
        }
        return out;
      }
    }
  }

  /** A saved set's names, read once per evaluation. */
  private saved(name: SavedSet, pos: number, origin: TextOrigin): readonly string[] {
    let names = this.savedSets.get(name);
    if (names === undefined) {
      if (!this.ctx.savedSet) throw syntaxError(origin, `@${name} is not available here`, pos);
      names = this.ctx.savedSet(name);
      this.savedSets.set(name, names);
    }
    return names;
  }

  /** A node, a group (its members), `all`, or a name form expanding to nodes and groups. */
  private resolveName(text: string, pos: number, origin: TextOrigin): Set<string> {
    const out = new Set<string>();
    const r = this.resolve(text, pos, origin);
    if (r.kind === 'node') out.add(text);
    else if (r.kind === 'group') this.addMembers(r.members, out, origin);
    else if (r.kind === 'unknown') this.markInvalid(text, origin);
    else {
      for (const name of r.form.expand()) {
        if (this.known.has(name)) out.add(name);
        else {
          const members = this.ctx.groupMembers(name);
          if (members) this.addMembers(members, out, origin);
          else this.markInvalid(name, origin);
        }
      }
    }
    return out;
  }

  private addMembers(members: readonly string[], out: Set<string>, origin: TextOrigin): void {
    for (const m of members) {
      // A member the inventory does not define would have no BMC to talk to: report it.
      if (this.known.has(m)) out.add(m);
      else this.markInvalid(m, origin);
    }
  }

  private select(atom: Extract<Atom, { kind: 'selector' }>): Set<string> {
    const attr = normalizeAttribute(atom.attr);
    const isList = LIST_ATTRIBUTES.has(attr);
    const wanted = atom.value;
    const out = new Set<string>();
    for (const node of this.ctx.nodes) {
      // A missing attribute reads as the empty string (so `attr==` selects nodes without it).
      const value = this.ctx.attribute(node, attr) ?? '';
      let match: boolean;
      if (atom.regex) match = atom.regex.test(value);
      else if (isList && wanted !== '') match = value.split(',').some((v) => v.trim() === wanted);
      else match = value === wanted;
      if (atom.op === '!=' || atom.op === '!~') match = !match;
      if (match) out.add(node);
    }
    return out;
  }

  /**
   * `^file`: each line is a noderange; the lines are combined as one comma list (so a `-node5`
   * line excludes). Blank lines and `#` comments are skipped; only a line's first word counts
   * (`fileLineNoderange`), so the output of a run can be fed back in.
   */
  private evalFile(path: string, pos: number, origin: TextOrigin): Set<string> {
    const shown = clip(path, 80);
    const absolute = resolvePath(path);
    if (this.fileStack.includes(absolute)) {
      throw syntaxError(origin, `noderange file '${shown}' includes itself`, pos);
    }
    if (this.fileStack.length >= MAX_FILE_DEPTH) {
      throw syntaxError(origin, `noderange files nested more than ${MAX_FILE_DEPTH} deep`, pos);
    }
    let content: string;
    try {
      content = this.ctx.readFile ? checkText(this.ctx.readFile(path)) : readNoderangeFile(path);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      const why = typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
      throw syntaxError(origin, `cannot read noderange file '${shown}' (${why})`, pos);
    }
    this.fileStack.push(absolute);
    try {
      // Every line parsed and counted before any is evaluated, so a file too big to expand fails at once.
      const parsed: Array<{ expr: Expr; origin: TextOrigin }> = [];
      const lines = content.split(/\r?\n/);
      for (let i = 0; i < lines.length; i++) {
        const text = fileLineNoderange(lines[i]!);
        if (text === '') continue;
        // The line itself is never quoted: the file may be anything (`^~/.bmc-password`).
        const lineOrigin = { describe: `noderange file ${shown} line ${i + 1}`, where: `${shown}:${i + 1}` };
        const expr = parseNoderange(text, lineOrigin);
        this.charge(expr, lineOrigin);
        parsed.push({ expr, origin: lineOrigin });
      }
      const acc: Accumulator = { result: new Set(), excluded: new Set() };
      for (const { expr, origin: lineOrigin } of parsed) this.apply(expr.elements, lineOrigin, acc);
      return this.finish(acc);
    } finally {
      this.fileStack.pop();
    }
  }
}

/**
 * The noderange on one line of a `^file`, as xCAT reads it: the line up to its first whitespace or `:`
 * (so `node01: on`, `node01 rack3` and hwctl's own output all give `node01`); a line starting with `#`
 * is a comment. Leading whitespace is skipped.
 */
export function fileLineNoderange(line: string): string {
  const text = line.trimStart();
  if (text.startsWith('#')) return '';
  return /^[^\s:]*/.exec(text)![0];
}

function intersect(a: Set<string>, b: Set<string>): Set<string> {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  const out = new Set<string>();
  for (const n of small) if (large.has(n)) out.add(n);
  return out;
}

/**
 * The nodes an xCAT noderange selects, de-duplicated, in natural order (possibly empty, e.g.
 * `all,-all`). Throws NoderangeError on a syntax error (with its position) and when any name is
 * neither a node nor a group: `Invalid nodes and/or groups in noderange: a,b` lists all of them.
 */
export function expandNoderange(expr: string, ctx: NoderangeContext): string[] {
  const origin = commandLineOrigin(expr);
  return new Evaluator(ctx).run(parseNoderange(expr, origin), origin);
}
