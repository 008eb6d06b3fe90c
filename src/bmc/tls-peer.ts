/**
 * The BMC's side of a TLS connection: its certificate, read once, and the server identity check (is this
 * certificate for the name we dialled?) done on that certificate.
 *
 * Read once: on a client socket, Node 20's getPeerX509Certificate() takes the leaf out of the peer chain
 * it reads from (node's X509Certificate::GetPeerCert deletes it from SSL_get_peer_cert_chain), so a second
 * call answers with the issuer, or nothing when the BMC sent its leaf alone. Every reader of the peer
 * certificate (the identity check, the pin check, the discovery cache's fingerprint) goes through
 * peerCertificate(), which asks once per socket and from then on has the socket's own
 * getPeerX509Certificate() answer with that leaf too (its getPeerCertificate() still reads what is left
 * of the chain: nothing in hwctl asks it after the handshake).
 *
 * The identity check: Node's client runs `checkServerIdentity(host, socket.getPeerCertificate(true))` on
 * every new connection (node:_tls_wrap, onConnectSecure). getPeerCertificate(true) turns the whole chain
 * into JS objects — subject, issuer, raw DER, public key, fingerprints, for each certificate — a third of
 * a millisecond of CPU per connection, a tenth of a warm 1,000-BMC `rpower stat` (docs/performance.md), to
 * read two fields. connectTls() has the socket hand Node a placeholder for that one call; the check reads
 * the two fields from the native certificate (subjectAltName, and the subject when it is needed) and runs
 * Node's own tls.checkServerIdentity on them: the same rules and messages, so the same verdict. Should
 * Node ever call the check with a real certificate, that certificate is checked as Node would. Every TLS
 * connection hwctl opens to a BMC (requests, `hwctl trust`) is made by connectTls.
 */
import tls from 'node:tls';
import type { X509Certificate } from 'node:crypto';

/**
 * The certificate the BMC presented on this socket (undefined before the handshake or without one). The
 * first read replaces the socket's getPeerX509Certificate with one that answers that leaf: later reads,
 * ours or anyone's, get it again instead of what is left of the chain.
 */
export function peerCertificate(socket: tls.TLSSocket): X509Certificate | undefined {
  const cert = socket.getPeerX509Certificate();
  // Before the handshake there is nothing to read yet, and nothing was taken out of the chain.
  if (cert && !Object.hasOwn(socket, 'getPeerX509Certificate')) socket.getPeerX509Certificate = () => cert;
  return cert;
}

/** What getPeerCertificate(true) answers during the handshake: the check knows it stands for "ask me". */
const PLACEHOLDER = Object.freeze({}) as tls.DetailedPeerCertificate;

function detailedOnDemand(this: tls.TLSSocket, detailed?: boolean): tls.PeerCertificate {
  // Node's identity check is the only caller during the handshake: the first call is its.
  restore(this);
  return detailed ? PLACEHOLDER : this.getPeerCertificate(detailed);
}

/** Back to TLSSocket.prototype.getPeerCertificate for anything after the handshake. */
function restore(socket: tls.TLSSocket): void {
  if (Object.hasOwn(socket, 'getPeerCertificate')) Reflect.deleteProperty(socket, 'getPeerCertificate');
}

/**
 * The two fields Node's check reads, from the native certificate: subjectaltname, and the subject, which
 * the check consults only when the certificate names no DNS name (its CN is then the name). For that
 * case the subject is Node's own legacy object of this one certificate (CN unescaped, a repeated CN an
 * array), still without the chain.
 */
export function identityFields(cert: X509Certificate): tls.PeerCertificate {
  const san = cert.subjectAltName;
  // A quoted entry (`URI:"a, DNS:b"`) needs Node's own splitting: then the subject is given in any case.
  const namesDns =
    san !== undefined && !san.includes('"') && san.split(', ').some((name) => name.startsWith('DNS:'));
  return {
    subject: namesDns ? {} : cert.toLegacyObject().subject,
    ...(san !== undefined ? { subjectaltname: san } : {}),
  } as tls.PeerCertificate;
}

function checkIdentity(socket: tls.TLSSocket, host: string, cert: tls.PeerCertificate): Error | undefined {
  if (cert !== PLACEHOLDER) return tls.checkServerIdentity(host, cert);
  const native = peerCertificate(socket);
  // Node's own check and message; the error's `cert` carries the subject and subjectaltname it read.
  return tls.checkServerIdentity(host, native ? identityFields(native) : ({} as tls.PeerCertificate));
}

/** tls.connect, with the identity check above (any checkServerIdentity in `options` is replaced). */
export function connectTls(options: tls.ConnectionOptions): tls.TLSSocket {
  const socket: tls.TLSSocket = tls.connect({
    ...options,
    checkServerIdentity: (host, cert) => checkIdentity(socket, host, cert),
  });
  socket.getPeerCertificate = detailedOnDemand as tls.TLSSocket['getPeerCertificate'];
  // A resumed session skips the check: nothing asked for the placeholder.
  socket.once('secureConnect', () => restore(socket));
  return socket;
}
