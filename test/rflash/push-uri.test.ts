/**
 * rflash through HttpPushUri, end to end: a Redfish UpdateService without MultipartHttpPushUri (bmcweb before
 * 2022, older vendor firmware; the simulator's `updatePushOnly`). `-a FILE` streams the raw image to the
 * push URI (applied at once) and follows it to the new version running; `-u` (staging, an OnReset apply
 * time) is refused with the reason, since a raw push cannot carry one; nothing is sent for it.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../src/sim/fleet.js';
import { useFleet } from '../helpers/sim-harness.js';
import { rflash, writeImage } from './harness.js';

const f = useFleet(async () => ({
  sim: await startSimulator({
    nodes: 2,
    personality: ['generic', 'openbmc'],
    updatePushOnly: true,
    updateMs: 300,
    bmcRebootMs: 200,
    transitionMs: 50,
    adminPort: false,
  }),
}));
const dir = mkdtempSync(join(tmpdir(), 'hwctl-rflash-push-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const posts = (node: string) =>
  Object.entries(f.sim.stats(node).perNode[node]!.endpoints).filter(([k]) =>
    k.startsWith('POST /redfish/v1/UpdateService'),
  );

describe('HttpPushUri only', () => {
  it('-a FILE: the raw image pushed once, activated, running afterwards (generic and bmcweb)', async () => {
    const img = writeImage(dir, 'bmc-push.tar', '4.0.7', 'BMC', { size: 200_000 });
    f.sim.admin.resetStats();
    const r = await rflash(f.sim.inventory, 'all', { words: [img], activate: true });
    expect(r.errors).toEqual(new Map());
    expect(r.code).toBe(0);
    // each personality's push URI (generic: its upload URI; bmcweb: /update)
    const pushUri: Record<string, string> = {
      sim001: '/redfish/v1/UpdateService/upload',
      sim002: '/redfish/v1/UpdateService/update',
    };
    for (const n of ['sim001', 'sim002']) {
      expect(r.lines.get(n)).toEqual([
        'Firmware upload successful. Attempting to activate firmware: 4.0.7 (ID: pending)',
        'Firmware 4.0.7 activation successful.',
      ]);
      expect(
        f.sim
          .machine(n)
          .firmware.list()
          .find((i) => i.version === '4.0.7'),
      ).toMatchObject({
        activation: 'Active',
      });
      // one POST, to the push URI (not a multipart form, which this BMC does not offer)
      expect(posts(n)).toEqual([[`POST ${pushUri[n]}`, 1]]);
    }
  });

  it('-u FILE (stage for later) is refused with the reason; nothing is uploaded', async () => {
    const img = writeImage(dir, 'bmc-stage.tar', '4.0.8', 'BMC');
    f.sim.admin.resetStats();
    const r = await rflash(f.sim.inventory, 'sim001', { words: [img], upload: true });
    expect(r.code).toBe(1);
    expect(r.errors.get('sim001')).toMatch(
      /applies pushed images at once \(HttpPushUri, no MultipartHttpPushUri/,
    );
    expect(posts('sim001')).toEqual([]);
  });
});
