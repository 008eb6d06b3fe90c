/**
 * Real servers on loopback for the transport and protocol tests: an HTTP CONNECT proxy, a SOCKS5
 * server, a local agent (HTTP on a Unix socket that forwards to the BMC named by Host), and a "toy JSON"
 * BMC for the example protocol plugin. Each records what it saw, so tests assert the route taken.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { KeyCert } from '../bmc/certs.js';
import { closer } from '../helpers/closer.js';

export interface Closable {
  close(): Promise<void>;
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Pipe two sockets both ways; either end closing closes the other. */
function splice(a: net.Socket, b: net.Socket): void {
  a.pipe(b);
  b.pipe(a);
  const end = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', end).on('close', end);
  b.on('error', end).on('close', end);
}

export interface ConnectProxy extends Closable {
  url: string;
  /** `host:port` of each CONNECT, in order. */
  connects: string[];
  /** Bytes relayed from client to target: TLS records only (never a readable HTTP line). */
  relayed: Buffer[];
}

/** An HTTP CONNECT proxy. `refuse` answers that status instead of opening the tunnel. */
export async function startConnectProxy(opts: { refuse?: number } = {}): Promise<ConnectProxy> {
  const connects: string[] = [];
  const relayed: Buffer[] = [];
  const server = net.createServer((client) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.removeListener('data', onData);
      const m = /^CONNECT (\S+):(\d+) HTTP\/1\.1\r\n/.exec(head.toString('latin1'));
      if (!m) return void client.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
      connects.push(`${m[1]}:${m[2]}`);
      if (opts.refuse) return void client.end(`HTTP/1.1 ${opts.refuse} Forbidden\r\n\r\n`);
      const target = net.connect({ host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) }, () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        const rest = head.subarray(end + 4);
        if (rest.length) target.write(rest);
        client.on('data', (c: Buffer) => relayed.push(c));
        splice(client, target);
      });
      target.on('error', () => client.destroy());
    };
    client.on('data', onData);
    client.on('error', () => undefined);
  });
  const close = closer(server);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, connects, relayed, close };
}

export interface Socks5Server extends Closable {
  address: string;
  connects: string[];
}

/** A SOCKS5 server (RFC 1928): no authentication, CONNECT to IPv4 or a domain name. */
export async function startSocks5(): Promise<Socks5Server> {
  const connects: string[] = [];
  const server = net.createServer((client) => {
    let buf = Buffer.alloc(0);
    let stage: 'greeting' | 'request' = 'greeting';
    client.on('error', () => undefined);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (stage === 'greeting') {
        if (buf.length < 2 || buf.length < 2 + buf[1]!) return;
        const methods = buf.subarray(2, 2 + buf[1]!);
        buf = buf.subarray(2 + buf[1]!);
        if (!methods.includes(0)) return void client.end(Buffer.from([5, 0xff]));
        client.write(Buffer.from([5, 0]));
        stage = 'request';
      }
      if (buf.length < 5) return;
      let host: string;
      let at: number;
      if (buf[3] === 1) {
        if (buf.length < 10) return;
        host = [...buf.subarray(4, 8)].join('.');
        at = 8;
      } else if (buf[3] === 3) {
        if (buf.length < 7 + buf[4]!) return;
        host = buf.subarray(5, 5 + buf[4]!).toString('utf8');
        at = 5 + buf[4]!;
      } else {
        return void client.end(Buffer.from([5, 8, 0, 1, 0, 0, 0, 0, 0, 0]));
      }
      const port = buf.readUInt16BE(at);
      client.removeListener('data', onData);
      connects.push(`${host}:${port}`);
      const target = net.connect({ host, port }, () => {
        client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
        splice(client, target);
      });
      target.on('error', () => client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])));
    };
    client.on('data', onData);
  });
  const close = closer(server);
  const port = await listen(server);
  return { address: `127.0.0.1:${port}`, connects, close };
}

export interface UnixAgent extends Closable {
  /** `METHOD host path (auth: yes|no)` of each request the agent forwarded. */
  requests: string[];
}

/**
 * A local agent: HTTP on a Unix socket, each request forwarded over HTTPS (trusting `ca`) to the BMC its
 * Host header names, the answer streamed back.
 */
export async function startUnixAgent(path: string, ca: string): Promise<UnixAgent> {
  const requests: string[] = [];
  const keepAlive = new https.Agent({ keepAlive: true, ca });
  const server = http.createServer((req, res) => {
    requests.push(
      `${req.method} ${req.headers.host} ${req.url} (auth: ${req.headers.authorization || req.headers['x-auth-token'] ? 'yes' : 'no'})`,
    );
    const [host, port] = [
      req.headers.host!.replace(/:\d+$/, ''),
      /:(\d+)$/.exec(req.headers.host!)?.[1] ?? '443',
    ];
    const up = https.request(
      { host, port: Number(port), method: req.method, path: req.url, headers: req.headers, agent: keepAlive },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    up.on('error', () => {
      res.writeHead(502).end();
    });
    req.pipe(up);
  });
  const close = closer(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    requests,
    close: async () => {
      keepAlive.destroy();
      await close();
    },
  };
}

export interface ToyBmc extends Closable {
  url: string;
  power: 'on' | 'off';
  /** `METHOD path (basic: user)` of each request. */
  requests: string[];
}

/** A BMC speaking the "toy JSON" API of examples/plugins/protocol-toyjson.mjs, over HTTPS. */
export async function startToyBmc(kc: KeyCert, user: string, password: string): Promise<ToyBmc> {
  const expected = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
  const toy: ToyBmc = { url: '', power: 'off', requests: [], close: async () => undefined };
  const server = https.createServer({ key: kc.key, cert: kc.cert }, (req, res) => {
    const auth = req.headers.authorization;
    const who = auth
      ? Buffer.from(auth.replace(/^Basic /, ''), 'base64')
          .toString()
          .split(':')[0]
      : 'none';
    toy.requests.push(`${req.method} ${req.url} (basic: ${who})`);
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (auth !== expected) return send(401, { error: 'unauthorized' });
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/toy/v1/power') return send(200, { power: toy.power });
      if (req.method === 'GET' && req.url === '/toy/v1/bmc') return send(200, { state: 'ready' });
      if (req.method === 'POST' && req.url === '/toy/v1/power') {
        const want = (JSON.parse(text) as { power: string }).power;
        toy.power = want === 'on' ? 'on' : 'off';
        return send(202);
      }
      send(404, { error: 'not found' });
    });
  });
  toy.close = closer(server);
  toy.url = `https://127.0.0.1:${await listen(server)}`;
  return toy;
}
