/**
 * The `proxy` transport: a tunnel through an HTTP(S) proxy with CONNECT (RFC 9110 §9.3.6). The proxy
 * relays bytes only; TLS to the BMC runs inside the tunnel, so the proxy sees neither credentials nor
 * answers, and the BMC's certificate is checked as on a direct connection.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { TransportContext, TransportTarget } from './transport.js';

/** A proxy's answer head larger than this is not a proxy talking. */
const MAX_HEAD = 16 * 1024;

/** Errors of the proxy leg, told apart from the BMC's own (a refusal by the proxy is not the BMC's). */
export const PROXY_ERROR = 'ERR_HWCTL_PROXY';

/** No `cause`: the node's message is built from the innermost error, which would lose the proxy's name. */
function proxyError(message: string): Error {
  return Object.assign(new Error(message), { code: PROXY_ERROR });
}

/** The proxy's URL parts; the inventory has checked the URL (scheme, no path, no credentials). */
function proxyAddress(url: string): { secure: boolean; host: string; port: number } {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  return {
    secure,
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : secure ? 443 : 80,
  };
}

export function proxyConnect(target: TransportTarget, ctx: TransportContext): Promise<Duplex> {
  if (ctx.proxy === undefined) return Promise.reject(proxyError('transport proxy needs proxy: URL'));
  const proxy = ctx.proxy;
  const p = proxyAddress(proxy);
  const authority = net.isIPv6(target.host)
    ? `[${target.host}]:${target.port}`
    : `${target.host}:${target.port}`;
  return new Promise((resolve, reject) => {
    const sock: net.Socket = p.secure
      ? tls.connect({ host: p.host, port: p.port, ...(net.isIP(p.host) ? {} : { servername: p.host }) })
      : net.connect({ host: p.host, port: p.port });
    let head = Buffer.alloc(0);
    let done = false;
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      sock.removeListener('data', onData);
      sock.removeListener('error', onError);
      sock.removeListener('close', onClose);
      ctx.signal?.removeEventListener('abort', onAbort);
      if (err) {
        sock.destroy();
        reject(err);
      } else {
        sock.on('error', () => undefined); // until HTTP attaches its own listener
        resolve(sock);
      }
    };
    const onError = (e: Error) =>
      finish(proxyError(`proxy ${proxy}: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
    const onClose = () => finish(proxyError(`proxy ${proxy} closed the connection before answering CONNECT`));
    const onAbort = () => finish(Object.assign(new Error('aborted while connecting'), { code: 'ABORT_ERR' }));
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEAD) finish(proxyError(`proxy ${proxy} sent an answer head over 16 KiB`));
        return;
      }
      const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
      if (!m)
        return finish(
          proxyError(`proxy ${proxy} did not answer CONNECT with HTTP (${statusLine.slice(0, 60)})`),
        );
      const status = Number(m[1]);
      if (status < 200 || status > 299) {
        const hint = status === 407 ? ' (it wants authentication, which hwctl does not send to proxies)' : '';
        return finish(
          proxyError(`proxy ${proxy} refused CONNECT ${authority}: ${status} ${m[2] ?? ''}`.trimEnd() + hint),
        );
      }
      // Bytes after the head already belong to the tunnel (a TLS server speaks after the client: none
      // expected, but a pipelining proxy may send them): hand them back to the stream.
      const rest = head.subarray(end + 4);
      if (rest.length > 0) sock.unshift(rest);
      finish(null);
    };
    sock.on('data', onData);
    sock.once('error', onError);
    sock.once('close', onClose);
    if (ctx.signal?.aborted) return onAbort();
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    sock.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\nUser-Agent: hwctl\r\n\r\n`);
  });
}
