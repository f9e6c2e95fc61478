import type { RunHeader, StepEntry } from '../../harness/evidence/types.ts';

/** A fixed start for hand-written bundles, so their timestamps read like a real run's. */
export const T0 = 1_763_888_000_000;

/** The header of a gateway-listener-stuck run on KIC 3.4.3, for bundles written in tests. */
export const RUN_HEADER: RunHeader = {
  kind: 'run',
  at: T0,
  runId: '20251123t0853-a1b2',
  scenario: 'gateway-listener-stuck',
  target: { k8s: '1.33', kic: '3.4.3', gateway: '3.9.1', mode: 'dbless', topology: 'split', featureGates: [] },
  harness: '0.1.0',
};

/** A phase step `at` ms after T0. */
export const step = (at: number, phase: StepEntry['phase'], state: StepEntry['state']): StepEntry => ({ kind: 'step', at: T0 + at, phase, state });
