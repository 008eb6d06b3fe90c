/**
 * POSTs one event payload to a subscriber's listener. Listeners are usually test rigs with
 * self-signed certificates, so HTTPS does not verify the peer (a simulator, not a BMC to trust with
 * secrets; the payload holds no credentials). Every request has a deadline, and `abortAll()` ends the
 * ones in flight when the BMC goes away.
 */
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export const DELIVERY_TIMEOUT_MS = 5000;

export class EventPoster {
  private readonly inflight = new Set<ClientRequest>();

  /** Resolves true on a 2xx answer, false on any other answer or transport failure. */
  post(destination: string, body: string, headers: Record<string, string>): Promise<boolean> {
    let url: URL;
    try {
      url = new URL(destination);
    } catch {
      return Promise.resolve(false);
    }
    const fn = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const payload = Buffer.from(body);
    return new Promise((resolve) => {
      let status = 0;
      const req = fn(
        url,
        {
          method: 'POST',
          headers: {
            ...headers,
            'Content-Type': 'application/json; charset=utf-8',
            'Content-Length': String(payload.length),
            'OData-Version': '4.0',
          },
          agent: false,
          timeout: DELIVERY_TIMEOUT_MS,
          ...(url.protocol === 'https:' ? { rejectUnauthorized: false } : {}),
        },
        (res) => {
          status = res.statusCode ?? 0;
          res.resume();
        },
      );
      this.inflight.add(req);
      req.on('timeout', () => req.destroy());
      req.on('error', () => undefined); // 'close' follows and reports it
      // 'close' comes last in every case: after the response is read, or after a failure.
      req.on('close', () => {
        this.inflight.delete(req);
        resolve(status >= 200 && status < 300);
      });
      req.end(payload);
    });
  }

  abortAll(): void {
    for (const r of this.inflight) r.destroy();
    this.inflight.clear();
  }
}
