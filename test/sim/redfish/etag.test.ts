import { describe, it, expect } from '@jest/globals';
import { makeBmc, messageId, GENERATED } from './helpers.js';

const SYSTEM: Record<string, string> = {
  generic: '/redfish/v1/Systems/1',
  openbmc: '/redfish/v1/Systems/system',
  idrac: '/redfish/v1/Systems/System.Embedded.1',
  ilo: '/redfish/v1/Systems/1/',
};

describe('ETags and If-Match', () => {
  it('every GET carries an ETag header; generic and iLO also put @odata.etag in the body (HPE style W/"...")', () => {
    for (const p of GENERATED) {
      if (p === 'mockup') continue;
      const b = makeBmc(p);
      const r = b.get(SYSTEM[p] as string);
      const tag = r.headers?.ETag as string;
      expect(tag).toMatch(/^(W\/)?"[0-9a-f]{12}"$/);
      const body = r.body as Record<string, unknown>;
      if (p === 'generic' || p === 'ilo') {
        expect(body['@odata.etag']).toBe(tag);
        expect(tag.startsWith('W/')).toBe(true);
      } else expect(body['@odata.etag']).toBeUndefined();
    }
  });

  it('the tag changes when the resource changes and stays when it does not', () => {
    const b = makeBmc('generic');
    const t1 = b.get('/redfish/v1/Systems/1').headers?.ETag;
    expect(b.get('/redfish/v1/Systems/1').headers?.ETag).toBe(t1);
    b.machine.setIndicatorLed('Lit');
    expect(b.get('/redfish/v1/Systems/1').headers?.ETag).not.toBe(t1);
  });

  it('a stale If-Match gives 412 in every personality; the current tag (any quoting) is accepted', () => {
    for (const p of GENERATED) {
      if (p === 'mockup') continue;
      const b = makeBmc(p);
      const path = SYSTEM[p] as string;
      const tag = b.get(path).headers?.ETag as string;
      const stale = b.call('PATCH', path, {
        headers: { 'If-Match': '"000000000000"' },
        body: { AssetTag: 'a' },
      });
      expect([p, stale.status, messageId(stale)?.endsWith('.PreconditionFailed')]).toEqual([p, 412, true]);
      for (const form of ['as sent', 'bare', 'quoted']) {
        const current = b.get(path).headers?.ETag as string;
        const bare = current.replace(/^W\//, '').replace(/"/g, '');
        const sent = form === 'as sent' ? current : form === 'bare' ? bare : `"${bare}"`;
        const ok = b.call('PATCH', path, { headers: { 'If-Match': sent }, body: { AssetTag: form } });
        expect([p, form, ok.status < 300]).toEqual([p, form, true]);
      }
      expect(b.get(path).headers?.ETag).not.toBe(tag);
      expect(
        b.call('PATCH', path, { headers: { 'If-Match': '*' }, body: { AssetTag: 'b' } }).status,
      ).toBeLessThan(300);
      expect(b.doc(path).AssetTag).toBe('b');
    }
  });

  it('iDRAC requires If-Match on PATCH (428 without it)', () => {
    const b = makeBmc('idrac');
    const path = SYSTEM.idrac as string;
    const r = b.call('PATCH', path, { body: { IndicatorLED: 'Lit' } });
    expect([r.status, messageId(r)]).toEqual([428, 'Base.1.12.PreconditionRequired']);
    expect(b.machine.indicatorLed()).toBe('Off');
    const tag = b.get(path).headers?.ETag as string;
    const ok = b.call('PATCH', path, { headers: { 'If-Match': tag }, body: { IndicatorLED: 'Lit' } });
    expect(ok.status).toBe(200);
    expect((ok.body as Record<string, unknown>)['@Message.ExtendedInfo']).toEqual([
      expect.objectContaining({ MessageId: 'Base.1.12.Success' }),
    ]);
    expect(b.machine.indicatorLed()).toBe('Lit');
  });

  it('other personalities accept a PATCH without If-Match', () => {
    for (const p of ['generic', 'openbmc', 'ilo'] as const) {
      const b = makeBmc(p);
      expect(b.call('PATCH', SYSTEM[p] as string, { body: { AssetTag: 'x' } }).status).toBeLessThan(300);
    }
  });

  it('iDRAC: If-Match on an action POST fails with 412 (clients must not send it there)', () => {
    const b = makeBmc('idrac');
    const path = `${SYSTEM.idrac}/Actions/ComputerSystem.Reset`;
    const r = b.call('POST', path, { headers: { 'If-Match': '*' }, body: { ResetType: 'ForceOff' } });
    expect(r.status).toBe(412);
    expect(b.machine.powerState()).toBe('On');
  });
});
