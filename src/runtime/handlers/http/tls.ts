// TLS failures of an outgoing https request (host.ts's performExchange): node's error codes (OpenSSL's
// certificate verification results, alerts the server sent, protocol errors) read as one sentence
// that says what failed, where, and how to fix it, and as the wasi:http error-code the guest gets
// (TLS-certificate-error, TLS-alert-received, TLS-protocol-error).
//
// Trust: the runtime verifies every server certificate against node's CA store (its bundled Mozilla
// roots plus the PEM file named by NODE_EXTRA_CA_CERTS, which node reads once, at process start);
// nothing in a manifest turns verification off.

/** Certificate verification results (node's `code` for them), with what each means in a sentence. */
const CERTIFICATE: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'is self-signed and not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'chains to a self-signed root that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'was issued by a CA that is not trusted (or the server sent no intermediate certificates)',
  UNABLE_TO_GET_ISSUER_CERT: 'was issued by a CA that is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'was issued by a CA that is not trusted',
  CERT_UNTRUSTED: 'is not trusted',
  CERT_REJECTED: 'is rejected by the trust store',
  INVALID_CA: 'chains through a certificate that is not a CA',
  CERT_SIGNATURE_FAILURE: 'has a signature that does not verify',
  CERT_HAS_EXPIRED: 'has expired',
  CERT_NOT_YET_VALID: 'is not valid yet',
  CERT_REVOKED: 'is revoked',
  INVALID_PURPOSE: 'is not for TLS servers (its extended key usage)',
  CERT_CHAIN_TOO_LONG: 'has a chain longer than allowed',
  PATH_LENGTH_EXCEEDED: 'has a chain longer than its CA allows',
  ERR_TLS_CERT_ALTNAME_INVALID: 'does not name the host',
  HOSTNAME_MISMATCH: 'does not name the host',
};

/** TLS alert descriptions (RFC 8446 §6), by the name node's ERR_SSL_…_ALERT_<NAME> codes end with. */
const ALERTS: Record<string, number> = {
  CLOSE_NOTIFY: 0,
  UNEXPECTED_MESSAGE: 10,
  BAD_RECORD_MAC: 20,
  RECORD_OVERFLOW: 22,
  HANDSHAKE_FAILURE: 40,
  BAD_CERTIFICATE: 42,
  UNSUPPORTED_CERTIFICATE: 43,
  CERTIFICATE_REVOKED: 44,
  CERTIFICATE_EXPIRED: 45,
  CERTIFICATE_UNKNOWN: 46,
  ILLEGAL_PARAMETER: 47,
  UNKNOWN_CA: 48,
  ACCESS_DENIED: 49,
  DECODE_ERROR: 50,
  DECRYPT_ERROR: 51,
  PROTOCOL_VERSION: 70,
  INSUFFICIENT_SECURITY: 71,
  INTERNAL_ERROR: 80,
  INAPPROPRIATE_FALLBACK: 86,
  USER_CANCELLED: 90,
  MISSING_EXTENSION: 109,
  UNSUPPORTED_EXTENSION: 110,
  UNRECOGNIZED_NAME: 112,
  BAD_CERTIFICATE_STATUS_RESPONSE: 113,
  UNKNOWN_PSK_IDENTITY: 115,
  CERTIFICATE_REQUIRED: 116,
  NO_APPLICATION_PROTOCOL: 120,
};

export type TlsFailure =
  { kind: 'certificate' } | { kind: 'alert'; alertId: number | undefined; alertMessage: string } | { kind: 'protocol' };

/** What kind of TLS failure node's error `code` is, or undefined when it is not one. */
export function tlsFailureOf(code: string): TlsFailure | undefined {
  if (Object.prototype.hasOwnProperty.call(CERTIFICATE, code)) return { kind: 'certificate' };
  const alert = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_(?:ALERT_)?([A-Z_]+)$/.exec(code);
  if (alert && (code.includes('_ALERT_') || Object.prototype.hasOwnProperty.call(ALERTS, alert[1]!))) {
    const name = alert[1]!;
    return { kind: 'alert', alertId: ALERTS[name], alertMessage: name.toLowerCase().replace(/_/g, ' ') };
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return { kind: 'protocol' };
  return undefined;
}

/**
 * The sentence for a TLS failure of `what` (`GET https://host/…`), or undefined when `code` is not
 * one: what failed, where (the host), and how to fix it.
 */
export function tlsSentence(what: string, host: string, code: string, message: string): string | undefined {
  const f = tlsFailureOf(code);
  if (!f) return undefined;
  if (f.kind === 'certificate') {
    const meaning = CERTIFICATE[code]!;
    const fix =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH'
        ? `use a certificate whose subjectAltName names ${host}, or the name the certificate has`
        : code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID'
          ? `renew the server's certificate (or check this machine's clock)`
          : `if you trust it, start the runtime (theater, or VS Code for the extension) with NODE_EXTRA_CA_CERTS set to a PEM file holding its CA certificate`;
    const detail = code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? `${code}: ${message}` : code;
    return `${what} failed: the TLS certificate of ${host} ${meaning} (${detail}); ${fix}`;
  }
  if (f.kind === 'alert')
    return `${what} failed: ${host} refused the TLS handshake with the alert '${f.alertMessage}'${f.alertId !== undefined ? ` (${f.alertId})` : ''} (${code}); the runtime presents no client certificate and offers node's default TLS versions and ciphers, so a server that demands more cannot be reached`;
  // OpenSSL's `…:SSL routines:<function>:<reason>:<file>:<line>:` → its reason.
  const reason = /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? message;
  return `${what} failed: the TLS handshake with ${host} failed (${code}: ${reason}); check that the server speaks TLS on that port (an http:// server answers an https:// URL this way)`;
}
