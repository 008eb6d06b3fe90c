/**
 * IPv4 text helpers shared by rspconfig's checks, its executors and the simulator's network model:
 * dotted quads, netmasks and prefix lengths.
 */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A dotted quad without leading zeros (`10.0.0.5`; not `010.0.0.5`, which some parsers read as octal). */
export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

export function prefixToMask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 0xff).join('.');
}

/** The prefix length of a netmask; undefined for a mask that is not a contiguous run of ones. */
export function maskToPrefix(mask: string): number | undefined {
  if (!isIpv4(mask)) return undefined;
  const n = mask.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
  const prefix = 32 - Math.log2((~n >>> 0) + 1);
  return Number.isInteger(prefix) ? prefix : undefined;
}

/** IPv4 link-local (169.254/16): the zero-config address a BMC gives itself, never the one to manage. */
export function isLinkLocal(address: string): boolean {
  return address.startsWith('169.254.');
}

/** A DNS host name: labels of letters, digits and inner hyphens, dot-separated (RFC 1123). */
export function isHostName(text: string): boolean {
  return text.length <= 253 && text.split('.').every(isHostLabel);
}

/** One DNS label: what a BMC takes as its own host name. */
export function isHostLabel(text: string): boolean {
  return /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(text);
}
