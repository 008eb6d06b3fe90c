/**
 * Reading a file named by the user (a `^file` noderange file; the inventory too). Only a regular file
 * is read, and at most a given size of it: a device (`^/dev/zero`, `^/dev/urandom`) would never end
 * and a FIFO would block the open. The file is opened non-blocking and checked through its
 * descriptor, so what is checked is what is read.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { formatCount, MAX_FILE_BYTES } from './limits.js';

/** Why a file is refused; the message is the reason, without the file name. */
export class NoderangeFileError extends Error {}

function kind(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

function tooLarge(maxBytes = MAX_FILE_BYTES): NoderangeFileError {
  return new NoderangeFileError(`larger than ${formatCount(maxBytes)} bytes`);
}

/** The text of a noderange file. Throws NoderangeFileError (see `readRegularFile`; binary too). */
export function readNoderangeFile(path: string): string {
  return checkText(readRegularFile(path, MAX_FILE_BYTES));
}

/**
 * The UTF-8 text of a regular file of at most `maxBytes`. Throws NoderangeFileError (not a regular
 * file, too large) or the file system's error (ENOENT, EACCES...).
 */
export function readRegularFile(path: string, maxBytes: number): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new NoderangeFileError(`it is ${kind(stats)}, not a regular file`);
    if (stats.size > maxBytes) throw tooLarge(maxBytes);
    // Read to the end, bounded, rather than trusting the size: /proc files say 0 and files grow.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total).toString('utf8');
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
