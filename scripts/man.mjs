#!/usr/bin/env node
// Man pages, generated at `npm run build` into man/ (package.json `directories.man`, so `npm install -g` and
// `npm link` install them: `man rpower`). One page per installed name (package.json `bin`): hwctl(1) from
// the README, each xCAT name from docs/commands/<name>.md. Each page: NAME, SYNOPSIS (the doc's first code
// block), DESCRIPTION (the doc's text; its own sections follow as sections of the page), OPTIONS (the
// command's own, then the global options from dist/cli/global-options.js, so the page says what --help says),
// EXIT STATUS, SEE ALSO. The markdown → roff step is marked-man (build-time only, pure JavaScript: it needs
// nothing but its npm dependencies, marked and read-package-up, so it works offline once installed).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Marked } from 'marked';
import markedMan from 'marked-man';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outDir = join(root, pkg.directories.man);

const { globalOptions } = await import(pathToFileURL(join(root, 'dist/cli/global-options.js')).href);
const { rollingOptions } = await import(pathToFileURL(join(root, 'dist/cli/rolling-options.js')).href);
/** Options a command has beyond the global ones (their own yargs definitions, where they are shared). */
const COMMAND_OPTIONS = { rpower: rollingOptions };

const EXIT_STATUS = `| status | meaning |
|---|---|
| 0 | every node succeeded |
| 1 | at least one node failed (the others still ran; each node has its own result) |
| 2 | usage, inventory or noderange error: nothing was attempted, no BMC was touched |
| 130 | interrupted (SIGINT/SIGTERM): finished nodes keep their results, sessions are closed |
`;

/** `- \`--name\`, \`-a\` VALUE: description` for each yargs option definition. */
function optionList(options) {
  return Object.entries(options)
    .map(([name, o]) => {
      const flags = [`\`--${name}\``, ...[].concat(o.alias ?? []).map((a) => `\`-${a}\``)];
      const value = o.choices
        ? ` ${o.choices.join('|')}`
        : o.type === 'boolean'
          ? ''
          : o.type === 'number'
            ? ' N'
            : ' VALUE';
      const def = o.default !== undefined && o.type !== 'boolean' ? ` (default ${o.default})` : '';
      return `- ${flags.join(', ')}${value}: ${o.describe}${def}`;
    })
    .join('\n');
}

/** A doc page split into its title, summary, synopsis and the rest (sections kept, level 2 and below). */
function splitDoc(text, file) {
  const m = /^# (\S+) — (.+)\n+```[^\n]*\n([\s\S]*?)\n```\n([\s\S]*)$/.exec(text);
  if (!m) throw new Error(`${file}: expected "# name — summary" and a synopsis code block first`);
  const [, name, summary, synopsis, rest] = m;
  return { name, summary, synopsis, rest };
}

/** Markdown links to other docs are not links in a man page: keep their text and name the file. */
const unlink = (md) =>
  md.replace(/\[([^\]]+)\]\(([^)]+)\)/g, (_, t, href) => (t === href ? t : `${t} (${href})`));

function page({ name, summary, synopsis, description, options, seeAlso }) {
  return `# ${name}(1) -- ${summary}

## SYNOPSIS

\`\`\`
${synopsis}
\`\`\`

## DESCRIPTION

${unlink(description).trim()}

## OPTIONS

${options}

## EXIT STATUS

${EXIT_STATUS}
## SEE ALSO

${seeAlso.map((n) => `${n}(1)`).join(', ')}; the documentation in docs/ of the hwctl package.
`;
}

/**
 * In a table, paths and dotted names (`/xyz/openbmc_project/state/enumerate`) are longer than a column: troff
 * may break them after `/`, `.`, `_`, `=`, `,` and `|` and between the words of a long CamelCase name (`\:`, a break point
 * that prints nothing), or it warns "can't break line".
 */
