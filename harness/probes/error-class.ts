import type { ErrorClass } from '../evidence/types.ts';

/** The Node or undici code of a failed request, on the error itself or on its cause (fetch wraps). */
export function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

// OpenSSL and Node name certificate and handshake failures this way (ERR_SSL_WRONG_VERSION_NUMBER,
// ERR_TLS_CERT_ALTNAME_INVALID, DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE).
const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|UNABLE_TO_)|CERT/;

/**
 * What kind of transport failure ended a request, for the route and traffic probes alike; `other`
 * when the error is not one of the known kinds (the caller decides how much detail to keep).
 */
export function transportErrorClass(error: unknown): Exclude<ErrorClass, 'http-4xx' | 'http-5xx'> {
  const code = errorCode(error);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connect-refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return 'reset';
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ABORT_ERR':
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns';
    default:
      if (code !== undefined && TLS_CODE.test(code)) return 'tls';
      return (error as Error | null)?.name === 'TimeoutError' ? 'timeout' : 'other';
  }
}
