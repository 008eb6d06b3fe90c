/**
 * rspconfig against real captures served in mockup mode (DMTF rackmount1, OpenBMC bmcweb): the captured
 * Manager network documents and the System's policies are read as captured, and sets are kept and read back.
 */
import { describe, it, expect } from '@jest/globals';
import { startCaptureFleet, useFleet, BMCWEB, DMTF_RACKMOUNT } from '../helpers/sim-harness.js';
import { rspconfig } from './config-harness.js';

const f = useFleet(() => startCaptureFleet());

describe('rspconfig on captures', () => {
  it('bmcweb: the captured address, hostname and NTP, typed', async () => {
    const n = f.node[BMCWEB]!;
    const r = await rspconfig(f.inventory, n, ['ip', 'netmask', 'ipsrc', 'vlan', 'hostname', 'ntpservers'], {
      output: 'json',
    });
    expect(r.code).toBe(0);
    expect(r.values.get(n)).toMatchObject({
      ip: '10.0.2.15',
      netmask: '255.255.255.0',
      ipsrc: 'DHCP',
      vlan: null,
      hostname: 'palmetto',
      ntpservers: [],
    });
  });

  it('bmcweb: hostname, ntpservers, powerrestorepolicy and autoreboot are set and read back', async () => {
    const n = f.node[BMCWEB]!;
    expect((await rspconfig(f.inventory, n, ['hostname=bmc7'])).lines.get(n)).toEqual(['BMC Hostname: bmc7']);
    expect((await rspconfig(f.inventory, n, ['ntpservers=10.0.0.3'])).lines.get(n)).toEqual([
      'BMC NTP Servers: 10.0.0.3',
    ]);
    const p = await rspconfig(f.inventory, n, ['powerrestorepolicy=restore', 'autoreboot=0']);
    expect(p.code).toBe(0);
    expect(p.lines.get(n)).toEqual(['BMC PowerRestorePolicy: LastState', 'BMC AutoReboot: Disabled']);
    const q = await rspconfig(f.inventory, n, ['powerrestorepolicy', 'autoreboot'], { output: 'json' });
    expect(q.values.get(n)).toEqual({ powerrestorepolicy: 'restore', autoreboot: false });
  });

  it('bmcweb: ip= replaces the DHCP lease with the static address', async () => {
    const n = f.node[BMCWEB]!;
    const r = await rspconfig(f.inventory, n, ['ip=10.0.2.50', 'netmask=255.255.255.0', 'gateway=10.0.2.2']);
    expect(r.code).toBe(0);
    const q = await rspconfig(f.inventory, n, ['ip', 'ipsrc'], { output: 'json' });
    expect(q.values.get(n)).toMatchObject({ ip: '10.0.2.50', ipsrc: 'Static' });
  });

  it('DMTF rackmount: its interface takes changes on a Settings object (pending); no PowerRestorePolicy → unsupported', async () => {
    const n = f.node[DMTF_RACKMOUNT]!;
    const h = await rspconfig(f.inventory, n, ['hostname=rack1-bmc'], { output: 'json' });
    expect(h.code).toBe(0);
    const sd = '/redfish/v1/Managers/BMC/EthernetInterfaces/eth0/SD';
    // The interface itself still shows the captured name until the BMC applies its Settings object.
    expect(h.values.get(n)).toMatchObject({
      hostname: 'web483-bmc',
      changed: true,
      pending: `written to the Settings object ${sd}: the BMC applies it later (at its next reset)`,
    });
    const p = await rspconfig(f.inventory, n, ['powerrestorepolicy']);
    expect(p.code).toBe(1);
    expect(p.errors.get(n)).toMatch(/has no PowerRestorePolicy/);
  });
});
