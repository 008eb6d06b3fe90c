/**
 * The simulator's certificate authority and the BMC certificates it signs.
 *
 * - CA: ECDSA P-256, 10 years, generated at start or loaded from the state dir (`ca.pem`,
 *   `ca-key.pem`), so an inventory written earlier keeps verifying after a restart.
 * - One leaf key pair shared by every BMC (key generation is the expensive part), persisted as
 *   `leaf-key.pem`. By default one leaf certificate (CN `hwctl simulator BMC`) serves every BMC:
 *   they all listen on the same address, so the same names fit, and signing plus a TLS context cost
 *   about 10 ms of CPU and 25 KiB per certificate (measured, docs/simulator.md), which would make
 *   the first contact with a 1,000-BMC fleet simulator-bound. With `perBmc` each BMC gets its own
 *   certificate (CN = node name, own serial), signed on its first TLS connection and cached.
 *   SANs: the listen address, IP 127.0.0.1, IP ::1, DNS localhost.
 * - The `certMismatch` fault serves a certificate from the same CA whose names match nothing the
 *   client dialled (DNS `wrong-name.invalid`, IP 192.0.2.1): chain valid, hostname check fails.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { isIP } from 'node:net';

x509.cryptoProvider.set(webcrypto as ReturnType<typeof x509.cryptoProvider.get>);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 86_400_000;

export interface CaMaterial {
  caPem: string;
  caKeyPem: string;
  leafKeyPem: string;
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function privatePem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importPrivate(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
}

/** Public half of an exported PKCS#8 EC key, via a JWK round trip (webcrypto cannot derive it directly). */
async function publicFromPrivate(priv: CryptoKey): Promise<CryptoKey> {
  const jwk = await webcrypto.subtle.exportKey('jwk', priv);
  delete jwk.d;
  jwk.key_ops = ['verify'];
  return webcrypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
}

function serial(): string {
  // positive, 16 bytes
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x01;
  return Buffer.from(b).toString('hex');
}

export class SimCertificateAuthority {
  private readonly contexts = new Map<string, Promise<SecureContext>>();
  private readonly certificates = new Map<string, Promise<string>>();
  private shared: Promise<SecureContext> | undefined;
  private mismatch: Promise<SecureContext> | undefined;

  private constructor(
    readonly caPem: string,
    private readonly caCert: x509.X509Certificate,
    private readonly caKey: CryptoKey,
    private readonly leafKeyPem: string,
    private readonly leafPublic: CryptoKey,
    /** Addresses the BMC certificates name besides 127.0.0.1, ::1 and localhost. */
    private readonly extraNames: string[],
    /** One certificate per BMC instead of one for all. */
    readonly perBmc: boolean,
  ) {}

  /** Creates a fresh CA, or loads the one in `stateDir` when it holds `ca.pem` and `ca-key.pem`. */
  static async open(
    opts: { stateDir?: string; names?: string[]; perBmc?: boolean } = {},
  ): Promise<SimCertificateAuthority> {
    let material: CaMaterial | undefined;
    if (opts.stateDir) material = await loadMaterial(opts.stateDir);
    material ??= await generateMaterial();
    if (opts.stateDir) await saveMaterial(opts.stateDir, material);
    const caCert = new x509.X509Certificate(material.caPem);
    const caKey = await importPrivate(material.caKeyPem);
    const leafPriv = await importPrivate(material.leafKeyPem);
    const leafPublic = await publicFromPrivate(leafPriv);
    return new SimCertificateAuthority(
      material.caPem,
      caCert,
      caKey,
      material.leafKeyPem,
      leafPublic,
      opts.names ?? [],
      opts.perBmc ?? false,
    );
  }

  /** The TLS context BMC `name` serves: the shared one, or (perBmc) its own, signed once and cached. */
  contextFor(name: string): Promise<SecureContext> {
    const leaf = (cert: string) => createSecureContext({ key: this.leafKeyPem, cert, minVersion: 'TLSv1.2' });
    if (!this.perBmc) {
      this.shared ??= this.certificateFor(name).then(leaf);
      return this.shared;
    }
    let ctx = this.contexts.get(name);
    if (!ctx) {
      ctx = this.certificateFor(name).then(leaf);
      this.contexts.set(name, ctx);
    }
    return ctx;
  }

  /** The certificate (PEM) BMC `name` serves (what its Redfish CertificateService shows). */
  certificateFor(name: string): Promise<string> {
    const cn = this.perBmc ? name : 'hwctl simulator BMC';
    let pem = this.certificates.get(cn);
    if (!pem) {
      pem = this.sign(cn, this.sans());
      this.certificates.set(cn, pem);
    }
    return pem;
  }

  /** A context whose certificate names nothing the client dialled (fault `certMismatch`). */
  mismatchContext(): Promise<SecureContext> {
    this.mismatch ??= this.context('wrong-name.invalid', [
      { type: 'dns', value: 'wrong-name.invalid' },
      { type: 'ip', value: '192.0.2.1' },
    ]);
    return this.mismatch;
  }

  private async context(cn: string, sans: x509.JsonGeneralName[]): Promise<SecureContext> {
    const cert = await this.sign(cn, sans);
    return createSecureContext({ key: this.leafKeyPem, cert, minVersion: 'TLSv1.2' });
  }

  private sans(): x509.JsonGeneralName[] {
    const names = new Set(['127.0.0.1', '::1', 'localhost', ...this.extraNames]);
    return [...names].map((n) =>
      isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n },
    );
  }

  private async sign(cn: string, sans: x509.JsonGeneralName[]): Promise<string> {
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${cn.replace(/[,+="\\<>;#]/g, '_')}, O=hwctl simulator`,
      issuer: this.caCert.subject,
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + 365 * DAY),
      signingKey: this.caKey,
      publicKey: this.leafPublic,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(sans),
        await x509.AuthorityKeyIdentifierExtension.create(this.caCert),
      ],
    });
    return cert.toString('pem');
  }
}

async function generateMaterial(): Promise<CaMaterial> {
  const caKeys = await generateKeys();
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=hwctl simulator CA, O=hwctl simulator',
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 3650 * DAY),
    keys: caKeys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const leafKeys = await generateKeys();
  return {
    caPem: ca.toString('pem'),
    caKeyPem: await privatePem(caKeys.privateKey),
    leafKeyPem: await privatePem(leafKeys.privateKey),
  };
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function loadMaterial(dir: string): Promise<CaMaterial | undefined> {
  const caPem = await readIfPresent(join(dir, 'ca.pem'));
  const caKeyPem = await readIfPresent(join(dir, 'ca-key.pem'));
  if (!caPem || !caKeyPem) return undefined;
  const leafKeyPem =
    (await readIfPresent(join(dir, 'leaf-key.pem'))) ?? (await privatePem((await generateKeys()).privateKey));
  return { caPem, caKeyPem, leafKeyPem };
}

async function saveMaterial(dir: string, m: CaMaterial): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'ca.pem'), m.caPem, { mode: 0o644 });
  for (const [file, pem] of [
    ['ca-key.pem', m.caKeyPem],
    ['leaf-key.pem', m.leafKeyPem],
  ] as const) {
    await writeFile(join(dir, file), pem, { mode: 0o600 });
    await chmod(join(dir, file), 0o600);
  }
}
