import { describe, expect, it } from '@jest/globals';
import { BmcAddressError, normalizeBmcAddress } from '../../src/inventory/address.js';

function failure(value: string): string {
  try {
    normalizeBmcAddress(value);
  } catch (e) {
    if (e instanceof BmcAddressError) return e.message;
    throw e;
  }
  throw new Error(`expected '${value}' to be refused`);
}

describe('normalizeBmcAddress', () => {
  it.each([
    ['10.0.0.5', 'https://10.0.0.5'],
    ['10.0.0.5:8443', 'https://10.0.0.5:8443'],
    ['10.0.0.5:443', 'https://10.0.0.5'],
    ['bmc01', 'https://bmc01'],
    ['BMC01.Example.ORG', 'https://bmc01.example.org'],
    ['bmc01.example:08443', 'https://bmc01.example:8443'],
    ['node_01-bmc', 'https://node_01-bmc'],
    ['  10.0.0.5  ', 'https://10.0.0.5'],
    ['[fd00::5]', 'https://[fd00::5]'],
    ['[fd00::5]:8443', 'https://[fd00::5]:8443'],
    ['[FD00:0:0:0::0005]:443', 'https://[fd00::5]'],
    ['fd00::5', 'https://[fd00::5]'],
    ['::1', 'https://[::1]'],
    ['https://bmc01', 'https://bmc01'],
    ['https://bmc01/', 'https://bmc01'],
    ['HTTPS://bmc01:443/', 'https://bmc01'],
    ['https://bmc01:8443', 'https://bmc01:8443'],
    ['http://127.0.0.1:8000', 'http://127.0.0.1:8000'],
    ['http://127.0.0.1:80/', 'http://127.0.0.1'],
    ['https://[fd00::5]:8443/', 'https://[fd00::5]:8443'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeBmcAddress(input)).toBe(expected);
  });

  it.each([
    ['', 'bmc is empty'],
    ['   ', 'bmc is empty'],
    ['bmc 01', 'contains whitespace'],
    ['ftp://bmc01', "has scheme 'ftp'"],
    ['https://bmc01/redfish/v1', "has a path ('/redfish/v1')"],
    ['https://bmc01/?x=1', 'has a query or fragment'],
    ['https://bmc01#top', 'has a query or fragment'],
    ['bmc01/redfish', 'has a path but no scheme'],
    ['10.0.0.256', "'10.0.0.256' is not a valid IPv4 address"],
    ['10.0.0', 'is not a valid IPv4 address'],
    ['010.0.0.1', 'no leading zeros'],
    ['10.0.0.5:0', "port '0' is not a number from 1 to 65535"],
    ['10.0.0.5:65536', "port '65536'"],
    ['10.0.0.5:http', "port 'http'"],
    ['10.0.0.5:', "port ''"],
    ['bmc..example', 'is not a valid host name'],
    ['-bmc', 'is not a valid host name'],
    ['bmc!', 'is not a valid host name'],
    ['https://:8443', 'has no host'],
    ['fd00::5:zz', 'must be written [address]:port'],
    ['[fd00::5', "missing ']'"],
    ['[fd00::5]x', "unexpected 'x' after ']'"],
    ['[not-v6]:443', "'not-v6' is not an IPv6 address"],
    ['fe80::1%eth0', 'zone ids'],
  ])('refuses %j (%s)', (input, message) => {
    expect(failure(input)).toContain(message);
  });

  it('never echoes credentials embedded in the address', () => {
    for (const value of ['https://root:s3cr3t@bmc01', 'root:s3cr3t@bmc01', 'https://root:s3cr 3t@bmc01/x']) {
      const message = failure(value);
      expect(message).toContain('must not contain credentials');
      expect(message).not.toContain('s3cr');
    }
  });
});
