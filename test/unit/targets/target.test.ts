import { expect } from 'chai';
import { columnParts } from '../../../harness/report/matrix-html.ts';
import { UserError } from '../../../harness/errors.ts';
import { describeTarget, parseFeatureGates, resolveTarget, type Requirements, type TargetFlags } from '../../../harness/targets/target.ts';
import { resolvePinned } from '../../../harness/targets/pinned.ts';
import { loadVersions } from '../../../harness/targets/versions.ts';

const versions = loadVersions();
const ANY: Requirements = { modes: ['dbless', 'postgres'], topologies: ['single', 'split', 'hybrid'] };

function refusal(flags: TargetFlags, requires: Requirements = ANY): string {
  let caught: unknown;
  try {
    resolveTarget(versions, requires, flags, 'some-scenario');
  } catch (error) {
    caught = error;
  }
  expect(caught, 'resolveTarget accepted it').to.be.instanceOf(UserError);
  return (caught as UserError).message;
}

describe('targets/target resolveTarget', () => {
  it('defaults every field from versions.yaml and the first mode and topology the scenario allows', () => {
    const t = resolveTarget(versions, { modes: ['postgres', 'dbless'], topologies: ['split', 'single'] }, {}, 's');
    expect(t).to.deep.equal({
      k8s: versions.kind.nodeImages.find((n) => n.k8s === '1.33'),
      kic: '3.5.13',
      gateway: '3.9.3',
      gatewayApi: '1.3.0',
      mode: 'postgres',
      topology: 'split',
      featureGates: [],
    });
    expect(t.k8s.image).to.equal('kindest/node:v1.33.7');
  });

  it('accepts versions with a v prefix and stores them without it', () => {
    const t = resolveTarget(versions, ANY, { kic: 'v3.4.3', gateway: 'v3.8.1' }, 's');
    expect(t.kic).to.equal('3.4.3');
    expect(t.gateway).to.equal('3.8.1');
  });

  it('takes a Kubernetes line to its pinned patch, and the pinned patch itself, with or without v prefix', () => {
    for (const k8s of ['1.33', 'v1.33', '1.33.7', 'v1.33.7']) {
      expect(resolveTarget(versions, ANY, { k8s }, 's').k8s.image, k8s).to.equal('kindest/node:v1.33.7');
    }
    expect(resolveTarget(versions, ANY, { k8s: '1.31' }, 's').k8s.image).to.equal('kindest/node:v1.31.14');
  });

  it('refuses a Kubernetes patch that is not the pinned one, instead of running the pinned one under its name', () => {
    for (const k8s of ['1.33.0', '1.33.1', '1.33.99', '1.31.7']) {
      expect(refusal({ k8s }), k8s).to.equal(`unknown Kubernetes version "${k8s}"; known: 1.37.0, 1.36.1, 1.35.0, 1.34.3, 1.33.7, 1.32.11, 1.31.14 (or a line such as 1.31 for its newest)`);
    }
  });

  it('refuses an unknown Kubernetes version and lists the pinned ones', () => {
    expect(refusal({ k8s: '1.20' })).to.match(/^unknown Kubernetes version "1\.20"; known: 1\.37\.0, 1\.36\.1, 1\.35\.0, /);
    expect(refusal({ k8s: '2' })).to.match(/unknown Kubernetes version "2"/);
  });

  it('takes a KIC or Kong line to its newest pinned patch; an exact version stays exact', () => {
    expect(resolveTarget(versions, ANY, { kic: '3.4', gateway: '3.9' }, 's')).to.include({ kic: '3.4.20', gateway: '3.9.3' });
    expect(resolveTarget(versions, ANY, { kic: 'v3.5' }, 's').kic).to.equal('3.5.13');
    expect(resolveTarget(versions, ANY, { kic: '3.4.2', gateway: '3.9.0' }, 's')).to.include({ kic: '3.4.2', gateway: '3.9.0' });
    expect(refusal({ kic: '3.6' })).to.match(/^unknown KIC version "3\.6"; known: /);
  });

  it('refuses an unknown KIC version and lists the known ones', () => {
    const message = refusal({ kic: '3.4.0' });
    expect(message).to.match(/^unknown KIC version "3\.4\.0"; known: 3\.4\.1, 3\.4\.2, /);
    expect(message).to.include('3.5.13');
    expect(message.split('\n')).to.have.length(1);
  });

  it('takes a Gateway API release or line; anything not pinned is refused with the list', () => {
    expect(resolveTarget(versions, ANY, { gatewayApi: '1.6' }, 's').gatewayApi).to.equal('1.6.1');
    expect(resolveTarget(versions, ANY, { gatewayApi: 'v1.5.1' }, 's').gatewayApi).to.equal('1.5.1');
    expect(refusal({ gatewayApi: '1.4.1' })).to.equal('unknown Gateway API version "1.4.1"; known: 1.3.0, 1.5.1, 1.6.1 (or a line such as 1.6 for its newest)');
  });

  it('takes the newest qualifying Gateway API release when the default is outside the scenario range, and refuses one outside it', () => {
    const upgradeOnly: Requirements = { ...ANY, gatewayApi: '>=1.5.1' };
    expect(resolveTarget(versions, upgradeOnly, {}, 's').gatewayApi).to.equal('1.6.1');
    expect(resolveTarget(versions, upgradeOnly, { gatewayApi: '1.5' }, 's').gatewayApi).to.equal('1.5.1');
    expect(resolveTarget(versions, { ...ANY, gatewayApi: '>=1.3.0' }, {}, 's').gatewayApi).to.equal('1.3.0');
    expect(refusal({ gatewayApi: '1.3' }, upgradeOnly)).to.equal('some-scenario needs Gateway API >=1.5.1; 1.3.0 does not qualify (known: 1.5.1, 1.6.1)');
    expect(refusal({}, { ...ANY, gatewayApi: '>=2.0.0' })).to.equal('some-scenario needs Gateway API >=2.0.0; no pinned version qualifies');
  });

  it('refuses an unknown Kong Gateway version and lists the known ones', () => {
    expect(refusal({ gateway: '3.10.0' })).to.equal('unknown Kong Gateway version "3.10.0"; known: 3.8.1, 3.9.0, 3.9.1, 3.9.2, 3.9.3, 3.10.0.9, 3.14.0.9, 3.14.0.10, 3.15.0.3 (or a line such as 3.15 for its newest)');
  });

  it('refuses a KIC version outside the scenario range and lists those that qualify', () => {
    const message = refusal({ kic: '3.4.4' }, { ...ANY, kic: '>=3.4.5 <3.4.8' });
    expect(message).to.equal('some-scenario needs KIC >=3.4.5 <3.4.8; 3.4.4 does not qualify (known: 3.4.5, 3.4.6, 3.4.7)');
  });

  it('holds a Kong Gateway range: the default when it qualifies, else the newest pinned that does; a named version outside it is refused', () => {
    expect(resolveTarget(versions, { ...ANY, gateway: '<3.10.0' }, {}, 's').gateway).to.equal('3.9.3');
    expect(resolveTarget(versions, { ...ANY, gateway: '>=3.10.0' }, {}, 's').gateway).to.equal('3.15.0.3');
    expect(resolveTarget(versions, { ...ANY, gateway: '>=3.10.0' }, { gateway: '3.14' }, 's').gateway).to.equal('3.14.0.10');
    expect(refusal({ gateway: '3.14.0.9' }, { ...ANY, gateway: '<3.10.0' })).to.equal('some-scenario needs Kong Gateway <3.10.0; 3.14.0.9 does not qualify (known: 3.8.1, 3.9.0, 3.9.1, 3.9.2, 3.9.3)');
    expect(refusal({}, { ...ANY, gateway: '>=4.0.0' })).to.equal('some-scenario needs Kong Gateway >=4.0.0; no pinned version qualifies');
  });

  it('refuses an unknown mode or topology and lists the known ones', () => {
    expect(refusal({ mode: 'mysql' })).to.equal('unknown mode "mysql"; known: dbless, postgres');
    expect(refusal({ topology: 'mesh' })).to.equal('unknown topology "mesh"; known: single, split, hybrid');
  });

  it('refuses a mode or topology the scenario does not allow', () => {
    expect(refusal({ mode: 'dbless' }, { modes: ['postgres'], topologies: ['single'] })).to.equal('some-scenario does not run with mode dbless; it needs postgres');
    expect(refusal({ topology: 'hybrid' }, { modes: ['postgres'], topologies: ['single', 'split'] })).to.equal('some-scenario does not run with topology hybrid; it needs single or split');
  });

  it('requires postgres for the hybrid topology, also when dbless is only the default', () => {
    expect(refusal({ topology: 'hybrid', mode: 'dbless' })).to.match(/hybrid needs mode postgres/);
    expect(refusal({ topology: 'hybrid' })).to.match(/hybrid needs mode postgres/);
    expect(resolveTarget(versions, ANY, { topology: 'hybrid', mode: 'postgres' }, 's').topology).to.equal('hybrid');
  });

  it('parses feature gates into a list', () => {
    expect(resolveTarget(versions, ANY, { featureGates: 'FallbackConfiguration=true, GatewayAlpha=false' }, 's').featureGates).to.deep.equal([
      'FallbackConfiguration=true',
      'GatewayAlpha=false',
    ]);
  });

  it('describes a target on one line', () => {
    const t = resolveTarget(versions, ANY, { kic: '3.4.3', featureGates: 'A=true' }, 's');
    // the Kubernetes patch that runs, not only its line
    expect(describeTarget(t)).to.equal('k8s 1.33.7 · KIC 3.4.3 · Kong 3.9.3 · Gateway-API 1.3.0 · dbless · single gates=A=true');
    // matrix.html reads its columns back from this label: one named part per dimension
    expect(columnParts(describeTarget(t)).map((p) => `${p.name}=${p.value}`)).to.include.members(['Kong=3.9.3', 'Gateway-API=1.3.0']);
  });
});

