/**
 * Reading a `^file` noderange file. Only a regular file is read, and at most MAX_FILE_BYTES of it: a
 * device (`^/dev/zero`, `^/dev/urandom`) would never end and a FIFO would block the open. The file is
 * opened non-blocking and checked through its descriptor, so what is checked is what is read.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { formatCount, MAX_FILE_BYTES } from './limits.js';

/** Why a noderange file is refused; the message is the reason, without the file name. */
export class NoderangeFileError extends Error {}

function kind(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

function tooLarge(): NoderangeFileError {
  return new NoderangeFileError(`larger than ${formatCount(MAX_FILE_BYTES)} bytes`);
}

/**
 * The text of a noderange file. Throws NoderangeFileError (not a regular file, too large, binary) or
 * the file system's error (ENOENT, EACCES...).
 */
export function readNoderangeFile(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new NoderangeFileError(`it is ${kind(stats)}, not a regular file`);
    if (stats.size > MAX_FILE_BYTES) throw tooLarge();
    // Read to the end, bounded, rather than trusting the size: /proc files say 0 and files grow.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_FILE_BYTES) throw tooLarge();
      chunks.push(chunk.subarray(0, n));
    }
    return checkText(Buffer.concat(chunks, total).toString('utf8'));
  } finally {
    closeSync(fd);
  }
}

/** Checks the text of a noderange file from any reader (size, no NUL bytes). */
export function checkText(text: string): string {
  if (text.length > MAX_FILE_BYTES) throw tooLarge();
  // A NUL byte means binary data (or /proc/self/environ): not a list of noderanges.
  if (text.includes('\0')) throw new NoderangeFileError('it is not a text file (it contains NUL bytes)');
  return text;
}
