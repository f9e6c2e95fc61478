import { expect } from 'chai';
import { EnvironmentError } from '../../../harness/errors.ts';
import { ToolError } from '../../../harness/tools/exec.ts';
import { StubTools } from '../../support/stub-tools.ts';
import { admissionRefusals, applyUrlAdmitting, applyUrlArgs, deleteNodeArgs, describeNamespaceArgs, execArgs, getEventsArgs, parseEventList } from '../../../harness/tools/kubectl.ts';

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

describe('tools/kubectl admission refusals', () => {
  // the Gateway API 1.3.0 standard install re-applied over 1.5.x: kubectl goes on past each refused
  // CRD; the refusal as https://github.com/kubernetes-sigs/gateway-api/... users report it
  // (https://github.com/hcloud-k8s/terraform-hcloud-kubernetes/issues/349)
  const denial = (crd: string) =>
    `customresourcedefinitions.apiextensions.k8s.io "${crd}" is forbidden: ValidatingAdmissionPolicy 'safe-upgrades.gateway.networking.k8s.io' with binding 'safe-upgrades.gateway.networking.k8s.io' denied request: Installing CRDs with version before v1.5.0 is prohibited by default. Uninstall ValidatingAdmissionPolicy safe-upgrades.gateway.networking.k8s.io to install older versions.`;

  it('finds each refused object in kubectl output, from where the refusal starts', () => {
    const stderr = [`Error from server (Invalid): ${denial('gatewayclasses.gateway.networking.k8s.io')}`, `Error from server (Invalid): ${denial('httproutes.gateway.networking.k8s.io')}`].join('\n');
    expect(admissionRefusals(stderr)).to.deep.equal([denial('gatewayclasses.gateway.networking.k8s.io'), denial('httproutes.gateway.networking.k8s.io')]);
  });

  it('finds a webhook refusal too, and nothing in output without one', () => {
    const webhook = 'admission webhook "validations.kong.konghq.com" denied the request: unique key constraint violated for key';
    expect(admissionRefusals(`Error from server: error when creating "x.yaml": ${webhook}`)).to.deep.equal([webhook]);
    expect(admissionRefusals('customresourcedefinition.apiextensions.k8s.io/httproutes.gateway.networking.k8s.io serverside-applied\nerror: unable to recognize "x.yaml": no matches for kind "Gateway"')).to.deep.equal([]);
  });
});

describe('tools/kubectl applyUrlAdmitting with a stub kubectl', () => {
  const url = 'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/standard-install.yaml';
  const cluster = { kubeconfigPath: '/k' };
  const refusal = `customresourcedefinitions.apiextensions.k8s.io "gateways.gateway.networking.k8s.io" is forbidden: ValidatingAdmissionPolicy 'safe-upgrades.gateway.networking.k8s.io' with binding 'safe-upgrades.gateway.networking.k8s.io' denied request: Installing CRDs with version before v1.5.0 is prohibited by default. Uninstall ValidatingAdmissionPolicy safe-upgrades.gateway.networking.k8s.io to install older versions.`;
  let stubs: StubTools;
  beforeEach(async () => {
    stubs = await StubTools.install(['kubectl']);
  });
  afterEach(() => stubs.restore());

  it('resolves with no refusal when kubectl applied everything', async () => {
    expect(await applyUrlAdmitting(url, cluster)).to.deep.equal([]);
    expect(await stubs.lines()).to.deep.equal([`kubectl apply --server-side --field-manager kong-chaos --filename ${url} --kubeconfig /k`]);
  });

  it('resolves with the refusals when admission control refused objects, instead of throwing', async () => {
    stubs.behave('kubectl', { exitCode: 1, stdout: 'validatingadmissionpolicy.admissionregistration.k8s.io/safe-upgrades.gateway.networking.k8s.io serverside-applied', stderr: `Error from server (Invalid): ${refusal}` });
    expect(await applyUrlAdmitting(url, cluster)).to.deep.equal([refusal]);
  });

  it('throws any other failure', async () => {
    stubs.behave('kubectl', { exitCode: 1, stderr: 'error: unable to read URL "https://github.com/...": Get "https://github.com/...": dial tcp: lookup github.com: no such host' });
    let caught: unknown;
    try {
      await applyUrlAdmitting(url, cluster);
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(ToolError);
  });
});
