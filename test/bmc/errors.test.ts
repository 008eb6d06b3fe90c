import { describe, it, expect } from '@jest/globals';
import {
  NO_RESPONSE,
  redfishMessage,
  openbmcMessage,
  statusError,
  textMessage,
  transportError,
  wrongFormat,
} from '../../src/bmc/errors.js';
import { retryAfterMs } from '../../src/bmc/http.js';

const ctx = {
  node: 'node01',
  host: 'bmc01',
  hostport: 'bmc01:443',
  connectMs: 5000,
  requestMs: 30000,
  knownBmcs: '/k',
};
const err = (code: string, message = code, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { code }, extra);

describe('redfishMessage', () => {
  it('prefers @Message.ExtendedInfo[0].Message, then error.message', () => {
    const body = {
      error: {
        code: 'Base.1.8.GeneralError',
        message: 'A general error',
        '@Message.ExtendedInfo': [{ Message: 'Server is already powered ON.' }],
      },
    };
    expect(redfishMessage(body)).toBe('Server is already powered ON.');
    expect(redfishMessage({ error: { message: 'A general error' } })).toBe('A general error');
  });

  it('reads non-standard error bodies (Cray emulator, old iLO)', () => {
    expect(redfishMessage({ Status: 400, Message: 'bad reset type' })).toBe('bad reset type');
    expect(
      redfishMessage({
        Messages: [{ MessageID: 'iLO.0.10.InvalidOperationForSystemState' }],
        Type: 'ExtendedError.1.0.0',
      }),
    ).toBe('iLO.0.10.InvalidOperationForSystemState');
    expect(redfishMessage('text')).toBeUndefined();
  });
});

describe('openbmcMessage', () => {
  it('reads data.description of the envelope', () => {
    expect(
      openbmcMessage({
        data: { description: 'Invalid username or password' },
        message: '401 Unauthorized',
        status: 'error',
      }),
    ).toBe('Invalid username or password');
    expect(openbmcMessage({ data: null, message: '404 Not Found', status: 'error' })).toBe('404 Not Found');
  });
});

describe('textMessage', () => {
  it('turns an HTML error page into its title, not HTML soup', () => {
    const html =
      '<!DOCTYPE html><html><head><title>500 Internal Server Error</title><style>body{}</style></head><body><h1>Oops</h1><p>stack...</p></body></html>';
    expect(textMessage(html)).toBe('500 Internal Server Error (HTML error page)');
    expect(textMessage('<html><body><h1>Bad   thing</h1></body></html>')).toBe('Bad thing (HTML error page)');
  });

  it('keeps the first line of plain text, shortened', () => {
    expect(textMessage('busy\nsecond line')).toBe('busy');
    expect(textMessage('x'.repeat(300))!.length).toBe(120);
    expect(textMessage('  ')).toBeUndefined();
  });
});

