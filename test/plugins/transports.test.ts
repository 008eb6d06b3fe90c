/**
 * Transports end to end through the built bin/hwctl against the simulator: the built-in `proxy` (a real
 * CONNECT proxy on loopback), `unix` (a real local agent on a Unix socket forwarding to the simulator)
 * and the example plugin transport `socks5` (a real SOCKS5 server), and the up-front validation of
 * `transport:`/`mgt:` that fails before any BMC is touched.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import { ROOT, runCli } from '../helpers/cli.js';
import {
  startConnectProxy,
  startSocks5,
  startUnixAgent,
  type ConnectProxy,
  type Socks5Server,
  type UnixAgent,
} from './servers.js';

let sim: Simulator;
let tmp: string;
let proxy: ConnectProxy;
let refusing: ConnectProxy;
let socks: Socks5Server;
let agent: UnixAgent;
let socket: string;
const SOCKS_PLUGIN = join(ROOT, 'examples', 'plugins', 'transport-socks5.mjs');

/** An inventory over the simulator's two BMCs (sim001 Redfish, sim002 OpenBMC) with `nodes` as given. */
function inventory(name: string, nodes: string, extra = ''): string {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(
    file,
    `defaults:
  username: ${sim.username}
  password: {file: ${sim.passwordFile}}
  tls: {mode: verify, ca: ${sim.caFile}}
${extra}nodes:
${nodes}`,
  );
  return file;
}

