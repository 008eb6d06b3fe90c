/**
 * Which inventory file a run uses. First match wins:
 *   1. --inventory FILE            (must exist)
 *   2. $HWCTL_INVENTORY            (must exist when set and non-empty)
 *   3. ./hwctl.yaml                (in the current directory)
 *   4. $XDG_CONFIG_HOME/hwctl/inventory.yaml   (XDG_CONFIG_HOME defaults to ~/.config)
 *   5. /etc/hwctl/inventory.yaml
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { InventoryError } from '../core/errors.js';

export const SYSTEM_INVENTORY = '/etc/hwctl/inventory.yaml';

export interface LocateOptions {
  /** `--inventory FILE`, relative to `cwd`. */
  explicit?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The system-wide file; only tests change it. */
  systemFile?: string;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The default candidates (3-5 above), in order, each with how it is described in messages. */
export function defaultInventoryCandidates(opts: LocateOptions): Array<{ path: string; label: string }> {
  const candidates = [{ path: join(opts.cwd, 'hwctl.yaml'), label: './hwctl.yaml' }];
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = opts.env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) {
    candidates.push({
      path: join(xdg, 'hwctl', 'inventory.yaml'),
      label: '$XDG_CONFIG_HOME/hwctl/inventory.yaml',
    });
  } else {
    const home = opts.env.HOME || homedir();
    candidates.push({
      path: join(home, '.config', 'hwctl', 'inventory.yaml'),
      label: '~/.config/hwctl/inventory.yaml',
    });
  }
  candidates.push({ path: opts.systemFile ?? SYSTEM_INVENTORY, label: 'system-wide' });
  return candidates;
}

/** The absolute path of the inventory to load. Throws InventoryError listing where it looked. */
export function locateInventory(opts: LocateOptions): string {
  const named = (path: string, how: string): string => {
    const absolute = resolve(opts.cwd, path);
    if (isFile(absolute)) return absolute;
    const problem = exists(absolute) ? 'is not a regular file' : 'does not exist';
    throw new InventoryError(`inventory file '${absolute}' (${how}) ${problem}`);
  };
  if (opts.explicit !== undefined && opts.explicit !== '') return named(opts.explicit, 'from --inventory');
  const fromEnv = opts.env.HWCTL_INVENTORY;
  if (fromEnv) return named(fromEnv, 'from $HWCTL_INVENTORY');

  const candidates = defaultInventoryCandidates(opts);
  for (const { path } of candidates) if (isFile(path)) return path;
  const looked = candidates.map(({ path, label }) => `  ${path}  (${label})`).join('\n');
  throw new InventoryError(
    `no inventory found; looked in:\n${looked}\n` +
      'Give one with --inventory FILE or HWCTL_INVENTORY=FILE (see docs/inventory.md).',
  );
}
