/** A real HTTP event listener on loopback: records every POST a subscription delivers. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: EventPayload;
}

export interface EventPayload {
  '@odata.type': string;
  Id: string;
  Context: string;
  Events: {
    EventId: string;
    EventType: string;
    MessageId: string;
    Message: string;
    MessageArgs: string[];
    MessageSeverity: string;
    OriginOfCondition: { '@odata.id': string };
  }[];
}

export class Listener {
  readonly received: Received[] = [];
  /** Status the listener answers with (500 makes deliveries fail). */
  status = 204;
  private server: Server | undefined;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({
          path: req.url ?? '',
          headers: req.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as EventPayload,
        });
        res.writeHead(this.status).end();
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Events delivered to `path`, flattened. */
  events(
    path: string,
  ): (EventPayload['Events'][number] & { Context: string; headers: IncomingHttpHeaders })[] {
    return this.received
      .filter((r) => r.path === path)
      .flatMap((r) => r.body.Events.map((e) => ({ ...e, Context: r.body.Context, headers: r.headers })));
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}
