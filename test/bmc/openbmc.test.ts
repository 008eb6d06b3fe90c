/** The OpenBMC REST client (nock): /login cookie + Basic, {data} envelopes, xCAT errors, /logout bounded. */
import { describe, it, expect } from '@jest/globals';
import { useNock } from '../helpers/nock-harness.js';
import nock from 'nock';
import { openbmcClient, openSessions } from '../../src/bmc/index.js';
import { PASSWORD, recordingServices, rejection, testContext, testNode } from './helpers.js';

const ORIGIN = 'https://bmc01.test:443';
const BASIC = 'Basic ' + Buffer.from(`root:${PASSWORD}`).toString('base64');
const ok = (data: unknown) => ({ data, message: '200 OK', status: 'ok' });
const fail = (code: string, description: string) => ({
  data: { description, exception: 'x' },
  message: code,
  status: 'error',
});

useNock();

function setup(options: Record<string, unknown> = {}, password = PASSWORD) {
  const services = recordingServices(options);
  return { services, ctx: testContext(testNode({ mgt: 'openbmc' }), services, password) };
}

function login(scope = nock(ORIGIN), cookie = 'SESSION=sess-abc123; Path=/; Secure; HttpOnly') {
  return scope
    .post('/login', { data: ['root', PASSWORD] })
    .matchHeader('authorization', BASIC)
    .reply(200, ok("User 'root' logged in"), { 'Set-Cookie': [cookie, 'XSRF-TOKEN=xsrf-789xyz; Path=/'] });
}

