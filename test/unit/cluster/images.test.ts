import { expect } from 'chai';
import { preloadImages } from '../../../harness/cluster/images.ts';
import { imageInspectArgs, pullArgs } from '../../../harness/tools/docker.ts';
import { loadDockerImageArgs } from '../../../harness/tools/kind.ts';
import { StubTools } from '../../support/stub-tools.ts';

const KIC = 'kong/kubernetes-ingress-controller:3.5.13';
const KONG = 'kong:3.9.1';

describe('cluster/images: pull once on the host, load into kind', () => {
  it('argv: docker image inspect / pull, kind load docker-image (pkg/cmd/kind/load/docker-image@v0.31.0)', () => {
    expect(imageInspectArgs(KONG)).to.deep.equal(['image', 'inspect', '--format', '{{.Id}}', KONG]);
    expect(pullArgs(KONG)).to.deep.equal(['pull', KONG]);
    expect(loadDockerImageArgs('kc-x', [KIC, KONG])).to.deep.equal(['load', 'docker-image', KIC, KONG, '--name', 'kc-x']);
  });

  describe('with stub docker and kind', function () {
    this.timeout(20_000);
    let stubs: StubTools;
    beforeEach(async () => {
      stubs = await StubTools.install(['docker', 'kind']);
      // the host has the Kong image, not the KIC one
      await stubs.hook('docker', `if [ "$1 $2" = "image inspect" ]; then case "$5" in kong:*) echo sha256:1;; *) echo "Error response from daemon: No such image: $5" >&2; exit 1;; esac; fi\n`);
    });
    afterEach(() => stubs.restore());

    it('pulls only what the host lacks, loads every image, and says how long it took', async () => {
      const lines = await preloadImages('kc-x', [KIC, KONG, KONG]);
      expect((await stubs.lines()).filter((l) => !l.startsWith('docker image inspect'))).to.deep.equal([
        `docker pull ${KIC}`,
        `kind load docker-image ${KIC} ${KONG} --name kc-x`,
      ]);
      expect(lines).to.have.lengthOf(2);
      expect(lines[0]).to.match(new RegExp(`^pulled ${KIC} on the host in \\d+m?s$`));
      expect(lines[1]).to.match(new RegExp(`^loaded ${KIC}, ${KONG} into kc-x in \\d+m?s$`));
    });

    it('a host pull that hits the rate limit is said, and the run goes on without loading', async () => {
      stubs.behave('docker', { whenFirstArg: 'pull', exitCode: 1, stderr: 'Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit' });
      const lines = await preloadImages('kc-x', [KIC, KONG]);
      expect(lines).to.have.lengthOf(1);
      expect(lines[0]).to.match(/^could not preload images \(docker pull .* failed \(exit 1\): .*toomanyrequests.*\); the nodes pull them themselves$/);
      expect((await stubs.lines()).some((l) => l.startsWith('kind load'))).to.equal(false);
    });

    it('Ctrl-C during a pull ends the preload with the abort, not with a note', async () => {
      stubs.behave('docker', { whenFirstArg: 'pull', hang: true });
      const stop = new AbortController();
      setTimeout(() => stop.abort(new Error('interrupted by SIGINT')), 300);
      const error = await preloadImages('kc-x', [KIC], stop.signal).then(() => undefined, (e: unknown) => e);
      expect(String(error)).to.match(/interrupted by SIGINT/);
    });
  });
});
