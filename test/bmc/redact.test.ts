import { describe, it, expect } from '@jest/globals';
import { MASK, Redactor, curlCommand, maskBody } from '../../src/bmc/redact.js';

describe('Redactor', () => {
  it('replaces every registered secret, longest first, and its JSON-escaped form', () => {
    const r = new Redactor();
    r.add('pa"ss');
    r.add('tok123');
    r.add('tok123456');
    expect(r.mask('a tok123456 b tok123 c pa"ss d "pa\\"ss"')).toBe(
      `a ${MASK} b ${MASK} c ${MASK} d "${MASK}"`,
    );
  });

  it('ignores secrets too short to search for safely', () => {
    const r = new Redactor();
    r.add('ab');
    r.add(undefined);
    expect(r.mask('abc')).toBe('abc');
  });
});

describe('maskBody', () => {
  it('masks password/token fields at any depth', () => {
    expect(
      maskBody(
        { UserName: 'root', Password: 'x1', Nested: { Token: 't', Other: 1 } },
        '/redfish/v1/SessionService/Sessions',
      ),
    ).toEqual({
      UserName: 'root',
      Password: MASK,
      Nested: { Token: MASK, Other: 1 },
    });
  });

  it('masks the OpenBMC login data array', () => {
    expect(maskBody({ data: ['root', '0penBmc'] }, '/login')).toEqual({ data: ['root', MASK] });
  });
});

describe('curlCommand', () => {
  it('prints an equivalent curl command with Basic credentials, tokens and cookies masked', () => {
    const line = curlCommand({
      method: 'POST',
      url: 'https://10.0.0.5:443/login',
      headers: {
        'content-type': 'application/json',
        authorization: 'Basic cm9vdDpwdw==',
        cookie: 'SESSION=abc; XSRF-TOKEN=def',
        'x-auth-token': 'tok',
      },
      basicUser: 'root',
      body: { data: ['root', 'pw'] },
      tls: { mode: 'insecure' },
    });
    expect(line).toBe(
      `curl -sS -k -X POST -u root:${MASK} -H 'content-type: application/json' -b 'SESSION=${MASK}; XSRF-TOKEN=${MASK}' ` +
        `-H 'x-auth-token: ${MASK}' https://10.0.0.5:443/login -d '{"data":["root","${MASK}"]}'`,
    );
    expect(line).not.toContain('cm9vdDpwdw');
  });

  it('names the CA bundle in verify mode and quotes shell metacharacters', () => {
    const line = curlCommand({
      method: 'GET',
      url: "https://h/redfish/v1/Systems/a'b",
      headers: {},
      tls: { mode: 'verify', ca: '/etc/bmc ca.pem' },
    });
    expect(line).toBe(`curl -sS --cacert '/etc/bmc ca.pem' -X GET 'https://h/redfish/v1/Systems/a'\\''b'`);
  });
});