describe('OpenBMC client', () => {
  it('logs in with {data:[user,password]}, then sends the cookie, XSRF token and Basic on every request; unwraps {data}', async () => {
    const { ctx } = setup();
    const scope = login()
      .get('/xyz/openbmc_project/state/enumerate')
      .matchHeader('cookie', 'SESSION=sess-abc123; XSRF-TOKEN=xsrf-789xyz')
      .matchHeader('x-xsrf-token', 'xsrf-789xyz')
      .matchHeader('authorization', BASIC)
      .reply(
        200,
        ok({
          '/xyz/openbmc_project/state/host0': {
            CurrentHostState: 'xyz.openbmc_project.State.Host.HostState.Running',
          },
        }),
      )
      .put('/xyz/openbmc_project/state/host0/attr/RequestedHostTransition', {
        data: 'xyz.openbmc_project.State.Host.Transition.On',
      })
      .matchHeader('authorization', BASIC)
      .reply(200, ok(null))
      .post('/logout', { data: [] })
      .reply(200, ok('User logged out'));
    const client = await openbmcClient(ctx);
    expect(openSessions()).toEqual([
      expect.objectContaining({ node: 'node01', flavor: 'openbmc', uri: '/login' }),
    ]);
    const states = await client.get<Record<string, Record<string, string>>>(
      '/xyz/openbmc_project/state/enumerate',
    );
    expect(states['/xyz/openbmc_project/state/host0']!.CurrentHostState).toMatch(/Running$/);
    expect(
      await client.put(
        '/xyz/openbmc_project/state/host0/attr/RequestedHostTransition',
        'xyz.openbmc_project.State.Host.Transition.On',
      ),
    ).toBeNull();
    await ctx.cleanup();
    expect(scope.isDone()).toBe(true);
    expect(openSessions()).toEqual([]);
  });

  it('bad credentials: [401] Invalid username or password', async () => {
    const { ctx } = setup({}, 'nope-nope');
    nock(ORIGIN).post('/login').reply(401, fail('401 Unauthorized', 'Invalid username or password'));
    expect(await rejection(openbmcClient(ctx))).toEqual({
      kind: 'auth',
      message: '[401] Invalid username or password',
      status: 401,
    });
    expect(openSessions()).toEqual([]);
    await ctx.cleanup();
  });

  it('errors: [code] data.description; 403/404 in xCAT wording; 502 "Verify REST server"; non-JSON and envelope-less bodies', async () => {
    const { ctx } = setup();
    login()
      .get('/a')
      .reply(400, fail('400 Bad Request', 'Invalid value for BootSource'))
      .get('/b')
      .reply(403, fail('403 Forbidden', 'x'))
      .get('/c')
      .reply(404, fail('404 Not Found', 'org.freedesktop.DBus.Error.FileNotFound: path or object not found'))
      .get('/d')
      .times(3)
      .reply(502, 'Bad Gateway')
      .get('/e')
      .reply(200, '<html>not json</html>')
      .get('/f')
      .reply(200, { something: 'else' })
      .get('/g')
      .reply(500, fail('500 Internal Server Error', 'Unexpected error'))
      .post('/logout')
      .reply(200, ok(null));
    const client = await openbmcClient(ctx);
    expect(await rejection(client.get('/a'))).toEqual({
      kind: 'http',
      message: '[400] Invalid value for BootSource',
      status: 400,
    });
    expect((await rejection(client.get('/b'))).message).toBe(
      '403 Forbidden - Requested endpoint does not exist or may indicate function is not yet supported by OpenBMC firmware.',
    );
    expect(await rejection(client.get('/c'))).toMatchObject({
      kind: 'unsupported',
      message: expect.stringMatching(/^404 Not Found - Requested endpoint does not exist/),
    });
    expect(await rejection(client.get('/d'))).toEqual({
      kind: 'unreachable',
      message:
        'BMC did not respond. Validate BMC configuration and retry the command. (Verify REST server is running on the BMC)',
      status: 502,
    });
    expect((await rejection(client.get('/e'))).message).toMatch(
      /^Received wrong format response: '<html>not json<\/html>' from GET \/e/,
    );
    expect((await rejection(client.get('/f'))).message).toMatch(
      /^Received wrong format response: '\{"something":"else"\}'/,
    );
    expect((await rejection(client.get('/g'))).message).toBe('[500] Unexpected error');
    await ctx.cleanup();
  });

  it('a 401 mid-run (session dropped after a BMC reboot) logs in again once', async () => {
    const { ctx } = setup();
    const scope = login()
      .get('/x')
      .reply(401, fail('401 Unauthorized', 'Login required'))
      .post('/login')
      .reply(200, ok('again'), { 'Set-Cookie': 'SESSION=second-session; Path=/' })
      .get('/x')
      .matchHeader('cookie', /SESSION=second-session/)
      .reply(200, ok(42))
      .post('/logout')
      .reply(200, ok(null));
    const client = await openbmcClient(ctx);
    expect(await client.get('/x')).toBe(42);
    expect(openSessions()).toHaveLength(1);
    await ctx.cleanup();
    expect(scope.isDone()).toBe(true);
    expect(openSessions()).toEqual([]);
  });

  it('/logout that hangs never blocks the run (bounded by the logout timeout), and never throws', async () => {
    const { services, ctx } = setup({ logoutTimeoutMs: 150, debug: true });
    login().post('/logout').delay(5000).reply(200, ok(null));
    await openbmcClient(ctx);
    const started = Date.now();
    await ctx.cleanup();
    expect(Date.now() - started).toBeLessThan(800);
    expect(openSessions()).toEqual([]);
    expect(services.debugLines.some((l) => l.includes('logout failed'))).toBe(true);
  });

  it('debug masks the login password, cookies and Basic credentials', async () => {
    const { services, ctx } = setup({ debug: true });
    login().get('/x').reply(200, ok(1)).post('/logout').reply(200, ok(null));
    const client = await openbmcClient(ctx);
    await client.get('/x');
    await ctx.cleanup();
    const out = services.debugLines.join('\n');
    expect(out).toContain(`-d '{"data":["root","xxxxxx"]}'`);
    expect(out).toContain(`-b 'SESSION=xxxxxx; XSRF-TOKEN=xxxxxx'`);
    expect(out).toContain('-u root:xxxxxx');
    for (const secret of [PASSWORD, 'sess-abc123', 'xsrf-789xyz']) expect(out).not.toContain(secret);
  });
});
