import { expect } from 'chai';
import semver from 'semver';
import { downgradeReason, previousRelease } from '../../../harness/targets/upgrades.ts';
import { loadVersions } from '../../../harness/targets/versions.ts';

const { versions, released } = loadVersions().kic;

describe('targets/upgrades', () => {
  describe('previousRelease, over the pinned KIC releases and their CHANGELOG dates', () => {
    it('is the release before in the same line', () => {
      expect(previousRelease('3.5.13', versions, released)).to.equal('3.5.12');
      expect(previousRelease('3.4.20', versions, released)).to.equal('3.4.19');
      expect(previousRelease('3.4.10', versions, released)).to.equal('3.4.9');
    });

    it('starts the first release of a line from the newest older-line release that came out before it, not from 3.4.20', () => {
      // CHANGELOG.md: 3.4.7 2025-06-20, 3.5.0 2025-07-02, 3.4.8 2025-07-10, 3.4.20 2026-08-07
      expect(previousRelease('3.5.0', versions, released)).to.equal('3.4.7');
    });

    it('has none for the oldest pinned release', () => {
      expect(previousRelease('3.4.1', versions, released)).to.equal(undefined);
    });

    it('never picks a newer build or a higher version, for any pinned release', () => {
      for (const v of versions) {
        const p = previousRelease(v, versions, released);
        if (p === undefined) continue;
        expect(semver.lt(p, v), `${p} → ${v}`).to.equal(true);
        expect(released[p]! <= released[v]!, `${p} (${released[p]}) → ${v} (${released[v]})`).to.equal(true);
        expect(downgradeReason(p, v, released), `${p} → ${v}`).to.equal(undefined);
      }
    });
  });

  describe('downgradeReason', () => {
    it('names a lower version', () => {
      expect(downgradeReason('3.4.4', '3.4.3', released)).to.equal('3.4.3 is older than 3.4.4');
      expect(downgradeReason('3.9.1', '3.8.1')).to.equal('3.8.1 is older than 3.9.1');
    });

    it('names a higher version on another line that is an older build', () => {
      expect(downgradeReason('3.4.20', '3.5.0', released)).to.equal('3.5.0 (released 2025-07-02) is an older build than 3.4.20 (released 2026-08-07), though its version is higher');
    });

    it('lets a real upgrade through, within a line and across lines', () => {
      expect(downgradeReason('3.4.3', '3.4.4', released)).to.equal(undefined);
      expect(downgradeReason('3.4.7', '3.5.0', released)).to.equal(undefined);
      expect(downgradeReason('3.4.20', '3.5.13', released)).to.equal(undefined);
    });
  });
});
