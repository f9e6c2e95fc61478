import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';
import { expect } from 'chai';
import { certificate, clusterCertificate, type KeyPair } from '../../../harness/tools/openssl.ts';

/** One TLS handshake over loopback; resolves with the error code, or 'ok'. */
async function handshake(server: { ca: KeyPair; cert: KeyPair }, client: { cert?: KeyPair; servername: string }): Promise<string> {
  const tlsServer = createServer({ cert: server.cert.cert, key: server.cert.key, ca: server.ca.cert, requestCert: true, rejectUnauthorized: true }, (s) => s.end('hi'));
  tlsServer.listen(0, '127.0.0.1');
  await once(tlsServer, 'listening');
  try {
    const { port } = tlsServer.address() as AddressInfo;
    return await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, servername: client.servername, ca: server.ca.cert, ...(client.cert ? { cert: client.cert.cert, key: client.cert.key } : {}) });
      socket.on('data', () => {
        socket.destroy();
        resolve('ok');
      });
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
  } finally {
    tlsServer.close();
  }
}

describe('openssl certificates (real openssl)', function () {
  this.timeout(30_000);
  let ca: KeyPair;
  let server: KeyPair;
  let client: KeyPair;

  before(async () => {
    ca = await certificate({ commonName: 'kong-chaos-admin-ca', usage: 'ca' });
    server = await certificate({ commonName: 'kong-admin', dnsNames: ['kong-admin.kong.svc'], usage: 'server', issuer: ca });
    client = await certificate({ commonName: 'kic', usage: 'client', issuer: ca });
  });

  it('makes a CA and leaf certificates it signed, with the names and usages asked for', () => {
    const [c, s, k] = [new X509Certificate(ca.cert), new X509Certificate(server.cert), new X509Certificate(client.cert)];
    expect(c.ca).to.equal(true);
    expect(s.ca).to.equal(false);
    expect(s.checkIssued(c)).to.equal(true);
    expect(s.verify(c.publicKey)).to.equal(true);
    expect(k.verify(c.publicKey)).to.equal(true);
    expect(s.subjectAltName).to.equal('DNS:kong-admin.kong.svc');
    expect(s.keyUsage).to.include('1.3.6.1.5.5.7.3.1');
    expect(k.keyUsage).to.include('1.3.6.1.5.5.7.3.2');
    expect(s.serialNumber).to.not.equal(k.serialNumber);
  });

  it('serves mTLS on loopback: the right server name and client certificate pass, a wrong name or no client certificate fail', async () => {
    expect(await handshake({ ca, cert: server }, { cert: client, servername: 'kong-admin.kong.svc' })).to.equal('ok');
    expect(await handshake({ ca, cert: server }, { cert: client, servername: 'kong-proxy.kong.svc' })).to.equal('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(await handshake({ ca, cert: server }, { servername: 'kong-admin.kong.svc' })).to.not.equal('ok');
  });

  it('keeps the hybrid cluster certificate as the chart README makes it: self-signed, CN kong_clustering, P-384', async () => {
    const pair = await clusterCertificate();
    const cert = new X509Certificate(pair.cert);
    expect(cert.subject).to.equal('CN=kong_clustering');
    expect(cert.checkIssued(cert)).to.equal(true);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).to.equal('secp384r1');
  });
});
