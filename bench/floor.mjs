// The platform's floor for `rpower all stat` (run by bench/run.mjs as a child, like hwctl): the very
// requests hwctl makes for a Redfish node — service root, session login, Systems, the System, logout — in
// sequence over one keep-alive TLS connection per BMC, the same fan-out and CA, but none of hwctl's
// engine, and with Node's own https (`--client https`) or got used directly: its promise interface
// (`--client got`) or its stream interface as hwctl calls it (`--client got-stream`). What
// hwctl costs beyond these two is its own overhead; what these cost is Node's TLS and HTTP (and got).
//
//   HWCTL_FLOOR_FLEET=<json file: { hosts: ["127.0.0.1:port"...], ca, username, passwordFile }>
//   node bench/floor.mjs --client https|got|got-stream --fanout 64 [--one-get]
//
// --one-get: the floor of a warm `rpower stat --auth basic` (issue 16): one connection and one GET of the
// System per BMC (Basic auth, its path known), nothing else.
import https from 'node:https';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import got from 'got';
import pMap from 'p-map';
import { exchange } from '../dist/bmc/http.js';

const { values: opt } = parseArgs({
  options: {
    client: { type: 'string', default: 'https' },
    fanout: { type: 'string', default: '64' },
    'one-get': { type: 'boolean', default: false },
  },
});
const fleet = JSON.parse(readFileSync(process.env.HWCTL_FLOOR_FLEET, 'utf8'));
const password = readFileSync(fleet.passwordFile, 'utf8').trim();
const secureContext = tls.createSecureContext({ ca: readFileSync(fleet.ca, 'utf8') });

/** The options hwctl gives got for a request (src/bmc/http.ts). */
const gotOptions = (agent, method, headers, body) => ({
  method,
  headers,
  body,
  agent: { https: agent },
  timeout: { request: 30_000 },
  retry: { limit: 0 },
  throwHttpErrors: false,
  followRedirect: false,
});

/** One request: { status, headers, text }. */
const clients = {
  https: (agent, host, method, path, headers, body) =>
    new Promise((resolve, reject) => {
      const [hostname, port] = host.split(':');
      const req = https.request({ hostname, port, method, path, headers, agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
      });
      req.on('error', reject);
      req.end(body);
    }),
  got: (agent, host, method, path, headers, body) =>
    got(`https://${host}${path}`, { ...gotOptions(agent, method, headers, body), responseType: 'text' }).then(
      (r) => ({ status: r.statusCode, headers: r.headers, text: r.body }),
    ),
  // got's stream interface, through hwctl's own request function (src/bmc/http.ts `exchange`)
  'got-stream': (agent, host, method, path, headers, body) =>
    exchange(`https://${host}${path}`, gotOptions(agent, method, headers, body)),
};
const send = clients[opt.client];
if (!send) throw new Error(`--client https|got|got-stream, not ${opt.client}`);

let failed = 0;
await pMap(
  fleet.hosts,
  async (host) => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, secureContext });
    const base = { accept: 'application/json', 'user-agent': 'hwctl-floor' };
    try {
      if (opt['one-get']) {
        const basic = 'Basic ' + Buffer.from(`${fleet.username}:${password}`).toString('base64');
        const res = await send(agent, host, 'GET', fleet.system, { ...base, authorization: basic });
        if (typeof JSON.parse(res.text).PowerState !== 'string') throw new Error('no PowerState');
        return;
      }
      await send(agent, host, 'GET', '/redfish/v1/', base);
      const body = JSON.stringify({ UserName: fleet.username, Password: password });
      const login = await send(
        agent,
        host,
        'POST',
        '/redfish/v1/SessionService/Sessions',
        {
          ...base,
          'content-type': 'application/json',
        },
        body,
      );
      const auth = { ...base, 'x-auth-token': login.headers['x-auth-token'] };
      try {
        const systems = JSON.parse((await send(agent, host, 'GET', '/redfish/v1/Systems', auth)).text);
        const system = JSON.parse(
          (await send(agent, host, 'GET', systems.Members[0]['@odata.id'], auth)).text,
        );
        if (typeof system.PowerState !== 'string') throw new Error('no PowerState');
      } finally {
        await send(agent, host, 'DELETE', login.headers.location, auth);
      }
    } catch {
      failed++;
    } finally {
      agent.destroy();
    }
  },
  { concurrency: Number(opt.fanout) },
);
process.exitCode = failed ? 1 : 0;
