/**
 * CertificateService over a real HTTPS fleet: the HTTPS certificate resource is the certificate the
 * TLS handshake presents; ReplaceCertificate installs a new one (with its key) that the next
 * connection gets; bad input is refused without echoing the key; ReadOnly may not replace.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto, X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { Bmc, PERSONALITIES, messageIds, startFleet, type Fleet } from './harness.js';
import { RedfishSchemas } from '../redfish/schema.js';

x509.cryptoProvider.set(webcrypto as ReturnType<typeof x509.cryptoProvider.get>);

let fleet: Fleet;
let schemas: RedfishSchemas;
beforeAll(async () => {
  fleet = await startFleet();
  schemas = new RedfishSchemas();
});
afterAll(async () => {
  await fleet.sim.stop();
});

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const id = (v: unknown): string => String((v as { '@odata.id': string })['@odata.id']).replace(/\/+$/, '');

/** A self-signed server certificate and its PKCS#8 key, both PEM. */
async function selfSigned(cn: string): Promise<{ cert: string; key: string }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${cn}, O=protocol test`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    keys,
    signingAlgorithm: ALG,
  });
  const der = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { cert: cert.toString('pem'), key: x509.PemConverter.encode(der, 'PRIVATE KEY') };
}

/** The certificate a fresh TLS connection to the BMC presents, as PEM. */
function presented(bmc: Bmc): Promise<string> {
  const u = new URL(bmc.base);
  return new Promise((resolve, reject) => {
    const s = connect({ host: u.hostname, port: Number(u.port), rejectUnauthorized: false }, () => {
      const raw = s.getPeerCertificate().raw;
      s.end();
      resolve(new X509Certificate(raw).toString());
    });
    s.on('error', reject);
  });
}

const samePem = (a: string, b: string): boolean =>
  new X509Certificate(a).fingerprint256 === new X509Certificate(b).fingerprint256;

for (const p of PERSONALITIES) {
  describe(`${p}: CertificateService`, () => {
    it('the HTTPS certificate resource is the one the handshake presents; ReplaceCertificate swaps it for new connections', async () => {
      const bmc = new Bmc(fleet, p);
      const root = await bmc.doc('/redfish/v1/');
      const service = await bmc.doc(id(root.CertificateService));
      const replace = (service.Actions as Record<string, { target: string }>)[
        '#CertificateService.ReplaceCertificate'
      ];
      expect(replace?.target).toBeDefined();
      const manager = id(((await bmc.doc(id(root.Managers))).Members as unknown[])[0]);
      const proto = await bmc.doc(id((await bmc.doc(manager)).NetworkProtocol));
      const coll = await bmc.doc(id((proto.HTTPS as Record<string, unknown>).Certificates));
      const certUri = id((coll.Members as unknown[])[0]);
      const locations = await bmc.doc(id(service.CertificateLocations));
      expect(((locations.Links as Record<string, unknown>).Certificates as unknown[]).map(id)).toEqual([
        certUri,
      ]);
      const doc = await bmc.doc(certUri);
      expect(await schemas.validate(doc)).toEqual([]);
      expect(samePem(String(doc.CertificateString), await presented(bmc))).toBe(true);
      expect((doc.Subject as Record<string, string>).Organization).toBe('hwctl simulator');

      const fresh = await selfSigned(`replaced-${p}`);
      const other = await selfSigned('someone-else');
      const post = (body: unknown, auth: Parameters<Bmc['request']>[2] = 'admin') =>
        bmc.request('POST', replace?.target ?? '', auth, { body: body as object });
      // no key, a key that is not the certificate's, a wrong type, an unknown target: 400, key never echoed
      for (const [body, param] of [
        [
          { CertificateString: fresh.cert, CertificateType: 'PEM', CertificateUri: { '@odata.id': certUri } },
          'CertificateString',
        ],
        [
          {
            CertificateString: fresh.cert + other.key,
            CertificateType: 'PEM',
            CertificateUri: { '@odata.id': certUri },
          },
          'CertificateString',
        ],
        [
          {
            CertificateString: fresh.cert + fresh.key,
            CertificateType: 'PKCS7',
            CertificateUri: { '@odata.id': certUri },
          },
          'CertificateType',
        ],
        [
          {
            CertificateString: fresh.cert + fresh.key,
            CertificateType: 'PEM',
            CertificateUri: { '@odata.id': `${manager}/nope` },
          },
          'CertificateUri',
        ],
      ] as const) {
        const r = await post(body);
        expect([param, r.status]).toEqual([param, 400]);
        expect(r.text).not.toContain('PRIVATE KEY');
      }
      // ReadOnly may not (ConfigureManager)
      const ro = await bmc.request('POST', '/redfish/v1/AccountService/Accounts', 'admin', {
        body: { UserName: 'certro01', Password: 'Secret1234', RoleId: 'ReadOnly' },
      });
      expect(ro.status).toBe(201);
      const denied = await post(
        {
          CertificateString: fresh.cert + fresh.key,
          CertificateType: 'PEM',
          CertificateUri: { '@odata.id': certUri },
        },
        { user: 'certro01', password: 'Secret1234' },
      );
      expect([denied.status, messageIds(denied.json())]).toEqual([403, ['InsufficientPrivilege']]);
      expect(
        (await bmc.request('DELETE', '/redfish/v1/AccountService/Accounts/certro01')).status,
      ).toBeLessThan(300);

      const ok = await post({
        CertificateString: fresh.cert + fresh.key,
        CertificateType: 'PEM',
        CertificateUri: { '@odata.id': certUri },
      });
      expect(ok.status).toBeLessThan(300);
      expect(samePem(await presented(bmc), fresh.cert)).toBe(true);
      // the fleet CA no longer vouches for this BMC: read it without verification from now on
      const after = await bmc.get(certUri, 'admin', { insecure: true, ca: '' });
      expect(samePem(String(after.json().CertificateString), fresh.cert)).toBe(true);
      expect((after.json().Subject as Record<string, string>).CommonName).toBe(`replaced-${p}`);
    });
  });
}
