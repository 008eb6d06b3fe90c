/**
 * The DMTF Redfish-Protocol-Validator's assertions (its service_requests, service_responses,
 * protocol_details, security_details and service_details modules), asserted here against a real
 * `hwctl sim` over HTTPS on every generated personality, since the validator itself (a PyPI package)
 * cannot be installed in this environment. Each test names the assertions it covers; where a
 * personality answers differently because the real BMC does, the test says so and
 * docs/simulator.md "Protocol conformance" lists it.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals';
import {
  ETAG,
  TARGETS,
  describedBy,
  messageIds,
  schemaVersion,
  startFleet,
  typeVersion,
  Bmc,
} from './harness.js';
import type { Fleet } from './harness.js';

let generated: Fleet;
let mockup: Fleet;
beforeAll(async () => {
  [generated, mockup] = await Promise.all([startFleet(), startFleet('mockup')]);
});
afterAll(async () => {
  await Promise.all([generated.sim.stop(), mockup.sim.stop()]);
});
afterEach(() => {
  expect(generated.sim.stats().openSessions).toBe(0);
  expect(mockup.sim.stats().openSessions).toBe(0);
});

const SESSIONS = '/redfish/v1/SessionService/Sessions';
const ACCOUNTS = '/redfish/v1/AccountService/Accounts';

type Json = Record<string, unknown>;
const id = (v: unknown): string => String((v as { '@odata.id': string })['@odata.id']).replace(/\/+$/, '');

for (const p of TARGETS) {
  describe(`${p}: Protocol-Validator assertions`, () => {
    let bmc: Bmc;
    let fleet: Fleet;
    beforeAll(() => {
      fleet = p === 'mockup' ? mockup : generated;
      bmc = new Bmc(fleet, p);
    });

    it('standard URIs without credentials: /redfish, the service root, $metadata, odata (PROTO_STD_URI*, REQ_GET_*_NO_AUTH, RESP_ODATA_*)', async () => {
      const slash = await bmc.get('/redfish', 'none');
      expect([slash.status, slash.json()]).toEqual([200, { v1: '/redfish/v1/' }]);
      for (const path of ['/redfish/v1/', '/redfish/v1']) {
        const r = await bmc.get(path, 'none');
        expect([path, r.status, String(r.headers['content-type'])]).toEqual([
          path,
          200,
          expect.stringMatching(/^application\/json/),
        ]);
      }
      const md = await bmc.get('/redfish/v1/$metadata', 'none', { headers: { Accept: 'application/xml' } });
      expect(md.status).toBe(200);
      expect(md.headers['content-type']).toMatch(/^application\/xml(; ?charset=utf-8)?$/);
      expect(md.text).toMatch(/<edmx:DataServices>[\s\S]*<Schema[^>]*>[\s\S]*<EntityContainer /);
      const odata = await bmc.get('/redfish/v1/odata', 'none');
      expect(odata.headers['content-type']).toMatch(/^application\/json/);
      expect(odata.json()['@odata.context']).toBe('/redfish/v1/$metadata');
      expect(Array.isArray(odata.json().value)).toBe(true);
    });

    it('response headers of the service root: OData-Version, Cache-Control, Allow on GET and HEAD, Link describedby matching @odata.type (RESP_HEADERS_*)', async () => {
      const get = await bmc.get('/redfish/v1/');
      const root = get.json();
      expect(get.headers['odata-version']).toBe('4.0');
      expect(get.headers['cache-control']).toBeTruthy();
      expect(String(get.headers.allow).split(', ')).toEqual(expect.arrayContaining(['GET', 'HEAD']));
      const link = describedBy(get.headers.link);
      expect(link).toBeDefined();
      expect(schemaVersion(link ?? '')).toBe(typeVersion(root['@odata.type']));
      const head = await bmc.request('HEAD', '/redfish/v1/');
      expect([head.status, head.body.length]).toEqual([200, 0]);
      expect(head.headers.allow).toBeTruthy();
      expect(describedBy(head.headers.link)).toBe(link);
    });

    it('Link describedby on the resources the validator samples, GET and HEAD, unversioned for collections (RESP_HEADERS_LINK_*)', async () => {
      const root = await bmc.doc('/redfish/v1/');
      const systems = id(root.Systems);
      const system = id(((await bmc.doc(systems)).Members as unknown[])[0]);
      const manager = id(((await bmc.doc(id(root.Managers))).Members as unknown[])[0]);
      const proto = id((await bmc.doc(manager)).NetworkProtocol);
      for (const path of [SESSIONS, systems, system, proto, ACCOUNTS, '/redfish/v1/AccountService']) {
        const r = await bmc.get(path);
        const link = describedBy(r.headers.link);
        expect([path, typeof link]).toEqual([path, 'string']);
        expect([path, schemaVersion(link ?? '')]).toEqual([path, typeVersion(r.json()['@odata.type'])]);
        const head = await bmc.request('HEAD', path);
        expect([path, describedBy(head.headers.link)]).toEqual([path, link]);
      }
    });

    it('request headers: Accept variants, no Accept, a GET body, OData-Version 4.0 and 4.1 (REQ_HEADERS_ACCEPT, REQ_GET_*, REQ_HEADERS_ODATA_VERSION)', async () => {
      for (const accept of [
        'application/json',
        'application/json;charset=utf-8',
        'application/*',
        '*/*;charset=utf-8',
      ])
        expect([
          accept,
          (await bmc.get('/redfish/v1/', 'admin', { headers: { Accept: accept } })).status,
        ]).toEqual([accept, 200]);
      for (const accept of ['application/xml', 'application/xml;charset=utf-8', '*/*'])
        expect(
          (await bmc.get('/redfish/v1/$metadata', 'admin', { headers: { Accept: accept } })).status,
        ).toBe(200);
      const noAccept = await bmc.get('/redfish/v1/');
      expect(noAccept.headers['content-type']).toMatch(/^application\/json/);
      expect((await bmc.get('/redfish/v1/', 'admin', { body: {} })).status).toBe(200);
      expect((await bmc.get('/redfish/v1/', 'admin', { headers: { 'OData-Version': '4.0' } })).status).toBe(
        200,
      );
      const bad = await bmc.get('/redfish/v1/', 'admin', { headers: { 'OData-Version': '4.1' } });
      expect(bad.status).toBe(412);
      expect(bad.json().error).toEqual(
        expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
      );
    });

    it('query parameters: unknown ones are ignored, unknown $ ones are 501 (REQ_QUERY_*)', async () => {
      const root = await bmc.doc('/redfish/v1/');
      expect(root.ProtocolFeaturesSupported).toBeDefined();
      expect((await bmc.get('/redfish/v1/?rpvunknown')).status).toBe(200);
      expect((await bmc.get('/redfish/v1/?$rpvunknown')).status).toBe(501);
    });

    it('collections count their members (REQ_GET_COLLECTION_COUNT_PROP_*)', async () => {
      const s = await bmc.login();
      const c = await bmc.doc(SESSIONS, s);
      expect(c['Members@odata.count']).toBe((c.Members as unknown[]).length);
      await bmc.logout(s);
    });

    it('methods a resource does not take: 405 with Allow; a method HTTP does not know: 501, not a dropped connection (REQ_DATA_MOD_NOT_SUPPORTED, PROTO_HTTP_UNSUPPORTED_METHODS, RESP_HEADERS_ALLOW_METHOD_NOT_ALLOWED)', async () => {
      const del = await bmc.request('DELETE', '/redfish/v1/');
      expect(del.status).toBe(405);
      expect(del.headers.allow).toBe('GET, HEAD');
      expect(del.json().error).toBeDefined();
      const put = await bmc.request('PUT', '/redfish/v1/Systems', 'admin', { body: {} });
      expect([put.status, put.headers.allow]).toEqual([405, 'GET, HEAD']);
      expect(await bmc.rawMethod('FAKEMETHODFORTEST', '/redfish/v1/')).toBe(501);
      // the BMC still answers afterwards
      expect((await bmc.get('/redfish/v1/', 'none')).status).toBe(200);
    });

    it('sessions: POST to the collection and to its Members, Location + X-Auth-Token + full body, no cookie, never the same URI twice; PATCH of a session or the collection is 405 (REQ_POST_CREATE_*, SEC_SESSION_POST_RESPONSE, SEC_NO_AUTH_COOKIES, RESP_HEADERS_X_AUTH_TOKEN)', async () => {
      const body = { UserName: fleet.sim.username, Password: fleet.password };
      const hdrs = { 'OData-Version': '4.0', 'Content-Type': 'application/json;charset=utf-8' };
      const a = await bmc.request('POST', SESSIONS, 'none', { body, headers: hdrs });
      const b = await bmc.request('POST', `${SESSIONS}/Members`, 'none', { body, headers: hdrs });
      for (const r of [a, b]) {
        expect(r.status).toBe(201);
        expect(r.headers.location).toBeTruthy();
        expect(String(r.headers['x-auth-token'])).toMatch(/^[0-9a-f]{32}$/);
        expect(r.headers['set-cookie']).toBeUndefined();
        expect(Object.keys(r.json())).toEqual(
          expect.arrayContaining(['@odata.id', '@odata.type', 'Id', 'Name', 'UserName']),
        );
      }
      expect(a.headers.location).not.toBe(b.headers.location);
      const sa = {
        token: String(a.headers['x-auth-token']),
        location: new URL(String(a.headers.location), bmc.base).pathname,
      };
      const sb = {
        token: String(b.headers['x-auth-token']),
        location: new URL(String(b.headers.location), bmc.base).pathname,
      };
      const patchSession = await bmc.patch(sa.location, { UserName: 'pRoToVAl' }, sa);
      expect([patchSession.status, patchSession.headers.allow]).toEqual([405, 'GET, HEAD, DELETE']);
      const patchColl = await bmc.patch(SESSIONS, { Name: 'My Collection' }, sa);
      expect([patchColl.status, patchColl.headers.allow]).toEqual([405, 'GET, HEAD, POST']);
      // Sessions URI: service root Links.Sessions equals SessionService.Sessions (SEC_SESSIONS_URI_LOCATION)
      const root = await bmc.doc('/redfish/v1/', sa);
      const ss = await bmc.doc('/redfish/v1/SessionService', sa);
      expect(id((root.Links as Json).Sessions)).toBe(id(ss.Sessions));
      await bmc.logout(sa);
      await bmc.logout(sb);
    });

    it('401s carry WWW-Authenticate and no secrets; auth is checked before ETags and before 404 (RESP_HEADERS_WWW_AUTHENTICATE, SEC_NO_PRIV_INFO_IN_MSGS, SEC_HEADERS_FIRST, SEC_*_REQUIRES_AUTH)', async () => {
      const root = await bmc.doc('/redfish/v1/');
      const system = id(((await bmc.doc(id(root.Systems))).Members as unknown[])[0]);
      for (const [method, path] of [
        ['GET', SESSIONS],
        ['POST', ACCOUNTS],
        ['PATCH', system],
        ['DELETE', `${SESSIONS}/x`],
        ['GET', ACCOUNTS],
        ['HEAD', system],
      ] as const) {
        const r = await bmc.request(
          method,
          path,
          'none',
          method === 'GET' || method === 'HEAD' ? {} : { body: {} },
        );
        expect([method, path, r.status, r.headers['www-authenticate']]).toEqual([
          method,
          path,
          401,
          expect.stringMatching(/^Basic /),
        ]);
      }
      const secret = 'Rpv9xQzL1m';
      const badBasic = await bmc.get(SESSIONS, { user: 'rfpv1234', password: secret });
      expect(badBasic.status).toBe(401);
      expect(badBasic.text).not.toContain(secret);
      const token = 'rfpv0123456789ab';
      const badToken = await bmc.get('/redfish/v1/RPVfoobar', { token });
      expect(badToken.status).toBe(401);
      expect(badToken.text).not.toContain(token);
      const acct = await bmc.get(`${ACCOUNTS}/${fleet.sim.username}`);
      const ifNone = await bmc.get(`${ACCOUNTS}/${fleet.sim.username}`, 'none', {
        headers: { 'If-None-Match': String(acct.headers.etag) },
      });
      expect(ifNone.status).toBe(401);
    });

    it('accounts: create a ReadOnly user, ETag on GET, PATCH mixed/bad/annotation-only/stale-ETag, the user may not touch another account, delete (REQ_PATCH_*, SEC_ACCOUNTS_SUPPORT_ETAGS, PROTO_ETAG_*, SEC_PRIV_*)', async () => {
      const mk = async (name: string): Promise<{ uri: string; password: string }> => {
        const password = `Pw${name}9x`;
        const r = await bmc.request('POST', ACCOUNTS, 'admin', {
          body: { UserName: name, Password: password, RoleId: 'ReadOnly' },
        });
        expect([name, r.status]).toEqual([name, 201]);
        return { uri: new URL(String(r.headers.location), bmc.base).pathname, password };
      };
      const a = await mk('rfpva001');
      const other = await mk('rfpva002');
      try {
        const got = await bmc.get(a.uri);
        expect(String(got.headers.etag)).toMatch(ETAG);
        expect(got.json().RoleId).toBe('ReadOnly');
        const mixed = await bmc.patch(a.uri, { Password: 'Abcdefg123', BogusProp: 'foo' });
        // The validator accepts 200 with ExtendedInfo or 400; this service refuses the whole PATCH.
        expect(mixed.status).toBe(400);
        expect(JSON.stringify(mixed.json().error)).toContain('BogusProp');
        const bogus = await bmc.patch(a.uri, { BogusProp: 'foo' });
        expect(bogus.status).toBe(400);
        expect(JSON.stringify(bogus.json().error)).toContain('BogusProp');
        const odata = await bmc.patch(a.uri, { '@odata.id': `${a.uri}/` });
        // The validator accepts a 2xx or 400 NoOperation; this service answers the latter.
        expect(odata.status).toBe(400);
        expect(messageIds(odata.json())).toContain('NoOperation');
        const tag = String((await bmc.get(a.uri)).headers.etag);
        const stale = await bmc.patch(a.uri, { Password: 'Abcdefg456' }, 'admin', `${tag}foobar`);
        expect(stale.status).toBe(412);
        const good = await bmc.patch(a.uri, { Password: 'Abcdefg789' }, 'admin', tag);
        expect(good.status).toBeLessThan(300);
        // SEC_PRIV_OPERATION_TO_PRIV_MAPPING: the ReadOnly user PATCHes another user's password
        const asUser = { user: 'rfpva001', password: 'Abcdefg789' };
        const cross = await bmc.patch(other.uri, { Password: 'Xyzxyz1234' }, asUser);
        expect([403, 404]).toContain(cross.status);
        // ...but its own (ConfigureSelf)
        const self = await bmc.patch(a.uri, { Password: 'Abcdefg000' }, asUser);
        expect(self.status).toBeLessThan(300);
      } finally {
        for (const u of [a.uri, other.uri]) expect((await bmc.request('DELETE', u)).status).toBeLessThan(300);
      }
    });

    it('predefined roles with the registry privileges, not modifiable (SEC_PRIV_SUPPORT_PREDEFINED_ROLES, SEC_PRIV_PREDEFINED_ROLE_NOT_MODIFIABLE)', async () => {
      const want: Record<string, string[]> = {
        Administrator: [
          'ConfigureComponents',
          'ConfigureManager',
          'ConfigureSelf',
          'ConfigureUsers',
          'Login',
        ],
        Operator: ['ConfigureComponents', 'ConfigureSelf', 'Login'],
        ReadOnly: ['ConfigureSelf', 'Login'],
      };
      for (const [role, privs] of Object.entries(want)) {
        const doc = await bmc.doc(`/redfish/v1/AccountService/Roles/${role}`);
        expect([role, [...(doc.AssignedPrivileges as string[])].sort()]).toEqual([role, privs]);
      }
      const r = await bmc.patch('/redfish/v1/AccountService/Roles/ReadOnly', {
        AssignedPrivileges: want.Administrator,
      });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect((await bmc.doc('/redfish/v1/AccountService/Roles/ReadOnly')).AssignedPrivileges).toEqual([
        'Login',
        'ConfigureSelf',
      ]);
    });

    it('every 200 is JSON with a valid ETag where one is sent (PROTO_JSON_*, PROTO_ETAG_RFC7232, PROTO_URI_*)', async () => {
      const root = await bmc.doc('/redfish/v1/');
      const paths = [
        '/redfish/v1/',
        SESSIONS,
        '/redfish/v1/SessionService',
        '/redfish/v1/AccountService',
        ACCOUNTS,
      ];
      for (const k of [
        'Systems',
        'Chassis',
        'Managers',
        'EventService',
        'Registries',
        'JsonSchemas',
        'UpdateService',
      ])
        if (root[k]) paths.push(id(root[k]));
      for (const path of paths) {
        const r = await bmc.get(path);
        expect([path, r.status, String(r.headers['content-type'])]).toEqual([
          path,
          200,
          expect.stringMatching(/^application\/json/),
        ]);
        expect([path, String(r.headers.etag)]).toEqual([path, expect.stringMatching(ETAG)]);
        expect(path).toMatch(/^([A-Za-z0-9!$&'()*+,\-./:;=@_])*$/);
      }
    });

    it('event subscriptions: 201 with Location, deleted after; an unsupported Protocol is 400 (SERV_EVENT_POST_RESP, SERV_EVENT_ERROR_ON_BAD_REQUEST)', async () => {
      const es = await bmc.doc('/redfish/v1/EventService');
      const subs = id(es.Subscriptions);
      const ok = await bmc.request('POST', subs, 'admin', {
        body: {
          Context: 'RPV test subscription',
          Protocol: 'Redfish',
          Destination: 'https://192.0.2.50/Destination1',
        },
      });
      expect(ok.status).toBe(201);
      const loc = new URL(String(ok.headers.location), bmc.base).pathname;
      expect((await bmc.doc(loc)).Context).toBe('RPV test subscription');
      expect((await bmc.request('DELETE', loc)).status).toBeLessThan(300);
      expect((await bmc.get(loc)).status).toBe(404);
      const ftp = await bmc.request('POST', subs, 'admin', {
        body: {
          Context: 'RPV test subscription',
          Protocol: 'FTP',
          Destination: 'https://192.0.2.50/Destination1',
        },
      });
      expect(ftp.status).toBe(400);
      expect(ftp.headers.location).toBeUndefined();
      expect(((await bmc.doc(subs)).Members as unknown[]).length).toBe(0);
    });

    it('service root lists the services: AccountService, SessionService, EventService, Registries, JsonSchemas, TaskService, each served', async () => {
      const root = await bmc.doc('/redfish/v1/');
      // A capture's root is served as captured: DMTF's rackmount mockup links no JsonSchemas (served anyway).
      for (const k of [
        'AccountService',
        'SessionService',
        'EventService',
        'Registries',
        'JsonSchemas',
        'Tasks',
      ]) {
        if (p === 'mockup' && k === 'JsonSchemas') continue;
        expect([k, typeof root[k]]).toEqual([k, 'object']);
        expect([k, (await bmc.get(id(root[k]))).status]).toEqual([k, 200]);
      }
      const regs = await bmc.doc('/redfish/v1/Registries');
      // A capture's own Registries are served as captured (DMTF's point at registry files the capture does
      // not hold); the generated personalities serve theirs, with every MessageId they send.
      if (p !== 'mockup') {
        const base = await bmc.doc(id((regs.Members as unknown[])[0]));
        const loc = (base.Location as { Uri: string }[])[0]?.Uri ?? '';
        const registry = await bmc.doc(loc);
        expect(registry.RegistryPrefix).toBe('Base');
        const err = await bmc.get('/redfish/v1/Nope');
        const ids = messageIds(err.json());
        expect(Object.keys(registry.Messages as Json)).toEqual(expect.arrayContaining(ids));
      }
      const schemas = await bmc.doc('/redfish/v1/JsonSchemas');
      const names = (schemas.Members as unknown[]).map((m) => id(m).split('/').pop());
      // a capture's JsonSchemas name the types the shell serves itself (its own types are the capture's)
      expect(names).toContain(
        p === 'mockup' ? 'EventService.v1_10_0' : `ServiceRoot.${typeVersion(root['@odata.type'])}`,
      );
    });
  });
}
