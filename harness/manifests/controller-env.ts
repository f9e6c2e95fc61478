import { componentNames } from '../kong/names.ts';
import type { Values } from '../kong/values.ts';
import type { Target } from '../targets/target.ts';

/**
 * Helm values, keyed by release, that add KIC settings to the controller's `env` (each key
 * becomes `CONTROLLER_<KEY>`, i.e. the KIC flag of that name): kong/kong has it under
 * `ingressController`, kong/ingress under its `controller` subchart.
 */
export function controllerEnvValues(topology: Target['topology'], env: Values): Record<string, Values> {
  const { release } = componentNames(topology).controller;
  const ingressController = { ingressController: { env } };
  return { [release]: topology === 'split' ? { controller: ingressController } : ingressController };
}

/**
 * The controller env that turns a KIC feature gate on, keeping the target's other gates: the
 * installer writes the target's gates into the same `feature_gates` value, which this replaces.
 */
export function featureGateEnv(target: Target, gate: string): Values {
  const others = target.featureGates.filter((g) => !g.startsWith(`${gate}=`));
  return { feature_gates: [...others, `${gate}=true`].join(',') };
}
