import { expect } from 'chai';
import { certificateArgs, extensionsFor, type CertificateFiles } from '../../../harness/tools/openssl.ts';

const files: CertificateFiles = { key: 'k', csr: 'r', cert: 'c', extensions: 'e', issuerCert: 'ic', issuerKey: 'ik' };

describe('openssl certificate arguments', () => {
  it('signs with the issuer and its serial when there is one, else with the new key itself', () => {
    const issued = certificateArgs({ commonName: 'a', usage: 'server', issuer: { cert: 'x', key: 'y' } }, files, '0x1');
    expect(issued[1]).to.include.members(['-CA', 'ic', '-CAkey', 'ik', '-set_serial', '0x1', '-extfile', 'e']);
    expect(issued[1]).to.not.include('-signkey');
    const self = certificateArgs({ commonName: 'kong_clustering' }, files, '0x1');
    expect(self[1]).to.include.members(['-signkey', 'k']);
    expect(self[1]).to.not.include('-extfile');
  });

  it('writes the usage and the DNS names into the extensions', () => {
    expect(extensionsFor({ commonName: 'a', usage: 'client' })).to.contain('extendedKeyUsage=clientAuth');
    expect(extensionsFor({ commonName: 'a', usage: 'ca' })).to.contain('CA:TRUE');
    expect(extensionsFor({ commonName: 'a', dnsNames: ['x.example', '*.y.example'] })).to.equal('subjectAltName=DNS:x.example,DNS:*.y.example\n');
    expect(extensionsFor({ commonName: 'a' })).to.equal(undefined);
  });

  it('refuses a name that would change the subject or the extension file', () => {
    expect(() => certificateArgs({ commonName: 'a/O=evil' }, files, '0x1')).to.throw(/not a certificate name/);
    expect(() => certificateArgs({ commonName: 'a', dnsNames: ['x\nbasicConstraints=CA:TRUE'] }, files, '0x1')).to.throw(/not a certificate name/);
  });
});
