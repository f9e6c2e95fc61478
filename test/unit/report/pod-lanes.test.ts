import { expect } from 'chai';
import type { Observation, PodConfigEntry } from '../../../harness/evidence/types.ts';
import { renderRunReport } from '../../../harness/report/html.ts';
import { fullRun, header, judged, s } from './run-fixtures.ts';

const NEW = '5d41402abc4b2a76b9719d911017c592';
const OLD = '7d793037a0760186574b0282f2f435e7';

const pod = (seconds: number, name: string, configHash: string, ok = true): PodConfigEntry => ({
  kind: 'pod-config',
  at: s(seconds),
  pod: name,
  ready: true,
  configHash,
  routes: [{ route: '/echo', ok, status: ok ? 200 : 404 }],
});

/** Three pods read every 2 s from 0 s to 20 s; kong-b holds the old configuration from 4 s to 10 s. */
function podRounds(): Observation[] {
  const out: Observation[] = [];
  for (let t = 0; t <= 20; t += 2) {
    const behind = t >= 4 && t < 10;
    out.push(pod(t, 'kong-a', NEW), pod(t, 'kong-b', behind ? OLD : NEW, !behind), pod(t, 'kong-c', NEW));
  }
  out.push({ kind: 'kic-push', at: s(0), pod: 'kong-controller-0' }, { kind: 'kic-push', at: s(2), pod: 'kong-controller-0', hash: 'aa01' }, { kind: 'kic-push', at: s(8), pod: 'kong-controller-0', hash: 'bb02' });
  return out;
}

/** Each lane as its label and its segments: class, start and end in seconds from T0. */
function lanes(html: string): { label: string; segments: string[] }[] {
  return [...html.matchAll(/<g class="lane (?:pod|kic)"[^>]*><text[^>]*>([^<]*)<\/text><rect class="lane-bg"[^>]*\/>(.*?)<\/g>/g)].map((m) => ({
    label: m[1]!,
    segments: [...m[2]!.matchAll(/<rect class="lane-bar ([\w-]+)" data-start="(\d+)" data-end="(\d+)"[^>]*><title>([^<]*)<\/title>/g)].map((r) => `${(Number(r[2]) - s(0)) / 1000}-${(Number(r[3]) - s(0)) / 1000}s ${r[1]}: ${r[4]}`),
  }));
}

describe('run report: one lane per gateway pod', () => {
  it('draws each pod\'s standing round by round, and each new hash KIC pushed', () => {
    const observations = [...fullRun(), ...podRounds()].sort((a, b) => a.at - b.at);
    const html = renderRunReport({ header, observations, judged: judged(observations), scenarioTitle: 'gate', artifacts: [] });

    expect(lanes(html)).to.deep.equal([
      { label: 'gateway pod kong-a', segments: ['0-20s pod-agrees: kong-a holds configuration 5d41402abc4b, answers like the other pods'] },
      {
        label: 'gateway pod kong-b',
        segments: [
          '0-4s pod-agrees: kong-b holds configuration 5d41402abc4b, answers like the other pods',
          '4-10s pod-diverged: kong-b holds configuration 7d793037a076 while 2 of 3 pods hold configuration 5d41402abc4b; answers /echo with 404 while kong-a serves it',
          '10-20s pod-agrees: kong-b holds configuration 5d41402abc4b, answers like the other pods',
        ],
      },
      { label: 'gateway pod kong-c', segments: ['0-20s pod-agrees: kong-c holds configuration 5d41402abc4b, answers like the other pods'] },
      { label: 'KIC kong-controller-0, last successful push', segments: ['0-2s pod-unread: no successful push yet', '2-8s kic-push-1: pushed aa01…', '8-8s kic-push-0: pushed bb02…'] },
    ]);
    expect(html).to.contain('then each gateway pod (green: agrees, red: diverged');
  });

  it('adds no pod lanes to a run that did not read the pods', () => {
    const html = renderRunReport({ header, observations: fullRun(), judged: judged(fullRun()), scenarioTitle: 'gate', artifacts: [] });
    expect(lanes(html)).to.deep.equal([]);
    expect(html).not.to.contain('each gateway pod');
  });
});
