/**
 * The KIC and Kong versions a user's files name, so that "what to do next" can say whether the
 * user's own versions are affected. KIC logs its release when the manager starts (zap:
 * `Starting controller manager {"release": "3.1.5", …}`, https://github.com/Kong/charts/issues/1083;
 * logrus: `msg="starting controller manager" … release=2.1.1`, https://github.com/Kong/charts/issues/526)
 * and, before 1.x, a banner (`Release:    0.6.2`, https://github.com/Kong/kubernetes-ingress-controller/issues/471);
 * KIC 1.x/2.x logs Kong's (`kong version: 2.1.4` / `kong_version=2.1.4`,
 * https://github.com/Kong/kubernetes-ingress-controller/issues/914), and `kong start --vv` its own
 * (`[verbose] Kong: 0.14.1`, https://github.com/Kong/kong/issues/3817).
 */

/** Words one of which a line must hold to name a version: the scanner lets such lines through. */
export const VERSION_WORDS = ['release', 'Release:', 'kong_version', 'version:', 'Kong:'];

const KIC = [/controller manager.*\brelease"?[=:]\s*"?v?(\d+\.\d+\.\d+)/i, /^\s*Release:\s+v?(\d+\.\d+\.\d+)\s*$/];
const KONG = [/\bkong[_ ]version[=:]\s*"?(\d+\.\d+\.\d+)/i, /\[verbose\] Kong: (\d+\.\d+\.\d+)/];

export class VersionsSeen {
  readonly kic = new Set<string>();
  readonly kong = new Set<string>();

  read(line: string): void {
    if (!VERSION_WORDS.some((w) => line.includes(w))) return;
    for (const re of KIC) {
      const m = re.exec(line);
      if (m) this.kic.add(m[1]!);
    }
    for (const re of KONG) {
      const m = re.exec(line);
      if (m) this.kong.add(m[1]!);
    }
  }
}
