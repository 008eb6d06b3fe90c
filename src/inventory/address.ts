/**
 * BMC addresses: what an admin writes (`10.0.0.5`, `bmc01:8443`, `[fd00::5]:443`, `https://bmc01/`) turned
 * into the base URL every client appends its paths to: `scheme://host[:port]`, no trailing slash.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The address is not usable. The message says what is wrong and what was expected. */
export class BmcAddressError extends Error {
  override name = 'BmcAddressError';
}

const EXPECTED = 'expected host, host:port, [IPv6]:port or an http(s):// URL';
const HOST_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** Normalise a BMC address to `https://host[:port]` (or `http://` when written so). */
export function normalizeBmcAddress(raw: string): string {
  const value = raw.trim();
  // First, before any message quotes the value: user:password@host holds a password.
  if (value.includes('@')) throw credentialsError();
  if (value === '') throw new BmcAddressError(`bmc is empty; ${EXPECTED}`);
  if (/\s/.test(value)) throw new BmcAddressError(`bmc '${value}' contains whitespace; ${EXPECTED}`);

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value);
  if (scheme) return normalizeUrl(value, scheme[1]!.toLowerCase(), value);
  if (value.includes('/')) throw new BmcAddressError(`bmc '${value}' has a path but no scheme; ${EXPECTED}`);

  // A bare IPv6 address (several colons, no brackets) cannot carry a port.
  if (!value.startsWith('[') && value.indexOf(':') !== value.lastIndexOf(':') && isIPv6(value)) {
    if (value.includes('%'))
      throw new BmcAddressError(`bmc '${value}': IPv6 zone ids (%iface) are not supported`);
    return normalizeUrl(`https://[${value}]`, 'https', value);
  }
  if (value.startsWith('[')) return normalizeUrl(`https://${value}`, 'https', value);
  // host or host:port: validated here, no URL parsing needed (the common case, 10,000 times per load).
  const { host, port } = checkHost(value, value);
  return port === undefined || Number(port) === 443
    ? `https://${host.toLowerCase()}`
    : `https://${host.toLowerCase()}:${Number(port)}`;
}

function credentialsError(): BmcAddressError {
  // Never echo the value: it holds a password.
  return new BmcAddressError(
    'bmc must not contain credentials (user:password@host); use username and password',
  );
}

/** `value` has a scheme; `original` is what the user wrote, for messages. */
function normalizeUrl(value: string, scheme: string, original: string): string {
  if (scheme !== 'https' && scheme !== 'http') {
    throw new BmcAddressError(`bmc '${original}' has scheme '${scheme}'; expected https:// or http://`);
  }
  const rest = value.slice(scheme.length + 3);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  if (authority.includes('@')) throw credentialsError();
  checkHost(authority, original);

  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BmcAddressError(`bmc '${original}' is not a valid address; ${EXPECTED}`);
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new BmcAddressError(
      `bmc '${original}' has a path ('${url.pathname}'); expected only scheme://host[:port]`,
    );
  }
  if (url.search || url.hash || value.includes('?') || value.includes('#')) {
    throw new BmcAddressError(
      `bmc '${original}' has a query or fragment; expected only scheme://host[:port]`,
    );
  }
  // URL drops the scheme's default port (https://h:443 → https://h) and lower-cases host names.
  return `${url.protocol}//${url.host}`;
}

/** The URL parser is lenient (`10.1` is an IPv4 address to it, `a..b` a host name); BMC addresses are not. */
function checkHost(authority: string, original: string): { host: string; port: string | undefined } {
  let host: string;
  let port: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) throw new BmcAddressError(`bmc '${original}': missing ']' after the IPv6 address`);
    host = authority.slice(1, close);
    const rest = authority.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) {
      throw new BmcAddressError(`bmc '${original}': unexpected '${rest}' after ']'; ${EXPECTED}`);
    }
    port = rest === '' ? undefined : rest.slice(1);
    if (!isIPv6(host)) throw new BmcAddressError(`bmc '${original}': '${host}' is not an IPv6 address`);
  } else {
    const colon = authority.lastIndexOf(':');
    if (colon >= 0 && authority.indexOf(':') !== colon) {
      throw new BmcAddressError(
        `bmc '${original}': an IPv6 address with a port must be written [address]:port`,
      );
    }
    host = colon < 0 ? authority : authority.slice(0, colon);
    port = colon < 0 ? undefined : authority.slice(colon + 1);
    checkHostName(host, original);
  }
  if (port !== undefined) {
    const number = /^\d{1,5}$/.test(port) ? Number(port) : NaN;
    if (!(number >= 1 && number <= 65535)) {
      throw new BmcAddressError(`bmc '${original}': port '${port}' is not a number from 1 to 65535`);
    }
  }
  return { host, port };
}

function checkHostName(host: string, original: string): void {
  if (host === '') throw new BmcAddressError(`bmc '${original}' has no host; ${EXPECTED}`);
  if (/^[\d.]+$/.test(host)) {
    if (!isIPv4(host)) {
      throw new BmcAddressError(
        `bmc '${original}': '${host}' is not a valid IPv4 address (four numbers 0-255, no leading zeros)`,
      );
    }
    return;
  }
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length > 253 || !name.split('.').every((label) => HOST_LABEL.test(label))) {
    throw new BmcAddressError(
      `bmc '${original}': '${host}' is not a valid host name (letters, digits, '-' and '_' in dot-separated labels)`,
    );
  }
}
