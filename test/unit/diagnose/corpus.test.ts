import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { isPublic, loadCorpus, measureCorpus } from '../../../harness/diagnose/corpus.ts';
import { scenarios } from '../../../scenarios/index.ts';

const CORPUS = fileURLToPath(new URL('../../fixtures/diagnose/corpus.yaml', import.meta.url));

describe('diagnose: recall and false positives over the public corpus', () => {
  it('finds at least 95 % of the failure lines and flags no healthy or near-miss line', async () => {
    const r = measureCorpus(await loadCorpus(CORPUS), scenarios);
    expect(r.failures, 'failure lines in the corpus').to.be.greaterThan(50);
    expect(r.missed, 'missed failure lines').to.satisfy(() => r.found / r.failures >= 0.95);
    expect(r.falsePositives, 'healthy or near-miss lines flagged').to.deep.equal([]);
  });

  it('names no failure mode a failure line is not labelled with (a shared symptom is labelled with each)', async () => {
    const r = measureCorpus(await loadCorpus(CORPUS), scenarios);
    expect(r.misattributed).to.deep.equal([]);
  });

  it('holds on the lines copied from public reports alone, not only on assembled ones', async () => {
    const r = measureCorpus(await loadCorpus(CORPUS), scenarios, isPublic);
    expect(r.failures).to.be.greaterThan(20);
    expect(r.found / r.failures, JSON.stringify(r.missed, null, 1)).to.be.at.least(0.95);
    expect(r.flagged).to.equal(0);
  });

  it('labels only failure modes of the catalog, healthy or near-miss, and cites a source for every line', async () => {
    const ids = new Set([...scenarios.map((s) => s.id), 'healthy', 'near-miss']);
    for (const group of await loadCorpus(CORPUS)) {
      for (const l of group.lines) {
        for (const label of [l.label].flat()) expect(ids.has(label), label).to.equal(true);
        expect(l.source, l.line).to.match(/^https:\/\/|@/);
      }
    }
  });
});
