/**
 * The CertificateService: the HTTPS certificate the BMC really serves (the simulator CA's, or one a
 * client installed), read at `Managers/<id>/NetworkProtocol/HTTPS/Certificates/1` as bmcweb has it, and
 * `CertificateService.ReplaceCertificate`, which installs a PEM certificate with its private key: new TLS
 * connections get it at once (bmcweb wants both in one `CertificateString`, as here). Without HTTPS
 * (`--http`, unit tests) the collection is empty and there is nothing to replace.
 */
import { X509Certificate } from 'node:crypto';
import type { BmcTls } from '../types.js';
import type { ErrorFactory } from './errors.js';
import { isObject, isoTime, type JsonObject } from './json.js';
import { parseJsonBody, type HandlerResult, type RequestContext, type ResourceNode } from './tree.js';

export const CERTIFICATE_SERVICE_PATH = '/redfish/v1/CertificateService';
const LOCATIONS = `${CERTIFICATE_SERVICE_PATH}/CertificateLocations`;
const REPLACE = `${CERTIFICATE_SERVICE_PATH}/Actions/CertificateService.ReplaceCertificate`;
const ACTION = 'CertificateService.ReplaceCertificate';

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const KEY_BLOCK = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;

export interface CertificateServiceOptions {
  errors: ErrorFactory;
  url(path: string): string;
  /** The Manager whose NetworkProtocol holds the HTTPS certificate; none: no certificate locations. */
  managerPath?: string;
  tls?: BmcTls;
}

/** Node's `CN=a\nO=b` → Redfish `Identifier` ({CommonName, Organization, ...}). */
function identifier(dn: string): JsonObject {
  const keys: Record<string, string> = {
    CN: 'CommonName',
    O: 'Organization',
    OU: 'OrganizationalUnit',
    L: 'City',
    ST: 'State',
    C: 'Country',
    E: 'Email',
  };
  const out: JsonObject = {};
  for (const part of dn.split('\n')) {
    const eq = part.indexOf('=');
    const key = keys[part.slice(0, eq).trim().toUpperCase()];
    if (key) out[key] = part.slice(eq + 1).trim();
  }
  return out;
}

export class CertificateService {
  /** Fixed once the service exists: owns() runs on every request that gets this far. */
  private readonly collectionPath: string | undefined;
  private readonly certPath: string | undefined;

  constructor(private readonly o: CertificateServiceOptions) {
    this.collectionPath = o.managerPath && `${o.managerPath}/NetworkProtocol/HTTPS/Certificates`;
    this.certPath = this.collectionPath && `${this.collectionPath}/1`;
  }

  owns(path: string): boolean {
    const c = this.collectionPath;
    return (
      path === CERTIFICATE_SERVICE_PATH ||
      path.startsWith(`${CERTIFICATE_SERVICE_PATH}/`) ||
      (c !== undefined && (path === c || path.startsWith(`${c}/`)))
    );
  }

  resolve(path: string): ResourceNode | undefined {
    if (path === CERTIFICATE_SERVICE_PATH) return { get: () => this.serviceDoc() };
    if (path === LOCATIONS) return { get: () => this.locationsDoc() };
    if (path === REPLACE) return { post: (ctx) => this.replace(ctx) };
    if (path === this.collectionPath) return { get: () => this.collectionDoc() };
    if (path === this.certPath && this.o.tls) return { get: () => this.certificateDoc() };
    return undefined;
  }

  private link(path: string): JsonObject {
    return { '@odata.id': this.o.url(path) };
  }

  private installed(): string[] {
    return this.o.tls && this.certPath ? [this.certPath] : [];
  }

  private serviceDoc(): JsonObject {
    return {
      '@odata.id': this.o.url(CERTIFICATE_SERVICE_PATH),
      '@odata.type': '#CertificateService.v1_0_0.CertificateService',
      Id: 'CertificateService',
      Name: 'Certificate Service',
      Description: 'Actions available to manage certificates',
      CertificateLocations: this.link(LOCATIONS),
      Actions: {
        '#CertificateService.ReplaceCertificate': {
          target: this.o.url(REPLACE),
          'CertificateType@Redfish.AllowableValues': ['PEM'],
        },
      },
    };
  }

