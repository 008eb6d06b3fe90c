/**
 * Nodes that share one dead BMC address (it accepts TCP and never answers) must not queue behind each
 * other: each node's deadline holds whatever its neighbours do, and one connect timeout is not paid once
 * per node in turn. Through the real executable (dist/), timed from start to exit.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from './helpers.js';

let silent: net.Server;
const sockets = new Set<net.Socket>();
let inventory: string;
let port: number;

beforeAll(async () => {
  silent = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  port = (silent.address() as AddressInfo).port;
  inventory = join(tempDir(), 'dead.yaml');
  writeFileSync(
    inventory,
    [
      'defaults: {username: root, password: {env: HWCTL_TEST_PW}, tls: insecure}',
      'nodes:',
      ...['n1', 'n2', 'n3'].map((n) => `  ${n}: {bmc: "https://127.0.0.1:${port}", mgt: redfish}`),
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
});

async function rpowerStat(...flags: string[]) {
  const started = Date.now();
  const r = await runCli(['-i', inventory, 'rpower', 'all', 'stat', '-q', ...flags], {
    env: { HWCTL_TEST_PW: 'pw' },
  });
  return { ...r, seconds: (Date.now() - started) / 1000 };
}

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => /^n\d: Error: /.test(l));

describe('three nodes on one silent BMC address', () => {
  it('-t 3: every node times out on its own deadline, and the process exits at ≈3 s (was 8 s)', async () => {
    const r = await rpowerStat('-t', '3');
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual(
      ['n1', 'n2', 'n3'].map((n) => `${n}: Error: operation timed out after 3 s`),
    );
    expect(r.seconds).toBeLessThan(5);
  }, 20_000);

  it('--connect-timeout 1: one connect timeout for all, not one per node in turn (was 3 × 1 s)', async () => {
    const r = await rpowerStat('--connect-timeout', '1');
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual(
      ['n1', 'n2', 'n3'].map(
        (n) =>
          `${n}: Error: BMC did not respond. Validate BMC configuration and retry the command. (no connection to 127.0.0.1:${port} within 1 s)`,
      ),
    );
    expect(r.seconds).toBeLessThan(2.5);
  }, 20_000);
});
