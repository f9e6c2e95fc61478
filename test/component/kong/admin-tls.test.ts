import { X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { adminTlsCertificates } from '../../../harness/kong/install.ts';
import { ADMIN_CERT_DNS_NAME, ADMIN_TLS_SERVER_NAME } from '../../../harness/kong/names.ts';

describe('the mTLS Admin API certificates of an install (real openssl)', function () {
  this.timeout(30_000);

  it('hold the server name gateway discovery verifies and no IP, so a lost name fails as it does for users', async () => {
    const { ca, server, client } = await adminTlsCertificates();
    const [c, s, k] = [new X509Certificate(ca.cert), new X509Certificate(server.cert), new X509Certificate(client.cert)];
    expect(s.verify(c.publicKey) && k.verify(c.publicKey)).to.equal(true);
    // pod.<admin Service>.<namespace>.svc, what KIC from 3.4.3 on sends (internal/adminapi/endpoints.go@v3.4.3)
    expect(s.checkHost(ADMIN_TLS_SERVER_NAME), 'the name matches a SAN').to.equal(ADMIN_CERT_DNS_NAME);
    // a pod IP, what Go verifies once the name is gone: no IP SAN to match
    expect(s.checkIP('10.244.0.14')).to.equal(undefined);
    expect(s.subjectAltName).to.not.match(/IP Address/);
    expect(s.keyUsage).to.include('1.3.6.1.5.5.7.3.1');
    expect(k.keyUsage).to.include('1.3.6.1.5.5.7.3.2');
  });
});
