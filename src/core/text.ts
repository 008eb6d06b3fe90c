/**
 * Quoting user input and BMC answers in messages: never more than a bounded slice of them (a `^file`
 * or a BMC body may hold anything, including a password).
 */

/** `text` cut to `max` characters (ending in `…` when cut). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The width `text` takes on a terminal: its longest line, colour codes not counted. */
export function displayWidth(text: string): number {
  let widest = 0;
  // eslint-disable-next-line no-control-regex -- SGR colour sequences are what is removed
  for (const line of text.replace(/\u001b\[[0-9;]*m/g, '').split('\n'))
    widest = Math.max(widest, line.length);
  return widest;
}

/**
 * `text` wrapped to lines of at most `width` characters, at spaces where it can, cutting a word longer
 * than a line (a URL, a long host name).
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    let rest = word;
    while (rest.length > 0) {
      const room = line === '' ? width : width - line.length - 1;
      if (rest.length <= room) {
        line = line === '' ? rest : `${line} ${rest}`;
        rest = '';
      } else if (line !== '' && rest.length <= width) {
        lines.push(line);
        line = '';
      } else {
        const cut = Math.max(room, 1);
        lines.push(line === '' ? rest.slice(0, cut) : `${line} ${rest.slice(0, cut)}`);
        line = '';
        rest = rest.slice(cut);
      }
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** POSIX shell quoting of one word: as is when it is safe, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
