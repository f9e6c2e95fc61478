import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { scenarios } from '../../../scenarios/index.ts';
import { CATALOG_FILE, catalogMarkdown } from '../../../scripts/catalog-markdown.ts';
import { defineScenario } from '../../../harness/runner/scenario.ts';

const noop = { describe: 'nothing', run: async () => {} };

describe('docs/catalog.md', () => {
  it('is what `make catalog` generates from the scenario definitions', () => {
    const committed = readFileSync(fileURLToPath(new URL(`../../../${CATALOG_FILE}`, import.meta.url)), 'utf8');
    expect(committed === catalogMarkdown(scenarios), `${CATALOG_FILE} is stale: run make catalog`).to.equal(true);
  });

  it('shows each scenario with its sources, expectations, variants and signature provenance', () => {
    const s = defineScenario({
      id: 'made-up',
      title: 'A title with a | bar',
      sources: ['https://github.com/Kong/kubernetes-ingress-controller/issues/1'],
      namespace: 'ns',
      requires: { modes: ['postgres'], topologies: ['single', 'split'], kic: '>=3.4.5' },
      variants: { slow: { description: 'waits longer', requires: { topologies: ['split'] }, expectations: { '*': 'observe' } } },
      signatures: [
        { id: 'bad-line', kind: 'log', component: 'controller', pattern: /a|b/, description: 'a line', provenance: ['internal/x.go@v3.5.13', 'https://github.com/Kong/kong/pull/2'] },
        { id: 'down', kind: 'route', route: '/echo', description: 'no answer' },
      ],
      expectations: { '<=3.4.5': 'reproduced', '>=3.4.6': ['recovered', 'not-reproduced'] },
      probes: {},
      window: { observeMs: 1 },
      manifests: () => [],
      setup: noop,
      fault: noop,
    });
    const md = catalogMarkdown([s]);
    expect(md).to.include('| [`made-up`](#made-up) | A title with a \\| bar | postgres · single, split · KIC >=3.4.5 · single-node | `<=3.4.5`: reproduced; `>=3.4.6`: recovered or not-reproduced |');
    expect(md).to.include('- **Sources:** <https://github.com/Kong/kubernetes-ingress-controller/issues/1>');
    expect(md).to.include('| `slow` | waits longer | postgres · split · KIC >=3.4.5 · single-node | any version: observe |');
    expect(md).to.include('| `bad-line` | log | a line | component `controller`, pattern `a\\|b` | internal/x.go@v3.5.13, <https://github.com/Kong/kong/pull/2> |');
    expect(md).to.include('| `down` | route | no answer | route `/echo`, persistMs `15000` | not recorded yet |');
  });
});
