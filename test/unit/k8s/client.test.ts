import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { UserError } from '../../../harness/errors.ts';
import { connect } from '../../../harness/k8s/client.ts';
import { kubeconfigFor } from '../../support/fake-kube-api.ts';

const written: string[] = [];
after(async () => {
  for (const path of written) await rm(dirname(path), { recursive: true, force: true });
});

async function kubeconfig(text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'kubeconfig-')), 'config');
  written.push(path);
  await writeFile(path, text);
  return path;
}

function userErrorFrom(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(UserError);
    return error as UserError;
  }
  expect.fail('expected a UserError');
}

describe('k8s/client connect', () => {
  it('connects to the current context of a valid kubeconfig', async () => {
    const kube = connect({ kubeconfigPath: await kubeconfig(kubeconfigFor('http://127.0.0.1:1')) });
    expect(kube.config.getCurrentCluster()?.server).to.equal('http://127.0.0.1:1');
  });

  it('gives a one-line UserError for a kubeconfig that does not parse', async () => {
    const path = await kubeconfig('clusters: [\n  - name: x\n   bad: indentation\n');
    const error = userErrorFrom(() => connect({ kubeconfigPath: path }));
    expect(error.message.startsWith(`cannot load kubeconfig from ${JSON.stringify(path)}: `), error.message).to.equal(true);
    expect(error.message, 'no YAML code frame').to.not.include('|');
    expect(error.message).to.not.include('\n');
  });

  it('gives a UserError for a kubeconfig of the wrong shape', async () => {
    const path = await kubeconfig('clusters:\n  - cluster: { server: http://x }\n');
    expect(userErrorFrom(() => connect({ kubeconfigPath: path })).message).to.include('cannot load kubeconfig');
  });

  it('gives a UserError for a missing file', () => {
    expect(userErrorFrom(() => connect({ kubeconfigPath: '/nonexistent/kubeconfig' })).message).to.include('/nonexistent/kubeconfig');
  });

  it('gives a UserError naming the known contexts when the context is missing', async () => {
    const path = await kubeconfig(kubeconfigFor('http://127.0.0.1:1', 'kind-chaos'));
    expect(userErrorFrom(() => connect({ kubeconfigPath: path, context: 'kind-other' })).message).to.equal(
      `kubeconfig ${JSON.stringify(path)} has no context "kind-other" (it has: kind-chaos)`,
    );
  });

  it('gives a UserError when nothing names a current context', async () => {
    const path = await kubeconfig('apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    expect(userErrorFrom(() => connect({ kubeconfigPath: path })).message).to.include('no usable current context');
  });
});
