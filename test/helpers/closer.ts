import type * as net from 'node:net';

/** Close a server for good: its open sockets are destroyed so close() cannot wait on them. */
export function closer(server: net.Server): () => Promise<void> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (sock: net.Socket) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  });
  return () =>
    new Promise<void>((resolve) => {
      for (const sock of sockets) sock.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
}
