import { expect } from 'chai';
import { clusterName, newRunId } from '../../../harness/cluster/names.ts';
import { cli } from '../../support/capture.ts';
import { StubTools } from '../../support/stub-tools.ts';

/** `kong-chaos cleanup` against stub `docker` and `kind` that list what a cron job would find. */
describe('cleanup command (stub docker and kind)', function () {
  this.timeout(20_000);
  let stubs: StubTools;
  // made per test: ids made when the file loads age while earlier test files run
  let old: string;
  let fresh: string;
  const dockerTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000 UTC');

  beforeEach(async () => {
    old = newRunId(new Date(Date.now() - 5 * 3_600_000));
    fresh = newRunId(new Date());
    stubs = await StubTools.install(['docker', 'kind']);
    const containers = [
      { ID: 'c1', Names: 'pg-old', Labels: `kong-chaos.run=${old}`, CreatedAt: dockerTime(Date.now() - 5 * 3_600_000) },
      { ID: 'c2', Names: 'pg-fresh', Labels: `kong-chaos.run=${fresh}`, CreatedAt: dockerTime(Date.now() - 60_000) },
    ]
      .map((c) => JSON.stringify(c))
      .join('\n');
    await stubs.hook('docker', `case "$1" in version) echo 28.2.2;; ps) cat <<'EOF_PS'\n${containers}\nEOF_PS\n;; esac`);
    await stubs.hook('kind', `case "$1 $2" in "get clusters") printf '%s\\n' ${clusterName(old)} ${clusterName(fresh)} kind my-own;; esac`);
  });
  afterEach(() => stubs.restore());

  it('--dry-run lists only old leftovers of kong-chaos runs and removes nothing', async () => {
    const r = await cli('cleanup', '--older-than', '2h', '--dry-run');
    expect(r.code).to.equal(0);
    // a run id keeps the minute it started, so the age may read one minute more
    const lines = r.stdout.trim().split('\n').map((l) => l.replace(/\b30[01] min old/, '300 min old'));
    expect(lines).to.deep.equal([
      `would remove cluster ${clusterName(old)} (run ${old}, 300 min old)`,
      `would remove container pg-old (run ${old}, 300 min old)`,
    ]);
    const removals = (await stubs.lines()).filter((l) => /^kind delete|^docker (rm|network rm)/.test(l));
    expect(removals).to.deep.equal([]);
  });

  it('removes what it listed, and nothing else', async () => {
    const r = await cli('cleanup', '--older-than', '2h');
    expect(r.code).to.equal(0);
    const removals = (await stubs.lines()).filter((l) => /^kind delete|^docker (rm|network rm)/.test(l));
    expect(removals).to.deep.equal([`kind delete cluster --name ${clusterName(old)}`, 'docker rm --force --volumes pg-old']);
  });

  it('says clearly, in one line, when Docker is not reachable (exit 3)', async () => {
    stubs.behave('docker', { exitCode: 1, stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' });
    const r = await cli('cleanup', '--dry-run');
    expect(r.code).to.equal(3);
    expect(r.stderr.trim()).to.equal(
      'kong-chaos: Docker is not reachable (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?); nothing can be listed or removed',
    );
  });
});
