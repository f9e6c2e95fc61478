import { expect } from 'chai';
import { parse } from 'yaml';
import { defaultHostPorts, NODE_PORTS, readShape, renderKindConfig } from '../../../harness/cluster/kind-config.ts';
import type { NodeImage } from '../../../harness/targets/versions-types.ts';

const IMAGE: NodeImage = {
  k8s: '1.33',
  image: 'kindest/node:v1.33.7',
  digest: 'sha256:d26ef333bdb2cbe9862a0f7c3803ecc7b4303d8cea8e814b481b09949d353040',
  kind: 'v0.31.0',
};
const PINNED = `${IMAGE.image}@${IMAGE.digest}`;

interface Mapping {
  containerPort: number;
  hostPort: number;
  listenAddress?: string;
  protocol?: string;
}
interface Config {
  kind: string;
  nodes: { role: string; image?: string; extraPortMappings?: Mapping[] }[];
}

const SHAPES = ['single-node', 'multi-node'] as const;

describe('cluster/kind-config', () => {
  for (const shape of SHAPES) {
    describe(shape, () => {
      const text = readShape(shape);
      const original = parse(text) as Config;

      it('maps the proxy and Admin API NodePorts the Kong values use', () => {
        const containerPorts = original.nodes.flatMap((n) => (n.extraPortMappings ?? []).map((m) => m.containerPort));
        expect(containerPorts).to.include.members([NODE_PORTS.proxy, NODE_PORTS.admin]);
      });

      it('defaultHostPorts reads the host ports the file maps to those NodePorts', () => {
        const mappings = original.nodes.flatMap((n) => n.extraPortMappings ?? []);
        const hostOf = (c: number) => mappings.find((m) => m.containerPort === c)!.hostPort;
        expect(defaultHostPorts(text)).to.deep.equal({ proxy: hostOf(30080), admin: hostOf(30001) });
        expect(defaultHostPorts(text)).to.deep.equal({ proxy: 38080, admin: 38001 });
      });

      it('renders every node pinned to image@digest', () => {
        const rendered = parse(renderKindConfig(text, IMAGE, { proxy: 41000, admin: 41001 })) as Config;
        expect(rendered.nodes).to.have.length(original.nodes.length);
        expect(rendered.nodes.map((n) => n.image)).to.deep.equal(original.nodes.map(() => PINNED));
        expect(rendered.nodes.map((n) => n.role)).to.deep.equal(original.nodes.map((n) => n.role));
      });

      it('renders the chosen host ports onto the proxy and Admin API mappings and keeps the rest of each mapping', () => {
        const rendered = parse(renderKindConfig(text, IMAGE, { proxy: 41000, admin: 41001 })) as Config;
        const mappings = rendered.nodes.flatMap((n) => n.extraPortMappings ?? []);
        expect(mappings).to.deep.equal([
          { containerPort: 30080, hostPort: 41000, listenAddress: '127.0.0.1', protocol: 'TCP' },
          { containerPort: 30001, hostPort: 41001, listenAddress: '127.0.0.1', protocol: 'TCP' },
        ]);
        expect(defaultHostPorts(renderKindConfig(text, IMAGE, { proxy: 41000, admin: 41001 }))).to.deep.equal({ proxy: 41000, admin: 41001 });
      });

      it('keeps the comments of the shape file', () => {
        const rendered = renderKindConfig(text, IMAGE, { proxy: 41000, admin: 41001 });
        const comments = text.split('\n').filter((l) => l.includes('#')).map((l) => l.slice(l.indexOf('#')).trim());
        expect(comments.length).to.be.greaterThan(2);
        for (const c of comments) expect(rendered, c).to.include(c);
      });
    });
  }

  it('multi-node has one control plane and two workers', () => {
    const nodes = (parse(renderKindConfig(readShape('multi-node'), IMAGE, { proxy: 1, admin: 2 })) as Config).nodes;
    expect(nodes.map((n) => n.role)).to.deep.equal(['control-plane', 'worker', 'worker']);
  });

  it('single-node has exactly one node', () => {
    expect((parse(readShape('single-node')) as Config).nodes.map((n) => n.role)).to.deep.equal(['control-plane']);
  });

  it('leaves the host port of a mapping that is neither the proxy nor the Admin API alone', () => {
    const text = [
      'kind: Cluster',
      'apiVersion: kind.x-k8s.io/v1alpha4',
      'nodes:',
      '  - role: control-plane',
      '    image: kindest/node:v1.20.0 # replaced',
      '    extraPortMappings:',
      '      - containerPort: 30080',
      '        hostPort: 38080',
      '      - containerPort: 30443 # TLS, not managed',
      '        hostPort: 38443',
      '      - containerPort: 30001',
      '        hostPort: 38001',
      '',
    ].join('\n');
    const rendered = parse(renderKindConfig(text, IMAGE, { proxy: 5000, admin: 5001 })) as Config;
    expect(rendered.nodes[0]!.image).to.equal(PINNED);
    expect(rendered.nodes[0]!.extraPortMappings).to.deep.equal([
      { containerPort: 30080, hostPort: 5000 },
      { containerPort: 30443, hostPort: 38443 },
      { containerPort: 30001, hostPort: 5001 },
    ]);
  });

  it('defaultHostPorts refuses a config that does not map the Admin API NodePort', () => {
    const text = 'kind: Cluster\nnodes:\n  - role: control-plane\n    extraPortMappings:\n      - containerPort: 30080\n        hostPort: 1\n';
    expect(() => defaultHostPorts(text)).to.throw(/30001/);
  });
});
