/**
 * RenewableContext: a renewal makes the next client anew (and closes the old ones), including when one
 * renewable context wraps another (rflash runs rpower's waits inside its own).
 */
import { describe, expect, it } from '@jest/globals';
import { RenewableContext } from '../../src/managers/renewable-context.js';
import { fakeContext } from './fake-context.js';

/** A client as the BMC layer makes them: a name and whether it was closed. */
class Client {
  closed = false;
  constructor(readonly name: string) {}
  close(): void {
    this.closed = true;
  }
}

const client = (r: RenewableContext, name: string) => r.ctx.shared('bmc:redfish', () => new Client(name));
const settle = () => new Promise((r) => setImmediate(r));

describe('RenewableContext', () => {
  it('shares the base’s client until renewed; then makes a new one and closes the old', async () => {
    const base = fakeContext();
    const first = base.shared('bmc:redfish', () => new Client('base'));
    const r = new RenewableContext(base);
    expect(client(r, 'r0')).toBe(first);
    r.renew();
    await settle();
    expect(first.closed).toBe(true);
    const next = client(r, 'r1');
    expect(next).not.toBe(first);
    expect(next.closed).toBe(false);
  });

  it('nested: the outer context never gets a client the inner one made and closed', async () => {
    const base = fakeContext();
    const outer = new RenewableContext(base);
    client(outer, 'outer-0');
    const inner = new RenewableContext(outer.ctx); // rflash's Flash → rpower's PowerFlow
    client(inner, 'inner-0');
    inner.renew(); // a poll failed: the next one logs in again
    const innerNew = client(inner, 'inner-1');
    inner.renew(); // and once more: inner-1 is closed
    await settle();
    expect(innerNew.closed).toBe(true);
    outer.renew(); // rflash's own next request logs in afresh
    const outerNew = client(outer, 'outer-1');
    expect(outerNew.name).toBe('outer-1');
    expect(outerNew.closed).toBe(false);
  });
});
