/**
 * `mgt: auto` nodes probe their flavor with the run's settings: the same TLS flags, pin store, connect
 * timeout and --debug as the command's own requests (the probe used to read the inventory only, so
 * `-k` or `hwctl trust` did not help a self-signed BMC). Through the CLI pipeline against the simulator,
 * whose certificates chain to a CA the inventory does not name (self-signed from hwctl's point of view).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetKnownBmcsCache } from '../../src/bmc/known-bmcs.js';
import { startSimulator } from '../../src/sim/fleet.js';
import { rpower } from '../power/harness.js';
import { runCommand, useFleet } from '../helpers/sim-harness.js';
import { trustNodes } from '../../src/bmc/index.js';
import type { TrustResult } from '../../src/bmc/types.js';

const f = useFleet(async () => {
  const sim = await startSimulator({
    nodes: 2,
    flavor: 'mixed',
    personality: 'generic',
    adminPort: false,
    transitionMs: 50,
  });
  const redfish = sim.nodes.find((n) => n.flavor === 'redfish')!;
  const openbmc = sim.nodes.find((n) => n.flavor === 'openbmc')!;
  return { sim, redfish: redfish.name, openbmc: openbmc.name };
});

let dir: string;
let savedState: string | undefined;
/** The default pin store of this test file (XDG_STATE_HOME points into a temporary directory). */
let defaultStore: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwctl-auto-probe-'));
  savedState = process.env.XDG_STATE_HOME;
  process.env.XDG_STATE_HOME = join(dir, 'state');
  defaultStore = join(dir, 'state', 'hwctl', 'known_bmcs');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (savedState === undefined) delete process.env.XDG_STATE_HOME;
  else process.env.XDG_STATE_HOME = savedState;
});

/** An inventory of the fleet with every node `mgt: auto` and the given TLS mode, no CA. */
function inventory(tls: string, nodes: Record<string, string> = {}): string {
  const lines = [
    'defaults:',
    `  username: ${JSON.stringify(f.sim.username)}`,
    `  password: {file: ${JSON.stringify(f.sim.passwordFile)}}`,
    `  tls: ${tls}`,
    'nodes:',
    ...f.sim.nodes.map((n) => `  ${n.name}: {bmc: ${JSON.stringify(n.url)}}`),
    ...Object.entries(nodes).map(([name, bmc]) => `  ${name}: {bmc: ${JSON.stringify(bmc)}}`),
  ];
  const file = join(dir, `inventory-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const both = () => `${f.redfish},${f.openbmc}`;

describe('mgt: auto probes with the run settings', () => {
  it('without flags a self-signed BMC is refused (the baseline the flags fix)', async () => {
    const r = await rpower(inventory('verify'), both(), ['stat']);
    expect(r.code).toBe(1);
    expect(r.byNode.get(f.redfish)).toMatch(/^Error: TLS certificate of .* is not trusted/);
  });

  it('-k: the probe does not verify either, and the insecure warning is printed once', async () => {
    const r = await rpower(inventory('verify'), both(), ['stat'], { extra: { insecure: true } });
    expect(r.err.filter((l) => !l.startsWith('Warning:'))).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.byNode.get(f.redfish)).toBe('on');
    expect(r.byNode.get(f.openbmc)).toBe('on');
    expect(r.err.filter((l) => /tls: insecure/.test(l))).toHaveLength(1);
  });

  it('--tls insecure: same as -k for the probe', async () => {
    const r = await rpower(inventory('verify'), f.redfish, ['stat'], { extra: { tls: 'insecure' } });
    expect(r.code).toBe(0);
    expect(r.byNode.get(f.redfish)).toBe('on');
  });

  it('--ca FILE: the probe verifies against that bundle', async () => {
    const r = await rpower(inventory('verify'), both(), ['stat'], { extra: { ca: f.sim.caFile! } });
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.byNode.get(f.openbmc)).toBe('on');
  });

  it('--tls pin --known-bmcs FILE: `hwctl trust` pins, the probe checks that file (not the default store)', async () => {
    resetKnownBmcsCache();
    const known = join(dir, 'pins-ok');
    const inv = inventory('verify');
    const trusted = await runCommand<never, TrustResult>(
      inv,
      {
        command: 'trust',
        noderange: both(),
        defaultTimeoutMs: 30_000,
        execute: (nodes, o) => trustNodes(nodes, o),
        view: { text: (t) => [t.status] },
      },
      { extra: { knownBmcs: known } },
    );
    expect(trusted.code).toBe(0);
    const r = await rpower(inv, both(), ['stat'], { extra: { tls: 'pin', knownBmcs: known } });
    // Pinned by `trust`: no first-use warning (the probe would have pinned into another file).
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.byNode.get(f.redfish)).toBe('on');
    expect(existsSync(defaultStore)).toBe(false);
  });

  it('--known-bmcs FILE: a wrong pin in that file stops the probe, naming the file', async () => {
    resetKnownBmcsCache();
    const known = join(dir, 'pins-wrong');
    const host = new URL(f.sim.url(f.openbmc)).host;
    const pins = `${host} ${'AB:'.repeat(31)}AB ${f.openbmc}\n`;
    writeFileSync(known, pins);
    const r = await rpower(inventory('pin'), f.openbmc, ['stat'], { extra: { knownBmcs: known } });
    expect(r.code).toBe(1);
    expect(r.byNode.get(f.openbmc)).toContain(`has CHANGED since it was pinned`);
    expect(r.byNode.get(f.openbmc)).toContain(`(${known})`);
    expect(readFileSync(known, 'utf8')).toBe(pins);
    expect(existsSync(defaultStore)).toBe(false);
  });

  it("--debug shows the probe's requests, as curl with -k under -k", async () => {
    const r = await rpower(inventory('verify'), f.openbmc, ['stat'], {
      extra: { insecure: true, debug: true },
    });
    expect(r.code).toBe(0);
    const origin = f.sim.url(f.openbmc).replace(/\/$/, '');
    const debug = r.err.filter((l) => l.includes('[debug]'));
    // The probe asks the Redfish root first (an OpenBMC REST BMC answers 404), then the REST root.
    expect(debug.some((l) => l.includes(`curl -sS -k -X GET`) && l.includes(`${origin}/redfish/v1/`))).toBe(
      true,
    );
    expect(debug.some((l) => l.includes(`${origin}/xyz/openbmc_project/`))).toBe(true);
  });
});

describe('mgt: auto probe and --connect-timeout', () => {
  let server: net.Server;
  let port: number;
  const sockets = new Set<net.Socket>();
  beforeAll(async () => {
    // Accepts TCP and never answers the TLS handshake: only the connect timeout ends the probe.
    server = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('the probe gives up after --connect-timeout, not the default 5 s', async () => {
    const started = Date.now();
    const r = await rpower(inventory('verify', { silent: `https://127.0.0.1:${port}` }), 'silent', ['stat'], {
      extra: { connectTimeout: 0.3 },
    });
    expect(r.code).toBe(1);
    expect(r.byNode.get('silent')).toMatch(/no connection to 127\.0\.0\.1:\d+ within 0\.3 s/);
    expect(Date.now() - started).toBeLessThan(3000);
  }, 15_000);
});
