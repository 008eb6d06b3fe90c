/**
 * Regular expressions of noderanges (`/re`, `attr=~re`) run on RE2 (the re2js port): matching takes
 * time linear in the name, whatever the pattern. V8's backtracking engine took minutes on
 * `/(a+)+$` against a 40-character name. The dialect is RE2's (docs/noderange.md): no backreferences
 * or lookaround.
 *
 * The engine (~260 KB of JavaScript) is loaded on the first regex only, synchronously because the
 * noderange grammar is: `require` from the installed dependency, outside the bundle, so a noderange
 * without a regex (and `--version`, `--help`) never loads it.
 */
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

let engine: typeof RE2JS | undefined;

function re2(): typeof RE2JS {
  engine ??= (createRequire(import.meta.url)('re2js') as typeof import('re2js')).RE2JS;
  return engine;
}

/** A compiled noderange regex. */
export interface Matcher {
  /** The pattern as written. */
  readonly source: string;
  test(text: string): boolean;
}

/** A regex the engine refuses; `reason` is the engine's, without its prefix. */
export class RegexSyntaxError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * Compiles `source`. `whole`: the regex must match the whole text (`/re` on node names); otherwise
 * anywhere in it (selectors, as with xCAT's `=~`). Throws RegexSyntaxError.
 */
export function compileRegex(source: string, whole: boolean): Matcher {
  const RE2 = re2();
  let compiled: RE2JS;
  try {
    compiled = RE2.compile(source);
  } catch (e) {
    // "error parsing regexp: missing closing ): `(a`" → the reason only.
    const message = e instanceof Error ? e.message : String(e);
    throw new RegexSyntaxError(message.replace(/^error parsing regexp: /, ''));
  }
  return whole
    ? { source, test: (text) => compiled.testExact(text) }
    : { source, test: (text) => compiled.test(text) };
}
