import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InventoryError } from '../../src/core/errors.js';
import { loadInventory } from '../../src/inventory/index.js';

let dir: string;

function write(name: string, text: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

async function loadError(file: string): Promise<InventoryError> {
  try {
    await loadInventory(file);
  } catch (e) {
    if (e instanceof InventoryError) return e;
    throw e;
  }
  throw new Error('expected the load to fail');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwctl-load-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadInventory', () => {
  const INLINE =
    'nodes:\n  a:\n    bmc: x\n    password: Hunter2-Inline\n  b:\n    bmc: y\n    password: Other-Inline\n';

  it('warns about inline passwords in an inventory readable by others, without the passwords', async () => {
    const file = write('world.yaml', INLINE, 0o644);
    const inv = await loadInventory(file);
    expect(inv.warnings).toEqual([
      `${file}:4:15: inline password (and 1 more) in an inventory readable by others (permissions 0644); ` +
        `use password: {env: VAR} or {file: PATH}, or chmod o-r '${file}'`,
    ]);
    expect(inv.warnings.join('\n')).not.toMatch(/Hunter2|Other-Inline/);
  });

  it('does not warn when only the owner or the group can read it', async () => {
    expect((await loadInventory(write('group.yaml', INLINE, 0o640))).warnings).toEqual([]);
    expect((await loadInventory(write('owner.yaml', INLINE, 0o600))).warnings).toEqual([]);
  });

  it('does not warn about references in a world-readable inventory', async () => {
    const file = write('refs.yaml', 'nodes:\n  a: {bmc: x, password: {env: PW}}\n', 0o644);
    expect((await loadInventory(file)).warnings).toEqual([]);
  });

  it('checks that plugin modules exist, pointing at the list entry', async () => {
    write('acme.js', 'export {};\n');
    const ok = await loadInventory(
      write('plug.yaml', 'plugins: [./acme.js]\nnodes: {a: {bmc: x, mgt: acme}}\n'),
    );
    expect(ok.plugins).toEqual([join(dir, 'acme.js')]);
    const file = write('plug-missing.yaml', 'plugins:\n  - ./acme.js\n  - ./nope.js\nnodes: {}\n');
    expect((await loadError(file)).message).toBe(
      `${file}:3:5: plugin module '${join(dir, 'nope.js')}' does not exist or is not a file`,
    );
  });

  it('reports a missing or unreadable inventory file', async () => {
    const missing = join(dir, 'missing.yaml');
    expect((await loadError(missing)).message).toBe(`${missing}: cannot read inventory: no such file`);
    expect((await loadError(dir)).message).toBe(
      `${dir}: cannot read inventory: it is a directory, not a regular file`,
    );
  });

  it('passes parse errors through with their location', async () => {
    const file = write('bad.yaml', 'nodes:\n  a: {bmc: x, mgt: bogus}\n');
    const e = await loadError(file);
    expect(e.location).toEqual({ file, line: 2, col: 20 });
  });
});
