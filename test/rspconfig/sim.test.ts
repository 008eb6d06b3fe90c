/**
 * rspconfig end to end against the simulator, on every kind of BMC (Redfish generic, idrac, ilo, bmcweb and
 * OpenBMC REST): each query checked against the simulated machine, each set against the machine afterwards
 * and the requests against the simulator's stats; no session may stay open.
 */
import { describe, it, expect } from '@jest/globals';
import { prefixToMask } from '../../src/core/ipv4.js';
import { requestsMatching, startKindFleet, useFleet } from '../helpers/sim-harness.js';
import { rspconfig } from './harness.js';

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
    // iLO has no NTP block in NetworkProtocol: unsupported, saying why.
    const ilo = r.json!.results.find((x) => x.node === f.node.ilo)!;
    expect(ilo.error).toMatchObject({ kind: 'unsupported', message: expect.stringMatching(/no NTP settings/) });
    expect(r.code).toBe(1);
  });
});
