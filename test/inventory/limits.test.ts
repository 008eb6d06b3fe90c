/**
 * Inventories that ask for too much fail at once with exit 2 (InventoryError) and the file: a YAML
 * merge-key bomb, a mapping merged into itself, range keys defining too many nodes, a file too large
 * or not a regular file.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InventoryError } from '../../src/core/errors.js';
import { loadInventory } from '../../src/inventory/index.js';
import { FILE, parse, parseError } from './helpers.js';

/** 8 levels of `<<: [*a, …×10]`: 10^8 entries if every merge were copied out. */
function mergeBomb(): string {
  const lines = [
    'version: 1',
    'nodes:',
    '  n0: &a0 {bmc: 10.0.0.1, mgt: redfish, username: root, password: x}',
  ];
  for (let level = 1; level <= 8; level++) {
    lines.push(
      `  n${level}: &a${level} {<<: [${Array(10)
        .fill(`*a${level - 1}`)
        .join(', ')}]}`,
    );
  }
  return lines.join('\n') + '\n';
}

describe('inventory limits', () => {
  it('refuses a merge-key bomb in well under a second, naming the file and line', () => {
    const started = performance.now();
    const e = parseError(mergeBomb());
    expect(performance.now() - started).toBeLessThan(1000);
    expect(e.message).toMatch(
      /^\/inv\/hwctl\.yaml:8:\d+: node 'n5': merge keys \(<<\) expand to more than 100,000 entries/,
    );
  });

  it('still reads merges of merges of honest size, each source once', () => {
    const inv = parse(mergeBomb().split('\n').slice(0, 6).join('\n') + '\n');
    expect([...inv.nodes.keys()]).toEqual(['n0', 'n1', 'n2', 'n3']);
    expect(inv.nodes.get('n3')!.bmc).toBe('https://10.0.0.1');
  });

  it('refuses a mapping merged into itself', () => {
    expect(
      parseError('version: 1\ndefaults: &d {mgt: redfish, <<: *d}\nnodes: {n1: {bmc: h}}\n').message,
    ).toMatch(/^\/inv\/hwctl\.yaml:2:\d+: .*a mapping is merged into itself/);
  });

  it('counts the nodes of every range key before making any', () => {
    const keys = Array.from({ length: 20 }, (_, i) => `  n${i}[1-999999]: {bmc: 'h{n}'}`).join('\n');
    const started = performance.now();
    const e = parseError(`version: 1\ndefaults: {password: x}\nnodes:\n${keys}\n`);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(e).toBeInstanceOf(InventoryError);
    expect(e.message).toBe(`${FILE}:5:3: the node keys define more than 1,000,000 nodes (the limit)`);
  });

  describe('the file', () => {
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'hwctl-inventory-limits-'));
      writeFileSync(join(dir, 'big.yaml'), '');
      truncateSync(join(dir, 'big.yaml'), 16 * 1024 * 1024 + 1);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('must be a regular file of at most 16 MB', async () => {
      await expect(loadInventory('/dev/zero')).rejects.toThrow(
        '/dev/zero: cannot read inventory: it is a character device, not a regular file',
      );
      await expect(loadInventory(join(dir, 'big.yaml'))).rejects.toThrow(
        /big\.yaml: cannot read inventory: larger than 16,777,216 bytes$/,
      );
    });
  });
});
