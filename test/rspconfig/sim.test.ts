/**
 * rspconfig end to end against the simulator, on every kind of BMC (Redfish generic, idrac, ilo, bmcweb and
 * OpenBMC REST): each query checked against the simulated machine, each set against the machine afterwards
 * and the requests against the simulator's stats; no session may stay open.
 */
import { describe, it, expect } from '@jest/globals';
import { prefixToMask } from '../../src/core/ipv4.js';
import { requestsFor, requestsMatching, startKindFleet, useFleet } from '../helpers/sim-harness.js';
import { rspconfig } from './config-harness.js';

const f = useFleet(() => startKindFleet());
const inv = () => f.sim.inventory;
const net = (n: string) => f.sim.machine(n).network.state;
const WRITES = /^(PATCH|PUT|(DELETE|POST) (?!.*(Sessions|login|logout)))/;

describe('rspconfig network queries', () => {
  it('ip netmask gateway vlan ipsrc: xCAT lines from the facing interface, typed json', async () => {
    f.sim.admin.resetStats();
    const r = await rspconfig(inv(), 'all', ['ip', 'netmask', 'gateway', 'vlan', 'ipsrc']);
    expect(r.code).toBe(0);
    for (const n of f.all) {
      const a = net(n).interfaces[0]!.ipv4[0]!;
      expect(r.lines.get(n)).toEqual([
        `BMC IP: ${a.address}`,
        `BMC Netmask: ${prefixToMask(a.prefixLength)}`,
        expect.stringMatching(new RegExp(`^BMC Gateway: ${a.gateway.replace(/\./g, '\\.')} \\(default: `)),
        'BMC VLAN ID: Disable',
        'BMC IP Source: Static',
      ]);
      expect(requestsMatching(f.sim, n, WRITES)).toBe(0);
    }
    const j = await rspconfig(inv(), 'all', ['ip', 'vlan', 'netmask'], { output: 'json' });
    for (const n of f.all)
      expect(j.values.get(n)).toMatchObject({
        ip: net(n).interfaces[0]!.ipv4[0]!.address,
        netmask: '255.255.0.0',
        vlan: null,
      });
  });

  it('hostname, ntpservers, timesyncmethod', async () => {
    const r = await rspconfig(inv(), 'all', ['hostname', 'ntpservers', 'timesyncmethod'], { output: 'json' });
    for (const n of f.all.filter((x) => x !== f.node.ilo)) {
      expect(r.values.get(n)).toMatchObject({
        hostname: net(n).hostName,
        ntpservers: ['10.100.0.3'],
        timesyncmethod: 'ntp',
      });
    }
    // iLO has no NTP block in NetworkProtocol: no time sync method (unsupported, saying why); its NTP servers
    // are in its Oem DateTime resource (quirk ntp-hpe-datetime).
    const ilo = r.json!.results.find((x) => x.node === f.node.ilo)!;
    expect(ilo.error).toMatchObject({
      kind: 'unsupported',
      message: expect.stringMatching(/no NTP settings/),
    });
    expect(r.code).toBe(1);
    const ntp = await rspconfig(inv(), f.node.ilo, ['ntpservers'], { output: 'json' });
    expect(ntp.values.get(f.node.ilo)).toMatchObject({
      ntpservers: ['10.100.0.3'],
      source: '/redfish/v1/Managers/1/DateTime/',
    });
    expect((ntp.json!.results[0] as { quirks?: string[] }).quirks).toEqual(['ntp-hpe-datetime']);
    const generic = await rspconfig(inv(), f.node.ilo, ['ntpservers'], {
      output: 'json',
      extra: { quirks: false },
    });
    expect(generic.json!.results[0]!.error).toMatchObject({
      kind: 'unsupported',
      message: expect.stringMatching(/no NTP settings/),
    });
  });
});

