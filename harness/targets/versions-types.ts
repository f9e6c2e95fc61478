/** The shape of versions.yaml, the single place where versions are pinned. */

export type ToolName = 'kind' | 'kubectl' | 'helm';

/**
 * A pinned download of a CLI tool. `url` and `sha256Url` may contain `{os}` and `{arch}`
 * (linux|darwin, amd64|arm64) and `{version}`. `sha256` pins the digest inline; when absent the digest is read
 * from `sha256Url` (the first hex word of that file). `archivePath` names the binary inside a
 * .tar.gz download (helm ships as a tarball).
 */
export interface ToolPin {
  name: ToolName;
  /** the file in .cache/bin, when it is not `name`: kind releases sit side by side (kind-v0.32.0) */
  binary?: string;
  version: string;
  url: string;
  sha256Url?: string;
  sha256?: Partial<Record<`${'linux' | 'darwin'}-${'amd64' | 'arm64'}`, string>>;
  archivePath?: string;
  /** argv that prints the version, and a regex whose first group is the version, to tell a wrong version */
  versionArgs: string[];
  versionPattern: string;
}

export interface NodeImage {
  /** Kubernetes minor, e.g. "1.33" */
  k8s: string;
  image: string;
  digest: string;
  /** the kind release the image was built for, which creates its clusters, e.g. v0.31.0 */
  kind: string;
}

export interface Versions {
  kind: { nodeImages: NodeImage[]; defaultK8s: string };
  tools: Record<ToolName, ToolPin>;
  /** `released`: each version's release date (YYYY-MM-DD), to tell which of two builds on different lines is newer */
  kic: { versions: string[]; default: string; released: Record<string, string> };
  gateway: { versions: string[]; default: string; image: string };
  /** Kong Gateway Enterprise (kong/kong-gateway), four-part versions; runs only with a license */
  enterprise: { versions: string[]; image: string };
  kicImage: string;
  charts: {
    repo: string;
    kong: { version: string };
    ingress: { version: string };
  };
  /** `standardInstallUrl` holds `{version}` */
  gatewayApi: { versions: string[]; default: string; standardInstallUrl: string };
  postgres: { image: string };
  toxiproxy: { image: string };
}
