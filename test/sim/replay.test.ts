/**
 * --record DIR and `hwctl sim --replay DIR` (docs/simulator.md, "Replaying a recorded run"): a run against
 * the simulator is recorded with every secret masked, then served back and gives the same answers.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenbmcFrontend } from '../../src/sim/openbmc/index.js';
import { createRedfishFrontend } from '../../src/sim/redfish/index.js';
import { startSimulator, type Simulator } from '../../src/sim/fleet.js';
import type { FrontendFactory, SimResponse } from '../../src/sim/types.js';
import { runCli } from '../helpers/cli.js';
import { startFleet, type Fleet, type JsonDocument } from '../helpers/sim-harness.js';
import { http } from './http.js';

/** Every session token the live BMCs handed out (X-Auth-Token, cookie values). */
const tokens = new Set<string>();
function capturing(create: FrontendFactory): FrontendFactory {
  return async (machine, opts) => {
    const f = await create(machine, opts);
    return Object.assign(Object.create(f) as typeof f, {
      handle: async (req: Parameters<typeof f.handle>[0]) => {
        const res: SimResponse = await f.handle(req);
        for (const [k, v] of Object.entries(res.headers ?? {})) {
          if (/^x-auth-token$/i.test(k)) tokens.add(String(v));
          if (/^set-cookie$/i.test(k))
            for (const c of ([] as string[]).concat(v)) {
              const value = /^[^=]*=([^;]*)/.exec(c)![1]!;
              if (value) tokens.add(value); // an empty value clears a cookie
            }
        }
        return res;
      },
    });
  };
}

let live: Fleet;
let replay: Simulator | undefined;
let dir: string;
const recorded: Record<string, JsonDocument> = {};
const COMMANDS = [
  ['rinv', 'all', 'model', 'serial'],
  ['rpower', 'all', 'on'],
  ['rpower', 'all', 'stat'],
] as const;

const run = async (inventory: string, cmd: readonly string[], extra: string[] = []) => {
  const r = await runCli(['-i', inventory, ...cmd, '-o', 'json', '-q', ...extra]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(r.stdout) as JsonDocument;
};

/** The results without their timing (which no replay reproduces). */
const timeless = (doc: JsonDocument) =>
  doc.results.map(({ node, ok, value, error }) => ({ node, ok, value, error }));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hwctl-record-'));
  live = await startFleet({
    nodes: 2,
    flavor: 'mixed',
    initialPower: 'Off',
    transitionMs: 20,
    frontends: { redfish: capturing(createRedfishFrontend), openbmc: capturing(createOpenbmcFrontend) },
  });
  for (const cmd of COMMANDS) {
    recorded[cmd.join(' ')] = await run(live.inventory, cmd, ['--record', join(dir, 'rec')]);
    await new Promise((r) => setTimeout(r, 60)); // the power transition ends before the next command
  }
}, 30_000);
afterAll(async () => {
  await live?.sim.stop();
  await replay?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('--record DIR', () => {
  it('writes one file per node with every exchange, and no secret anywhere', () => {
    const files = readdirSync(join(dir, 'rec')).sort();
    expect(files).toEqual(live.sim.nodes.map((n) => `${n.name}.ndjson`).sort());
    const password = readFileSync(live.sim.passwordFile, 'utf8').trim();
    const basic = Buffer.from(`${live.sim.username}:${password}`).toString('base64');
    expect(tokens.size).toBeGreaterThanOrEqual(2); // one session per node and command at least
    for (const f of files) {
      const text = readFileSync(join(dir, 'rec', f), 'utf8');
      const lines = text.trim().split('\n');
      expect(JSON.parse(lines[0]!)).toMatchObject({ hwctlRecord: 1, node: f.replace('.ndjson', '') });
      // Every command's requests are there: a power action among them.
      expect(lines.length).toBeGreaterThan(6);
      expect(text).toMatch(/"method":"(POST|PUT)"/);
      for (const secret of [password, basic, ...tokens]) expect(text).not.toContain(secret);
      expect(text).toContain('xxxxxx');
    }
  });

  it.each([
    ['under a file', () => join(live.inventory, 'rec'), 'ENOTDIR'],
    // Node's recursive mkdir never returns there: it spun at 100 % CPU.
    ['under /proc', () => '/proc/nope/rec', 'ENOENT'],
  ])(
    'a directory that cannot be created (%s) is a usage error before any BMC is touched',
    async (_, path, code) => {
      const before = live.sim.stats().totalRequests;
      const r = await runCli(['-i', live.inventory, 'rpower', 'all', 'stat', '--record', path()], {
        timeoutMs: 10_000,
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--record ${path()}: cannot create the directory (${code})`);
      expect(live.sim.stats().totalRequests).toBe(before);
    },
  );
});

describe('hwctl sim --replay DIR', () => {
  beforeAll(async () => {
    replay = await startSimulator({ replay: join(dir, 'rec'), adminPort: false });
  });

  it('serves one BMC per recorded node, under its recorded name', () => {
    expect(replay!.nodes.map((n) => [n.name, n.flavor])).toEqual(
      live.sim.nodes.map((n) => [n.name, n.flavor]),
    );
  });

  it('gives the same answers through hwctl, in the recorded order (off before on, on after), any password', async () => {
    for (const cmd of COMMANDS) {
      const again = await run(replay!.inventory, cmd);
      expect(timeless(again)).toEqual(timeless(recorded[cmd.join(' ')]!));
    }
    // The last recorded answer repeats.
    const stat = await run(replay!.inventory, COMMANDS[2]);
    expect(stat.results.map((r) => r.value?.state)).toEqual(['on', 'on']);
  });

  it('answers a request never recorded with 404 and a Redfish error body', async () => {
    const n = replay!.nodes[0]!;
    const r = await http(`${n.url}/redfish/v1/NotRecorded`, { ca: readFileSync(replay!.caFile!, 'utf8') });
    expect(r.status).toBe(404);
    expect(r.json()).toMatchObject({
      error: { '@Message.ExtendedInfo': [{ MessageId: 'Base.1.16.ResourceMissingAtURI' }] },
    });
  });
});
