/** The Redfish client against a scripted service (nock): request shapes, discovery, auth, sessions, errors. */
import { describe, it, expect } from '@jest/globals';
import { useNock } from '../helpers/nock-harness.js';
import nock from 'nock';
import { redfishClient, openSessions } from '../../src/bmc/index.js';
import { FakeRedfish, MANAGER, CHASSIS, SYSTEM } from './fake-redfish.js';
import type { FakeOptions } from './fake-redfish.js';
import { PASSWORD, recordingServices, rejection, testContext, testNode } from './helpers.js';
import type { NodeDef } from '../../src/core/types.js';

useNock();

function setup(opts: FakeOptions = {}, node: Partial<NodeDef> = {}, options: Record<string, unknown> = {}) {
  const fake = new FakeRedfish(opts);
  const services = recordingServices(options);
  const ctx = testContext(testNode(node), services);
  return { fake, services, ctx };
}

describe('login and sessions', () => {
  it('reads the root without credentials, logs in with UserName/Password and no Basic header, sends X-Auth-Token, DELETEs at cleanup', async () => {
    const { fake, ctx } = setup();
    const client = await redfishClient(ctx);
    expect(client.authMode).toBe('session');
    expect(client.root.RedfishVersion).toBe('1.15.0');
    const [rootReq] = fake.find('GET', '/redfish/v1/');
    expect(rootReq!.headers.authorization).toBeUndefined();
    const [login] = fake.find('POST', '/redfish/v1/SessionService/Sessions');
    expect(login!.body).toEqual({ UserName: 'root', Password: PASSWORD });
    expect(login!.headers.authorization).toBeUndefined();
    await client.system();
    const sysReq = fake.find('GET', SYSTEM)[0]!;
    expect(sysReq.headers['x-auth-token']).toBe('token-1-xyzzy');
    expect(sysReq.headers.authorization).toBeUndefined();
    expect(openSessions()).toEqual([
      expect.objectContaining({
        node: 'node01',
        flavor: 'redfish',
        uri: '/redfish/v1/SessionService/Sessions/1',
      }),
    ]);
    await ctx.cleanup();
    expect(fake.find('DELETE', '/redfish/v1/SessionService/Sessions/1')).toHaveLength(1);
    expect(fake.sessions.size).toBe(0);
    expect(openSessions()).toEqual([]);
  });

  it('one client per node per run: a second redfishClient(ctx) reuses the session', async () => {
    const { fake, ctx } = setup();
    const a = await redfishClient(ctx);
    const b = await redfishClient(ctx);
    expect(a).toBe(b);
    expect(fake.find('POST', '/redfish/v1/SessionService/Sessions')).toHaveLength(1);
    await ctx.cleanup();
  });

  it('an absolute Location is used as a path on our origin', async () => {
    const { fake, ctx } = setup({ sessionLocation: 'absolute' });
    await redfishClient(ctx);
    await ctx.cleanup();
    expect(fake.find('DELETE', '/redfish/v1/SessionService/Sessions/1')).toHaveLength(1);
  });

  it('a missing Location falls back to the body @odata.id for logout', async () => {
    const { fake, ctx } = setup({ sessionLocation: 'body' });
    await redfishClient(ctx);
    await ctx.cleanup();
    expect(fake.find('DELETE', '/redfish/v1/SessionService/Sessions/1')).toHaveLength(1);
    expect(fake.sessions.size).toBe(0);
  });

  it('logout with a trailing slash answered 405 is retried without it (old iLO)', async () => {
    const { fake, ctx } = setup({
      handlers: {
        'POST /redfish/v1/SessionService/Sessions': (req) =>
          req.body && (req.body as { Password?: string }).Password === PASSWORD
            ? [
                201,
                {},
                { 'X-Auth-Token': 'tok-ilo-1234', Location: '/redfish/v1/SessionService/Sessions/abc/' },
              ]
            : undefined,
        'DELETE /redfish/v1/SessionService/Sessions/abc': (req) =>
          req.path.endsWith('/') ? [405, {}] : [200, {}],
        'GET /redfish/v1/Systems': (req) =>
          req.headers['x-auth-token'] === 'tok-ilo-1234' ? [200, { Members: [] }] : undefined,
      },
    });
    await redfishClient(ctx);
    await ctx.cleanup();
    expect(fake.find('DELETE', /Sessions\/abc/).map((r) => r.path)).toEqual([
      '/redfish/v1/SessionService/Sessions/abc/',
      '/redfish/v1/SessionService/Sessions/abc',
    ]);
  });

  it('no X-Auth-Token in the login answer is xCAT\'s "Did not get Session Token"', async () => {
    const { ctx } = setup({ handlers: { 'POST /redfish/v1/SessionService/Sessions': () => [201, {}, {}] } });
    const e = await rejection(redfishClient(ctx));
    expect(e.kind).toBe('auth');
    expect(e.message).toMatch(/^Login Failed: Did not get Session Token from response/);
  });

  it('bad credentials: [401] Invalid username or password, kind auth, password not in the message', async () => {
    const { ctx } = setup({}, {}, {});
    const bad = testContext(ctx.node, ctx.services, 'wrong-password');
    const e = await rejection(redfishClient(bad));
    expect(e).toEqual({ kind: 'auth', message: '[401] Invalid username or password', status: 401 });
  });

  it('missing credentials say what to set', async () => {
    setup();
    const services = recordingServices();
    const e = await rejection(redfishClient(testContext(testNode({ username: undefined }), services)));
    expect(e.kind).toBe('auth');
    expect(e.message).toMatch(/^No username or password for this BMC: set username and password/);
  });

  it('auth: auto falls back to Basic when the root has no SessionService', async () => {
    const { fake, ctx } = setup();
    const root = fake.resources['/redfish/v1'] as Record<string, unknown>;
    delete root.SessionService;
    delete root.Links;
    const client = await redfishClient(ctx);
    expect(client.authMode).toBe('basic');
    await client.system();
    expect(fake.find('POST', '/redfish/v1/SessionService/Sessions')).toHaveLength(0);
    expect(fake.find('GET', SYSTEM)[0]!.headers.authorization).toBe(
      'Basic ' + Buffer.from(`root:${PASSWORD}`).toString('base64'),
    );
    expect(openSessions()).toEqual([]);
    await ctx.cleanup();
  });

  it('auth: auto falls back to Basic when Sessions answers 405 (sushy-tools) or 503 (session table full)', async () => {
    for (const status of [405, 503]) {
      nock.cleanAll();
      const { fake, ctx } = setup({
        handlers: { 'POST /redfish/v1/SessionService/Sessions': () => [status, {}] },
      });
      const client = await redfishClient(ctx);
      expect(client.authMode).toBe('basic');
      expect((await client.system()).Id).toBe('System.Embedded.1');
      await ctx.cleanup();
      expect(fake.find('DELETE', /Sessions/)).toHaveLength(0);
    }
  });

  it('auth: session insists, and says to use basic when there is no SessionService', async () => {
    const { ctx } = setup({ noSessions: true }, { auth: 'session' });
    const e = await rejection(redfishClient(ctx));
    expect(e.kind).toBe('unsupported');
    expect(e.message).toContain('use auth: basic or auto');
  });

  it('auth: basic never creates a session', async () => {
    const { fake, ctx } = setup({}, { auth: 'basic' });
    const client = await redfishClient(ctx);
    await client.system();
    expect(fake.find('POST', '/redfish/v1/SessionService/Sessions')).toHaveLength(0);
    await ctx.cleanup();
  });

  it('a 401 mid-run (session expired) logs in again once and resends the request', async () => {
    const { fake, ctx } = setup();
    const client = await redfishClient(ctx);
    fake.sessions.clear(); // the BMC dropped every session
    expect((await client.system()).Id).toBe('System.Embedded.1');
    expect(fake.find('POST', '/redfish/v1/SessionService/Sessions')).toHaveLength(2);
    expect(openSessions().map((s) => s.uri)).toEqual(['/redfish/v1/SessionService/Sessions/2']);
    // Only once per run: a second expiry is the node's error, which is not about the credentials.
    fake.sessions.clear();
    const e = await rejection(client.get(SYSTEM));
    expect(e).toMatchObject({ kind: 'auth', status: 401 });
    expect(e.message).toMatch(/^The BMC session expired again after a new login \(the BMC drops sessions/);
    await ctx.cleanup();
    expect(openSessions()).toEqual([]);
  });

  it('a session is deleted when the operation fails after login, and when the node is aborted', async () => {
    const { fake, ctx } = setup({
      handlers: { [`GET ${SYSTEM}`]: () => [500, '<html><title>Boom</title></html>'] },
    });
    const client = await redfishClient(ctx);
    const e = await rejection(client.system());
    expect(e.message).toBe('[500] Boom (HTML error page)');
    await ctx.cleanup();
    expect(fake.sessions.size).toBe(0);

    const slow = setup({
      handlers: { 'GET /never': (req) => (req.headers['x-auth-token'] ? 'hang' : undefined) },
    });
    const client2 = await redfishClient(slow.ctx);
    const pending = client2.get('/never');
    setTimeout(() => slow.ctx.controller.abort(new Error('deadline')), 30);
    await expect(pending).rejects.toThrow('deadline');
    await slow.ctx.cleanup();
    expect(slow.fake.find('DELETE', /Sessions/)).toHaveLength(1);
    expect(slow.fake.sessions.size).toBe(0);
    expect(openSessions()).toEqual([]);
  });

  it('logout that hangs is bounded by the logout timeout and never throws', async () => {
    const { fake, ctx } = setup(
      { handlers: { 'DELETE /redfish/v1/SessionService/Sessions/1': () => 'hang' } },
      {},
      { logoutTimeoutMs: 200 },
    );
    await redfishClient(ctx);
    const started = Date.now();
    await ctx.cleanup();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(fake.find('DELETE', /Sessions/)).toHaveLength(1);
    expect(openSessions()).toEqual([]);
  });
});

describe('discovery', () => {
  it('walks Members: never hard-coded ids; manager from Links.ManagedBy; chassis from Links.Chassis', async () => {
    const { ctx } = setup();
    const client = await redfishClient(ctx);
    expect((await client.system())['@odata.id']).toBe(SYSTEM);
    expect((await client.manager())['@odata.id']).toBe(MANAGER);
    expect((await client.chassis()).map((c) => c['@odata.id'])).toEqual([CHASSIS]);
    await ctx.cleanup();
  });

  it('system() reads fresh each time (power polling) but discovers once', async () => {
    const { fake, ctx } = setup();
    const client = await redfishClient(ctx);
    await client.system();
    (fake.resources[SYSTEM] as Record<string, unknown>).PowerState = 'Off';
    expect((await client.system()).PowerState).toBe('Off');
    expect(fake.find('GET', '/redfish/v1/Systems')).toHaveLength(1);
    expect(fake.find('GET', SYSTEM)).toHaveLength(2);
    await ctx.cleanup();
  });

  it('several systems and none chosen: an error listing them; system: selects by id or by Id property', async () => {
    const members = {
      Members: [{ '@odata.id': '/redfish/v1/Systems/Node0/' }, { '@odata.id': '/redfish/v1/Systems/abc' }],
    };
    const resources = {
      '/redfish/v1/Systems': members,
      '/redfish/v1/Systems/Node0': { '@odata.id': '/redfish/v1/Systems/Node0/', Id: 'Node0' },
      '/redfish/v1/Systems/abc': { '@odata.id': '/redfish/v1/Systems/abc', Id: 'Blade7' },
    };
    const none = setup({ resources });
    const e = await rejection((await redfishClient(none.ctx)).system());
    expect(e.message).toBe(
      'This BMC has 2 systems (Node0, abc): choose one with system: <id> in the inventory',
    );
    await none.ctx.cleanup();

    for (const [want, id] of [
      ['Node0', 'Node0'],
      ['Blade7', 'Blade7'],
    ]) {
      nock.cleanAll();
      const s = setup({ resources }, { system: want });
      expect((await (await redfishClient(s.ctx)).system()).Id).toBe(id);
      await s.ctx.cleanup();
    }
    nock.cleanAll();
    const missing = setup({ resources }, { system: 'Node9' });
    expect((await rejection((await redfishClient(missing.ctx)).system())).message).toBe(
      "System 'Node9' not found on this BMC; it has: Node0, abc (fix system: in the inventory)",
    );
    await missing.ctx.cleanup();
  });

  it('follows Members nextLink pages and stops on a link that loops (DMTF mockup)', async () => {
    const { ctx } = setup({
      resources: {
        '/redfish/v1/Chassis': {
          Members: [{ '@odata.id': '/redfish/v1/Chassis/A' }],
          'Members@odata.nextLink': '/redfish/v1/Chassis?$skip=1',
        },
        '/redfish/v1/Chassis/A': { Id: 'A' },
        '/redfish/v1/Chassis/B': { Id: 'B' },
        [SYSTEM]: { Id: 'S' },
      },
      handlers: {
        'GET /redfish/v1/Chassis': (req) =>
          req.path.includes('skip')
            ? [
                200,
                {
                  Members: [{ '@odata.id': '/redfish/v1/Chassis/B' }],
                  '@odata.nextLink': '/redfish/v1/Chassis?$skip=1',
                },
              ]
            : undefined,
      },
    });
    const client = await redfishClient(ctx);
    expect((await client.chassis()).map((c) => c.Id)).toEqual(['A', 'B']);
    await ctx.cleanup();
  });

  it('manager(): with no ManagedBy link, the BMC-type manager', async () => {
    const { ctx } = setup({ resources: { [SYSTEM]: { Id: 'S' } } });
    expect((await (await redfishClient(ctx)).manager()).Id).toBe('iDRAC.Embedded.1');
    await ctx.cleanup();
  });
});

describe('actions, AllowableValues, tasks', () => {
  it('allowableValues: inline list, else ActionInfo Parameters, else undefined', async () => {
    const { ctx } = setup({
      resources: {
        '/redfish/v1/Systems/system/ResetActionInfo': {
          Parameters: [{ Name: 'ResetType', AllowableValues: ['On', 'GracefulShutdown'] }],
        },
      },
    });
    const client = await redfishClient(ctx);
    const sys = await client.system();
    expect(await client.allowableValues(sys, 'ComputerSystem.Reset', 'ResetType')).toEqual([
      'On',
      'ForceOff',
      'ForceRestart',
    ]);
    const viaInfo = {
      Actions: {
        '#ComputerSystem.Reset': {
          target: '/t',
          '@Redfish.ActionInfo': '/redfish/v1/Systems/system/ResetActionInfo',
        },
      },
    };
    expect(await client.allowableValues(viaInfo, '#ComputerSystem.Reset', 'ResetType')).toEqual([
      'On',
      'GracefulShutdown',
    ]);
    expect(
      await client.allowableValues(
        { Actions: { '#ComputerSystem.Reset': { target: '/t' } } },
        'ComputerSystem.Reset',
        'ResetType',
      ),
    ).toBeUndefined();
    expect(await client.allowableValues({}, 'ComputerSystem.Reset', 'ResetType')).toBeUndefined();
    await ctx.cleanup();
  });

  it('action(): POSTs the target with the body, no If-Match; accepts 200, 202 and 204', async () => {
    for (const status of [200, 204]) {
      nock.cleanAll();
      const { fake, ctx } = setup({
        handlers: {
          [`POST ${SYSTEM}/Actions/ComputerSystem.Reset`]: () => [
            status,
            status === 200 ? { Messages: [] } : undefined,
          ],
        },
      });
      const client = await redfishClient(ctx);
      const res = await client.action(await client.system(), 'ComputerSystem.Reset', {
        ResetType: 'ForceOff',
      });
      expect(res.status).toBe(status);
      const [post] = fake.find('POST', `${SYSTEM}/Actions/ComputerSystem.Reset`);
      expect(post!.body).toEqual({ ResetType: 'ForceOff' });
      expect(post!.headers['if-match']).toBeUndefined();
      await ctx.cleanup();
    }
  });

  it('action(): an action the resource does not offer is unsupported', async () => {
    const { ctx } = setup();
    const client = await redfishClient(ctx);
    const e = await rejection(
      client.action(await client.manager(), 'Manager.Reset', { ResetType: 'GracefulRestart' }),
    );
    expect(e).toEqual({
      kind: 'unsupported',
      message: `This BMC does not offer Manager.Reset on ${MANAGER}`,
      status: undefined,
    });
    await ctx.cleanup();
  });

  it('action(): 202 with a task monitor is polled until Completed (Retry-After honoured, progress reported)', async () => {
    const target = `${SYSTEM}/Actions/ComputerSystem.Reset`;
    const { fake, ctx } = setup({
      handlers: {
        [`POST ${target}`]: () => [
          202,
          { '@odata.id': '/redfish/v1/TaskService/Tasks/7' },
          { Location: '/redfish/v1/TaskService/TaskMonitors/7' },
        ],
        'GET /redfish/v1/TaskService/TaskMonitors/7': (_r, n) =>
          n < 3
            ? [202, { TaskState: 'Running', PercentComplete: n * 40 }, { 'Retry-After': '0' }]
            : [200, { Id: '7', TaskState: 'Completed', TaskStatus: 'OK' }],
      },
    });
    const client = await redfishClient(ctx);
    const progress: string[] = [];
    const res = await client.action(
      await client.system(),
      '#ComputerSystem.Reset',
      { ResetType: 'On' },
      { task: { onProgress: (s, p) => progress.push(`${s} ${p}`) } },
    );
    expect(res.status).toBe(202);
    expect(res.task).toMatchObject({ TaskState: 'Completed' });
    expect(fake.find('GET', '/redfish/v1/TaskService/TaskMonitors/7')).toHaveLength(3);
    expect(progress).toEqual(['Running 40', 'Running 80', 'Completed undefined']);
    await ctx.cleanup();
  });

  it("waitTask(): a task ending in Exception is the node's failure with the task message", async () => {
    const { ctx } = setup({
      resources: {
        '/redfish/v1/TaskService/Tasks/9': {
          Id: '9',
          TaskState: 'Exception',
          Messages: [{ Message: 'Image is corrupt' }],
        },
      },
    });
    const client = await redfishClient(ctx);
    expect(await rejection(client.waitTask('/redfish/v1/TaskService/Tasks/9'))).toEqual({
      kind: 'failed',
      message: 'Task 9 ended Exception: Image is corrupt',
      status: undefined,
    });
    await ctx.cleanup();
  });

  it('waitTask(): gives up after its timeout with the last state', async () => {
    const { ctx } = setup({
      resources: {
        '/redfish/v1/TaskService/Tasks/3': { Id: '3', TaskState: 'Running', PercentComplete: 10 },
      },
    });
    const client = await redfishClient(ctx);
    const e = await rejection(
      client.waitTask('/redfish/v1/TaskService/Tasks/3', { timeoutMs: 100, intervalMs: 20 }),
    );
    expect(e.kind).toBe('timeout');
    expect(e.message).toBe(
      'Task /redfish/v1/TaskService/Tasks/3 did not finish within 0 s (last state: Running 10%)',
    );
    await ctx.cleanup();
  });
});

describe('PATCH with ETag', () => {
  it('reads the ETag header and sends it as If-Match', async () => {
    const { fake, ctx } = setup({
      handlers: {
        [`GET ${SYSTEM}`]: (req) =>
          req.headers['x-auth-token'] ? [200, { Id: 'S', Boot: {} }, { ETag: 'W/"abc"' }] : undefined,
      },
    });
    const client = await redfishClient(ctx);
    const res = await client.patch(SYSTEM, { Boot: { BootSourceOverrideTarget: 'Pxe' } });
    expect(res.status).toBe(204);
    const [patch] = fake.find('PATCH', SYSTEM);
    expect(patch!.headers['if-match']).toBe('W/"abc"');
    expect(patch!.body).toEqual({ Boot: { BootSourceOverrideTarget: 'Pxe' } });
    await ctx.cleanup();
  });

  it('falls back to @odata.etag, and to no If-Match when there is none', async () => {
    const { fake, ctx } = setup({
      resources: { [SYSTEM]: { Id: 'S', '@odata.etag': '"1C21"' }, [CHASSIS]: { Id: 'C' } },
    });
    const client = await redfishClient(ctx);
    await client.patch(SYSTEM, { A: 1 });
    await client.patch(CHASSIS, { B: 1 });
    expect(fake.find('PATCH', SYSTEM)[0]!.headers['if-match']).toBe('"1C21"');
    expect(fake.find('PATCH', CHASSIS)[0]!.headers['if-match']).toBeUndefined();
    await ctx.cleanup();
  });

  it('412 re-reads the ETag and retries once; a second 412 is the error', async () => {
    let etag = 1;
    const { fake, ctx } = setup({
      handlers: {
        [`GET ${SYSTEM}`]: (req) =>
          req.headers['x-auth-token'] ? [200, { Id: 'S' }, { ETag: `"${etag++}"` }] : undefined,
        [`PATCH ${SYSTEM}`]: (req) =>
          req.headers['if-match'] === '"2"' ? [200, {}] : [412, { error: { message: 'ETag mismatch' } }],
      },
    });
    const client = await redfishClient(ctx);
    expect((await client.patch(SYSTEM, { X: 1 })).status).toBe(200);
    expect(fake.find('PATCH', SYSTEM).map((r) => r.headers['if-match'])).toEqual(['"1"', '"2"']);
    const e = await rejection(client.patch(SYSTEM, { X: 2 }));
    expect(e.kind).toBe('http');
    expect(e.message).toMatch(/^\[412\] ETag mismatch \(the resource changed/);
    await ctx.cleanup();
  });

  it('uses a given etag without reading first', async () => {
    const { fake, ctx } = setup();
    const client = await redfishClient(ctx);
    await client.patch(SYSTEM, { X: 1 }, { etag: '"given"' });
    expect(fake.find('GET', SYSTEM)).toHaveLength(0);
    expect(fake.find('PATCH', SYSTEM)[0]!.headers['if-match']).toBe('"given"');
    await ctx.cleanup();
  });
});

describe("errors end as the node's error", () => {
  const cases: Array<
    [string, (req: unknown, n: number) => [number, unknown?, Record<string, string>?], string, RegExp]
  > = [
    [
      '403',
      () => [403, { error: { '@Message.ExtendedInfo': [{ Message: 'Insufficient privileges' }] } }],
      'auth',
      /^\[403\] Insufficient privileges \(the account is not allowed/,
    ],
    [
      '404',
      () => [404, { error: { message: 'Resource not found' } }],
      'http',
      /^\[404\] Resource not found \(GET \/redfish\/v1\/Systems\/System.Embedded.1: not found/,
    ],
    ['405', () => [405, ''], 'unsupported', /^\[405\] Method Not Allowed \(this BMC does not allow GET/],
    [
      '409',
      () => [
        409,
        {
          error: {
            '@Message.ExtendedInfo': [
              { MessageId: 'IDRAC.1.6.PSU501', Message: 'Server is already powered ON.' },
            ],
          },
        },
      ],
      'http',
      /^\[409\] Server is already powered ON\.$/,
    ],
    [
      '500 HTML',
      () => [
        500,
        '<!DOCTYPE html><html><head><title>Internal Server Error</title></head><body><pre>Traceback...</pre></body></html>',
      ],
      'http',
      /^\[500\] Internal Server Error \(HTML error page\)$/,
    ],
    [
      '503 ×3',
      () => [503, { error: { message: 'The maximum number of user sessions is reached' } }],
      'http',
      /^\[503\] The maximum number of user sessions is reached \(the BMC is busy or starting up, 3 tries: retry later\)$/,
    ],
    [
      'Cray body',
      () => [400, { Status: 400, Message: 'Invalid ResetType' }],
      'http',
      /^\[400\] Invalid ResetType$/,
    ],
    ['plain text', () => [400, 'bad request\nmore'], 'http', /^\[400\] bad request$/],
    [
      'truncated JSON',
      () => [200, '{"Id": "System.Embedded.1", "PowerState": "O'],
      'protocol',
      /^Received wrong format response: '\{"Id": "System.Embedded.1", "PowerState": "O' from GET/,
    ],
    ['malformed JSON', () => [200, 'OK'], 'protocol', /^Received wrong format response: 'OK'/],
  ];
  it.each(cases)('%s', async (_name, handler, kind, re) => {
    const { ctx } = setup({
      handlers: {
        [`GET ${SYSTEM}`]: (req, n) =>
          (req as { headers: Record<string, string> }).headers['x-auth-token'] ? handler(req, n) : undefined,
      },
    });
    const client = await redfishClient(ctx);
    const e = await rejection(client.system());
    expect(e.kind).toBe(kind);
    expect(e.message).toMatch(re);
    await ctx.cleanup();
  });

  it('an action answered 502/503/504 is not sent again (never a double power cycle); a GET is', async () => {
    const target = `${SYSTEM}/Actions/ComputerSystem.Reset`;
    const { fake, ctx } = setup({
      handlers: {
        [`POST ${target}`]: () => [503, { error: { message: 'busy' } }],
        [`GET ${CHASSIS}`]: (req, n) => (req.headers['x-auth-token'] && n === 1 ? [502, ''] : undefined),
      },
    });
    const client = await redfishClient(ctx);
    const e = await rejection(
      client.action(await client.system(), 'ComputerSystem.Reset', { ResetType: 'PowerCycle' }),
    );
    expect(e.message).toBe('[503] busy (the BMC is busy or starting up: retry later)');
    expect(fake.find('POST', target)).toHaveLength(1);
    expect((await client.get(CHASSIS)).Id).toBe('Self');
    expect(fake.find('GET', CHASSIS)).toHaveLength(2);
    await ctx.cleanup();
  });

  it('secrets never appear in errors or debug output, even when the BMC echoes them', async () => {
    const { services, ctx } = setup(
      {
        handlers: {
          [`GET ${SYSTEM}`]: (req) =>
            req.headers['x-auth-token']
              ? [
                  400,
                  { error: { message: `bad token ${req.headers['x-auth-token']} for password ${PASSWORD}` } },
                ]
              : undefined,
        },
      },
      {},
      { debug: true },
    );
    const client = await redfishClient(ctx);
    const e = await rejection(client.system());
    expect(e.message).toBe('[400] bad token xxxxxx for password xxxxxx');
    await ctx.cleanup();
    const all = services.debugLines.join('\n') + services.warnings.join('\n');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain('token-1-xyzzy');
    expect(all).toContain('Password":"xxxxxx"');
    expect(all).toMatch(/DELETE .*Sessions\/1/);
  });
});
