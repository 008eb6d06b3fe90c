/**
 * Bounds on what a noderange may ask for (docs/noderange.md, "Limits"). A noderange comes from the
 * command line or a file and is evaluated before anything else: a hostile or mistyped one must fail
 * at once with exit 2, not exhaust the stack, the heap or the CPU.
 */
import { clip as clipText } from '../core/text.js';

/** Parentheses nested deeper than this are refused (the parser and the evaluator recurse on them). */
export const MAX_NESTING = 100;
/** One element (name, pattern, selector, file name) longer than this is refused. */
export const MAX_TOKEN_LENGTH = 65_536;
/** A regular expression (`/re`, `attr=~re`) longer than this is refused. */
export const MAX_REGEX_LENGTH = 4_096;
/**
 * Names the whole noderange may produce, counted before any is made: every range or pattern counts
 * its size as written, a group its members, a regex or selector the inventory nodes it tests.
 */
export const MAX_EXPANSION = 1_000_000;
/** `^file` noderange files larger than this are refused. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** Tokens quoted in messages are cut to this many characters: a `^file` may hold anything. */
export const SHOWN_TOKEN = 40;

/** `text` cut to SHOWN_TOKEN characters (with `…`), for quoting user input in a message. */
export function clip(text: string, max = SHOWN_TOKEN): string {
  return clipText(text, max);
}

/** 1000000 → '1,000,000'. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
