/**
 * Reading an inventory file: parse it (parse.ts), then the checks that need the file system — inline
 * passwords in a file others can read, plugin modules that do not exist.
 */
import { stat } from 'node:fs/promises';
import { formatLocation, InventoryError } from '../core/errors.js';
import { NoderangeFileError, readRegularFile } from '../noderange/file.js';
import { parseInventoryDetailed, type Inventory } from './parse.js';
import { formatMode } from './secret.js';

function errorCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
}

/** Inventories larger than this are refused (a 10,000-node inventory written node by node is ~1 MB). */
export const MAX_INVENTORY_BYTES = 16 * 1024 * 1024;

/** Load and validate an inventory. Throws InventoryError (exit code 2) with file:line:col. */
export async function loadInventory(file: string): Promise<Inventory> {
  let text: string;
  try {
    // A regular file of bounded size: `-i /dev/zero` would never end, a FIFO would block.
    text = readRegularFile(file, MAX_INVENTORY_BYTES);
  } catch (e) {
    const code = errorCode(e);
    const why =
      e instanceof NoderangeFileError
        ? e.message
        : code === 'ENOENT'
          ? 'no such file'
          : code === 'EACCES'
            ? 'permission denied'
            : code === 'EISDIR'
              ? 'it is a directory'
              : code || String(e);
    throw new InventoryError(`cannot read inventory: ${why}`, { file });
  }
  const { inventory, inlinePasswords, pluginLocations } = parseInventoryDetailed(text, file);

  if (inlinePasswords.length > 0 && process.platform !== 'win32') {
    const { mode } = await stat(file);
    if (mode & 0o004) {
      const first = formatLocation(inlinePasswords[0]!);
      const more = inlinePasswords.length > 1 ? ` (and ${inlinePasswords.length - 1} more)` : '';
      inventory.warnings.push(
        `${first}: inline password${more} in an inventory readable by others (permissions ${formatMode(mode)}); ` +
          `use password: {env: VAR} or {file: PATH}, or chmod o-r '${file}'`,
      );
    }
  }

  const missing: string[] = [];
  for (const [path, location] of pluginLocations) {
    const isFile = await stat(path).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!isFile)
      missing.push(`${formatLocation(location)}: plugin module '${path}' does not exist or is not a file`);
  }
  if (missing.length > 0) {
    const [first, ...rest] = missing;
    throw new InventoryError(first! + rest.map((m) => `\n${m}`).join(''));
  }
  return inventory;
}
