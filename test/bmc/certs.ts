/** Certificates for TLS tests: a CA, leaves with chosen names, and self-signed leaves. */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as ReturnType<typeof x509.cryptoProvider.get>);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 86_400_000;

export interface KeyCert {
  key: string;
  cert: string;
}

async function keys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

async function pem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

function names(list: string[]): x509.JsonGeneralName[] {
  return list.map((n) =>
    /^[\d.:]+$/.test(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n },
  );
}

let serial = 1;

export class TestCa {
  private constructor(
    readonly cert: string,
    private readonly caCert: x509.X509Certificate,
    private readonly caKeys: webcrypto.CryptoKeyPair,
  ) {}

  static async create(): Promise<TestCa> {
    const k = await keys();
    const c = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: String(serial++).padStart(2, '0'),
      name: 'CN=hwctl test CA',
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 30 * DAY),
      keys: k,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      ],
    });
    return new TestCa(c.toString('pem'), c, k);
  }

  /** A leaf for `sans` (none: no SAN extension at all); its subject is `CN=<first name>` unless given. */
  async leaf(sans: string[], opts: { expired?: boolean; subject?: string } = {}): Promise<KeyCert> {
    const k = await keys();
    const now = Date.now();
    const c = await x509.X509CertificateGenerator.create({
      serialNumber: String(serial++).padStart(2, '0'),
      subject: opts.subject ?? `CN=${sans[0]}`,
      issuer: this.caCert.subject,
      notBefore: new Date(now - 10 * DAY),
      notAfter: new Date(opts.expired ? now - DAY : now + 30 * DAY),
      signingKey: this.caKeys.privateKey,
      publicKey: k.publicKey,
      signingAlgorithm: ALG,
      extensions: [
        ...(sans.length ? [new x509.SubjectAlternativeNameExtension(names(sans))] : []),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      ],
    });
    return { key: await pem(k.privateKey), cert: c.toString('pem') };
  }
}

/** A self-signed certificate, as real BMCs ship. */
export async function selfSigned(sans: string[]): Promise<KeyCert> {
  const k = await keys();
  const c = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: String(serial++).padStart(2, '0'),
    name: `CN=${sans[0]}`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    keys: k,
    signingAlgorithm: ALG,
    extensions: [new x509.SubjectAlternativeNameExtension(names(sans))],
  });
  return { key: await pem(k.privateKey), cert: c.toString('pem') };
}

/** SHA-256 fingerprint of a PEM certificate, colon hex (as Node and openssl print it). */
export async function fingerprint(certPem: string): Promise<string> {
  const der = x509.PemConverter.decodeFirst(certPem);
  const digest = Buffer.from(await webcrypto.subtle.digest('SHA-256', der));
  return [...digest].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}