describe('rspconfig network sets, read back', () => {
  it('hostname=*: each BMC takes its node name; a second run sends nothing', async () => {
    f.sim.admin.resetStats();
    const r = await rspconfig(inv(), 'all', ['hostname=*'], { output: 'json' });
    expect(r.code).toBe(0);
    for (const n of f.all) {
      expect(net(n).hostName).toBe(n);
      expect(r.values.get(n)).toMatchObject({ hostname: n, changed: true });
      expect(requestsMatching(f.sim, n, WRITES)).toBe(1);
    }
    f.sim.admin.resetStats();
    const again = await rspconfig(inv(), 'all', ['hostname=*']);
    expect(again.code).toBe(0);
    for (const n of f.all) {
      expect(again.lines.get(n)).toEqual([`BMC Hostname: ${n}`]);
      expect(requestsMatching(f.sim, n, WRITES)).toBe(0);
    }
  });

  it('hostname=name on several nodes', async () => {
    const r = await rspconfig(inv(), 'all', ['hostname=bmc-a']);
    expect(r.code).toBe(0);
    for (const n of f.all) expect(net(n).hostName).toBe('bmc-a');
  });

  it('ntpservers=a,b: set and read back everywhere (Dell: three slots, HPE: DateTime, two slots)', async () => {
    const r = await rspconfig(inv(), 'all', ['ntpservers=10.1.1.1,ntp.example.com']);
    expect(r.code).toBe(0);
    for (const n of f.all) {
      expect(r.lines.get(n)).toEqual(['BMC NTP Servers: 10.1.1.1,ntp.example.com']);
      expect(net(n).ntpServers).toEqual(['10.1.1.1', 'ntp.example.com']);
    }
    // HPE's two slots: a third server is refused before anything is written.
    f.sim.admin.resetStats();
    const three = await rspconfig(inv(), f.node.ilo, ['ntpservers=10.1.1.1,10.1.1.2,10.1.1.3']);
    expect(three.errors.get(f.node.ilo)).toBe('This BMC holds at most 2 NTP servers');
    expect(requestsMatching(f.sim, f.node.ilo, WRITES)).toBe(0);
  });

  it('timesyncmethod=manual then ntp', async () => {
    const nodes = f.all.filter((x) => x !== f.node.ilo);
    const range = nodes.join(',');
    const r = await rspconfig(inv(), range, ['timesyncmethod=manual']);
    expect(r.code).toBe(0);
    for (const n of nodes) expect(r.lines.get(n)).toEqual(['BMC TimeSyncMethod: Manual']);
    expect(net(f.node.generic).ntpEnabled).toBe(false);
    expect(f.sim.machine(f.node['openbmc-rest']).hostSettings.timeSyncMethod).toBe('Manual');
    const back = await rspconfig(inv(), range, ['timesyncmethod=NTP']);
    expect(back.code).toBe(0);
    expect(net(f.node.generic).ntpEnabled).toBe(true);
    expect(f.sim.machine(f.node['openbmc-rest']).hostSettings.timeSyncMethod).toBe('NTP');
  });

  it.each(['generic', 'idrac', 'ilo', 'bmcweb', 'openbmc-rest'] as const)(
    'ip=/netmask=/gateway=/vlan= on %s: the BMC takes it and the result says where it now is',
    async (kind) => {
      const n = f.node[kind];
      f.sim.admin.resetStats();
      const r = await rspconfig(
        inv(),
        n,
        ['ip=10.9.8.7', 'netmask=255.255.255.0', 'gateway=10.9.8.1', 'vlan=12'],
        {
          output: 'json',
        },
      );
      expect(r.code).toBe(0);
      expect(r.values.get(n)).toMatchObject({
        ip: '10.9.8.7',
        netmask: '255.255.255.0',
        gateway: '10.9.8.1',
        vlan: 12,
        changed: true,
        movedTo: '10.9.8.7',
      });
      const ifaces = net(n).interfaces;
      const holder = ifaces.find((i) => i.ipv4.some((a) => a.address === '10.9.8.7'))!;
      expect(holder.vlanId).toBe(12);
      expect(holder.ipv4.find((a) => a.address === '10.9.8.7')).toMatchObject({
        prefixLength: 24,
        origin: 'Static',
      });
      // The write that took the BMC off its address was never answered (the simulator drops it, as the
      // BMC leaving the address does); nothing was sent again, and every other request was answered.
      const st = f.sim.stats().perNode[n]!;
      const answered = Object.values(st.statuses).reduce((a, b) => a + b, 0);
      expect(st.requests - answered).toBe(1);
      expect(requestsMatching(f.sim, n, /^(PATCH|DELETE (?!.*Sessions))/)).toBe(1);
      // the old address is gone
      expect(ifaces.flatMap((i) => i.ipv4).filter((a) => a.address.startsWith('10.100.'))).toEqual([]);
      const text = await rspconfig(inv(), n, ['ip=dhcp']);
      expect(text.code).toBe(0);
      expect(text.lines.get(n)).toEqual([
        'BMC IP Source: DHCP',
        expect.stringMatching(/^BMC now takes its address from DHCP/),
      ]);
      expect(net(n).interfaces.some((i) => i.dhcpEnabled)).toBe(true);
    },
  );
});

