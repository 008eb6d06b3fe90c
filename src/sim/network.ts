/**
 * The BMC's own network configuration (not the host's NICs): interfaces with IPv4 addresses,
 * DHCP, VLANs, the hostname, default gateway, name and NTP servers. Purely data with validation;
 * changes take effect immediately (the simulator's listening address never changes).
 */
import { isIpv4 } from '../core/ipv4.js';

export { isIpv4, prefixToMask, maskToPrefix } from '../core/ipv4.js';

export type AddressOrigin = 'Static' | 'DHCP' | 'LinkLocal';

export interface Ipv4Address {
  /** Object id within its interface (OpenBMC uses a hash; we use a short stable string). */
  id: string;
  address: string;
  prefixLength: number;
  gateway: string;
  origin: AddressOrigin;
}

export interface BmcInterface {
  /** `eth0`, or `eth0_<vlan>` for a VLAN interface (OpenBMC naming). */
  id: string;
  macAddress: string;
  dhcpEnabled: boolean;
  /** Set on VLAN interfaces. */
  vlanId?: number;
  /** For VLAN interfaces, the physical parent. */
  parent?: string;
  ipv4: Ipv4Address[];
  linkUp: boolean;
  speedMbps: number;
}

export interface BmcNetworkState {
  hostName: string;
  domainName: string;
  defaultGateway: string;
  nameServers: string[];
  ntpEnabled: boolean;
  ntpServers: string[];
  interfaces: BmcInterface[];
}

export class NetworkConfigError extends Error {
  override name = 'NetworkConfigError';
}

/** Deterministic management address for machine number `index` (0-based): 10.<x>.<y>.<z>/16. */
export function defaultBmcNetwork(hostName: string, mac: string, index: number): BmcNetworkState {
  const n = index + 10;
  const address = `10.${100 + Math.floor(n / 65536)}.${Math.floor(n / 256) % 256}.${n % 256}`;
  const gateway = `10.${100 + Math.floor(n / 65536)}.0.1`;
  return {
    hostName,
    domainName: 'cluster.local',
    defaultGateway: gateway,
    nameServers: ['10.100.0.2'],
    ntpEnabled: true,
    ntpServers: ['10.100.0.3'],
    interfaces: [
      {
        id: 'eth0',
        macAddress: mac,
        dhcpEnabled: false,
        ipv4: [{ id: 'ip0', address, prefixLength: 16, gateway, origin: 'Static' }],
        linkUp: true,
        speedMbps: 1000,
      },
    ],
  };
}

export class BmcNetwork {
  private nextAddressId = 1;

  constructor(readonly state: BmcNetworkState) {}

  iface(id: string): BmcInterface | undefined {
    return this.state.interfaces.find((i) => i.id === id);
  }

  private need(id: string): BmcInterface {
    const i = this.iface(id);
    if (!i) throw new NetworkConfigError(`no such interface: ${id}`);
    return i;
  }

  setHostName(name: string): void {
    if (!/^[A-Za-z0-9]([A-Za-z0-9-]{0,62})$/.test(name))
      throw new NetworkConfigError(`invalid hostname: ${name}`);
    this.state.hostName = name;
  }

  setNtpServers(servers: string[]): void {
    if (servers.some((s) => typeof s !== 'string'))
      throw new NetworkConfigError('NTP servers must be strings');
    this.state.ntpServers = servers.filter((s) => s !== '');
  }

  setNtpEnabled(on: boolean): void {
    this.state.ntpEnabled = on;
  }

  setNameServers(servers: string[]): void {
    for (const s of servers) if (!isIpv4(s)) throw new NetworkConfigError(`invalid name server: ${s}`);
    this.state.nameServers = [...servers];
  }

  setDefaultGateway(gw: string): void {
    if (!isIpv4(gw)) throw new NetworkConfigError(`invalid gateway: ${gw}`);
    this.state.defaultGateway = gw;
  }

  /** Turning DHCP on drops static addresses and leases one; turning it off keeps the lease as static. */
  setDhcp(ifaceId: string, enabled: boolean): void {
    const i = this.need(ifaceId);
    if (i.dhcpEnabled === enabled) return;
    i.dhcpEnabled = enabled;
    if (enabled) {
      const current = i.ipv4.find((a) => a.origin !== 'LinkLocal');
      i.ipv4 = i.ipv4.filter((a) => a.origin === 'LinkLocal');
      if (current) i.ipv4.push({ ...current, id: this.newId(), origin: 'DHCP' });
    } else {
      for (const a of i.ipv4) if (a.origin === 'DHCP') a.origin = 'Static';
    }
  }

