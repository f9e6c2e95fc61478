/** openssl: the self-signed certificate Kong's hybrid mode uses between control and data plane. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timeout } from '../timeouts.ts';
import { runTool } from './exec.ts';

export function clusterCertArgs(keyPath: string, certPath: string): string[] {
  // the chart README's recipe: shared-mode mTLS with an EC P-384 key and CN kong_clustering
  return ['req', '-new', '-x509', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp384r1', '-keyout', keyPath, '-out', certPath, '-days', '30', '-subj', '/CN=kong_clustering'];
}

/** A fresh key pair in PEM; the files live only for the call, in a private temp dir. */
export async function clusterCertificate(): Promise<{ cert: string; key: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kong-chaos-cert-'));
  try {
    const keyPath = join(dir, 'tls.key');
    const certPath = join(dir, 'tls.crt');
    await runTool('openssl', clusterCertArgs(keyPath, certPath), { timeoutMs: timeout('toolQuick') });
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
