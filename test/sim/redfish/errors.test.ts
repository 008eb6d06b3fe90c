import { describe, it, expect, beforeAll } from '@jest/globals';
import { makeBmc, messageId } from './helpers.js';
import { RedfishSchemas } from './schema.js';
import type { SimResponse } from '../../../src/sim/types.js';

let schemas: RedfishSchemas;
beforeAll(() => {
  schemas = new RedfishSchemas();
});

async function expectRedfishError(r: SimResponse, status: number, id: string): Promise<void> {
  expect([r.status, messageId(r)]).toEqual([status, id]);
  const body = r.body as { error: { code: string; message: string } };
  expect(typeof body.error.code).toBe('string');
  expect(typeof body.error.message).toBe('string');
  expect(await schemas.validateError(r.body)).toEqual([]);
}

describe('Redfish-shaped errors', () => {
  it('400, 401, 404, 405, 409, 412, 428, 503 and 500 all carry a schema-valid error body', async () => {
    const b = makeBmc('generic');
    const sys = '/redfish/v1/Systems/1';
    await expectRedfishError(b.call('PATCH', sys, { body: { Nope: 1 } }), 400, 'Base.1.16.PropertyUnknown');
    await expectRedfishError(b.get(sys, { auth: 'none' }), 401, 'Base.1.16.NoValidSession');
    await expectRedfishError(b.get('/redfish/v1/Systems/2'), 404, 'Base.1.16.ResourceMissingAtURI');
    await expectRedfishError(b.call('DELETE', sys), 405, 'Base.1.16.OperationNotAllowed');
    b.call('POST', `${sys}/Actions/ComputerSystem.Reset`, { body: { ResetType: 'ForceOff' } });
    await expectRedfishError(
      b.call('POST', `${sys}/Actions/ComputerSystem.Reset`, { body: { ResetType: 'On' } }),
      409,
      'Base.1.16.ResourceInUse',
    );
    await expectRedfishError(
      b.call('PATCH', sys, { headers: { 'If-Match': 'W/"nope"' }, body: { AssetTag: 'x' } }),
      412,
      'Base.1.16.PreconditionFailed',
    );
    const idrac = makeBmc('idrac');
    await expectRedfishError(
      idrac.call('PATCH', '/redfish/v1/Systems/System.Embedded.1', { body: { AssetTag: 'x' } }),
      428,
      'Base.1.12.PreconditionRequired',
    );
    b.machine.bmcReboot(1000);
    const down = b.get(sys);
    await expectRedfishError(down, 503, 'Base.1.16.ServiceTemporarilyUnavailable');
    expect(down.headers?.['Retry-After']).toBe('30');
    const fault = b.fe.faultResponse?.(500, 'injected');
    expect(fault?.status).toBe(500);
    expect(await schemas.validateError(fault?.body)).toEqual([]);
  });

  it('405 names the allowed methods; PUT is never allowed', () => {
    const b = makeBmc('generic');
    const r = b.call('PUT', '/redfish/v1/Systems/1', { body: {} });
    expect(r.status).toBe(405);
    expect(r.headers?.Allow).toBe('GET, HEAD, PATCH');
    expect(b.call('POST', '/redfish/v1/Systems').headers?.Allow).toBe('GET, HEAD');
    expect(b.get('/redfish/v1/Systems/1/Actions/ComputerSystem.Reset').headers?.Allow).toBe('POST');
  });

  it('malformed JSON is a 400 MalformedJSON on PATCH and actions', async () => {
    const b = makeBmc('openbmc');
    const raw = Buffer.from('{"Boot": ');
    await expectRedfishError(
      b.call('PATCH', '/redfish/v1/Systems/system', { raw }),
      400,
      'Base.1.16.0.MalformedJSON',
    );
    await expectRedfishError(
      b.call('POST', '/redfish/v1/Systems/system/Actions/ComputerSystem.Reset', { raw }),
      400,
      'Base.1.16.0.MalformedJSON',
    );
  });

  it('each personality wraps errors its own way', () => {
    const codes: Record<string, string> = {
      generic: 'Base.1.16.ResourceMissingAtURI',
      openbmc: 'Base.1.16.0.GeneralError',
      idrac: 'Base.1.12.GeneralError',
      ilo: 'iLO.0.10.ExtendedInfo',
    };
    for (const [p, code] of Object.entries(codes)) {
      const r = makeBmc(p as 'generic').get('/redfish/v1/Nothing');
      expect([p, (r.body as { error: { code: string } }).error.code]).toEqual([p, code]);
    }
  });

  it('HEAD answers like GET without a body', () => {
    const b = makeBmc('generic');
    const r = b.call('HEAD', '/redfish/v1/Systems/1');
    expect(r.status).toBe(200);
    expect(r.body).toBeUndefined();
    expect(r.headers?.ETag).toBeDefined();
  });

  it('unsupported $-queries answer 501 QueryNotSupported; bad $top is a 400', async () => {
    const b = makeBmc('generic');
    await expectRedfishError(
      b.get('/redfish/v1/Systems?$filter=Id eq 1'),
      501,
      'Base.1.16.QueryNotSupported',
    );
    await expectRedfishError(
      b.get('/redfish/v1/Systems?$top=x'),
      400,
      'Base.1.16.QueryParameterValueTypeError',
    );
  });
});
