/**
 * `http://` BMCs: refused before any BMC is touched unless the inventory says `tls: plaintext`, and then
 * warned about once per run. Through the CLI pipeline against a plain-HTTP simulator, and the real bin.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InventoryError } from '../../src/core/errors.js';
import { startSimulator } from '../../src/sim/fleet.js';
import { runCli } from '../helpers/cli.js';
import { useFleet } from '../helpers/sim-harness.js';
import { rpower } from '../power/harness.js';

const f = useFleet(async () => ({
  sim: await startSimulator({
    nodes: 3,
    http: true,
    flavor: 'mixed',
    personality: 'generic',
    adminPort: false,
  }),
}));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwctl-plaintext-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fleet's inventory with `tls` written as given (or not at all). */
function inventory(tls: string | undefined, name: string): string {
  const lines = [
    'defaults:',
    `  username: ${JSON.stringify(f.sim.username)}`,
    `  password: {file: ${JSON.stringify(f.sim.passwordFile)}}`,
    ...(tls ? [`  tls: ${tls}`] : []),
    'nodes:',
    ...f.sim.nodes.map((n) => `  ${n.name}: {bmc: ${JSON.stringify(n.url)}}`),
  ];
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('plain-HTTP BMCs', () => {
  it('without tls: plaintext: an inventory error naming the node and the line, and no request sent', async () => {
    for (const tls of [undefined, 'pin', 'verify', 'insecure']) {
      f.sim.admin.resetStats();
      const inv = inventory(tls, `refused-${tls ?? 'none'}`);
      const run = rpower(inv, 'all', ['stat'], { extra: { insecure: true } });
      await expect(run).rejects.toThrow(InventoryError);
      await expect(run).rejects.toThrow(
        new RegExp(
          `^${inv.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: node 'sim001': bmc 'http://127\\.0\\.0\\.1:\\d+' is plain HTTP: ` +
            'the BMC password would cross the network in clear text\\. Use https://, or allow it explicitly with tls: plaintext',
        ),
      );
      expect(f.sim.stats().totalRequests).toBe(0);
    }
  });

  it('the real command exits 2 with that message', async () => {
    const r = await runCli(['-i', inventory(undefined, 'bin'), 'rpower', 'all', 'stat']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/node 'sim001': bmc 'http:\/\/127\.0\.0\.1:\d+' is plain HTTP/);
    expect(r.stdout).toBe('');
  });

  it('with tls: plaintext: every node works (mgt: auto probe included), one warning for the whole run', async () => {
    const r = await rpower(inventory('plaintext', 'allowed'), 'all', ['stat']);
    expect(r.code).toBe(0);
    for (const n of f.sim.nodes) expect(r.byNode.get(n.name)).toBe('on');
    const warnings = r.err.filter((l) => l.startsWith('Warning:'));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Warning: Plain HTTP \(tls: plaintext\) to the BMC of sim00\d and possibly other nodes: the BMC password and session tokens cross the network in clear text/,
      ),
    ]);
    expect(r.err).toEqual(warnings);
  });

  it('tls: plaintext on an https:// BMC is an inventory error too', async () => {
    const file = join(dir, 'https-plaintext.yaml');
    writeFileSync(file, 'defaults:\n  tls: plaintext\nnodes:\n  n1: {bmc: 10.0.0.1}\n');
    await expect(rpower(file, 'n1', ['stat'])).rejects.toThrow(
      `${file}:4:13: node 'n1': tls: plaintext is only for http:// BMCs, and bmc 'https://10.0.0.1' is HTTPS: give this node tls: verify, pin or insecure`,
    );
  });
});
