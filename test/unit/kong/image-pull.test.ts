import { expect } from 'chai';
import { imagePullFailures } from '../../../harness/kong/install.ts';

/** Pod status as the kubelet reports it on a kind node (containerd) when Docker Hub refuses a pull. */
function pod(name: string, containers: { name: string; state: Record<string, unknown> }[], init: { name: string; state: Record<string, unknown> }[] = []) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'kong' }, status: { phase: 'Pending', initContainerStatuses: init, containerStatuses: containers } };
}
const rateLimited = 'failed to pull and unpack image "docker.io/library/kong:3.9.1": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/kong/manifests/sha256:0c1d: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit';

describe('kong/install: image pull failures named', () => {
  it('lists containers waiting in ErrImagePull or ImagePullBackOff, init containers too', () => {
    const pods = [
      pod('kong-gateway-7c9f-abcde', [{ name: 'proxy', state: { waiting: { reason: 'ErrImagePull', message: rateLimited } } }], [{ name: 'clear-stale-pid', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "kong:3.9.1"' } } }]),
      pod('kong-controller-5d8b-fghij', [{ name: 'ingress-controller', state: { running: { startedAt: '2026-12-02T10:00:00Z' } } }]),
      pod('kong-init-migrations-xyz', [{ name: 'kong-migrations', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } } }]),
    ];
    const failures = imagePullFailures(pods);
    expect(failures).to.have.lengthOf(2);
    expect(failures[0]).to.equal('kong-gateway-7c9f-abcde/clear-stale-pid: ImagePullBackOff (Back-off pulling image "kong:3.9.1")');
    expect(failures[1]).to.match(/^kong-gateway-7c9f-abcde\/proxy: ErrImagePull \(failed to pull and unpack image "docker\.io\/library\/kong:3\.9\.1": .*toomanyrequests: You have reached your pull rate limit.*\)$/);
  });

  it('says nothing for pods without statuses or without pull problems', () => {
    expect(imagePullFailures([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }])).to.deep.equal([]);
  });
});
