/**
 * Request shapes of rspconfig writes on Redfish, on a scripted BMC (nock): a resource with
 * `@Redfish.Settings` is written through its SettingsObject (and the result says the change is pending),
 * an `@odata.etag` goes out as If-Match, a 202 answer is followed to its task's end, and a task that fails
 * fails the node.
 */
import { describe, it, expect } from '@jest/globals';
import { FakeRedfish, MANAGER, SYSTEM, type Recorded } from '../bmc/fake-redfish.js';
import { runOnTestNode, useNock } from '../helpers/nock-harness.js';
import networkExecutor from '../../src/executors/redfish/network.js';
import policyExecutor from '../../src/executors/redfish/policy.js';
import { parseNetworkArgs, runNetwork } from '../../src/managers/bmcnetwork.js';
import { parsePolicyArgs, runPolicy } from '../../src/managers/bmcpolicy.js';

useNock();

const NIC = `${MANAGER}/EthernetInterfaces/NIC.1`;
const PROTOCOL = `${MANAGER}/NetworkProtocol`;
const TASK = '/redfish/v1/TaskService/Tasks/7';

function networkResources(ntp: string[]): Record<string, unknown> {
  return {
    [MANAGER]: {
      '@odata.id': MANAGER,
      Id: 'iDRAC.Embedded.1',
      ManagerType: 'BMC',
      EthernetInterfaces: { '@odata.id': `${MANAGER}/EthernetInterfaces` },
      NetworkProtocol: { '@odata.id': PROTOCOL },
    },
    [`${MANAGER}/EthernetInterfaces`]: { Members: [{ '@odata.id': NIC }] },
    [NIC]: {
      '@odata.id': NIC,
      '@odata.etag': 'W/"nic-1"',
      Id: 'NIC.1',
      HostName: 'old',
      IPv4Addresses: [
        { Address: '10.0.0.9', SubnetMask: '255.255.255.0', Gateway: '10.0.0.1', AddressOrigin: 'Static' },
      ],
      DHCPv4: { DHCPEnabled: false },
    },
    [PROTOCOL]: { '@odata.id': PROTOCOL, HostName: 'old', NTP: { ProtocolEnabled: true, NTPServers: ntp } },
  };
}

const patches = (fake: FakeRedfish): Recorded[] => fake.find('PATCH', /.*/);

describe('Settings objects', () => {
  it('powerrestorepolicy on a System with @Redfish.Settings: PATCH the SettingsObject, result pending', async () => {
    const fake = new FakeRedfish({
      resources: {
        [SYSTEM]: {
          '@odata.id': SYSTEM,
          Id: 'System.Embedded.1',
          PowerRestorePolicy: 'AlwaysOff',
          '@Redfish.Settings': { SettingsObject: { '@odata.id': `${SYSTEM}/Settings` } },
          Links: { ManagedBy: [{ '@odata.id': MANAGER }] },
        },
        [`${SYSTEM}/Settings`]: { '@odata.id': `${SYSTEM}/Settings`, PowerRestorePolicy: 'AlwaysOff' },
      },
    });
    const { result } = await runOnTestNode((ctx) =>
      runPolicy(policyExecutor, parsePolicyArgs(['powerrestorepolicy=always_on']), ctx),
    );
    expect(patches(fake).map((p) => [p.path, p.body])).toEqual([
      [`${SYSTEM}/Settings`, { PowerRestorePolicy: 'AlwaysOn' }],
    ]);
    expect(result.pending).toEqual([
      expect.stringMatching(/Settings object .*\/Settings: the BMC applies it later/),
    ]);
    expect(result.lines[1]).toMatch(/^Pending: powerrestorepolicy=always_on written to the Settings object/);
  });
});

describe('ETag and tasks', () => {
  it('hostname: the body @odata.etag goes out as If-Match on the interface', async () => {
    const fake = new FakeRedfish({
      resources: networkResources([]),
      handlers: {
        [`PATCH ${NIC}`]: (req) => {
          (fake.resources[NIC] as Record<string, unknown>).HostName = (
            req.body as { HostName: string }
          ).HostName;
          return [204];
        },
      },
    });
    const { result } = await runOnTestNode((ctx) =>
      runNetwork(networkExecutor, parseNetworkArgs(['hostname=newname']), ctx),
    );
    expect(patches(fake)).toEqual([
      expect.objectContaining({
        path: NIC,
        body: { HostName: 'newname' },
        headers: expect.objectContaining({ 'if-match': 'W/"nic-1"' }),
      }),
    ]);
    expect(result).toMatchObject({
      lines: ['BMC Hostname: newname'],
      changed: true,
      sent: 'HostName=newname',
    });
  });

  it('ntpservers: a 202 is followed to its task, then read back', async () => {
    const fake = new FakeRedfish({
      resources: networkResources(['1.1.1.1', '', '']),
      handlers: {
        [`PATCH ${PROTOCOL}`]: (req) => {
          const ntp = (req.body as { NTP: { NTPServers: string[] } }).NTP;
          ((fake.resources[PROTOCOL] as Record<string, unknown>).NTP as Record<string, unknown>).NTPServers =
            ntp.NTPServers;
          return [202, { '@odata.id': TASK, TaskState: 'Running' }, { Location: TASK }];
        },
        [`GET ${TASK}`]: (_req, n) =>
          n === 1
            ? [202, { '@odata.id': TASK, TaskState: 'Running' }, { 'Retry-After': '0' }]
            : [200, { '@odata.id': TASK, TaskState: 'Completed', TaskStatus: 'OK' }],
      },
    });
    const { result } = await runOnTestNode((ctx) =>
      runNetwork(networkExecutor, parseNetworkArgs(['ntpservers=2.2.2.2']), ctx),
    );
    // Dell-style fixed slots: filled with "" so that the old server is cleared.
    expect(patches(fake).map((p) => p.body)).toEqual([{ NTP: { NTPServers: ['2.2.2.2', '', ''] } }]);
    expect(fake.find('GET', TASK)).toHaveLength(2);
    expect(result.lines).toEqual(['BMC NTP Servers: 2.2.2.2']);
  });

  it('a task that ends in Exception fails the node', async () => {
    new FakeRedfish({
      resources: networkResources([]),
      handlers: {
        [`PATCH ${PROTOCOL}`]: () => [202, undefined, { Location: TASK }],
        [`GET ${TASK}`]: () => [
          200,
          {
            '@odata.id': TASK,
            Id: '7',
            TaskState: 'Exception',
            Messages: [{ Message: 'NTP server unreachable' }],
          },
        ],
      },
    });
    await expect(
      runOnTestNode((ctx) => runNetwork(networkExecutor, parseNetworkArgs(['timesyncmethod=manual']), ctx)),
    ).rejects.toMatchObject({ kind: 'failed', message: 'Task 7 ended Exception: NTP server unreachable' });
  });

  it('a set the BMC accepts but does not show fails the node, naming what it reads', async () => {
    new FakeRedfish({ resources: networkResources([]) });
    await expect(
      runOnTestNode((ctx) => runNetwork(networkExecutor, parseNetworkArgs(['hostname=other']), ctx)),
    ).rejects.toMatchObject({
      kind: 'failed',
      message: `the BMC accepted hostname=other but reads back old (${NIC})`,
    });
  });
});
