/**
 * An example transport plugin (docs/plugins.md): reach BMCs through a SOCKS5 server (RFC 1928, no
 * authentication), e.g. `ssh -D 1080 jumphost` or a site's SOCKS gateway into the management network.
 *
 *   plugins: [./transport-socks5.mjs]
 *   groups:
 *     remote: {transport: {name: socks5, server: '127.0.0.1:1080'}}
 *
 * A transport hands hwctl a byte stream to the BMC's host and port; hwctl runs TLS over it, so the
 * BMC's certificate is checked (tls: verify or pin) end to end and the SOCKS server, like this plugin,
 * only ever carries ciphertext. The plugin is never given credentials: `connect()` gets the target and
 * the node's transport options only.
 */
import net from 'node:net';

const REPLIES = {
  1: 'general failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

/** `host:port` or `[v6]:port` → {host, port}; undefined when it is neither. */
function parseServer(text) {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text ?? '');
  if (!m) return undefined;
  const port = Number(m[3]);
  return port >= 1 && port <= 65535 ? { host: m[1] ?? m[2], port } : undefined;
}

/** The CONNECT request: the BMC as an IPv4/IPv6 address or a domain name (resolved by the server). */
function connectRequest({ host, port }) {
  let addr;
  if (net.isIPv4(host)) addr = Buffer.from([1, ...host.split('.').map(Number)]);
  else if (net.isIPv6(host)) {
    const full = new URL(`http://[${host}]`).hostname.slice(1, -1);
    const groups = full.includes('::') ? expandV6(full) : full.split(':');
    addr = Buffer.from([4, ...groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 255])]);
  } else {
    const name = Buffer.from(host, 'utf8');
    if (name.length > 255) throw new Error(`host name too long for SOCKS5: ${host}`);
    addr = Buffer.concat([Buffer.from([3, name.length]), name]);
  }
  return Buffer.concat([Buffer.from([5, 1, 0]), addr, Buffer.from([port >> 8, port & 255])]);
}

function expandV6(text) {
  const [a, b] = text.split('::');
  const left = a ? a.split(':') : [];
  const right = b ? b.split(':') : [];
  return [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
}

/** Read exactly what the SOCKS handshake needs from the socket, then hand the socket over as is. */
function handshake(sock, target, server) {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let stage = 'method';
    const fail = (message) => {
      cleanup();
      sock.destroy();
      reject(Object.assign(new Error(`SOCKS5 ${server}: ${message}`), { code: 'ERR_SOCKS5' }));
    };
    const cleanup = () => {
      sock.removeListener('data', onData);
      sock.removeListener('error', onError);
      sock.removeListener('close', onClose);
    };
    const onError = (e) => fail(e.code ?? e.message);
    const onClose = () => fail('closed the connection during the handshake');
    const onData = (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (stage === 'method') {
        if (buf.length < 2) return;
        if (buf[0] !== 5 || buf[1] !== 0)
          return fail('no acceptable authentication method (this plugin offers none)');
        buf = buf.subarray(2);
        stage = 'reply';
        sock.write(connectRequest(target));
      }
      if (stage === 'reply') {
        if (buf.length < 5) return;
        if (buf[0] !== 5) return fail('not a SOCKS5 reply');
        if (buf[1] !== 0)
          return fail(`CONNECT ${target.host}:${target.port}: ${REPLIES[buf[1]] ?? `reply ${buf[1]}`}`);
        const len = buf[3] === 1 ? 10 : buf[3] === 4 ? 22 : buf[3] === 3 ? 7 + buf[4] : -1;
        if (len < 0) return fail('bad address type in reply');
        if (buf.length < len) return;
        cleanup();
        const rest = buf.subarray(len);
        if (rest.length > 0) sock.unshift(rest);
        sock.on('error', () => undefined); // until hwctl's TLS takes the socket over
        resolve(sock);
      }
    };
    sock.on('data', onData);
    sock.once('error', onError);
    sock.once('close', onClose);
    sock.write(Buffer.from([5, 1, 0])); // version 5, one method: no authentication
  });
}

export default function register(api) {
  if (typeof api.registerTransport !== 'function') {
    throw new Error('this plugin needs hwctl plugin API v1 with registerTransport (hwctl 0.2 or later)');
  }
  api.registerTransport({
    name: 'socks5',
    summary: 'through a SOCKS5 server (no authentication); TLS end to end',
    options: { server: { required: true, summary: 'the SOCKS5 server, HOST:PORT' } },
    check: (node) =>
      parseServer(node.options.server)
        ? undefined
        : `socks5 server '${node.options.server}' is not HOST:PORT`,
    connect(target, ctx) {
      const server = parseServer(ctx.options.server);
      const sock = net.connect(server);
      const onAbort = () => sock.destroy(new Error('aborted'));
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      return new Promise((resolve, reject) => {
        sock.once('connect', () => handshake(sock, target, ctx.options.server).then(resolve, reject));
        sock.once('error', (e) =>
          reject(
            Object.assign(new Error(`SOCKS5 ${ctx.options.server}: ${e.code ?? e.message}`), {
              code: 'ERR_SOCKS5',
            }),
          ),
        );
      }).finally(() => ctx.signal?.removeEventListener('abort', onAbort));
    },
  });
}
