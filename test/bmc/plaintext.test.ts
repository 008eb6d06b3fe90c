/**
 * The transport's own guard on plain HTTP, for nodes that did not come through the inventory (plugins,
 * library use): an `http://` BMC without `tls: plaintext` is a `tls` node error before any connection,
 * `tls: plaintext` on an `https://` BMC too; allowed plain HTTP is warned about once per run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeError } from '../../src/core/errors.js';
import type { NodeDef } from '../../src/core/types.js';
import { BmcTransport } from '../../src/bmc/http.js';
import { resolveSettings } from '../../src/bmc/options.js';
import { unpatchHttp } from '../helpers/nock-harness.js';
import { recordingServices, testNode, type RecordingServices } from './helpers.js';

unpatchHttp();

let server: http.Server;
let requests = 0;
let url: string;
beforeAll(async () => {
  server = http.createServer((_req, res) => {
    requests++;
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function transport(node: NodeDef, services: RecordingServices): BmcTransport {
  return new BmcTransport({ node, settings: resolveSettings(node, services.options), services });
}

function thrown(fn: () => unknown): NodeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof NodeError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('BmcTransport and plain HTTP', () => {
  it('refuses http:// without tls: plaintext, whatever the flags, before connecting', () => {
    for (const options of [{}, { tls: 'pin' }, { insecure: true }]) {
      const services = recordingServices(options);
      const e = thrown(() => transport(testNode({ bmc: url, tls: { mode: 'pin' } }), services));
      expect(e.kind).toBe('tls');
      expect(e.message).toBe(
        `Refusing plain HTTP to ${url}: the BMC password would cross the network in clear text; set tls: plaintext for this node to allow it`,
      );
    }
    expect(requests).toBe(0);
  });

  it('refuses tls: plaintext on an https:// BMC (it would otherwise check no certificate)', () => {
    const e = thrown(() =>
      transport(testNode({ bmc: 'https://127.0.0.1:1', tls: { mode: 'plaintext' } }), recordingServices()),
    );
    expect(e.kind).toBe('tls');
    expect(e.message).toBe('tls: plaintext is only for http:// BMCs, not https://127.0.0.1:1');
  });

  it('with tls: plaintext: requests go out, and one warning per run however many nodes', async () => {
    const services = recordingServices();
    for (const name of ['n1', 'n2', 'n3']) {
      const t = transport(testNode({ name, bmc: url, tls: { mode: 'plaintext' } }), services);
      expect((await t.request({ method: 'GET', path: '/redfish/v1/' })).status).toBe(200);
      t.release();
    }
    expect(requests).toBe(3);
    expect(services.warnings).toEqual([
      'Plain HTTP (tls: plaintext) to the BMC of n1 and possibly other nodes: the BMC password and session tokens ' +
        'cross the network in clear text and the BMC identity is not checked (docs/security.md)',
    ]);
    // Another run (other services) is warned again.
    const next = recordingServices();
    transport(testNode({ bmc: url, tls: { mode: 'plaintext' } }), next).release();
    expect(next.warnings).toHaveLength(1);
  });
});