describe('targets/target parseFeatureGates', () => {
  it('treats a missing or blank flag as no gates', () => {
    expect(parseFeatureGates(undefined)).to.deep.equal([]);
    expect(parseFeatureGates('  ')).to.deep.equal([]);
  });

  for (const bad of ['FallbackConfiguration', 'FallbackConfiguration=yes', 'fallback=true', 'A=true,,B=false', 'A=true,', 'A=true;B=false', 'A = true', '=true']) {
    it(`refuses the syntax error in "${bad}" with a UserError naming the bad gate`, () => {
      expect(() => parseFeatureGates(bad)).to.throw(UserError, /bad feature gate ".*": expected Name=true\|false/);
    });
  }
});

describe('targets/pinned resolvePinned', () => {
  it('orders patches numerically and takes four-part versions by the same rule', () => {
    expect(resolvePinned('KIC', '3.4', ['3.4.9', '3.4.10', '3.4.2'])).to.equal('3.4.10');
    expect(resolvePinned('Kong Gateway', '3.14', ['3.10.0.7', '3.14.0.2', '3.14.0.10', '3.9.1'])).to.equal('3.14.0.10');
    expect(resolvePinned('Kong Gateway', '3.14.0.2', ['3.14.0.2', '3.14.0.10'])).to.equal('3.14.0.2');
    expect(() => resolvePinned('Kong Gateway', '3.14.0.3', ['3.14.0.2', '3.14.0.10'])).to.throw(UserError, /unknown Kong Gateway version "3\.14\.0\.3"/);
  });
});
