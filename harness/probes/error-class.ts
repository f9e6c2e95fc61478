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
export function transportErrorClass(error: unknown): Exclude<ErrorClass, 'http-4xx' | 'http-5xx' | 'unanswered'> {
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
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'unreachable';
    // undici's own names for an answer that breaks HTTP (lib/core/errors.js in undici 7)
    case 'UND_ERR_HEADERS_OVERFLOW':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
      return 'protocol';
    // what a client machine runs out of at a high connection rate: ephemeral ports, descriptors, buffers
    case 'EADDRNOTAVAIL':
    case 'EMFILE':
    case 'ENFILE':
    case 'ENOBUFS':
    case 'ENOMEM':
      return 'local';
    default:
      if (code !== undefined && TLS_CODE.test(code)) return 'tls';
      // llhttp parse errors (HPE_INVALID_CONSTANT, HPE_INVALID_HEADER_TOKEN, ...)
      if (code?.startsWith('HPE_')) return 'protocol';
      return (error as Error | null)?.name === 'TimeoutError' ? 'timeout' : 'other';
  }
}