  /** Adds a static address (OpenBMC `action/IP`). */
  addIpv4(ifaceId: string, address: string, prefixLength: number, gateway: string): Ipv4Address {
    const i = this.need(ifaceId);
    if (!isIpv4(address)) throw new NetworkConfigError(`invalid IPv4 address: ${address}`);
    if (!Number.isInteger(prefixLength) || prefixLength < 1 || prefixLength > 32)
      throw new NetworkConfigError(`invalid prefix length: ${prefixLength}`);
    if (gateway !== '' && !isIpv4(gateway)) throw new NetworkConfigError(`invalid gateway: ${gateway}`);
    const a: Ipv4Address = { id: this.newId(), address, prefixLength, gateway, origin: 'Static' };
    i.ipv4.push(a);
    if (gateway !== '') this.state.defaultGateway = gateway;
    return a;
  }

  deleteIpv4(ifaceId: string, addressId: string): boolean {
    const i = this.need(ifaceId);
    const before = i.ipv4.length;
    i.ipv4 = i.ipv4.filter((a) => a.id !== addressId);
    return i.ipv4.length !== before;
  }

  /** Replaces all static addresses (Redfish `IPv4StaticAddresses`). */
  setStaticIpv4(ifaceId: string, addrs: { address: string; prefixLength: number; gateway: string }[]): void {
    const i = this.need(ifaceId);
    for (const a of addrs) {
      if (!isIpv4(a.address)) throw new NetworkConfigError(`invalid IPv4 address: ${a.address}`);
      if (a.gateway !== '' && !isIpv4(a.gateway))
        throw new NetworkConfigError(`invalid gateway: ${a.gateway}`);
    }
    // Static addresses replace the static ones, and a DHCP lease with them (DHCP goes off).
    const replaced = addrs.length > 0 ? ['Static', 'DHCP'] : ['Static'];
    i.ipv4 = i.ipv4.filter((a) => !replaced.includes(a.origin));
    for (const a of addrs) i.ipv4.push({ id: this.newId(), ...a, origin: 'Static' });
    if (addrs.length > 0) i.dhcpEnabled = false;
  }

  /** Creates `<parent>_<vlanId>` (OpenBMC `action/VLAN`). */
  addVlan(parentId: string, vlanId: number): BmcInterface {
    const parent = this.need(parentId);
    if (!Number.isInteger(vlanId) || vlanId < 1 || vlanId > 4094)
      throw new NetworkConfigError(`invalid VLAN id: ${vlanId}`);
    const id = `${parentId}_${vlanId}`;
    if (this.iface(id)) throw new NetworkConfigError(`VLAN interface ${id} already exists`);
    const v: BmcInterface = {
      id,
      macAddress: parent.macAddress,
      dhcpEnabled: false,
      vlanId,
      parent: parentId,
      ipv4: [],
      linkUp: parent.linkUp,
      speedMbps: parent.speedMbps,
    };
    this.state.interfaces.push(v);
    return v;
  }

  /** Sets or clears the VLAN tag of an interface in place (Redfish `VLAN{VLANEnable,VLANId}`). */
  setVlanTag(ifaceId: string, vlanId: number | undefined): void {
    const i = this.need(ifaceId);
    if (vlanId === undefined) delete i.vlanId;
    else {
      if (!Number.isInteger(vlanId) || vlanId < 1 || vlanId > 4094)
        throw new NetworkConfigError(`invalid VLAN id: ${vlanId}`);
      i.vlanId = vlanId;
    }
  }

  deleteInterface(ifaceId: string): boolean {
    const i = this.need(ifaceId);
    if (i.parent === undefined) throw new NetworkConfigError(`cannot delete physical interface ${ifaceId}`);
    this.state.interfaces = this.state.interfaces.filter((x) => x !== i);
    return true;
  }

  /** Back to DHCP everywhere, VLANs removed (OpenBMC `action/Reset`). */
  resetToDhcp(): void {
    this.state.interfaces = this.state.interfaces.filter((i) => i.parent === undefined);
    for (const i of this.state.interfaces) this.setDhcp(i.id, true);
  }

  /** The address the BMC is reached at: the first routable address of the first interface that has one. */
  primaryAddress(): string | undefined {
    for (const i of this.state.interfaces)
      for (const a of i.ipv4) if (a.origin !== 'LinkLocal') return a.address;
    return undefined;
  }

  /** Whether some interface still holds `address`. */
  holds(address: string): boolean {
    return this.state.interfaces.some((i) => i.ipv4.some((a) => a.address === address));
  }

  private newId(): string {
    return `ip${this.nextAddressId++}`;
  }
}
