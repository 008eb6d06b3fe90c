/**
 * A System whose Boot has only BootOrder/BootOptions (no BootSourceOverride*): served in mockup mode from a
 * copy of the DMTF rackmount1 capture with that Boot. The simulator keeps that shape, and rsetboot says
 * the override is unsupported (stat and set) instead of PATCHing or printing "boot override inactive".
 */
import { describe, it, expect, afterAll } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DMTF_RACKMOUNT, FIXTURES, endpoints, startFleet, useFleet } from '../helpers/sim-harness.js';
import { rsetboot } from '../power/harness.js';

const SYSTEM = 'Systems/437XR1138R2';
const BOOT = {
  BootOrder: ['Boot0001', 'Boot0002'],
  BootOptions: { '@odata.id': '/redfish/v1/Systems/437XR1138R2/BootOptions' },
};

const dir = mkdtempSync(join(tmpdir(), 'hwctl-no-override-'));
const capture = join(dir, 'boot-order-only');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const f = useFleet(() => {
  cpSync(join(FIXTURES, DMTF_RACKMOUNT), capture, { recursive: true });
  const file = join(capture, SYSTEM, 'index.json');
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...doc, Boot: BOOT }, null, 2));
  return startFleet({ fromMockup: [capture] });
});
const node = () => f.node['boot-order-only']!;

describe('a Boot without BootSourceOverride properties', () => {
  it('the simulator serves the Boot as captured, and refuses an override property as unknown', async () => {
    const n = f.sim.nodes[0]!;
    const ca = readFileSync(f.sim.caFile!);
    const { Agent, request } = await import('node:https');
    const agent = new Agent({ ca });
    const call = (method: string, path: string, body?: unknown) =>
      new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
        const req = request(
          `${n.url}${path}`,
          {
            method,
            agent,
            auth: `${f.sim.username}:${readFileSync(f.sim.passwordFile, 'utf8').trim()}`,
            headers: body ? { 'content-type': 'application/json' } : {},
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : {} }));
          },
        );
        req.on('error', reject);
        req.end(body ? JSON.stringify(body) : undefined);
      });
    const got = await call('GET', `/redfish/v1/${SYSTEM}`);
    expect(got.body.Boot).toEqual(BOOT);
    const patched = await call('PATCH', `/redfish/v1/${SYSTEM}`, {
      Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' },
    });
    expect(patched.status).toBe(400);
    expect(JSON.stringify(patched.body)).toMatch(/PropertyUnknown/);
    agent.destroy();
  });

  it('rsetboot stat: unsupported, naming what the Boot has', async () => {
    const r = await rsetboot(f.inventory, node(), ['stat'], { output: 'json' });
    expect(r.code).toBe(1);
    expect(r.json!.results[0]!.error).toEqual({
      kind: 'unsupported',
      message:
        "this BMC does not advertise a boot override (its System's Boot has no BootSourceOverrideTarget or BootSourceOverrideEnabled, only BootOrder, BootOptions)",
    });
  });

  it('rsetboot net: unsupported before any PATCH', async () => {
    f.sim.admin.resetStats();
    const r = await rsetboot(f.inventory, node(), ['net']);
    expect(r.code).toBe(1);
    expect(r.byNode.get(node())).toMatch(/^Error: this BMC does not advertise a boot override/);
    expect(Object.keys(endpoints(f.sim, node())).filter((k) => k.startsWith('PATCH'))).toEqual([]);
  });
});
