import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { UserError } from '../../../harness/errors.ts';
import { checkLicense, gatewayImage, installsLicense, isLicensed, licenseForCases, readLicense } from '../../../harness/targets/edition.ts';
import { resolveTarget, type Requirements } from '../../../harness/targets/target.ts';
import { loadVersions } from '../../../harness/targets/versions.ts';

const versions = loadVersions();
const ANY: Requirements = { modes: ['dbless'], topologies: ['split'] };
const LICENSE = '{"license":{"payload":{"customer":"planted"},"signature":"5ca1ab1e","version":"1"}}';

describe('targets/edition: the licensed Kong Gateway lane', () => {
  it('pins the Enterprise versions as their own image line, four parts as published', () => {
    expect(versions.enterprise.image).to.equal('kong/kong-gateway');
    for (const v of versions.enterprise.versions) expect(v).to.match(/^\d+\.\d+\.\d+\.\d+$/);
    expect(versions.enterprise.versions.filter((v) => versions.gateway.versions.includes(v))).to.deep.equal([]);
  });

  it('one flag: a 3.14 line is the newest pinned kong/kong-gateway 3.14, 3.9 the newest OSS 3.9, an exact version itself', () => {
    const gateway = (g: string) => resolveTarget(versions, ANY, { gateway: g }, 's').gateway;
    expect(gateway('3.14')).to.equal('3.14.0.10');
    expect(gateway('3.10')).to.equal('3.10.0.9');
    expect(gateway('3.9')).to.equal('3.9.3');
    expect(gateway('3.14.0.9')).to.equal('3.14.0.9');
    expect([gatewayImage(versions, '3.14.0.10'), gatewayImage(versions, '3.9.3')]).to.deep.equal(['kong/kong-gateway', 'kong']);
    expect([isLicensed(versions, '3.15.0.3'), isLicensed(versions, '3.8.1')]).to.deep.equal([true, false]);
  });

  it('takes the license from --license-file first, else KONG_LICENSE_DATA, else none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kong-chaos-license-'));
    try {
      const file = join(dir, 'license.json');
      writeFileSync(file, `${LICENSE}\n`);
      expect(readLicense(file, { KONG_LICENSE_DATA: 'from-env' })).to.equal(LICENSE);
      expect(readLicense(undefined, { KONG_LICENSE_DATA: ` ${LICENSE} ` })).to.equal(LICENSE);
      expect(readLicense(undefined, { KONG_LICENSE_DATA: '' })).to.equal(undefined);
      writeFileSync(join(dir, 'empty'), '\n');
      expect(() => readLicense(join(dir, 'empty'), {})).to.throw(UserError, /is empty$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a licensed target without a license in one line that says how to give one; OSS and opted-out scenarios pass', () => {
    expect(() => checkLicense(versions, '3.14.0.10', undefined)).to.throw(UserError, 'Kong Gateway 3.14.0.10 (kong/kong-gateway) needs a license: set KONG_LICENSE_DATA or pass --license-file <file>');
    expect(() => checkLicense(versions, '3.9.3', undefined)).to.not.throw();
    expect(() => checkLicense(versions, '3.14.0.10', undefined, false), 'requires.license: false').to.not.throw();
    expect(() => checkLicense(versions, '3.14.0.10', LICENSE)).to.not.throw();
    const saved = process.env['KONG_LICENSE_DATA'];
    delete process.env['KONG_LICENSE_DATA'];
    try {
      expect(() => licenseForCases(versions, undefined, [{ gateway: '3.9.3', needsLicense: true }, { gateway: '3.10.0.9', needsLicense: true }])).to.throw(UserError, /^Kong Gateway 3\.10\.0\.9 /);
      expect(licenseForCases(versions, undefined, [{ gateway: '3.9.3', needsLicense: true }])).to.equal(undefined);
    } finally {
      if (saved !== undefined) process.env['KONG_LICENSE_DATA'] = saved;
    }
  });

  it('installs the license for a licensed image only, and never for a scenario that opts out, whichever image it starts from', () => {
    expect(installsLicense(versions, ['3.14.0.10'], true)).to.equal(true);
    expect(installsLicense(versions, ['3.9.3', '3.10.0.9'], true), 'an upgrade from a licensed image').to.equal(true);
    expect(installsLicense(versions, ['3.9.3', undefined], true)).to.equal(false);
    expect(installsLicense(versions, ['3.14.0.10'], false)).to.equal(false);
  });
});
