import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { classifyLine, isDocument } from '../../../harness/diagnose/format.ts';

const fixture = (name: string): string[] => readFileSync(new URL(`../../fixtures/diagnose/${name}`, import.meta.url), 'utf8').split('\n').filter((l) => l !== '');

describe('diagnose: line formats (real lines, see test/fixtures/diagnose/sources.md)', () => {
  it('reads zap console lines as the controller', () => {
    for (const line of fixture('kic-console.log')) expect(classifyLine(line), line).to.include({ format: 'kic-console' }).and.have.deep.property('components', ['controller']);
  });

  it('reads zap JSON lines as the controller', () => {
    for (const line of fixture('kic.json.log')) expect(classifyLine(line).format, line).to.equal('kic-json');
  });

  it('reads klog lines (KIC 0.x) as the controller; their continuation lines as unknown', () => {
    const [syncing, failure, continuation] = fixture('kic-klog.log');
    expect(classifyLine(syncing!).format).to.equal('klog');
    expect(classifyLine(failure!)).to.include({ format: 'klog' }).and.have.deep.property('components', ['controller']);
    expect(classifyLine(continuation!)).to.include({ format: 'unknown' }).and.have.deep.property('components', ['controller', 'gateway']);
  });

  it('reads logrus lines (KIC 1.x/2.x) as the controller', () => {
    for (const line of fixture('kic-logrus.log')) expect(classifyLine(line).format, line).to.equal('kic-logfmt');
  });

  it('reads nginx error-log lines as the gateway, and lines of other shapes as either', () => {
    const lines = fixture('kong-error.log');
    expect(classifyLine(lines[0]!)).to.include({ format: 'nginx' }).and.have.deep.property('components', ['gateway']);
    expect(classifyLine(lines[2]!).format).to.equal('nginx');
    expect(classifyLine(lines[4]!).components).to.deep.equal(['controller', 'gateway']);
  });

  it('takes the component from a kubectl --prefix container name and strips --timestamps', () => {
    const nginx = '2025/05/19 12:43:10 [notice] 1281#0: *2741 [lua] init.lua:234: upsert(): ERROR: x';
    const prefixed = classifyLine(`[pod/kong-kong-7d9f8c6b5-x2x9z/proxy] 2025-05-19T12:43:10.123456789Z ${nginx}`);
    expect(prefixed).to.deep.equal({ format: 'nginx', components: ['gateway'], body: nginx });
    expect(classifyLine(`[pod/kong-kong-7d9f8c6b5-x2x9z/ingress-controller] E0410 07:43:55.293942      10 controller.go:131] x`).components).to.deep.equal(['controller']);
  });

  it('tells documents from logs by their start', () => {
    expect(isDocument(readFileSync(new URL('../../fixtures/diagnose/events.json', import.meta.url), 'utf8'))).to.equal(true);
    expect(isDocument('# kubectl get gateway -o yaml\napiVersion: v1\nitems: []\n')).to.equal(true);
    expect(isDocument('---\nkind: Gateway\n')).to.equal(true);
    expect(isDocument('{"apiVersion":"v1","kind":"List","items":[]}')).to.equal(true);
    expect(isDocument('[\n  {"kind": "Event"}\n]')).to.equal(true);
    expect(isDocument(fixture('kic.json.log').join('\n'))).to.equal(false);
    expect(isDocument('[pod/kong-1/proxy] 2025/05/19 12:43:10 [notice] x')).to.equal(false);
    expect(isDocument(fixture('kong-error.log').join('\n'))).to.equal(false);
  });
});
