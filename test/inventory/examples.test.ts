import { describe, expect, it } from '@jest/globals';
import { loadInventory, nodeAttribute } from '../../src/inventory/index.js';

describe('examples/hwctl.yaml', () => {
  it('loads a small site with groups, both flavors and both kinds of password reference', async () => {
    const inv = await loadInventory('examples/hwctl.yaml');
    expect(inv.warnings).toEqual([]);
    expect(inv.nodes.size).toBe(36);
    expect(inv.groups.get('rack01')).toHaveLength(17);
    expect(inv.groups.get('gpu')).toEqual(['gpu1', 'gpu2']);
    const cn20 = inv.nodes.get('cn20')!;
    expect(cn20).toMatchObject({
      bmc: 'https://10.10.0.20',
      mgt: 'openbmc',
      auth: 'basic',
      groups: ['compute', 'rack02'],
      attrs: { site: 'lab1', row: 'a', pdu: 'pdu-a2', u: '7' },
      timeouts: { connectMs: 5000, requestMs: 60000, loginMs: 20000 },
      password: { kind: 'env', name: 'HWCTL_BMC_PASSWORD' },
    });
    expect(inv.nodes.get('stor01')).toMatchObject({
      bmc: 'https://[fd00:10::51]',
      mgt: 'redfish',
      username: 'admin',
      password: { kind: 'file' },
    });
    expect(nodeAttribute(inv.nodes.get('mgmt01')!, 'tls')).toBe('pin');
    expect(nodeAttribute(inv.nodes.get('gpu2')!, 'system')).toBe('System.Embedded.1');
  });
});

describe('examples/fleet-10k.yaml', () => {
  it('defines 10,000 nodes with distinct computed BMC addresses and rack groups', async () => {
    const started = performance.now();
    const inv = await loadInventory('examples/fleet-10k.yaml');
    const elapsed = performance.now() - started;
    expect(inv.nodes.size).toBe(10_000);
    expect(new Set([...inv.nodes.values()].map((n) => n.bmc)).size).toBe(10_000);
    expect(inv.groups.get('compute')).toHaveLength(8192);
    expect(inv.groups.get('storage')).toHaveLength(1792);
    expect(inv.groups.get('login')).toHaveLength(16);
    expect(inv.groups.get('rack001')).toHaveLength(64);
    expect(inv.groups.get('rack128')).toEqual(expect.arrayContaining(['c8129', 'c8192']));
    expect(inv.groups.get('srack28')).toHaveLength(64);
    expect(inv.nodes.get('c0255')).toMatchObject({
      bmc: 'https://10.1.1.1',
      username: 'root',
      mgt: 'openbmc',
    });
    expect(inv.nodes.get('c4097')).toMatchObject({
      bmc: 'https://10.2.0.1',
      attrs: { hall: '2', slot: '01' },
    });
    expect(inv.nodes.get('s12n31')).toMatchObject({
      bmc: 'https://[fd00:2:c::1f]',
      groups: ['storage', 'hall2', 'srack12'],
      username: 's12n31-admin',
      timeouts: { connectMs: 3000, requestMs: 90_000 },
    });
    expect(inv.nodes.get('login16')).toMatchObject({
      bmc: 'https://login16-bmc.hall2.example:8443',
      tls: { mode: 'verify' },
    });
    // The budget is 300 ms in production (docs/inventory.md); under ts-jest on a shared machine allow slack,
    // but catch anything quadratic.
    expect(elapsed).toBeLessThan(3000);
  });
});

describe('docs/inventory.md', () => {
  it('has an opening example that parses and means what the text says', async () => {
    const { readFileSync } = await import('node:fs');
    const { parseInventory } = await import('../../src/inventory/index.js');
    const markdown = readFileSync('docs/inventory.md', 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(markdown)![1]!;
    const inv = parseInventory(block, 'docs/inventory.md');
    expect(inv.nodes.size).toBe(4097);
    expect(inv.nodes.get('node0300')).toMatchObject({
      bmc: 'https://10.1.1.44',
      groups: ['compute', 'rack05'],
    });
    expect(inv.nodes.get('mgmt01')).toMatchObject({ system: 'System.Embedded.1', mgt: 'redfish' });
    expect(inv.nodes.get('node0064')).toMatchObject({ mgt: 'openbmc', attrs: { site: 'dc1', row: 'a' } });
    expect(inv.nodes.get('node0065')).toMatchObject({ mgt: 'redfish', attrs: { site: 'dc1' } });
    expect(inv.warnings).toEqual([]);
  });
});