function breakPoints(table) {
  return table
    .split('\n')
    .map((line) =>
      /^(\.|T\{$|T\}|_$|=$)/.test(line)
        ? line
        : line
            .replace(/(\/|\\\.|_|=|,|\|)(?=\w)/g, '$1\\:')
            // and inside a long CamelCase name (BootSourceOverrideTarget), between its words
            .replace(/(?<=\\f[BRIP]|[^\\A-Za-z]|^)[A-Za-z]{18,}/g, (w) =>
              w.replace(/([a-z])(?=[A-Z])/g, '$1\\:'),
            ),
    )
    .join('\n');
}

function toRoff(markdown) {
  const marked = new Marked();
  markedMan.manVersion = `hwctl ${pkg.version}`;
  markedMan.manual = 'hwctl manual';
  // A newline inside a paragraph is a space, as in the docs on GitHub (not a line break).
  markedMan.breaks = false;
  marked.use(markedMan);
  return (
    marked
      .parse(markdown)
      // Left-adjusted text: justifying the docs' narrow table columns makes troff warn "cannot adjust line".
      .replace(/^(\.TH .*)$/m, '$1\n.ad l')
      // troff reads bytes: every non-ASCII character (—, …, ≥) as its \[uXXXX] escape, so the page renders
      // without warnings whether or not preconv runs first (man runs it, groff -man alone does not).
      // marked leaves code spans HTML-escaped (`{&quot;data&quot;:1}`); a man page is not HTML.
      .replace(
        /&(quot|#39|lt|gt|amp);/g,
        (_, e) => ({ quot: '"', '#39': "'", lt: '<', gt: '>', amp: '&' })[e],
      )
      .replace(/^\.TS\n[\s\S]*?^\.TE$/gm, breakPoints)
      .replace(/[^\t\n -~]/gu, (c) => `\\[u${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}]`)
  );
}

const names = Object.keys(pkg.bin);
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const pages = {};
for (const name of names.filter((n) => n !== 'hwctl')) {
  const file = join(root, 'docs/commands', `${name}.md`);
  const doc = splitDoc(readFileSync(file, 'utf8'), file);
  const own = COMMAND_OPTIONS[name] ? `${optionList(COMMAND_OPTIONS[name])}\n\n` : '';
  pages[name] = page({
    name,
    summary: doc.summary,
    synopsis: doc.synopsis.replace(/^hwctl /, '').replace(/^ {6}/gm, ''),
    description: `Also runs as \`hwctl ${name}\`.\n\n${doc.rest}`,
    options: `${own}The command's own options are described above. Global options:\n\n${optionList(globalOptions)}`,
    seeAlso: names.filter((n) => n !== name),
  });
}
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const intro = /^# hwctl\n+([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
const commands = names
  .filter((n) => n !== 'hwctl')
  .map(
    (n) =>
      `- \`${n}\` — ${splitDoc(readFileSync(join(root, 'docs/commands', `${n}.md`), 'utf8'), n).summary}: ${n}(1)`,
  )
  .join('\n');
pages.hwctl = page({
  name: 'hwctl',
  summary: 'fleet hardware control through BMCs',
  synopsis:
    'hwctl COMMAND NODERANGE [ARGUMENTS...] [global options]\nhwctl sim [options]\nhwctl trust NODERANGE\nhwctl nodels NODERANGE [ATTRIBUTES...]',
  description: `${intro}\nCommands (each also installed under its own name, as in xCAT):\n\n${commands}\n- \`nodels\` — what the inventory says about nodes\n- \`trust\` — pin the BMCs' TLS certificates\n- \`sim\` — run simulated BMCs (docs/simulator.md)\n\n\`hwctl COMMAND --help\` lists each command's options.`,
  options: optionList(globalOptions),
  seeAlso: names.filter((n) => n !== 'hwctl'),
});
for (const name of names) {
  if (!pages[name])
    throw new Error(`no man page for the installed name ${name}: add docs/commands/${name}.md`);
  writeFileSync(join(outDir, `${name}.1`), toRoff(pages[name]));
}
