/**
 * rspconfig's words: routing by key group, and each group's checks with xCAT's messages (reference
 * xcat-openbmc.md §1.9). All of them are usage errors (exit 2) raised before any inventory or BMC is read.
 */
import { describe, it, expect } from '@jest/globals';
import {
  RSPCONFIG_GROUPS,
  routeRspconfig,
  rspconfigSpec,
  type RspconfigGroup,
} from '../../src/commands/rspconfig-groups.js';
import { HwctlUsageError } from '../../src/core/errors.js';
import type { NodeDef } from '../../src/core/types.js';
import { networkRequest, parseNetworkArgs } from '../../src/managers/bmcnetwork.js';
import { parsePolicyArgs } from '../../src/managers/bmcpolicy.js';

const node = (name: string) => ({ name }) as NodeDef;

async function usage(words: string[]): Promise<string> {
  try {
    await rspconfigSpec('n1', words);
  } catch (e) {
    expect(e).toBeInstanceOf(HwctlUsageError);
    return (e as Error).message;
  }
  throw new Error(`no usage error for ${words.join(' ')}`);
}

describe('routing by key group', () => {
  it('an unknown key lists the keys supported; no key at all says so', async () => {
    const all =
      'ip, netmask, gateway, vlan, ipsrc, hostname, ntpservers, timesyncmethod, powerrestorepolicy, autoreboot, bootmode, powersupplyredundancy, thermalmode, admin_passwd, userls, useradd, userch, userrm, dump, gard, sshcfg';
    expect(await usage(['sshkeys'])).toBe(`Unsupported command: rspconfig sshkeys (valid keys: ${all})`);
    expect(await usage(['ip', 'bogus=1'])).toBe(
      `Unsupported command: rspconfig bogus=1 (valid keys: ${all})`,
    );
    expect(await usage([])).toBe(`No option specified for rspconfig (valid keys: ${all})`);
  });

  it('keys of two groups are refused together', async () => {
    expect(await usage(['ip', 'autoreboot'])).toMatch(
      /^The option 'autoreboot' can not work with 'ip': policy and network keys are given in separate rspconfig commands$/,
    );
  });

  it('a new group is one row: its keys route to it, its options reach its parse', async () => {
    const seen: unknown[] = [];
    const extra: RspconfigGroup = {
      name: 'demo',
      keys: ['demo'],
      describe: 'demo',
      options: { list: { type: 'boolean' } },
      load: () =>
        Promise.resolve({
          parse: (words, options) => (seen.push(words, options), 'args'),
          request: () => {
            throw new Error('not run');
          },
          view: { text: () => [] },
          timeoutMs: 1,
          shownWords: () => ['demo=***'],
        }),
    };
    const groups = [...RSPCONFIG_GROUPS, extra];
    expect(routeRspconfig(['demo=1'], groups)).toBe(extra);
    const spec = await rspconfigSpec('n1', ['demo=1'], { list: true, other: 1 }, groups);
    expect(seen).toEqual([['demo=1'], { list: true }]);
    expect(spec.command).toBe('rspconfig n1 demo=***');
  });
});

