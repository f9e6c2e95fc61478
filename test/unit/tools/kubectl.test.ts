import { expect } from 'chai';
import { EnvironmentError } from '../../../harness/errors.ts';
import { applyUrlArgs, deleteNodeArgs, describeNamespaceArgs, execArgs, getEventsArgs, parseEventList } from '../../../harness/tools/kubectl.ts';

describe('tools/kubectl argv', () => {
  const url = 'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/standard-install.yaml';

  const k = { kubeconfigPath: '/k' };

  it('server-side applies a remote manifest', () => {
    expect(applyUrlArgs(url, k)).to.deep.equal(['apply', '--server-side', '--field-manager', 'kong-chaos', '--filename', url, '--kubeconfig', '/k']);
  });

  it('describes a namespace, lists events as JSON, deletes a node', () => {
    expect(describeNamespaceArgs('kong', k)).to.deep.equal(['describe', 'all', '--namespace', 'kong', '--kubeconfig', '/k']);
    expect(getEventsArgs('kong', k)).to.deep.equal(['get', 'events', '--namespace', 'kong', '--output', 'json', '--kubeconfig', '/k']);
    expect(deleteNodeArgs('kc-abc-worker', k)).to.deep.equal(['delete', 'node', 'kc-abc-worker', '--kubeconfig', '/k']);
  });

  it('runs a command in one container, kubectl flags before the `--` that ends them', () => {
    expect(execArgs({ namespace: 'kong', pod: 'kong-gateway-7c9f6d8b5d-4kq2x', container: 'proxy' }, ['sh', '-c', 'kill -QUIT 1'], k)).to.deep.equal([
      'exec', '--namespace', 'kong', 'kong-gateway-7c9f6d8b5d-4kq2x', '--container', 'proxy', '--kubeconfig', '/k', '--', 'sh', '-c', 'kill -QUIT 1',
    ]);
  });

  it('names the context when the cluster has one', () => {
    expect(getEventsArgs('kong', { kubeconfigPath: '/k', context: 'prod-like' })).to.deep.equal(['get', 'events', '--namespace', 'kong', '--output', 'json', '--kubeconfig', '/k', '--context', 'prod-like']);
  });

  it('parses an event list and refuses anything else', () => {
    expect(parseEventList('{"kind":"List","items":[{"reason":"BackOff"}]}')).to.deep.equal({ items: [{ reason: 'BackOff' }] });
    expect(() => parseEventList('error: oops')).to.throw(EnvironmentError, /not JSON/);
    expect(() => parseEventList('{}')).to.throw(EnvironmentError, /without an items list/);
  });
});
