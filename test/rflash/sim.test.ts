/**
 * rflash end to end against the simulator, on every kind of BMC (Redfish generic, iDRAC, iLO, bmcweb and
 * OpenBMC REST): -l, -c, -u, -a FILE|URL|ID, --delete, -d, a bad image, a BMC that reboots mid-update,
 * the deadline and --status resume, the node lock; xCAT's validation messages before any BMC is touched.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlashArgs } from '../../src/managers/firmware.js';
import { FlashJournal, flashDir, readRecord } from '../../src/managers/firmware-state.js';
import { imageIdOf } from '../../src/sim/firmware.js';
import { endpoints, startKindFleet, useFleet } from '../helpers/sim-harness.js';
import { usage } from '../helpers/usage.js';
import { rflash, writeImage } from './harness.js';

// A BMC reboot long enough to be seen (the transport retries a refused connection for ~1.4 s), as real ones are:
// rflash -d waits for the reboot as rpower bmcreboot --wait does, Ready counting once the BMC was seen down.
const k = useFleet(() => startKindFleet({ updateMs: 400, bmcRebootMs: 2000 }));
const dir = mkdtempSync(join(tmpdir(), 'hwctl-rflash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('validation (before any BMC)', () => {
  it("uses xCAT's messages", async () => {
    const img = writeImage(dir, 'bmc-v.tar', '9.9.9', 'BMC');
    expect(await usageAsync(parseFlashArgs({ words: [img], activate: true, upload: true }))).toBe(
      'Multiple options are not supported. Options specified: -u -a',
    );
    expect(await usageAsync(parseFlashArgs({ words: [img, img], activate: true }))).toBe(
      'More than one firmware specified is not supported.',
    );
    expect(await usageAsync(parseFlashArgs({ words: [join(dir, 'nope.tar')], upload: true }))).toBe(
      `Cannot access ${join(dir, 'nope.tar')}. Check the management node and/or service nodes.`,
    );
    expect(await usageAsync(parseFlashArgs({ words: ['zz.tar'], delete: true }))).toBe(
      'Invalid firmware specified with --delete',
    );
    const empty = mkdtempSync(join(dir, 'empty-'));
    expect(await usageAsync(parseFlashArgs({ words: [empty], directory: true }))).toBe(
      `No BMC tar file found in ${empty}`,
    );
    writeImage(empty, 'bmc.tar', '1.0.0', 'BMC');
    expect(await usageAsync(parseFlashArgs({ words: [empty], directory: true }))).toBe(
      `No Host tar file found in ${empty}`,
    );
    expect(await usageAsync(parseFlashArgs({ words: [], hostReboot: false, list: true }))).toMatch(
      /--no-host-reboot goes with -d/,
    );
    const a = await parseFlashArgs({ words: [img], activate: true });
    expect(a).toMatchObject({ op: 'activate', image: { version: '9.9.9', purpose: 'BMC', kind: 'file' } });
    expect(await parseFlashArgs({ words: ['1a2b3c4d'], activate: true })).toMatchObject({
      op: 'activate-id',
      id: '1a2b3c4d',
    });
    expect(await parseFlashArgs({ words: ['https://repo/x/bios-1.2.3.bin'], activate: true })).toMatchObject({
      op: 'activate',
      image: { kind: 'url', name: 'bios-1.2.3.bin' },
    });
  });
});

async function usageAsync(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return usage(() => {
      throw e;
    });
  }
  throw new Error('no usage error');
}

describe('-l and -c', () => {
  it('lists the running BMC and Host images on every kind', async () => {
    const r = await rflash(k.sim.inventory, k.all.join(','), { words: [], list: true });
    expect(r.code).toBe(0);
    for (const node of k.all) {
      const lines = r.lines.get(node)!;
      expect(lines[0]).toBe('ID       Purpose State      Version');
      expect(lines[1]).toBe('-'.repeat(55));
      expect(lines.filter((l) => /^[0-9a-f]{8} BMC +Active\(\*\)/.test(l))).toHaveLength(1);
      expect(lines.filter((l) => /^[0-9a-f]{8} Host +Active\(\*\)/.test(l))).toHaveLength(1);
    }
  });

  it('-c FILE shows the image version and the running firmware', async () => {
    const img = writeImage(dir, 'bmc-c.tar', '7.7.7', 'BMC');
    const node = k.node['openbmc-rest'];
    const r = await rflash(k.sim.inventory, node, { words: [img], check: true });
    expect(r.code).toBe(0);
    const lines = r.lines.get(node)!;
    expect(lines[0]).toBe('TAR BMC Firmware Product Version: 7.7.7');
    expect(lines.some((l) => /^BMC Firmware Product: .* \(Active\)\*$/.test(l))).toBe(true);
  });
});

describe('-a FILE (upload and activate)', () => {
  it('updates the BMC on OpenBMC REST, bmcweb, generic and iDRAC; iLO needs a URL', async () => {
    const img = writeImage(dir, 'bmc-a.tar', '3.1.0', 'BMC', { size: 300_000 });
    const kinds = ['openbmc-rest', 'bmcweb', 'generic', 'idrac', 'ilo'] as const;
    const nodes = kinds.map((x) => k.node[x]);
    const rebootsBefore = nodes.map((n) => k.sim.machine(n).bmcReboots());
    const r = await rflash(k.sim.inventory, nodes.join(','), { words: [img], activate: true });
    expect(r.code).toBe(1);
    for (const kind of kinds.slice(0, 4)) {
      const node = k.node[kind];
      expect(r.lines.get(node)).toEqual([
        `Firmware upload successful. Attempting to activate firmware: 3.1.0 (ID: ${kind === 'openbmc-rest' ? imageIdOf('3.1.0') : 'pending'})`,
        'Firmware 3.1.0 activation successful.',
      ]);
      expect(
        k.sim
          .machine(node)
          .firmware.list()
          .find((i) => i.version === '3.1.0'),
      ).toMatchObject({
        activation: 'Active',
        priority: 0,
      });
      const rec = readRecord(node)!;
      expect(rec.phase).toBe('done');
      expect(rec.targets[0]).toMatchObject({ version: '3.1.0' });
      expect(readFileSync(join(flashDir(), `${node}.log`), 'utf8')).toMatch(/uploading .*bmc-a\.tar/);
    }
    expect(r.errors.get(k.node.ilo)).toMatch(/no pushed image .*SimpleUpdate/);
    // bmcweb-like Redfish BMCs reboot themselves to run a new BMC image; OpenBMC REST waits for rpower bmcreboot.
    await waitFor(() => k.sim.machine(k.node.bmcweb).firmware.functional('BMC').version === '3.1.0');
    expect(k.sim.machine(k.node.bmcweb).bmcReboots()).toBeGreaterThan(rebootsBefore[1]!);
    expect(k.sim.machine(k.node['openbmc-rest']).bmcReboots()).toBe(rebootsBefore[0]);
  });

  it('SimpleUpdate from a URL on iLO', async () => {
    const node = k.node.ilo;
    const r = await rflash(k.sim.inventory, node, {
      words: ['https://repo.example/fw/bios-2.4.6.bin'],
      activate: true,
    });
    expect(r.errors.get(node)).toBeUndefined();
    expect(r.lines.get(node)?.[1]).toBe('Firmware bios-2.4.6.bin activation successful.');
    expect(
      k.sim
        .machine(node)
        .firmware.list()
        .some((i) => i.version === '2.4.6' && i.activation === 'Active'),
    ).toBe(true);
  });

  it('a bad image fails its node only, on both flavors', async () => {
    const bad = writeImage(dir, 'bmc-bad.tar', '6.6.6', 'BMC', { bad: true });
    const good = [k.node.generic];
    const nodes = [k.node['openbmc-rest'], k.node.bmcweb];
    const r = await rflash(k.sim.inventory, nodes.join(','), { words: [bad], activate: true });
    expect(r.code).toBe(1);
    for (const n of nodes) {
      expect(r.errors.get(n)).toMatch(/^Error: Firmware 6\.6\.6 activation failed\./);
      expect(readRecord(n)).toMatchObject({ phase: 'failed' });
    }
    expect(good).toHaveLength(1);
  });
});

describe('-u, -a ID, --delete', () => {
  it.each(['openbmc-rest', 'bmcweb'] as const)('%s: stage, activate by id, delete another', async (kind) => {
    const node = k.node[kind];
    const host = writeImage(dir, `host-${kind}.tar`, `hb-${kind}-1.0`, 'Host');
    const up = await rflash(k.sim.inventory, node, { words: [host], upload: true });
    expect(up.lines.get(node)).toEqual(['Firmware upload successful. Use -l option to list.']);
    const id = imageIdOf(`hb-${kind}-1.0`);
    const img = k.sim.machine(node).firmware.get(id)!;
    expect(img.activation).toBe('Ready');
    const spare = writeImage(dir, `bmc-spare-${kind}.tar`, `sp-${kind}-1.0`, 'BMC');
    await rflash(k.sim.inventory, node, { words: [spare], upload: true });
    const spareId = imageIdOf(`sp-${kind}-1.0`);
    k.sim.admin.resetStats();
    const del = await rflash(k.sim.inventory, node, { words: [spareId], delete: true });
    expect(del.lines.get(node)).toEqual(['Firmware removed']);
    // The list is read once (the flow hands the entry it checked to the delete), in one request.
    const reads = Object.entries(endpoints(k.sim, node)).filter(
      ([ep]) => ep.startsWith('GET') && /UpdateService|software/.test(ep),
    );
    expect(reads).toEqual([
      [
        kind === 'bmcweb' ? 'GET /redfish/v1/UpdateService' : 'GET /xyz/openbmc_project/software/enumerate',
        1,
      ],
    ]);
    expect(k.sim.machine(node).firmware.get(spareId)).toBeUndefined();
    const running = k.sim.machine(node).firmware.functional('BMC').id;
    const refused = await rflash(k.sim.inventory, node, { words: [running], delete: true });
    expect(refused.errors.get(node)).toBe('Error: Deleting currently active BMC firmware is not supported');
    const unknown = await rflash(k.sim.inventory, node, { words: ['abcdef12'], activate: true });
    expect(unknown.errors.get(node)).toMatch(/Invalid ID provided to activate/);

    const act = await rflash(k.sim.inventory, node, { words: [id], activate: true });
    expect(act.errors.get(node)).toBeUndefined();
    expect(act.lines.get(node)).toEqual(['Firmware activation successful.']);
    if (kind === 'openbmc-rest')
      expect(k.sim.machine(node).firmware.get(id)).toMatchObject({ activation: 'Active', priority: 0 });
    else expect(k.sim.machine(node).firmware.functional('Host').version).toBe(`hb-${kind}-1.0`);
  });
});

describe('-a ID of a staged BMC image (Redfish)', () => {
  it.each(['bmcweb', 'generic'] as const)(
    '%s: the BMC is rebooted as rpower bmcreboot --wait does, then the image runs',
    async (kind) => {
      const node = k.node[kind];
      const img = writeImage(dir, `bmc-staged-${kind}.tar`, `st-${kind}-2.0`, 'BMC');
      const up = await rflash(k.sim.inventory, node, { words: [img], upload: true });
      expect(up.errors.get(node)).toBeUndefined();
      const m = k.sim.machine(node);
      const reboots = m.bmcReboots();
      const act = await rflash(
        k.sim.inventory,
        node,
        { words: [imageIdOf(`st-${kind}-2.0`)], activate: true },
        { timeout: 60 },
      );
      expect(act.errors.get(node)).toBeUndefined();
      expect(act.lines.get(node)).toEqual(['Firmware activation successful.']);
      expect(m.bmcReboots()).toBe(reboots + 1);
      expect(m.firmware.functional('BMC').version).toBe(`st-${kind}-2.0`);
      expect(k.sim.stats().openSessions).toBe(0);
    },
  );
});

describe('-d DIR', () => {
  it.each(['openbmc-rest', 'generic'] as const)(
    '%s: BMC and host images, BMC reboot, host restart',
    async (kind) => {
      const node = k.node[kind];
      const d = mkdtempSync(join(dir, `d-${kind}-`));
      writeImage(d, 'obmc-phosphor-image.tar', `d-bmc-${kind}`, 'BMC');
      writeImage(d, 'witherspoon.pnor.squashfs.tar', `d-host-${kind}`, 'Host');
      const m = k.sim.machine(node);
      const reboots = m.bmcReboots();
      const r = await rflash(k.sim.inventory, node, { words: [d], directory: true }, { timeout: 60 });
      expect(r.errors.get(node)).toBeUndefined();
      expect(r.lines.get(node)).toEqual([
        `Firmware d-bmc-${kind} activation successful.`,
        `Firmware d-host-${kind} activation successful.`,
        'BMC Ready',
        'Host restarted',
      ]);
      expect(m.bmcReboots()).toBeGreaterThan(reboots);
      expect(m.firmware.functional('BMC').version).toBe(`d-bmc-${kind}`);
      await waitFor(() => m.firmware.functional('Host').version === `d-host-${kind}`);
    },
  );
  it('host already off: the restart powers it on, sends no power-off, waits for nothing (as rpower off)', async () => {
    const node = k.node.generic;
    const d = mkdtempSync(join(dir, 'd-off-'));
    writeImage(d, 'obmc-phosphor-image.tar', 'd-bmc-off', 'BMC');
    writeImage(d, 'witherspoon.pnor.squashfs.tar', 'd-host-off', 'Host');
    k.sim.admin.power(node, 'ForceOff');
    const m = k.sim.machine(node);
    await waitFor(() => m.powerState() === 'Off');
    const states: string[] = [];
    const onPower = (s: string) => states.push(s);
    m.on('power', onPower);
    try {
      const r = await rflash(k.sim.inventory, node, { words: [d], directory: true }, { timeout: 60 });
      expect(r.errors.get(node)).toBeUndefined();
      expect(r.lines.get(node)?.slice(-2)).toEqual(['BMC Ready', 'Host restarted']);
      await waitFor(() => m.powerState() === 'On');
      expect(states).not.toContain('PoweringOff');
      expect(states).toContain('PoweringOn');
    } finally {
      m.off('power', onPower);
    }
  });
});

describe('safety', () => {
  it('activation over more than --max-nodes nodes needs --yes; nothing is sent', async () => {
    const img = writeImage(dir, 'bmc-many.tar', '1.1.1', 'BMC');
    const before = k.all.map((n) => k.sim.machine(n).firmware.list().length);
    await expect(
      rflash(k.sim.inventory, k.all.join(','), { words: [img], activate: true }, { extra: { maxNodes: 2 } }),
    ).rejects.toThrow(/would act on 5 nodes, more than --max-nodes 2: nothing was sent/);
    expect(k.all.map((n) => k.sim.machine(n).firmware.list().length)).toEqual(before);
    // -u stages an image: no --yes needed.
    const up = await rflash(
      k.sim.inventory,
      k.all.join(','),
      { words: [img], upload: true },
      { extra: { maxNodes: 2 } },
    );
    expect(up.lines.get(k.node.generic)).toEqual(['Firmware upload successful. Use -l option to list.']);
  });
});

describe('resilience', () => {
  it('survives a BMC that reboots mid-update (both flavors)', async () => {
    const nodes = [k.node['openbmc-rest'], k.node.idrac];
    const img = writeImage(dir, 'bmc-reboot.tar', '4.4.4', 'BMC');
    const rebooted = nodes.map((n) => k.sim.machine(n).bmcReboots());
    setTimeout(() => nodes.forEach((n) => k.sim.machine(n).bmcReboot(400)), 250);
    const r = await rflash(k.sim.inventory, nodes.join(','), { words: [img], activate: true });
    for (const n of nodes) expect(r.errors.get(n)).toBeUndefined();
    expect(r.code).toBe(0);
    nodes.forEach((n, i) => expect(k.sim.machine(n).bmcReboots()).toBeGreaterThan(rebooted[i]!));
  });

  it('a node past the --deadline fails with its last state; --status resumes it later', async () => {
    const node = k.node['openbmc-rest'];
    const img = writeImage(dir, 'bmc-slow.tar', '5.5.5', 'BMC');
    // The upload takes a few ms, the activation 400 ms: the deadline falls while it activates.
    const r = await rflash(k.sim.inventory, node, { words: [img], activate: true, deadline: 0.2 });
    expect(r.code).toBe(1);
    expect(r.errors.get(node)).toMatch(
      /did not finish within the --deadline .*last state: .*rflash .* --status/,
    );
    expect(readRecord(node)).toMatchObject({ phase: expect.stringMatching(/uploaded|activating/) });
    // Resuming writes the record: not while another process holds the node (its record stays as it is).
    const lock = join(flashDir(), `${node}.lock`);
    writeFileSync(lock, `${process.ppid} ${(await import('node:os')).hostname()} now\n`);
    try {
      const held = await rflash(k.sim.inventory, node, { words: [], status: true });
      expect(held.errors.get(node)).toMatch(/Another process is already flashing this node/);
      expect(readRecord(node)).toMatchObject({ phase: expect.stringMatching(/uploaded|activating/) });
    } finally {
      rmSync(lock, { force: true });
    }
    const s = await rflash(k.sim.inventory, node, { words: [], status: true });
    expect(s.errors.get(node)).toBeUndefined();
    expect(s.lines.get(node)).toEqual(['Firmware 5.5.5 activation successful.']);
    expect(readRecord(node)).toMatchObject({ phase: 'done' });
    const again = await rflash(k.sim.inventory, node, { words: [], status: true });
    expect(again.lines.get(node)?.[0]).toMatch(/^rflash -a done at /);
  });

  it('--status of a run stopped in its BMC reboot (every image applied) says how to check the node', async () => {
    const node = k.node.bmcweb;
    new FlashJournal(
      node,
      {
        flavor: 'redfish',
        op: '-d /images',
        phase: 'rebooting-bmc',
        targets: [{ id: 'a1', version: '2.0', state: 'Completed', percent: 100 }],
      },
      () => undefined,
    ).save();
    const s = await rflash(k.sim.inventory, node, { words: [], status: true });
    expect(s.errors.get(node)).toBeUndefined();
    expect(s.lines.get(node)).toEqual([
      expect.stringMatching(/^rflash -d \/images rebooting-bmc at /),
      '2.0: Completed 100%',
      `The run stopped while rebooting-bmc: check the node with rpower ${node} stat / bmcstate`,
    ]);
  });

  it('refuses a node another process is flashing', async () => {
    const node = k.node.generic;
    mkdirSync(flashDir(), { recursive: true });
    const lock = join(flashDir(), `${node}.lock`);
    writeFileSync(lock, `${process.ppid} ${(await import('node:os')).hostname()} now\n`);
    try {
      const img = writeImage(dir, 'bmc-locked.tar', '8.8.8', 'BMC');
      const r = await rflash(k.sim.inventory, node, { words: [img], upload: true });
      expect(r.errors.get(node)).toMatch(
        new RegExp(`^Error: Unable to rflash ${node}\\. Another process is already flashing this node\\.`),
      );
      expect(k.sim.machine(node).firmware.get(imageIdOf('8.8.8'))).toBeUndefined();
    } finally {
      rmSync(lock, { force: true });
    }
    // Another host's lock is honoured however its pid looks here (remove it by hand: the message says whose).
    writeFileSync(lock, `999999 some-other-host\n`);
    try {
      const img = writeImage(dir, 'bmc-remote.tar', '8.8.7', 'BMC');
      const r = await rflash(k.sim.inventory, node, { words: [img], upload: true });
      expect(r.errors.get(node)).toMatch(
        /Another process is already flashing this node\. \(process 999999 on some-other-host; lock /,
      );
    } finally {
      rmSync(lock, { force: true });
    }
    // A lock left by a dead process is taken over.
    writeFileSync(lock, `999999 ${(await import('node:os')).hostname()} then\n`);
    const img = writeImage(dir, 'bmc-stale.tar', '8.8.9', 'BMC');
    const r = await rflash(k.sim.inventory, node, { words: [img], upload: true });
    expect(r.errors.get(node)).toBeUndefined();
    expect(existsSync(lock)).toBe(false);
  });
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
