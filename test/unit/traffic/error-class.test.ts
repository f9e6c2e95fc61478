import { expect } from 'chai';
import { transportErrorClass } from '../../../harness/probes/error-class.ts';

const coded = (code: string, message = code): Error => Object.assign(new Error(message), { code });

describe('probes transportErrorClass', () => {
  const cases: [unknown, string][] = [
    [coded('ECONNREFUSED'), 'connect-refused'],
    [new Error('fetch failed', { cause: coded('ECONNREFUSED') }), 'connect-refused'],
    [coded('ECONNRESET'), 'reset'],
    [coded('EPIPE'), 'reset'],
    [coded('UND_ERR_SOCKET', 'other side closed'), 'reset'],
    [coded('UND_ERR_HEADERS_TIMEOUT'), 'timeout'],
    [coded('UND_ERR_BODY_TIMEOUT'), 'timeout'],
    [coded('UND_ERR_CONNECT_TIMEOUT'), 'timeout'],
    [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout'],
    [coded('ENOTFOUND'), 'dns'],
    [coded('EAI_AGAIN'), 'dns'],
    [coded('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), 'tls'],
    [coded('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls'],
    [coded('ERR_SSL_WRONG_VERSION_NUMBER'), 'tls'],
    [coded('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tls'],
    [coded('CERT_HAS_EXPIRED'), 'tls'],
    [coded('EHOSTUNREACH'), 'unreachable'],
    [coded('ENETUNREACH'), 'unreachable'],
    [coded('HPE_INVALID_CONSTANT', 'Expected HTTP/'), 'protocol'],
    [coded('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'), 'protocol'],
    [coded('UND_ERR_HEADERS_OVERFLOW'), 'protocol'],
    [coded('EADDRNOTAVAIL', 'connect EADDRNOTAVAIL 127.0.0.1:80 - Local (0.0.0.0:0)'), 'local'],
    [coded('EMFILE'), 'local'],
    [coded('ENFILE'), 'local'],
    [coded('ENOBUFS'), 'local'],
    [coded('EPROTO'), 'other'],
    [new Error('no code at all'), 'other'],
    [null, 'other'],
  ];
  for (const [error, expected] of cases) {
    const label = error === null ? 'null' : `${(error as Error).name} ${(error as { code?: string }).code ?? (error as Error).message}`;
    it(`classifies ${label} as ${expected}`, () => {
      expect(transportErrorClass(error)).to.equal(expected);
    });
  }
});