describe('rspconfig policies', () => {
  it('powerrestorepolicy on every kind; autoreboot where a standard property exists', async () => {
    const r = await rspconfig(inv(), 'all', ['powerrestorepolicy=always_on']);
    expect(r.code).toBe(0);
    for (const n of f.all) {
      expect(r.lines.get(n)).toEqual([expect.stringMatching(/^BMC PowerRestorePolicy: AlwaysOn$/)]);
      expect(f.sim.machine(n).hostSettings.powerRestorePolicy).toBe('AlwaysOn');
    }
    const restore = await rspconfig(inv(), 'all', ['powerrestorepolicy=restore'], { output: 'json' });
    for (const n of f.all) {
      expect(restore.values.get(n)).toMatchObject({ powerrestorepolicy: 'restore', changed: true });
      expect(f.sim.machine(n).hostSettings.powerRestorePolicy).toBe('Restore');
    }
    const ar = await rspconfig(inv(), 'all', ['autoreboot=0'], { output: 'json' });
    for (const k of ['generic', 'bmcweb', 'openbmc-rest'] as const) {
      expect(ar.values.get(f.node[k])).toMatchObject({ autoreboot: false, changed: true });
      expect(f.sim.machine(f.node[k]).hostSettings.autoReboot).toBe(false);
    }
    for (const k of ['idrac', 'ilo'] as const)
      expect(ar.json!.results.find((x) => x.node === f.node[k])!.error).toMatchObject({
        kind: 'unsupported',
        message: expect.stringMatching(/AutomaticRetryConfig/),
      });
    expect(ar.code).toBe(1);
  });

  it('OpenBMC REST: bootmode, powersupplyredundancy, thermalmode; Redfish: unsupported with the reason', async () => {
    const o = f.node['openbmc-rest'];
    const r = await rspconfig(inv(), 'all', [
      'bootmode=safe',
      'powersupplyredundancy=disabled',
      'thermalmode=heavy_io',
    ]);
    expect(r.lines.get(o)).toEqual([
      'BMC BootMode: Safe',
      'BMC PowerSupplyRedundancy: Disabled',
      'BMC ThermalMode: HEAVY_IO',
    ]);
    const s = f.sim.machine(o).hostSettings;
    expect([s.bootModeSetting, s.powerSupplyRedundancy, s.thermalMode]).toEqual(['Safe', false, 'HEAVY_IO']);
    for (const n of f.redfish) expect(r.errors.get(n)).toMatch(/no standard Redfish property/);
    const q = await rspconfig(inv(), o, ['bootmode', 'powersupplyredundancy', 'thermalmode', 'autoreboot'], {
      output: 'json',
    });
    expect(q.values.get(o)).toEqual({
      bootmode: 'safe',
      powersupplyredundancy: false,
      thermalmode: 'heavy_io',
      autoreboot: expect.any(Boolean),
    });
  });
});

describe('rspconfig refusals and failures', () => {
  it('bad input and a static ip on several nodes: usage error, not one request to any BMC', async () => {
    f.sim.admin.resetStats();
    await expect(
      rspconfig(inv(), 'all', ['ip=1.2.3.4', 'netmask=255.0.0.0', 'gateway=1.0.0.1']),
    ).rejects.toThrow("Can not configure more than 1 nodes' ip at the same time");
    await expect(rspconfig(inv(), 'all', ['hostname=a', 'ip'])).rejects.toThrow(
      'Can not set and query OpenBMC information at the same time',
    );
    await expect(rspconfig(inv(), 'all', ['sshkeys'])).rejects.toThrow(
      /^Unsupported command: rspconfig sshkeys/,
    );
    await expect(rspconfig(inv(), 'all', ['sshcfg', 'ip'])).rejects.toThrow(
      'Configure sshcfg must be issued without other options.',
    );
    expect(f.sim.stats().totalRequests).toBe(0);
  });

  it('a set on every node with one BMC down: one result per node, exit 1, the others set', async () => {
    const down = f.node.bmcweb;
    f.sim.admin.setFaults({ down: true }, down);
    try {
      const r = await rspconfig(inv(), 'all', ['hostname=fleet-x'], { output: 'json', timeout: 5 });
      expect(r.code).toBe(1);
      expect(r.json!.results.map((x) => x.node).sort()).toEqual([...f.all].sort());
      for (const x of r.json!.results) {
        if (x.node === down) expect(x.error?.kind).toBe('unreachable');
        else {
          expect(x.value).toMatchObject({ hostname: 'fleet-x', changed: true });
          expect(net(x.node).hostName).toBe('fleet-x');
        }
      }
    } finally {
      f.sim.admin.clearFaults(down);
    }
  });
});

describe('rspconfig requests', () => {
  it('a set writes once and reads back only the document it wrote; a no-op reads once', async () => {
    const count = (n: string, words: string[]) => requestsFor(f.sim, n, () => rspconfig(inv(), n, words));
    const g = f.node.generic;
    const o = f.node['openbmc-rest'];
    // generic: root, login, Systems, System, Manager, EthernetInterfaces, the interface, PATCH, the interface
    // again, logout. OpenBMC REST: login, network/enumerate, PUT, network/enumerate, logout.
    expect([await count(g, ['hostname=count-1']), await count(o, ['hostname=count-1'])]).toEqual([10, 5]);
    expect([await count(g, ['hostname=count-1']), await count(o, ['hostname=count-1'])]).toEqual([8, 3]);
    // NTP on Redfish needs NetworkProtocol only (no interface).
    expect(await count(g, ['ntpservers=10.7.7.7'])).toBe(9);
  });
});
