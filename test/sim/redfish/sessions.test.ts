import { describe, it, expect } from '@jest/globals';
import { basic, makeBmc, messageId, PASS, USER } from './helpers.js';

const SESSIONS = '/redfish/v1/SessionService/Sessions';

describe('Redfish sessions', () => {
  it('login answers 201 with X-Auth-Token, Location and a Session body; the token authenticates', () => {
    const b = makeBmc('generic');
    const r = b.call('POST', SESSIONS, { auth: 'none', body: { UserName: USER, Password: PASS } });
    expect(r.status).toBe(201);
    const token = r.headers?.['X-Auth-Token'];
    const location = r.headers?.Location;
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(location).toMatch(/^\/redfish\/v1\/SessionService\/Sessions\/[0-9a-f]{16}$/);
    const body = r.body as Record<string, unknown>;
    expect(body['@odata.id']).toBe(location);
    expect(body.UserName).toBe(USER);
    expect(body.Password).toBeNull();
    expect(b.get('/redfish/v1/Systems', { auth: { token: token as string } }).status).toBe(200);
    expect(b.fe.openSessions()).toBe(1);
    const list = b.doc(SESSIONS);
    expect(list.Members).toEqual([{ '@odata.id': location }]);
    expect(b.doc(location as string).Id).toBe(location?.split('/').pop());
  });

  it('logout with DELETE on the Location invalidates the token', () => {
    const b = makeBmc('openbmc');
    const { token, location } = b.login();
    expect(b.call('DELETE', location, { auth: { token } }).status).toBe(204);
    const after = b.get('/redfish/v1/Systems', { auth: { token } });
    expect(after.status).toBe(401);
    expect(messageId(after)).toBe('Base.1.16.0.NoValidSession');
    expect(b.fe.openSessions()).toBe(0);
    expect(b.call('DELETE', location).status).toBe(404);
  });

  it('bad credentials give 401 with a Redfish error body, on login and with Basic', () => {
    const b = makeBmc('generic');
    const login = b.call('POST', SESSIONS, { auth: 'none', body: { UserName: USER, Password: 'wrong' } });
    expect(login.status).toBe(401);
    expect(messageId(login)).toBe('Base.1.16.ResourceAtUriUnauthorized');
    expect(login.headers?.['X-Auth-Token']).toBeUndefined();
    const r = b.get('/redfish/v1/Systems', { auth: 'none', headers: { Authorization: basic(USER, 'nope') } });
    expect(r.status).toBe(401);
    expect(r.headers?.['WWW-Authenticate']).toBe('Basic realm="Redfish"');
    expect(JSON.stringify(r.body)).not.toContain('nope');
    expect(b.get('/redfish/v1/Systems', { auth: { token: 'f'.repeat(32) } }).status).toBe(401);
    expect(b.fe.openSessions()).toBe(0);
  });

  it('login without UserName/Password or with malformed JSON is a 400', () => {
    const b = makeBmc('generic');
    const missing = b.call('POST', SESSIONS, { auth: 'none', body: { UserName: USER } });
    expect(missing.status).toBe(400);
    expect(messageId(missing)).toBe('Base.1.16.PropertyMissing');
    const bad = b.call('POST', SESSIONS, { auth: 'none', raw: Buffer.from('{"UserName":') });
    expect(bad.status).toBe(400);
    expect(messageId(bad)).toBe('Base.1.16.MalformedJSON');
  });

  it('only the service root, /redfish, odata and $metadata are open without credentials', () => {
    const b = makeBmc('generic');
    for (const p of ['/redfish', '/redfish/v1', '/redfish/v1/', '/redfish/v1/odata', '/redfish/v1/$metadata'])
      expect([p, b.get(p, { auth: 'none' }).status]).toEqual([p, 200]);
    for (const p of ['/redfish/v1/Systems', '/redfish/v1/Systems/1', SESSIONS, '/redfish/v1/SessionService'])
      expect([p, b.get(p, { auth: 'none' }).status]).toEqual([p, 401]);
    expect(b.call('PATCH', '/redfish/v1', { auth: 'none', body: { Name: 'x' } }).status).toBe(401);
  });

  it('sessions expire after the idle timeout; use renews them', () => {
    const b = makeBmc('generic', { sessionTimeoutMs: 60_000 });
    const a = b.login();
    const c = b.login();
    b.clock.advance(50_000);
    expect(b.get('/redfish/v1/Systems', { auth: { token: a.token } }).status).toBe(200);
    b.clock.advance(50_000); // a: used 50 s ago; c: idle 100 s
    expect(b.fe.openSessions()).toBe(1);
    expect(b.get('/redfish/v1/Systems', { auth: { token: c.token } }).status).toBe(401);
    expect(b.get('/redfish/v1/Systems', { auth: { token: a.token } }).status).toBe(200);
    b.clock.advance(60_001);
    expect(b.get('/redfish/v1/Systems', { auth: { token: a.token } }).status).toBe(401);
    expect(b.fe.openSessions()).toBe(0);
    expect(b.doc('/redfish/v1/SessionService').SessionTimeout).toBe(60);
  });

  it('PATCH SessionService.SessionTimeout changes the idle timeout, within 30..86400 s', () => {
    const b = makeBmc('generic');
    expect(b.call('PATCH', '/redfish/v1/SessionService', { body: { SessionTimeout: 120 } }).status).toBe(200);
    expect(b.doc('/redfish/v1/SessionService').SessionTimeout).toBe(120);
    expect(messageId(b.call('PATCH', '/redfish/v1/SessionService', { body: { SessionTimeout: 5 } }))).toBe(
      'Base.1.16.PropertyValueOutOfRange',
    );
    expect(
      messageId(b.call('PATCH', '/redfish/v1/SessionService', { body: { ServiceEnabled: false } })),
    ).toBe('Base.1.16.PropertyNotWritable');
  });

  it('iDRAC: beyond its small limit login fails with 503 RAC0218, as real iDRACs do', () => {
    const b = makeBmc('idrac');
    for (let i = 0; i < 8; i++) b.login();
    const r = b.call('POST', SESSIONS, { auth: 'none', body: { UserName: USER, Password: PASS } });
    expect(r.status).toBe(503);
    const err = (
      r.body as { error: { code: string; '@Message.ExtendedInfo': { MessageId: string; Message: string }[] } }
    ).error;
    expect(err.code).toBe('Base.1.12.GeneralError');
    expect(err['@Message.ExtendedInfo'][0]).toMatchObject({
      MessageId: 'IDRAC.2.8.RAC0218',
      Message: 'The maximum number of user sessions is reached.',
    });
    expect(b.fe.openSessions()).toBe(8);
    // Basic auth still works when sessions are exhausted
    expect(b.get('/redfish/v1/Systems').status).toBe(200);
  });

  it('other personalities refuse beyond the limit with 503 SessionLimitExceeded; freeing one allows a login', () => {
    const b = makeBmc('generic', { sessionLimit: 2 });
    const first = b.login();
    b.login();
    const r = b.call('POST', SESSIONS, { auth: 'none', body: { UserName: USER, Password: PASS } });
    expect(r.status).toBe(503);
    expect(messageId(r)).toBe('Base.1.16.SessionLimitExceeded');
    b.call('DELETE', first.location, { auth: { token: first.token } });
    expect(() => b.login()).not.toThrow();
  });

  it('expireSessions() and a BMC reboot drop every session', () => {
    const b = makeBmc('generic');
    const s = b.login();
    b.fe.expireSessions();
    expect(b.get('/redfish/v1/Systems', { auth: { token: s.token } }).status).toBe(401);
    const t = b.login();
    b.machine.bmcReboot(5000);
    expect(b.fe.openSessions()).toBe(0);
    b.clock.advance(5000);
    expect(b.get('/redfish/v1/Systems', { auth: { token: t.token } }).status).toBe(401);
  });

  it('iLO writes Location and session ids with a trailing slash and accepts DELETE on it', () => {
    const b = makeBmc('ilo');
    const { token, location } = b.login();
    expect(location).toMatch(/\/Sessions\/[0-9a-f]{16}\/$/);
    expect(b.call('DELETE', location, { auth: { token } }).status).toBe(200);
    expect(b.fe.openSessions()).toBe(0);
  });
});