describe('statusError', () => {
  const at = { method: 'GET', path: '/redfish/v1/Systems/1' };
  it("401 is xCAT's exact message, kind auth", () => {
    const e = statusError('redfish', 401, 'whatever the BMC said', at);
    expect([e.kind, e.message, e.status]).toEqual(['auth', '[401] Invalid username or password', 401]);
  });

  it.each([
    [403, 'redfish', 'auth', /^\[403\] Insufficient privilege \(the account is not allowed/],
    [
      403,
      'openbmc',
      'unsupported',
      /^403 Forbidden - Requested endpoint does not exist or may indicate function is not yet supported by OpenBMC firmware\.$/,
    ],
    [
      404,
      'redfish',
      'http',
      /^\[404\] Insufficient privilege \(GET \/redfish\/v1\/Systems\/1: not found on this BMC/,
    ],
    [404, 'openbmc', 'unsupported', /^404 Not Found - Requested endpoint does not exist/],
    [405, 'redfish', 'unsupported', /^\[405\] .*this BMC does not allow GET \/redfish\/v1\/Systems\/1/],
    [409, 'redfish', 'http', /^\[409\] Insufficient privilege$/],
    [412, 'redfish', 'http', /^\[412\] .*retry the command/],
    [428, 'redfish', 'http', /^\[428\] .*ETag/],
    [500, 'redfish', 'http', /^\[500\] Insufficient privilege$/],
    [
      502,
      'openbmc',
      'unreachable',
      /^BMC did not respond\. Validate BMC configuration and retry the command\. \(Verify REST server is running on the BMC\)$/,
    ],
    [503, 'redfish', 'http', /^\[503\] .*busy or starting up: retry later/],
    [504, 'redfish', 'timeout', /^\[504\] /],
  ] as const)('%i on %s → kind %s', (status, flavor, kind, re) => {
    const e = statusError(flavor, status, 'Insufficient privilege', at);
    expect(e.kind).toBe(kind);
    expect(e.message).toMatch(re);
    expect(e.status).toBe(status);
  });

  it('uses the status text when the body said nothing', () => {
    expect(statusError('redfish', 409, undefined, at).message).toBe('[409] Conflict');
  });

  it('counts tries on busy BMCs', () => {
    expect(statusError('redfish', 503, 'Service Unavailable', { ...at, tries: 3 }).message).toBe(
      '[503] Service Unavailable (the BMC is busy or starting up, 3 tries: retry later)',
    );
  });
});

describe('transportError', () => {
  it.each([
    ['ECONNREFUSED', 'unreachable', `${NO_RESPONSE} (connection refused by bmc01:443)`],
    ['ECONNRESET', 'unreachable', `${NO_RESPONSE} (connection reset by bmc01:443)`],
    ['EHOSTUNREACH', 'unreachable', `${NO_RESPONSE} (no route to bmc01:443)`],
    ['EBMC_CONNECT_TIMEOUT', 'timeout', `${NO_RESPONSE} (no connection to bmc01:443 within 5 s)`],
    ['ETIMEDOUT', 'timeout', `${NO_RESPONSE} (no response within 30 s)`],
    [
      'ENOTFOUND',
      'unreachable',
      "Unable to resolve ip address for bmc: bmc01 (DNS lookup failed: check the node's bmc address in the inventory)",
    ],
  ])('%s → %s', (code, kind, message) => {
    const e = transportError(err(code), ctx);
    expect([e.kind, e.message]).toEqual([kind, message]);
  });

  it('finds the code inside got wrappers', () => {
    const wrapped = Object.assign(new Error('outer', { cause: err('ECONNREFUSED') }), {
      code: 'ERR_GOT_REQUEST_ERROR',
    });
    expect(transportError(wrapped, ctx).message).toContain('connection refused');
  });

  it('TLS: unknown CA, self-signed, name mismatch, expiry, pin mismatch say what to do', () => {
    expect(transportError(err('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), ctx).message).toMatch(
      /^TLS certificate of bmc01:443 is not trusted \(unknown certificate authority\)\. Give its CA with tls: \{ca: FILE\} or --ca FILE, or pin it .*hwctl trust node01/,
    );
    expect(transportError(err('DEPTH_ZERO_SELF_SIGNED_CERT'), ctx).message).toContain(
      '(self-signed certificate)',
    );
    const alt = transportError(
      err(
        'ERR_TLS_CERT_ALTNAME_INVALID',
        "Hostname/IP does not match certificate's altnames: IP: 127.0.0.2 is not in the cert's list: IP Address:127.0.0.1",
      ),
      ctx,
    );
    expect(alt.kind).toBe('tls');
    expect(alt.message).toContain('name mismatch');
    expect(transportError(err('CERT_HAS_EXPIRED'), ctx).message).toContain('is expired');
    const pin = transportError(err('EBMC_PIN_MISMATCH', 'x', { pinned: 'AA:BB', actual: 'CC:DD' }), ctx);
    expect(pin.kind).toBe('tls');
    expect(pin.message).toContain('has CHANGED since it was pinned (pinned SHA256 AA:BB, now SHA256 CC:DD)');
    expect(pin.message).toContain('`hwctl trust node01` (/k)');
    expect(transportError(err('EPROTO', 'wrong version number'), ctx).message).toContain(
      'TLS handshake with bmc01:443 failed',
    );
  });
});

describe('wrongFormat', () => {
  it("is xCAT's message with a short snippet, kind protocol", () => {
    const e = wrongFormat('{"Id": "1", "Name": "Sys', 'GET /redfish/v1/Systems/1');
    expect(e.kind).toBe('protocol');
    expect(e.message).toMatch(
      /^Received wrong format response: '\{"Id": "1", "Name": "Sys' from GET \/redfish\/v1\/Systems\/1/,
    );
    expect(wrongFormat('', 'GET /x').message).toContain('an empty body');
  });
});

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
