import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnoseFiles } from '../../../harness/diagnose/diagnose.ts';
import { seenAffected, versionsOf, WORKAROUNDS } from '../../../harness/diagnose/next-steps.ts';
import { formatReport } from '../../../harness/diagnose/report.ts';
import { VersionsSeen } from '../../../harness/diagnose/versions-seen.ts';
import { scenarios } from '../../../scenarios/index.ts';
import adminApiTlsServername from '../../../scenarios/admin-api-tls-servername.ts';
import pluginIdDrift from '../../../scenarios/plugin-id-drift.ts';

describe('diagnose: what to do next', () => {
  it('reads affected ranges and the first fixed version from the expectations', () => {
    expect(versionsOf({ '<=3.4.3': 'reproduced', '>=3.4.4': ['recovered', 'not-reproduced'] })).to.deep.equal({ affected: ['<=3.4.3'], fixedIn: '3.4.4' });
    expect(versionsOf(pluginIdDrift.expectations)).to.deep.equal({ affected: ['3.4.5'], fixedIn: '3.4.6' });
    expect(versionsOf({ '*': 'observe' })).to.deep.equal({ affected: [] });
    // versions before the bug came in are not-reproduced too, and fix nothing
    expect(versionsOf(adminApiTlsServername.expectations)).to.deep.equal({ affected: ['>=3.4.3 <3.4.16', '>=3.5.0 <3.5.9'], fixedIn: '3.4.16' });
    expect(seenAffected({ affected: ['<=3.4.3'], fixedIn: '3.4.4' }, ['3.4.1'])).to.equal(true);
    expect(seenAffected({ affected: ['<=3.4.3'], fixedIn: '3.4.4' }, ['3.5.0'])).to.equal(false);
    expect(seenAffected({ affected: [] }, ['3.5.0'])).to.equal(undefined);
  });

  it('finds the KIC and Kong versions the files name, in every wrapping', () => {
    const seen = new VersionsSeen();
    // the public lines of https://github.com/Kong/charts/issues/1083, #526, KIC #471 and #914
    seen.read('2024-06-11T10:33:21Z\tinfo\tsetup\tStarting controller manager\t{"v": 0, "release": "3.1.5", "repo": "https://github.com/Kong/kubernetes-ingress-controller.git"}');
    seen.read('time="2022-01-12T14:36:25Z" level=info msg="starting controller manager" commit=119dca97739dafee5f0539b96774144754328e8d logger=setup release=2.1.1 repo="https://github.com/Kong/kubernetes-ingress-controller.git"');
    seen.read('  Release:    0.6.2');
    seen.read('time="2020-10-20T03:12:13Z" level=info msg="kong version: 2.1.4" kong_version=2.1.4');
    seen.read('2018/09/29 21:52:51 [verbose] Kong: 0.14.1');
    seen.read('time="2022-01-12T14:36:25Z" level=info msg="release notes at https://example.com/v9.9.9"');
    expect([...seen.kic]).to.deep.equal(['3.1.5', '2.1.1', '0.6.2']);
    expect([...seen.kong]).to.deep.equal(['2.1.4', '0.14.1']);
  });

  it('says once per mode how many lines, the versions, whether yours is affected, the fix and its sources; --json carries the same', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'diagnose-next-'));
    try {
      const log = join(dir, 'kic.log');
      const drift = '{"level":"error","time":"2025-05-19T12:43:10Z","msg":"failed updating gateway entity","action":"update","kind":"plugin","name":"prometheus","error":"HTTP status 409"}';
      await writeFile(log, [`{"level":"info","msg":"Starting controller manager","release":"3.4.5"}`, drift, drift, drift].join('\n'));
      const report = await diagnoseFiles([log], scenarios);
      expect(report.versionsSeen.kic).to.deep.equal(['3.4.5']);
      const next = report.nextSteps.find((n) => n.failureMode === 'plugin-id-drift')!;
      expect(next).to.include({ lines: 3, fixedIn: '3.4.6', yourKicAffected: true, action: WORKAROUNDS['plugin-id-drift']!.action });
      expect(next.sources).to.include('KIC CHANGELOG 3.4.6');
      const text = formatReport(report);
      expect(text.match(/found 3 lines like this/g)).to.have.length(1);
      expect(text).to.include('affected: KIC 3.4.5; fixed in 3.4.6; your KIC 3.4.5 (from the files) is affected');
      expect(text).to.include('next: Upgrade KIC to 3.4.6 or later');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('has a documented action for every diagnosable failure mode that has field signatures', () => {
    for (const s of scenarios.filter((x) => x.diagnosable !== false && !['node-termination', 'global-plugin-reenable'].includes(x.id))) {
      expect(WORKAROUNDS[s.id], s.id).to.have.property('action').that.is.a('string');
      expect(WORKAROUNDS[s.id]!.sources, s.id).to.not.be.empty;
    }
  });
});
