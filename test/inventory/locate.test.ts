import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InventoryError } from '../../src/core/errors.js';
import { locateInventory } from '../../src/inventory/index.js';

let root: string;
let cwd: string;
let home: string;
let xdg: string;
let system: string;

function touch(path: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, 'nodes: {}\n');
  return path;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hwctl-locate-'));
  cwd = join(root, 'work');
  home = join(root, 'home');
  xdg = join(root, 'xdg');
  system = join(root, 'etc', 'hwctl', 'inventory.yaml');
  mkdirSync(cwd, { recursive: true });
  mkdirSync(home, { recursive: true });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh scenario: which of the candidate files exist. */
function scenario(files: { cwd?: boolean; xdg?: boolean; home?: boolean; system?: boolean }): void {
  for (const p of [join(cwd, 'hwctl.yaml'), join(xdg, 'hwctl'), join(home, '.config'), join(root, 'etc')]) {
    rmSync(p, { recursive: true, force: true });
  }
  if (files.cwd) touch(join(cwd, 'hwctl.yaml'));
  if (files.xdg) touch(join(xdg, 'hwctl', 'inventory.yaml'));
  if (files.home) touch(join(home, '.config', 'hwctl', 'inventory.yaml'));
  if (files.system) touch(system);
}

const locate = (env: NodeJS.ProcessEnv, explicit?: string): string =>
  locateInventory({ explicit, env: { HOME: home, ...env }, cwd, systemFile: system });

function locateError(env: NodeJS.ProcessEnv, explicit?: string): InventoryError {
  try {
    locate(env, explicit);
  } catch (e) {
    if (e instanceof InventoryError) return e;
    throw e;
  }
  throw new Error('expected no inventory to be found');
}

describe('locateInventory', () => {
  it('prefers --inventory, relative to the working directory', () => {
    scenario({ cwd: true, xdg: true, system: true });
    const explicit = touch(join(cwd, 'sub', 'site.yaml'));
    expect(locate({ HWCTL_INVENTORY: join(xdg, 'hwctl', 'inventory.yaml') }, 'sub/site.yaml')).toBe(explicit);
  });

  it('then $HWCTL_INVENTORY', () => {
    scenario({ cwd: true, xdg: true, system: true });
    const fromEnv = touch(join(root, 'env.yaml'));
    expect(locate({ HWCTL_INVENTORY: fromEnv, XDG_CONFIG_HOME: xdg })).toBe(fromEnv);
  });

  it('then ./hwctl.yaml', () => {
    scenario({ cwd: true, xdg: true, system: true });
    expect(locate({ XDG_CONFIG_HOME: xdg })).toBe(join(cwd, 'hwctl.yaml'));
  });

  it('then $XDG_CONFIG_HOME/hwctl/inventory.yaml', () => {
    scenario({ xdg: true, home: true, system: true });
    expect(locate({ XDG_CONFIG_HOME: xdg })).toBe(join(xdg, 'hwctl', 'inventory.yaml'));
  });

  it('with XDG_CONFIG_HOME unset, empty or relative, ~/.config/hwctl/inventory.yaml', () => {
    scenario({ xdg: true, home: true, system: true });
    const expected = join(home, '.config', 'hwctl', 'inventory.yaml');
    expect(locate({})).toBe(expected);
    expect(locate({ XDG_CONFIG_HOME: '' })).toBe(expected);
    expect(locate({ XDG_CONFIG_HOME: 'relative/dir' })).toBe(expected);
  });

  it('then /etc/hwctl/inventory.yaml', () => {
    scenario({ system: true });
    expect(locate({ XDG_CONFIG_HOME: xdg })).toBe(system);
  });

  it('an empty HWCTL_INVENTORY or --inventory counts as not given', () => {
    scenario({ system: true });
    expect(locate({ HWCTL_INVENTORY: '' }, '')).toBe(system);
  });

  it('fails when a named file does not exist, saying where the name came from', () => {
    scenario({ cwd: true });
    expect(locateError({}, 'nope.yaml').message).toBe(
      `inventory file '${join(cwd, 'nope.yaml')}' (from --inventory) does not exist`,
    );
    expect(locateError({ HWCTL_INVENTORY: join(root, 'gone.yaml') }).message).toBe(
      `inventory file '${join(root, 'gone.yaml')}' (from $HWCTL_INVENTORY) does not exist`,
    );
    expect(locateError({}, root).message).toBe(
      `inventory file '${root}' (from --inventory) is not a regular file`,
    );
  });

  it('skips a directory where a file is expected', () => {
    scenario({ system: true });
    mkdirSync(join(cwd, 'hwctl.yaml'));
    try {
      expect(locate({})).toBe(system);
    } finally {
      rmSync(join(cwd, 'hwctl.yaml'), { recursive: true });
    }
  });

  it('lists every place it looked when there is no inventory', () => {
    scenario({});
    const message = locateError({ XDG_CONFIG_HOME: xdg }).message;
    expect(message.split('\n')).toEqual([
      'no inventory found; looked in:',
      `  ${join(cwd, 'hwctl.yaml')}  (./hwctl.yaml)`,
      `  ${join(xdg, 'hwctl', 'inventory.yaml')}  ($XDG_CONFIG_HOME/hwctl/inventory.yaml)`,
      `  ${system}  (system-wide)`,
      'Give one with --inventory FILE or HWCTL_INVENTORY=FILE (see docs/inventory.md).',
    ]);
    expect(locateError({}).message).toContain(
      `${join(home, '.config', 'hwctl', 'inventory.yaml')}  (~/.config/hwctl/inventory.yaml)`,
    );
  });

  it('uses /etc/hwctl/inventory.yaml as the system file by default', () => {
    scenario({});
    let outcome: string;
    try {
      outcome = locateInventory({ env: { HOME: home }, cwd }); // found only when this machine has one
    } catch (e) {
      outcome = (e as Error).message;
    }
    expect(outcome).toContain('/etc/hwctl/inventory.yaml');
  });
});