  private locationsDoc(): JsonObject {
    const certs = this.installed();
    return {
      '@odata.id': this.o.url(LOCATIONS),
      '@odata.type': '#CertificateLocations.v1_0_0.CertificateLocations',
      Id: 'CertificateLocations',
      Name: 'Certificate Locations',
      Description: 'Every certificate installed on the service',
      Links: { Certificates: certs.map((c) => this.link(c)), 'Certificates@odata.count': certs.length },
    };
  }

  private collectionDoc(): JsonObject {
    const certs = this.installed();
    return {
      '@odata.id': this.o.url(this.collectionPath as string),
      '@odata.type': '#CertificateCollection.CertificateCollection',
      Name: 'HTTPS Certificates Collection',
      Members: certs.map((c) => this.link(c)),
      'Members@odata.count': certs.length,
    };
  }

  private certificateDoc(): JsonObject {
    const pem = (this.o.tls as BmcTls).certificatePem;
    const cert = new X509Certificate(pem);
    return {
      '@odata.id': this.o.url(this.certPath as string),
      '@odata.type': '#Certificate.v1_5_0.Certificate',
      Id: '1',
      Name: 'HTTPS Certificate',
      CertificateString: pem,
      CertificateType: 'PEM',
      Subject: identifier(cert.subject),
      Issuer: identifier(cert.issuer),
      ValidNotBefore: isoTime(Date.parse(cert.validFrom)),
      ValidNotAfter: isoTime(Date.parse(cert.validTo)),
      // the schema's form: hex pairs joined by colons
      SerialNumber: (cert.serialNumber.length % 2 ? `0${cert.serialNumber}` : cert.serialNumber).replace(
        /(..)(?!$)/g,
        '$1:',
      ),
      KeyUsage: ['DigitalSignature', 'ServerAuthentication'],
    };
  }

  private replace(ctx: RequestContext): HandlerResult {
    const body = parseJsonBody(ctx);
    if (!isObject(body)) throw this.o.errors.error('MalformedJSON');
    const errors = this.o.errors;
    for (const k of Object.keys(body))
      if (!['CertificateString', 'CertificateType', 'CertificateUri'].includes(k))
        throw errors.error('ActionParameterUnknown', [ACTION, k]);
    for (const k of ['CertificateString', 'CertificateType', 'CertificateUri'])
      if (body[k] === undefined) throw errors.error('ActionParameterMissing', [ACTION, k]);
    if (body.CertificateType !== 'PEM')
      throw errors.error('ActionParameterValueNotInList', [
        String(body.CertificateType),
        'CertificateType',
        ACTION,
      ]);
    const uri = isObject(body.CertificateUri) ? body.CertificateUri['@odata.id'] : body.CertificateUri;
    const target = typeof uri === 'string' ? uri.replace(/\/+$/, '') : undefined;
    if (!target || target !== this.certPath || !this.o.tls)
      throw errors.error('ActionParameterValueFormatError', [
        JSON.stringify(uri ?? null),
        'CertificateUri',
        ACTION,
      ]);
    const text = body.CertificateString;
    if (typeof text !== 'string')
      throw errors.error('ActionParameterValueTypeError', ['******', 'CertificateString', ACTION]);
    // The key never goes into a message: only the parameter name is reported.
    const certPem = CERT_BLOCK.exec(text)?.[0];
    const keyPem = KEY_BLOCK.exec(text)?.[0];
    const bad = (): never => {
      throw errors.error('ActionParameterValueFormatError', ['******', 'CertificateString', ACTION]);
    };
    if (!certPem || !keyPem) return bad();
    try {
      new X509Certificate(certPem);
      this.o.tls.replace(certPem, keyPem);
    } catch {
      return bad();
    }
    return undefined;
  }
}