describe('network keys (xCAT messages)', () => {
  it.each([
    [['ip', 'ip=1.2.3.4'], 'Can not set and query OpenBMC information at the same time'],
    [['ip=1.2.3.4'], 'IP, netmask and gateway must be configured together.'],
    [['ip=1.2.3.4', 'netmask=255.0.0.0'], 'IP, netmask and gateway must be configured together.'],
    [['vlan=3'], 'VLAN must be configured with IP, netmask and gateway'],
    [['ip=1.2.3.4', 'vlan=3'], 'VLAN must be configured with IP, netmask and gateway'],
    [['ip=dhcp', 'netmask=255.0.0.0'], 'Setting ip=dhcp must be issued without other options.'],
    [['ip=1.2.3', 'netmask=255.0.0.0', 'gateway=1.0.0.1'], 'Invalid parameter for option ip: 1.2.3'],
    [
      ['ip=1.2.3.4', 'netmask=255.0.255.0', 'gateway=1.0.0.1'],
      'Invalid parameter for option netmask: 255.0.255.0',
    ],
    [['ip=1.2.3.4', 'netmask=255.0.0.0', 'gateway=gw'], 'Invalid parameter for option gateway: gw'],
    [
      ['ip=1.2.3.4', 'netmask=255.0.0.0', 'gateway=1.0.0.1', 'vlan=4095'],
      'Invalid parameter for option vlan: 4095',
    ],
    [['hostname=a', 'ntpservers=1.1.1.1'], "The option 'hostname' can not work with other options"],
    [['ntpservers=1.1.1.1', 'ip=dhcp'], "The option 'ntpservers' can not work with other options"],
    [['hostname=bad_name'], 'Invalid parameter for option hostname: bad_name'],
    [['hostname='], 'Invalid parameter for option hostname'],
    [['ntpservers=1.1.1.1,not a host'], 'Invalid parameter for option ntpservers: not a host'],
    [['timesyncmethod=gps'], "Invalid value 'gps' for 'timesyncmethod', Valid values: manual,ntp"],
    [['ip=dhcp', 'ip=dhcp'], "The option 'ip' is given more than once"],
  ])('%j → %s', async (words, message) => {
    expect(await usage(words)).toBe(message);
  });

  it('gateway 0.0.0.0 is allowed; vlan is typed; the prefix comes from the mask', () => {
    expect(parseNetworkArgs(['ip=10.0.0.5', 'netmask=255.255.255.0', 'gateway=0.0.0.0', 'vlan=7'])).toEqual({
      op: 'setIp',
      ip: '10.0.0.5',
      netmask: '255.255.255.0',
      prefix: 24,
      gateway: '0.0.0.0',
      vlan: 7,
    });
    expect(parseNetworkArgs(['ip', 'ip', 'hostname'])).toEqual({ op: 'query', keys: ['ip', 'hostname'] });
  });

  it("static ip on more than one node: xCAT's refusal, before any BMC; ip=dhcp is fine on many", () => {
    const set = parseNetworkArgs(['ip=10.0.0.5', 'netmask=255.255.255.0', 'gateway=10.0.0.1']);
    expect(() => networkRequest([node('a'), node('b')], set)).toThrow(
      new HwctlUsageError("Can not configure more than 1 nodes' ip at the same time"),
    );
    expect(networkRequest([node('a')], set).op).toBe('setIp');
    expect(networkRequest([node('a'), node('b')], parseNetworkArgs(['ip=dhcp'])).op).toBe('setDhcp');
  });

  it('hostname=* needs node names that are host names', () => {
    const args = parseNetworkArgs(['hostname=*']);
    expect(() => networkRequest([node('ok-1'), node('bad_1')], args)).toThrow(/hostname=\*: .*bad_1/);
  });
});

describe('policy keys (xCAT messages)', () => {
  it.each([
    [['autoreboot=2'], "Invalid value '2' for 'autoreboot', Valid values: 0,1"],
    [
      ['powerrestorepolicy=on'],
      "Invalid value 'on' for 'powerrestorepolicy', Valid values: always_off,always_on,restore",
    ],
    [['bootmode=fast'], "Invalid value 'fast' for 'bootmode', Valid values: regular,safe,setup"],
    [
      ['powersupplyredundancy=yes'],
      "Invalid value 'yes' for 'powersupplyredundancy', Valid values: disabled,enabled",
    ],
    [
      ['thermalmode=x'],
      "Invalid value 'x' for 'thermalmode', Valid values: custom,default,heavy_io,max_base_fan_floor",
    ],
    [['autoreboot', 'bootmode=safe'], 'Can not set and query OpenBMC information at the same time'],
    [['autoreboot='], 'Invalid parameter for option autoreboot'],
  ])('%j → %s', async (words, message) => {
    expect(await usage(words)).toBe(message);
  });

  it('values are case-insensitive and kept in xCAT words', () => {
    expect(parsePolicyArgs(['powerrestorepolicy=Always_On', 'autoreboot=1'])).toEqual({
      op: 'set',
      settings: [
        { key: 'powerrestorepolicy', value: 'always_on' },
        { key: 'autoreboot', value: '1' },
      ],
    });
  });
});
