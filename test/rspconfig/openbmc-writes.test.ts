/**
 * OpenBMC REST request shapes of rspconfig (nock): xCAT's message for a setting the firmware lacks, the
 * PowerSupplyRedundancy sensor actions, and the NTP refusal on a DHCP interface (nothing written).
 */
import { describe, it, expect } from '@jest/globals';
import nock from 'nock';
import { runOnTestNode, useNock } from '../helpers/nock-harness.js';
import { PASSWORD } from '../bmc/helpers.js';
import policyExecutor from '../../src/executors/openbmc/policy.js';
import networkExecutor from '../../src/executors/openbmc/network.js';
import { parsePolicyArgs, runPolicy } from '../../src/managers/bmcpolicy.js';
import { parseNetworkArgs, runNetwork } from '../../src/managers/bmcnetwork.js';

const ORIGIN = 'https://bmc01.test:443';
const X = '/xyz/openbmc_project';
const ok = (data: unknown) => ({ data, message: '200 OK', status: 'ok' });
const fail = (code: string, description: string) => ({
  data: { description, exception: 'x' },
  message: code,
  status: 'error',
});

useNock();

const session = () =>
  nock(ORIGIN)
    .post('/login', { data: ['root', PASSWORD] })
    .reply(200, ok("User 'root' logged in"), { 'Set-Cookie': 'SESSION=s1; Path=/' })
    .post('/logout')
    .optionally()
    .reply(200, ok('User logged out'));

describe('OpenBMC REST policies', () => {
  it("a setting the firmware lacks (404): unsupported, with xCAT's message", async () => {
    session().get(`${X}/control/thermal/0`).reply(404, fail('404 Not Found', 'path or object not found'));
    await expect(
      runOnTestNode((ctx) => runPolicy(policyExecutor, parsePolicyArgs(['thermalmode']), ctx), 'openbmc'),
    ).rejects.toMatchObject({
      kind: 'unsupported',
      message:
        'thermalmode: 404 Not Found - Requested endpoint does not exist or may indicate function is not supported on this OpenBMC firmware.',
    });
  });

  it('powersupplyredundancy through the sensor actions where the BMC has them', async () => {
    let value = 'Enabled';
    const scope = session()
      .post(`${X}/sensors/chassis/PowerSupplyRedundancy/action/getValue`, { data: [] })
      .times(2)
      .reply(200, () => ok(value))
      .post(`${X}/sensors/chassis/PowerSupplyRedundancy/action/setValue`, { data: ['Disabled'] })
      .reply(200, () => {
        value = 'Disabled';
        return ok(null);
      });
    const { result } = await runOnTestNode(
      (ctx) => runPolicy(policyExecutor, parsePolicyArgs(['powersupplyredundancy=disabled']), ctx),
      'openbmc',
    );
    expect(result).toMatchObject({
      lines: ['BMC PowerSupplyRedundancy: Disabled'],
      values: { powersupplyredundancy: false },
      changed: true,
    });
    expect(scope.pendingMocks().filter((m) => !m.includes('logout'))).toEqual([]);
  });
});

describe('OpenBMC REST NTP', () => {
  it("a DHCP interface: xCAT's refusal, nothing written", async () => {
    session()
      .get(`${X}/network/enumerate`)
      .reply(
        200,
        ok({
          [`${X}/network/config`]: { HostName: 'bmc' },
          [`${X}/network/eth0`]: { DHCPEnabled: true, MACAddress: 'aa', NTPServers: [] },
          [`${X}/network/eth0/ipv4/a1`]: {
            Address: '10.0.0.9',
            PrefixLength: 24,
            Gateway: '10.0.0.1',
            Origin: 'xyz.openbmc_project.Network.IP.AddressOrigin.DHCP',
          },
        }),
      );
    // nock refuses any other request (net connect disabled): a PUT would fail differently.
    await expect(
      runOnTestNode(
        (ctx) => runNetwork(networkExecutor, parseNetworkArgs(['ntpservers=10.0.0.3']), ctx),
        'openbmc',
      ),
    ).rejects.toMatchObject({ kind: 'failed', message: 'BMC IP source is DHCP, could not set NTPServers' });
  });
});
