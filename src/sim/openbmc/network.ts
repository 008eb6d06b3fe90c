/**
 * network/ (config, interfaces, IPv4 objects, IP/VLAN/Reset actions); user/ objects are in users.ts.
 */
import type { SimMachine } from '../machine.js';
import { NetworkConfigError } from '../network.js';
import { RestError } from './envelope.js';
import {
  BASE,
  argAt,
  asBool,
  asInt,
  asString,
  asStringList,
  type ObjectMap,
  type Provider,
} from './objects.js';

const ORIGIN = 'xyz.openbmc_project.Network.IP.AddressOrigin';
const PROTOCOL = 'xyz.openbmc_project.Network.IP.Protocol';

/** Runs a network change, turning validation errors into 400s. */
function apply<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof NetworkConfigError)
      throw new RestError(400, e.message, 'xyz.openbmc_project.Common.Error.InvalidArgument');
    throw e;
  }
}

export function networkProvider(m: SimMachine): Provider {
  return {
    root: `${BASE}/network`,
    build(into: ObjectMap) {
      const net = m.network;
      const st = net.state;
      into.set(`${BASE}/network`, {
        props: {},
        actions: {
          VLAN: (args) => {
            const parent = asString(argAt(args, 0, 'interface'), 'interface');
            const id = asInt(argAt(args, 1, 'VLAN id'), 'VLAN id', 1, 4094);
            return `${BASE}/network/${apply(() => net.addVlan(parent, id)).id}`;
          },
          Reset: () => {
            apply(() => net.resetToDhcp());
            return null;
          },
        },
      });
      into.set(`${BASE}/network/config`, {
        props: { DefaultGateway: st.defaultGateway, DefaultGateway6: '', HostName: st.hostName },
        set: {
          HostName: (v) => apply(() => net.setHostName(asString(v, 'HostName'))),
          DefaultGateway: (v) => apply(() => net.setDefaultGateway(asString(v, 'DefaultGateway'))),
        },
      });
      into.set(`${BASE}/network/config/dhcp`, {
        props: {
          DNSEnabled: true,
          HostNameEnabled: true,
          NTPEnabled: st.ntpEnabled,
          SendHostNameEnabled: true,
        },
        set: { NTPEnabled: (v) => net.setNtpEnabled(asBool(v, 'NTPEnabled')) },
      });
      for (const i of st.interfaces) {
        const path = `${BASE}/network/${i.id}`;
        into.set(path, {
          props: {
            AutoNeg: true,
            DHCPEnabled: i.dhcpEnabled,
            DomainName: [st.domainName],
            InterfaceName: i.id,
            LinkUp: i.linkUp,
            MACAddress: i.macAddress,
            NTPServers: st.ntpServers,
            Nameservers: st.nameServers,
            StaticNameServers: st.nameServers,
            Speed: i.speedMbps,
            ...(i.vlanId === undefined ? {} : { Id: i.vlanId }),
          },
          set: {
            DHCPEnabled: (v) => apply(() => net.setDhcp(i.id, asBool(v, 'DHCPEnabled'))),
            NTPServers: (v) => apply(() => net.setNtpServers(asStringList(v, 'NTPServers'))),
            Nameservers: (v) => apply(() => net.setNameServers(asStringList(v, 'Nameservers'))),
            StaticNameServers: (v) => apply(() => net.setNameServers(asStringList(v, 'StaticNameServers'))),
          },
          actions: {
            IP: (args) => {
              const proto = asString(argAt(args, 0, 'protocol'), 'protocol');
              if (proto !== `${PROTOCOL}.IPv4`)
                throw new RestError(
                  400,
                  `only ${PROTOCOL}.IPv4 is supported, got ${proto}`,
                  'xyz.openbmc_project.Common.Error.InvalidArgument',
                );
              const address = asString(argAt(args, 1, 'address'), 'address');
              const prefix = asInt(argAt(args, 2, 'prefix length'), 'prefix length', 1, 32);
              const gateway = asString(argAt(args, 3, 'gateway'), 'gateway');
              apply(() => net.addIpv4(i.id, address, prefix, gateway));
              return null;
            },
            ...(i.parent === undefined
              ? {}
              : {
                  Delete: () => {
                    apply(() => net.deleteInterface(i.id));
                    return null;
                  },
                }),
          },
          ...(i.parent === undefined ? {} : { remove: () => void apply(() => net.deleteInterface(i.id)) }),
        });
        for (const a of i.ipv4) {
          into.set(`${path}/ipv4/${a.id}`, {
            props: {
              Address: a.address,
              Gateway: a.gateway,
              Origin: `${ORIGIN}.${a.origin}`,
              PrefixLength: a.prefixLength,
              Type: `${PROTOCOL}.IPv4`,
            },
            actions: {
              Delete: () => {
                net.deleteIpv4(i.id, a.id);
                return null;
              },
            },
            remove: () => void net.deleteIpv4(i.id, a.id),
          });
        }
      }
    },
  };
}
