/**
 * The nock discipline every unit test on a fake BMC follows, in one place: no real network while the
 * file runs, no interceptor carried from one test to the next, and node:http unpatched when the file
 * ends (jest shares core modules across the test files of a worker: a file that leaves nock in
 * node:http makes the next file's real sockets to the simulator go through a torn-down interceptor and
 * hang). Plus running an operation on a NodeContext the way the engine does (cleanups after it).
 */
import { beforeAll, afterAll, afterEach } from '@jest/globals';
import nock from 'nock';
import type { NodeContext } from '../../src/engine/executor.js';
import { recordingServices, testContext, testNode, type TestContext } from '../bmc/helpers.js';

/** Register this file's nock hooks: call once at the top level of a test file that uses nock. */
export function useNock(): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    // A delayed reply (.delay) whose request was aborted or timed out keeps its timer otherwise, and the
    // file's jest worker then outlives the tests by seconds ("did not exit gracefully").
    nock.abortPendingRequests();
    nock.cleanAll();
  });
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}

/**
 * For files that open real sockets: take out a nock that a test file run earlier in this jest worker
 * may have left in node:http.
 */
export function unpatchHttp(): void {
  nock.restore();
}

/** Run `op` on `ctx`, then the context's deferred cleanups (session logout...), as the engine does. */
export async function runOnContext<T>(ctx: TestContext, op: (ctx: NodeContext) => Promise<T>): Promise<T> {
  try {
    return await op(ctx);
  } finally {
    await ctx.cleanup();
  }
}

/**
 * Run `op` for the test node (node01 on the fake BMC) of flavor `mgt`, with services that record
 * warnings; returns the op's result and the warnings it gave.
 */
export async function runOnTestNode<T>(
  op: (ctx: NodeContext) => Promise<T>,
  mgt = 'redfish',
  options: Record<string, unknown> = {},
): Promise<{ result: T; warnings: string[] }> {
  const services = recordingServices(options);
  const result = await runOnContext(testContext(testNode({ mgt }), services), op);
  return { result, warnings: services.warnings };
}

/** The fake BMC's origin (test/bmc/fake-redfish.ts, testNode's bmc). */
export const ORIGIN = 'https://bmc01.test:443';

/** A success in OpenBMC REST's `{data, message, status}` envelope. */
export const openbmcOk = (data: unknown) => ({ data, message: '200 OK', status: 'ok' });

/** An OpenBMC REST BMC on nock that accepts /login and /logout any number of times; add GETs to the scope. */
export function fakeOpenbmcRest(): nock.Scope {
  return nock(ORIGIN)
    .persist()
    .post('/login')
    .reply(200, openbmcOk("User 'root' logged in"), { 'Set-Cookie': ['SESSION=s1; Path=/'] })
    .post('/logout')
    .reply(200, openbmcOk(null));
}