const R = () => sim.url('sim001');
const O = () => sim.url('sim002');
const port = (url: string) => /:(\d+)$/.exec(url)![1];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hwctl-transports-'));
  sim = await startSimulator({ nodes: 2, flavor: 'mixed', transitionMs: 40, adminPort: false });
  proxy = await startConnectProxy();
  refusing = await startConnectProxy({ refuse: 403 });
  socks = await startSocks5();
  socket = join(tmp, 'agent.sock');
  agent = await startUnixAgent(socket, readFileSync(sim.caFile!, 'utf8'));
});
afterAll(async () => {
  await Promise.all([proxy?.close(), refusing?.close(), socks?.close(), agent?.close()]);
  await sim?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('transport: proxy (HTTP CONNECT)', () => {
  it('reaches Redfish and OpenBMC BMCs through the proxy, TLS end to end', async () => {
    const inv = inventory(
      'proxy',
      `  r1: {bmc: '${R()}', mgt: redfish, transport: proxy}
  o1: {bmc: '${O()}', mgt: openbmc, transport: proxy}
`,
      `  proxy: ${proxy.url}\n`,
    );
    const r = await runCli(['-i', inv, 'rpower', 'all', 'stat']);
    expect(r.stderr).toMatch(/^2 nodes: 2 ok, 0 failed/);
    expect(r.stdout).toBe('o1: on\nr1: on\n'); // node order is natural order
    expect(r.code).toBe(0);
    expect(proxy.connects).toEqual(
      expect.arrayContaining([`127.0.0.1:${port(R())}`, `127.0.0.1:${port(O())}`]),
    );
    // The proxy relayed TLS records only: no request line, no credentials in the clear.
    const relayed = Buffer.concat(proxy.relayed).toString('latin1');
    expect(relayed.length).toBeGreaterThan(0);
    expect(relayed).not.toMatch(/GET \/|authorization|redfish\/v1/i);
    expect(relayed.charCodeAt(0)).toBe(0x16); // a TLS handshake record
  });

  it('a proxy that refuses CONNECT fails its nodes with the proxy named; the others go on', async () => {
    const inv = inventory(
      'refused',
      `  bad: {bmc: '${R()}', mgt: redfish, transport: proxy, proxy: '${refusing.url}'}
  good: {bmc: '${R()}', mgt: redfish}
`,
    );
    const r = await runCli(['-i', inv, 'rpower', 'all', 'stat']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('good: on\n');
    expect(r.stderr).toContain(`bad: Error: `);
    expect(r.stderr).toContain(`proxy ${refusing.url} refused CONNECT 127.0.0.1:${port(R())}: 403 Forbidden`);
    expect(refusing.connects).toContain(`127.0.0.1:${port(R())}`);
  });

  it('keeps certificate checks: a BMC not trusted through the proxy is a tls error', async () => {
    const inv = inventory(
      'untrusted',
      `  r1: {bmc: '${R()}', mgt: redfish, transport: proxy, proxy: '${proxy.url}', tls: verify}
`,
    );
    const r = await runCli(['-i', inv, 'rpower', 'r1', 'stat', '-o', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { results: Array<{ error?: { kind: string; message: string } }> };
    expect(doc.results[0]!.error).toMatchObject({ kind: 'tls' });
    expect(doc.results[0]!.error!.message).toContain('not trusted');
  });
});

describe('hwctl trust and tls: pin through a transport', () => {
  it('pins the certificate met through the proxy, then requests through it match the pin', async () => {
    const inv = inventory(
      'pin',
      `  r1: {bmc: '${R()}', mgt: redfish, transport: proxy, proxy: '${proxy.url}', tls: pin}
`,
    );
    const known = join(tmp, 'known_bmcs');
    proxy.connects.length = 0;
    const trust = await runCli(['-i', inv, '--known-bmcs', known, 'trust', 'r1']);
    expect(trust.code).toBe(0);
    expect(proxy.connects).toEqual([`127.0.0.1:${port(R())}`]);
    expect(readFileSync(known, 'utf8')).toContain(`127.0.0.1:${port(R())}`);
    const r = await runCli(['-i', inv, '--known-bmcs', known, 'rpower', 'r1', 'stat']);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: 'r1: on\n' });
    expect(proxy.connects.length).toBeGreaterThan(1);
  });
});

describe('transport: unix (local agent)', () => {
  it('sends each request to the agent socket, which reaches the BMC named by Host', async () => {
    const inv = inventory(
      'unix',
      `  u[1-2]: {bmc: '${R()}', mgt: redfish, transport: {name: unix, socket: '${tmp}/agent.sock'}}
  o1: {bmc: '${O()}', mgt: openbmc, transport: {name: unix, socket: '${join(tmp, '{name}')}.sock'}}
`,
    );
    const r = await runCli(['-i', inv, 'rpower', 'u[1-2]', 'stat']);
    expect(r.stdout).toBe('u1: on\nu2: on\n');
    expect(r.code).toBe(0);
    expect(agent.requests.some((l) => l.startsWith(`GET 127.0.0.1:${port(R())} /redfish/v1/`))).toBe(true);
    // The template rendered per node: o1's socket is tmp/o1.sock, which nobody serves.
    const o = await runCli(['-i', inv, 'rpower', 'o1', 'stat']);
    expect(o.code).toBe(1);
    expect(o.stderr).toContain(`local agent socket ${join(tmp, 'o1.sock')}: ENOENT (is the agent running?)`);
  });
});

describe('transport plugin: examples/plugins/transport-socks5.mjs', () => {
  it('is loaded by plugins: and carries both flavors through a real SOCKS5 server', async () => {
    const inv = inventory(
      'socks',
      `  s1: {bmc: '${R()}', mgt: redfish, groups: [remote]}
  s2: {bmc: '${O()}', mgt: openbmc, groups: [remote]}
  direct: {bmc: '${R()}', mgt: redfish}
`,
      `groups:\n  remote: {transport: {name: socks5, server: '${socks.address}'}}\nplugins: ['${SOCKS_PLUGIN}']\n`,
    );
    const r = await runCli(['-i', inv, 'rpower', 'all', 'stat']);
    expect(r.stdout).toBe('direct: on\ns1: on\ns2: on\n');
    expect(r.code).toBe(0);
    expect(socks.connects).toEqual(
      expect.arrayContaining([`127.0.0.1:${port(R())}`, `127.0.0.1:${port(O())}`]),
    );
    expect(socks.connects).toHaveLength(2); // `direct` did not go through it
    const nodels = await runCli(['-i', inv, 'nodels', 'all', 'transport']);
    expect(nodels.stdout).toBe('direct: https\ns1: socks5\ns2: socks5\n');
  });
});

describe('validation before any BMC is touched', () => {
  const cases: Array<[string, string, string, string]> = [
    [
      'an unknown transport of a plugin inventory',
      `  n[1-3]: {bmc: '${'{R}'}', transport: sock5}\n`,
      `plugins: ['${'{SOCKS}'}']\n`,
      "n[1-3]: transport 'sock5' is not known; known transports: https, proxy, unix, servicenode, socks5",
    ],
    [
      'a missing required option',
      `  n1: {bmc: '${'{R}'}', transport: unix}\n`,
      '',
      "n1: transport unix needs option 'socket' (path of the agent’s Unix socket)",
    ],
    [
      'an option the transport does not take',
      `  n1: {bmc: '${'{R}'}', transport: {name: unix, socket: /x, path: /y}}\n`,
      '',
      "n1: transport unix has no option 'path'; its options: socket",
    ],
    [
      'proxy without proxy:',
      `  n1: {bmc: '${'{R}'}', transport: proxy}\n`,
      '',
      'n1: transport proxy needs proxy: URL',
    ],
    [
      'proxy: on a direct node',
      `  n1: {bmc: '${'{R}'}', proxy: 'http://127.0.0.1:9'}\n`,
      '',
      'n1: proxy: is set but the node has no transport: (direct); set transport: proxy to use it',
    ],
    [
      'tls: pin behind a local agent',
      `  n1: {bmc: '${'{R}'}', tls: pin, transport: {name: unix, socket: /x}}\n`,
      '',
      'n1: tls: pin needs the BMC’s own certificate',
    ],
    [
      'the plugin transport’s own check',
      `  n1: {bmc: '${'{R}'}', transport: {name: socks5, server: nowhere}}\n`,
      `plugins: ['${'{SOCKS}'}']\n`,
      "n1: socks5 server 'nowhere' is not HOST:PORT",
    ],
    [
      'an unknown mgt of a plugin inventory',
      `  n1: {bmc: '${'{R}'}', mgt: toyjsn}\n`,
      `plugins: ['${'{SOCKS}'}']\n`,
      "n1: mgt 'toyjsn' is not a known protocol; known: redfish, openbmc, auto",
    ],
  ];
  it.each(cases)(
    '%s: exit 2, the nodes and the known names said, no request sent',
    async (name, nodes, extra, message) => {
      const fill = (t: string) => t.replaceAll('{R}', R()).replaceAll('{SOCKS}', SOCKS_PLUGIN);
      const inv = inventory(name.replace(/\W+/g, '-'), fill(nodes), fill(extra));
      const before = sim.stats().totalRequests;
      const r = await runCli(['-i', inv, 'rpower', 'all', 'stat']);
      expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
      expect(r.stderr).toContain(message);
      expect(sim.stats().totalRequests).toBe(before);
    },
  );

  it('without plugins, a transport name is checked as the inventory is read (file:line:col)', async () => {
    const inv = inventory('typo', `  n1: {bmc: '${R()}', transport: proxyy}\n`);
    const r = await runCli(['-i', inv, 'rpower', 'all', 'stat']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /typo\.yaml:\d+:\d+: node 'n1': transport is 'proxyy'; expected https \| proxy \| unix \| servicenode; did you mean 'proxy'\?/,
    );
  });
});
