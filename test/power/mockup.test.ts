/**
 * rpower and rsetboot on real captures (DMTF's reference rack server, a stock OpenBMC bmcweb) served by
 * the simulator's mockup mode: `stat` gives what the capture files say, and changes read back.
 */
import { describe, it, expect } from '@jest/globals';
import { BMCWEB, DMTF_RACKMOUNT, fixture, startMockups, useFleet } from '../helpers/sim-harness.js';
import { rpower, rsetboot } from './harness.js';

const CAPTURES = [DMTF_RACKMOUNT, BMCWEB];

interface CapturedSystem {
  PowerState: string;
  Boot: {
    BootSourceOverrideEnabled: string;
    BootSourceOverrideTarget: string;
    BootSourceOverrideMode?: string;
  };
}

/** The System of a capture, found as a client would: the first member of /redfish/v1/Systems. */
function capturedSystem(dir: string): CapturedSystem {
  const read = (p: string): unknown => fixture(dir, p);
  const systems = read('Systems') as { Members: Array<{ '@odata.id': string }> };
  const path = systems.Members[0]!['@odata.id'].replace(/^\/redfish\/v1\//, '');
  return read(path) as CapturedSystem;
}

// xCAT's Redfish display words (reference xcat-openbmc.md §3), written out independently of src/.
const BOOT_WORDS: Record<string, string> = {
  Pxe: 'Network',
  Hdd: 'Hard Drive',
  Cd: 'CD/DVD',
  None: 'boot override inactive',
};

const m = useFleet(() => startMockups(CAPTURES, { transitionMs: 60 }));

describe('real captures', () => {
  it('rpower stat and rsetboot stat give what the capture files say', async () => {
    const power = await rpower(m.sim.inventory, 'all', ['stat']);
    const boot = await rsetboot(m.sim.inventory, 'all', ['stat'], { output: 'json' });
    expect(power.code).toBe(0);
    expect(boot.code).toBe(0);
    const bootBy = Object.fromEntries(boot.json!.results.map((x) => [x.node, x.value!]));
    for (const c of CAPTURES) {
      const sys = capturedSystem(c);
      expect(power.byNode.get(m.node[c]!)).toBe(sys.PowerState.toLowerCase());
      const b = sys.Boot;
      const word =
        b.BootSourceOverrideEnabled === 'Disabled'
          ? 'boot override inactive'
          : BOOT_WORDS[b.BootSourceOverrideTarget];
      expect(bootBy[m.node[c]!]).toMatchObject({
        boot: word,
        raw: b.BootSourceOverrideTarget,
        mode: b.BootSourceOverrideMode,
      });
    }
    // The captures differ: one is on with a PXE override, the other off with none.
    expect(capturedSystem(CAPTURES[0]!).PowerState).toBe('On');
    expect(capturedSystem(CAPTURES[1]!).PowerState).toBe('Off');
  });

  it('power changes read back (inline AllowableValues and ActionInfo)', async () => {
    const off = await rpower(m.sim.inventory, 'all', ['off'], { wait: '5' });
    expect(off.code).toBe(0);
    for (const n of m.sim.nodes) expect(off.byNode.get(n.name)).toMatch(/^off \(/);
    const on = await rpower(m.sim.inventory, 'all', ['on'], { wait: '5' });
    expect(on.code).toBe(0);
    const stat = await rpower(m.sim.inventory, 'all', ['stat'], { expect: 'on' });
    expect(stat.code).toBe(0);
    const reset = await rpower(m.sim.inventory, 'all', ['reset'], { wait: '5', output: 'json' });
    expect(reset.code).toBe(0);
    for (const x of reset.json!.results)
      expect(x.value).toMatchObject({ state: 'on', action: 'ForceRestart' });
  });

  it('boot override changes read back, -p and -u included', async () => {
    const hd = await rsetboot(m.sim.inventory, 'all', ['hd'], { persistent: true, output: 'json' });
    expect(hd.code).toBe(0);
    for (const x of hd.json!.results) expect(x.value).toMatchObject({ boot: 'Hard Drive', persistent: true });
    const cd = await rsetboot(m.sim.inventory, m.node['openbmc-bmcweb']!, ['cd'], {
      uefi: true,
      output: 'json',
    });
    expect(cd.json!.results[0]!.value).toMatchObject({ boot: 'CD/DVD', persistent: false, mode: 'UEFI' });
    const def = await rsetboot(m.sim.inventory, 'all', ['default']);
    expect(def.code).toBe(0);
    for (const n of m.sim.nodes) expect(def.byNode.get(n.name)).toBe('boot override inactive');
    // DMTF's capture has no Floppy target: refused with its own list.
    const floppy = await rsetboot(m.sim.inventory, m.node['dmtf-public-rackmount1']!, ['floppy']);
    expect(floppy.code).toBe(1);
    expect(floppy.err.join('\n')).toContain(
      'it allows: None, Pxe, Cd, Usb, Hdd, BiosSetup, Utilities, Diags, SDCard, UefiTarget',
    );
  });
});
