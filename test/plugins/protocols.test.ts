/**
 * Protocol plugins end to end through the built bin/hwctl: the example examples/plugins/protocol-toyjson.mjs
 * against a real "toy JSON" BMC over HTTPS, alone and combined with transports (the built-in proxy,
 * the example socks5 plugin); plugin executors never see the password.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestCa } from '../bmc/certs.js';
import { ROOT, runCli } from '../helpers/cli.js';
import {
  startConnectProxy,
  startSocks5,
  startToyBmc,
  type ConnectProxy,
  type Socks5Server,
  type ToyBmc,
} from './servers.js';

const TOY = join(ROOT, 'examples', 'plugins', 'protocol-toyjson.mjs');
const SOCKS = join(ROOT, 'examples', 'plugins', 'transport-socks5.mjs');
const PASSWORD = 'toy-s3cret-pw';
const env = { TOY_PW: PASSWORD };

let tmp: string;
let caFile: string;
let toy: ToyBmc;
let proxy: ConnectProxy;
let socks: Socks5Server;

function inventory(name: string, body: string): string {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(
    file,
    `defaults:
  username: admin
  password: {env: TOY_PW}
  tls: {mode: verify, ca: ${caFile}}
  mgt: toyjson
${body}`,
  );
  return file;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hwctl-protocols-'));
  const ca = await TestCa.create();
  caFile = join(tmp, 'ca.pem');
  writeFileSync(caFile, ca.cert);
  toy = await startToyBmc(await ca.leaf(['127.0.0.1']), 'admin', PASSWORD);
  proxy = await startConnectProxy();
  socks = await startSocks5();
});
afterAll(async () => {
  await Promise.all([toy?.close(), proxy?.close(), socks?.close()]);
  rmSync(tmp, { recursive: true, force: true });
});

describe('protocol plugin: examples/plugins/protocol-toyjson.mjs', () => {
  it('rpower stat / on / off / bmcstate on a toy JSON BMC, credentials added by hwctl', async () => {
    const inv = inventory('toy', `plugins: ['${TOY}']\nnodes:\n  toy1: {bmc: '${toy.url}'}\n`);
    toy.power = 'off';
    const stat = await runCli(['-i', inv, 'rpower', 'toy1', 'stat'], { env });
    expect({ code: stat.code, stdout: stat.stdout }).toEqual({ code: 0, stdout: 'toy1: off\n' });
    const on = await runCli(['-i', inv, 'rpower', 'toy1', 'on', '-o', 'json'], { env });
    expect(on.code).toBe(0);
    const doc = JSON.parse(on.stdout) as { results: Array<{ value: Record<string, unknown> }> };
    expect(doc.results[0]!.value).toMatchObject({ state: 'on', changed: true, action: 'on' });
    expect(toy.power).toBe('on');
    // rpower on a node that is on sends nothing: the manager's logic applies to plugin protocols too.
    toy.requests.length = 0;
    const again = await runCli(['-i', inv, 'rpower', 'toy1', 'on'], { env });
    expect(again.stdout).toBe('toy1: on\n');
    expect(toy.requests).toEqual(['GET /toy/v1/power (basic: admin)']);
    const bmc = await runCli(['-i', inv, 'rpower', 'toy1', 'bmcstate'], { env });
    expect(bmc.stdout).toBe('toy1: BMC Ready\n');
  });

  it('a wrong password is the node’s auth error; --debug never shows the password', async () => {
    const inv = inventory(
      'debug',
      `plugins: ['${TOY}']\nnodes:\n  toy1: {bmc: '${toy.url}'}\n  toy2: {bmc: '${toy.url}'}\n`,
    );
    const good = await runCli(['-i', inv, 'rpower', 'toy1', 'stat', '--debug'], { env });
    expect(good.code).toBe(0);
    expect(good.stderr).toContain('GET');
    expect(good.stderr).not.toContain(PASSWORD);
    expect(good.stderr).not.toContain(Buffer.from(`admin:${PASSWORD}`).toString('base64'));
    const bad = await runCli(['-i', inv, 'rpower', 'all', 'stat'], { env: { TOY_PW: 'wrong' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('toy1: Error: [401] Invalid username or password');
    expect(bad.stderr).toContain('toy2: Error: [401] Invalid username or password');
  });

  it('combines with transports: the built-in proxy and the socks5 plugin transport', async () => {
    const inv = inventory(
      'combined',
      `plugins: ['${TOY}', '${SOCKS}']
nodes:
  viaproxy: {bmc: '${toy.url}', transport: proxy, proxy: '${proxy.url}'}
  viasocks: {bmc: '${toy.url}', transport: {name: socks5, server: '${socks.address}'}}
`,
    );
    toy.power = 'on';
    const r = await runCli(['-i', inv, 'rpower', 'all', 'stat'], { env });
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
      code: 0,
      stdout: 'viaproxy: on\nviasocks: on\n',
      stderr: expect.stringMatching(/^2 nodes: 2 ok/),
    });
    const port = /:(\d+)$/.exec(toy.url)![1];
    expect(proxy.connects).toContain(`127.0.0.1:${port}`);
    expect(socks.connects).toContain(`127.0.0.1:${port}`);
  });

  it('a capability the protocol lacks is unsupported for its nodes only', async () => {
    const inv = inventory('lacks', `plugins: ['${TOY}']\nnodes:\n  toy1: {bmc: '${toy.url}'}\n`);
    const r = await runCli(['-i', inv, 'rsetboot', 'toy1', 'stat'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'toy1: Error: boot is not supported for mgt=toyjson (supported: redfish, openbmc)',
    );
  });
});

describe('what a plugin is handed', () => {
  it('protocol executors get no password: not ctx.password, not the node’s password reference', async () => {
    const plugin = join(tmp, 'peek.mjs');
    writeFileSync(
      plugin,
      `export default function (api) {
  api.registerProtocol({ name: 'peek', executors: { power: {
    capability: 'power', flavor: 'peek',
    async getState(_a, ctx) {
      const seen = [typeof ctx.password, 'password' in ctx, 'password' in ctx.node, JSON.stringify(ctx).includes('${PASSWORD}')];
      return { phase: 'on', display: seen.join(',') };
    },
    async setState() { return { sent: 'x' }; },
    async getBmcState() { return { ready: true, display: 'BMC Ready' }; },
    async rebootBmc() { return { sent: 'x' }; },
  } } });
  api.registerExecutor('power', 'peekv1', {
    capability: 'power', flavor: 'peekv1',
    async getState(_a, ctx) { return { phase: 'on', display: String(ctx.password === '${PASSWORD}') }; },
    async setState() { return { sent: 'x' }; },
    async getBmcState() { return { ready: true, display: 'BMC Ready' }; },
    async rebootBmc() { return { sent: 'x' }; },
  });
}
`,
    );
    const inv = join(tmp, 'peek.yaml');
    writeFileSync(
      inv,
      `plugins: ['${plugin}']
nodes:
  a: {bmc: 'a.invalid', mgt: peek, username: u, password: '${PASSWORD}'}
  b: {bmc: 'b.invalid', mgt: peekv1, username: u, password: {env: TOY_PW}}
`,
    );
    const r = await runCli(['-i', inv, 'rpower', 'all', 'stat'], { env });
    expect(r.code).toBe(0);
    // registerProtocol: nothing; registerExecutor (v1, kept compatible): the password, as before.
    expect(r.stdout).toBe('a: undefined,false,false,false\nb: true\n');
  });

  it('a plugin may not replace a built-in transport or protocol, nor register an agent transport', async () => {
    const cases: Array<[string, string]> = [
      ["api.registerTransport({ name: 'https', connect() {} })", "'https' is a built-in transport"],
      [
        "api.registerTransport({ name: 'mine', kind: 'agent', connect() {} })",
        'a plugin transport is a stream (hwctl runs TLS over it)',
      ],
      ["api.registerTransport({ name: 'mine' })", 'connect(target, ctx) is missing'],
      ["api.registerProtocol({ name: 'redfish', executors: { power: {} } })", "'redfish' is built in"],
      ["api.registerProtocol({ name: 'x', executors: { flash: {} } })", "'flash' is not a capability"],
    ];
    for (const [call, message] of cases) {
      const plugin = join(tmp, 'bad.mjs');
      writeFileSync(plugin, `export default function (api) { ${call}; }\n`);
      const inv = join(tmp, 'bad.yaml');
      writeFileSync(inv, `plugins: ['${plugin}']\nnodes:\n  a: {bmc: 'a.invalid', mgt: redfish}\n`);
      const r = await runCli(['-i', inv, 'rpower', 'all', 'stat']);
      expect({ call, code: r.code }).toEqual({ call, code: 2 });
      expect(r.stderr).toContain(`cannot load plugin ${plugin}`);
      expect(r.stderr).toContain(message);
    }
  });
});
