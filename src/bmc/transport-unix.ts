/**
 * The `unix` transport: HTTP over a Unix socket to a local agent (a BMC proxy daemon on the management
 * node) that reaches the BMC named by the request's Host header and does TLS to it. The socket's file
 * permissions are the security boundary: the agent sees requests as they are, credentials included.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { TransportContext, TransportTarget } from './transport.js';

export function unixConnect(_target: TransportTarget, ctx: TransportContext): Promise<Duplex> {
  const path = ctx.options.socket;
  if (path === undefined) return Promise.reject(new Error('transport unix needs option socket'));
  return new Promise((resolve, reject) => {
    const sock = net.connect({ path });
    const onAbort = () => {
      sock.destroy();
      reject(Object.assign(new Error('aborted while connecting'), { code: 'ABORT_ERR' }));
    };
    sock.once('connect', () => {
      ctx.signal?.removeEventListener('abort', onAbort);
      sock.removeAllListeners('error');
      sock.on('error', () => undefined); // until HTTP attaches its own listener
      resolve(sock);
    });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      ctx.signal?.removeEventListener('abort', onAbort);
      // ENOENT/ECONNREFUSED here are the agent's, not the BMC's: say so, and where. (No `cause`: the
      // node's message is built from the innermost error, which would be the bare ENOENT.)
      reject(
        Object.assign(
          new Error(`local agent socket ${path}: ${e.code ?? e.message} (is the agent running?)`),
          {
            code: 'ERR_HWCTL_AGENT',
          },
        ),
      );
    });
    if (ctx.signal?.aborted) onAbort();
    else ctx.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
