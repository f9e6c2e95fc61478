/**
 * openssl: the certificates a run makes for itself — Kong's hybrid cluster certificate, a CA for an
 * mTLS Admin API and the certificates it signs, a TLS Ingress's serving certificate.
 *
 * Two steps (`req -new`, then `x509 -req` with an extension file) rather than `req -x509 -addext`
 * or `req -CA`: those need OpenSSL 1.1.1 / 3.0, while `x509 -req -extfile` also works with the
 * LibreSSL that macOS ships as `openssl`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timeout } from '../timeouts.ts';
import { runTool } from './exec.ts';

export interface KeyPair {
  /** PEM */
  cert: string;
  /** PEM; a secret: register it with the run's redactor before it goes anywhere */
  key: string;
}

/**
 * `ca` signs others; `server` and `client` are TLS leaf certificates (extended key usage checked
 * by Go's crypto/x509 when KIC and Kong verify each other); absent: no extensions at all, as the
 * chart's recipe for the hybrid cluster certificate.
 */
export type CertificateUsage = 'ca' | 'server' | 'client';

export interface CertificateSpec {
  commonName: string;
  /** subjectAltName DNS entries: Go verifies a server name against these only, never the CN */
  dnsNames?: string[];
  usage?: CertificateUsage;
  /** signs the certificate; self-signed when absent */
  issuer?: KeyPair;
  /** the EC curve of the new key */
  curve?: 'prime256v1' | 'secp384r1';
  days?: number;
}

const NAME = /^[A-Za-z0-9*_.-]+$/;

/** The extension file `x509 -req -extfile` reads; undefined for a certificate without extensions. */
export function extensionsFor(spec: CertificateSpec): string | undefined {
  const lines: string[] = [];
  if (spec.usage === 'ca') lines.push('basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign');
  if (spec.usage === 'server' || spec.usage === 'client') {
    lines.push('basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', `extendedKeyUsage=${spec.usage === 'server' ? 'serverAuth' : 'clientAuth'}`);
  }
  if (spec.dnsNames?.length) lines.push(`subjectAltName=${spec.dnsNames.map((n) => `DNS:${n}`).join(',')}`);
  return lines.length ? `${lines.join('\n')}\n` : undefined;
}

export interface CertificateFiles {
  key: string;
  csr: string;
  cert: string;
  extensions: string;
  issuerCert: string;
  issuerKey: string;
}

/** The two openssl calls for `spec`, on the files named in `files`; `serial` for an issued certificate. */
export function certificateArgs(spec: CertificateSpec, files: CertificateFiles, serial: string): string[][] {
  for (const name of [spec.commonName, ...(spec.dnsNames ?? [])]) {
    // the name goes into -subj and the extension file: a slash or newline would change their meaning
    if (!NAME.test(name)) throw new Error(`not a certificate name: ${JSON.stringify(name)}`);
  }
  const request = ['req', '-new', '-nodes', '-newkey', 'ec', '-pkeyopt', `ec_paramgen_curve:${spec.curve ?? 'prime256v1'}`, '-keyout', files.key, '-out', files.csr, '-subj', `/CN=${spec.commonName}`];
  const signer = spec.issuer ? ['-CA', files.issuerCert, '-CAkey', files.issuerKey, '-set_serial', serial] : ['-signkey', files.key];
  const sign = ['x509', '-req', '-in', files.csr, '-days', String(spec.days ?? 30), '-sha256', ...signer, '-out', files.cert];
  if (extensionsFor(spec) !== undefined) sign.push('-extfile', files.extensions);
  return [request, sign];
}

/** A fresh key and certificate in PEM; the files live only for the call, in a private temp dir. */
export async function certificate(spec: CertificateSpec): Promise<KeyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'kong-chaos-cert-'));
  try {
    const file = (name: string) => join(dir, name);
    const files: CertificateFiles = { key: file('tls.key'), csr: file('tls.csr'), cert: file('tls.crt'), extensions: file('ext.cnf'), issuerCert: file('ca.crt'), issuerKey: file('ca.key') };
    const extensions = extensionsFor(spec);
    if (extensions !== undefined) writeFileSync(files.extensions, extensions);
    if (spec.issuer) {
      writeFileSync(files.issuerCert, spec.issuer.cert);
      writeFileSync(files.issuerKey, spec.issuer.key, { mode: 0o600 });
    }
    // RFC 5280: a positive serial of at most 20 octets, unique per issuer
    const serial = `0x${randomBytes(16).toString('hex').replace(/^[89a-f]/, '1')}`;
    for (const args of certificateArgs(spec, files, serial)) await runTool('openssl', args, { timeoutMs: timeout('toolQuick') });
    return { cert: readFileSync(files.cert, 'utf8'), key: readFileSync(files.key, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The hybrid cluster certificate, by the chart README's recipe: shared mode, EC P-384, CN kong_clustering. */
export function clusterCertificate(): Promise<KeyPair> {
  return certificate({ commonName: 'kong_clustering', curve: 'secp384r1' });
}
