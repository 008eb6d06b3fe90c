/**
 * string-width for yargs' help layout (yargs, cliui and wrap-ansi each import it), bundled in their copies'
 * place by scripts/bundle.mjs. string-width builds an `Intl.Segmenter` and a `\p{RGI_Emoji}` regular
 * expression as its module loads: ~30 ms of every hwctl start-up, `--version` included, since yargs lays
 * out a command's help text on every run. That text is printable ASCII, as wide as it is long; anything
 * else (escape sequences, tabs, non-ASCII) goes to the real string-width, loaded on its first use.
 */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** A string-width that measures printable ASCII itself and calls `load()` once for anything else. */
export function lazyStringWidth(load) {
  let real;
  return (text, options) => {
    if (typeof text === 'string' && PRINTABLE_ASCII.test(text)) return text.length;
    real ??= load();
    return real(text, options);
  };
}

// esbuild bundles this require (resolved to yargs' own string-width by the plugin in bundle.mjs) as a
// module evaluated on the first call, not at start-up: an import would be evaluated at start-up. The file
// only ever runs bundled (its tests call lazyStringWidth).
// eslint-disable-next-line no-undef, @typescript-eslint/no-require-imports
export default lazyStringWidth(() => require('string-width').default);
