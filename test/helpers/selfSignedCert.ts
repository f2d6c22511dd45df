// A self-signed X.509 v3 certificate made at test run time with node:crypto only (no openssl on the
// machine): an ECDSA P-256 key pair, a TBSCertificate DER-encoded here by hand, signed with
// ecdsa-with-SHA256. Its subjectAltName names `localhost` and the IP 127.0.0.1, and basicConstraints
// CA:TRUE lets it be its own trust anchor (NODE_EXTRA_CA_CERTS, or `ca` in a TLS client), so a
// loopback https server can present it and a client can verify it for real.
import * as crypto from 'node:crypto';

export interface SelfSigned {
  /** The certificate, PEM (`-----BEGIN CERTIFICATE-----`). */
  cert: string;
  /** Its private key, PKCS#8 PEM. */
  key: string;
  /** The certificate's public key (for X509Certificate.verify). */
  publicKey: crypto.KeyObject;
}

export interface SelfSignedOptions {
  /**
   * The subject's and issuer's common name; default `localhost`. Certificates trusted together need
   * distinct names: OpenSSL looks a trust anchor up by its subject name.
   */
  commonName?: string;
  /** DNS names in subjectAltName; default ['localhost']. */
  dnsNames?: string[];
  /** IPv4 addresses in subjectAltName; default ['127.0.0.1']. */
  ips?: string[];
  /** Validity from now; default one day (notBefore is an hour ago, for clock skew). */
  validForMs?: number;
}

// DER: tag, definite length, contents.
function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
/** [n] EXPLICIT (constructed, context-specific). */
const explicit = (n: number, inner: Buffer) => tlv(0xa0 | n, inner);

/** A non-negative INTEGER from big-endian bytes (a leading 0 where the top bit is set). */
function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0 && (b[i + 1]! & 0x80) === 0) i++;
  const v = b.subarray(i);
  return tlv(0x02, v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const base128: number[] = [p & 0x7f];
    for (let v = p >>> 7; v > 0; v >>>= 7) base128.unshift(0x80 | (v & 0x7f));
    out.push(...base128);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime (YYMMDDHHMMSSZ) up to 2049, GeneralizedTime after, as RFC 5280 asks. */
function time(d: Date): Buffer {
  const iso = d.toISOString(); // 2026-12-04T21:50:34.000Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '') + 'Z'; // 20261204215034Z
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}

const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), utf8(cn))));
const extension = (id: string, critical: boolean, value: Buffer) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

function ipv4(ip: string): Buffer {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`'${ip}' is not an IPv4 address`);
  return Buffer.from(parts);
}

const ECDSA_WITH_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

/** A fresh self-signed certificate and key (ECDSA P-256, SHA-256), for `localhost` and 127.0.0.1 by default. */
export function selfSignedCert(opts: SelfSignedOptions = {}): SelfSigned {
  const cn = opts.commonName ?? 'localhost';
  const dnsNames = opts.dnsNames ?? ['localhost'];
  const ips = opts.ips ?? ['127.0.0.1'];
  const now = Date.now();
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // The subjectPublicKey BIT STRING's bytes (the uncompressed point): its SHA-1 is the key identifier.
  const point = spki.subarray(spki.length - 65);
  const serial = crypto.randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive, 16 bytes
  const san = seq(
    ...dnsNames.map((d) => tlv(0x82, Buffer.from(d, 'ascii'))), // [2] dNSName
    ...ips.map((ip) => tlv(0x87, ipv4(ip))), // [7] iPAddress
  );
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    ECDSA_WITH_SHA256,
    name(cn),
    seq(time(new Date(now - 3_600_000)), time(new Date(now + (opts.validForMs ?? 86_400_000)))),
    name(cn),
    spki,
    explicit(
      3,
      seq(
        extension('2.5.29.19', true, seq(bool(true))), // basicConstraints: CA:TRUE
        extension('2.5.29.15', true, tlv(0x03, Buffer.from([1, 0x86]))), // keyUsage: digitalSignature, keyCertSign, cRLSign (1 unused bit)
        extension('2.5.29.14', false, octets(crypto.createHash('sha1').update(point).digest())), // subjectKeyIdentifier
        extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
        extension('2.5.29.17', false, san), // subjectAltName
      ),
    ),
  );
  const signature = crypto.sign('sha256', tbs, privateKey); // DER ECDSA-Sig-Value
  const der = seq(tbs, ECDSA_WITH_SHA256, bits(signature));
  const b64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey,
  };
}
