import { expect } from 'chai';
import { Ajv } from 'ajv';
import { ADMIN_TLS_PORT, adminPartitionPolicy, dropConnectionsCommand, nothingToDrop, OPEN_GATEWAY_PORTS } from '../../../harness/faults/partition.ts';
import { execArgs } from '../../../harness/tools/docker.ts';
import { componentNames, KONG_NAMESPACE } from '../../../harness/kong/names.ts';

/** The TLS Admin API port KIC's gateway discovery talks to (kong/ingress chart, `admin-tls`). */
const KIC_ADMIN_TLS_PORT = 8444;

/**
 * networking.k8s.io/v1 NetworkPolicy as the Kubernetes API reference defines it, closed to
 * unknown fields the way strict field validation is; `port` is an IntOrString.
 */
const labelSelector = {
  type: 'object',
  additionalProperties: false,
  properties: {
    matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
    matchExpressions: { type: 'array', items: { type: 'object', required: ['key', 'operator'] } },
  },
};
const peer = {
  type: 'object',
  additionalProperties: false,
  properties: { podSelector: labelSelector, namespaceSelector: labelSelector, ipBlock: { type: 'object', required: ['cidr'] } },
};
const networkPolicyPort = {
  type: 'object',
  additionalProperties: false,
  properties: {
    protocol: { enum: ['TCP', 'UDP', 'SCTP'] },
    port: { anyOf: [{ type: 'integer', minimum: 1, maximum: 65535 }, { type: 'string', minLength: 1 }] },
    endPort: { type: 'integer' },
  },
};
const networkPolicySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'networking.k8s.io/v1' },
    kind: { const: 'NetworkPolicy' },
    metadata: {
      type: 'object',
      required: ['name', 'namespace'],
      properties: { name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 253 }, namespace: { type: 'string' } },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['podSelector'],
      properties: {
        podSelector: labelSelector,
        policyTypes: { type: 'array', items: { enum: ['Ingress', 'Egress'] }, uniqueItems: true },
        ingress: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { from: { type: 'array', items: peer }, ports: { type: 'array', items: networkPolicyPort } } } },
        egress: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { to: { type: 'array', items: peer }, ports: { type: 'array', items: networkPolicyPort } } } },
      },
    },
  },
};

const validate = new Ajv({ allErrors: true }).compile(networkPolicySchema);

/** `a=b,c=d`, the harness's label selector strings, as matchLabels. */
function matchLabels(selector: string): Record<string, string> {
  return Object.fromEntries(selector.split(',').map((term) => term.split('=') as [string, string]));
}

interface Policy {
  metadata: { name: string; namespace: string };
  spec: { podSelector: { matchLabels: Record<string, string> }; policyTypes: string[]; ingress: { from?: unknown; ports: { port: number; protocol: string }[] }[] };
}

describe('faults/partition', () => {
  const gatewaySelector = matchLabels(componentNames('split').gateway.selector);
  const policy = adminPartitionPolicy({ namespace: KONG_NAMESPACE, gatewaySelector }) as unknown as Policy;

  it('is a valid networking.k8s.io/v1 NetworkPolicy', () => {
    const ok = validate(policy);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).to.deep.equal([]);
    expect(ok).to.equal(true);
  });

  it('selects exactly the gateway pods by the selector given, in the given namespace', () => {
    expect(policy.spec.podSelector).to.deep.equal({ matchLabels: { 'app.kubernetes.io/instance': 'kong', 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/component': 'app' } });
    expect(policy.metadata.namespace).to.equal(KONG_NAMESPACE);
    const other = adminPartitionPolicy({ namespace: 'elsewhere', gatewaySelector: { app: 'x' } }) as unknown as Policy;
    expect(other.spec.podSelector).to.deep.equal({ matchLabels: { app: 'x' } });
    expect(other.metadata.namespace).to.equal('elsewhere');
  });

  it('restricts Ingress only, so the gateway keeps reaching its database and upstreams', () => {
    expect(policy.spec.policyTypes).to.deep.equal(['Ingress']);
    expect(policy.spec).to.not.have.property('egress');
  });

  it('admits from anywhere, on exactly proxy, proxy TLS, status and the plain Admin API, over TCP', () => {
    expect(policy.spec.ingress).to.have.length(1);
    const [rule] = policy.spec.ingress;
    // no `from`: a rule without peers admits every source on its ports
    expect(rule).to.not.have.property('from');
    expect(rule!.ports.map((p) => p.port).sort()).to.deep.equal([8000, 8001, 8100, 8443]);
    expect(rule!.ports.every((p) => p.protocol === 'TCP')).to.equal(true);
    expect([...OPEN_GATEWAY_PORTS].sort()).to.deep.equal([8000, 8001, 8100, 8443]);
  });

  it('leaves out the TLS Admin API port KIC uses, by default and with other open ports given', () => {
    expect(policy.spec.ingress[0]!.ports.map((p) => p.port)).to.not.include(KIC_ADMIN_TLS_PORT);
    const custom = adminPartitionPolicy({ namespace: KONG_NAMESPACE, gatewaySelector, openPorts: [8000, 8100] }) as unknown as Policy;
    expect(custom.spec.ingress[0]!.ports).to.deep.equal([
      { protocol: 'TCP', port: 8000 },
      { protocol: 'TCP', port: 8100 },
    ]);
    expect(validate(custom)).to.equal(true);
  });

  describe('dropping the connections the policy would spare', () => {
    it('deletes the TCP conntrack entries whose original destination port is the TLS Admin API, inside the kind node', () => {
      expect(ADMIN_TLS_PORT).to.equal(KIC_ADMIN_TLS_PORT);
      expect(execArgs('kong-chaos-worker', dropConnectionsCommand(ADMIN_TLS_PORT))).to.deep.equal([
        'exec',
        'kong-chaos-worker',
        'conntrack',
        '-D',
        '-p',
        'tcp',
        '--orig-port-dst',
        '8444',
      ]);
    });

    it('takes conntrack\'s "nothing matched" exit for success, and nothing else', () => {
      // conntrack-tools' stderr on a node that carried none of the connections
      expect(nothingToDrop('conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.')).to.equal(true);
      expect(nothingToDrop('conntrack v1.4.7 (conntrack-tools): 10 flow entries have been deleted.')).to.equal(false);
      expect(nothingToDrop('conntrack v1.4.7 (conntrack-tools): Operation failed: Operation not permitted')).to.equal(false);
      expect(nothingToDrop('OCI runtime exec failed: exec failed: unable to start container process: exec: "conntrack": executable file not found in $PATH')).to.equal(false);
    });
  });
});
