/**
 * What Helm and the kong chart make of the values the harness sends, for the controller's
 * environment: a model of the upstream rules the publish-service-missing fault rests on.
 */
import type { Values } from '../../harness/kong/values.ts';

/**
 * The part of kong/kong's defaults that decides the controller's env: `ingressController.env`
 * holds one key (charts/kong/values.yaml@kong-3.4.1, `ingressController.env`), and `proxy`
 * has no `nameOverride`.
 */
export const KONG_CHART_DEFAULTS: Values = {
  ingressController: { enabled: true, env: { kong_admin_tls_skip_verify: true } },
  proxy: { enabled: true },
};

/**
 * Helm's coalesce of the user's values over the chart's defaults (coalesceValues and
 * coalesceTablesFullKey with merge=false, pkg/chartutil/coalesce.go@v3.18.6): it walks the keys
 * of the defaults only. There a user null deletes the key, a missing key takes the default, and
 * two tables merge; keys only the user has stay as given, nulls included.
 */
export function coalesce(user: Values, defaults: Values): Values {
  const out: Values = { ...user };
  for (const [key, fallback] of Object.entries(defaults)) {
    if (!(key in out)) out[key] = fallback;
    else if (out[key] === null) delete out[key];
    else if (isTable(out[key]) && isTable(fallback)) out[key] = coalesce(out[key], fallback);
  }
  return out;
}

/**
 * The ingress-controller container's env as `kong.ingressController.env` renders it
 * (charts/kong/templates/_helpers.tpl@kong-3.4.1): computed variables, among them
 * CONTROLLER_PUBLISH_SERVICE from `kong.controller-publish-service`
 * (`<namespace>/<fullname>-proxy`, fullname `<release>-kong`), then `ingressController.env` as
 * CONTROLLER_<KEY> merged over them with sprig's `mergeOverwrite` (mergo.MergeWithOverwrite),
 * which copies a nil map value over the computed one (mergo merge.go, deepMerge on a map:
 * `if srcElement.IsNil() { if overwrite … dst.SetMapIndex(key, srcElement) }`). `kong.renderEnv`
 * writes a scalar as `value: {{ $val | quote }}`, and sprig's `quote` skips a nil, so a nil
 * becomes an empty value. Scalars only: a `valueFrom` map renders otherwise and is not modelled.
 */
export function controllerEnv(values: Values, release: { name: string; namespace: string }): Record<string, string> {
  const proxy = (values['proxy'] ?? {}) as { nameOverride?: string };
  const computed: Record<string, unknown> = {
    CONTROLLER_KONG_ADMIN_TLS_SKIP_VERIFY: true,
    CONTROLLER_PUBLISH_SERVICE: `${release.namespace}/${proxy.nameOverride ?? `${release.name}-kong-proxy`}`,
  };
  const user = ((values['ingressController'] ?? {}) as { env?: Values }).env ?? {};
  const merged = { ...computed, ...Object.fromEntries(Object.entries(user).map(([key, value]) => [`CONTROLLER_${key.toUpperCase()}`, value])) };
  return Object.fromEntries(Object.entries(merged).map(([name, value]) => [name, value === null || value === undefined ? '' : String(value)]));
}

/**
 * Whether KIC accepts a `--publish-service` value: exactly `namespace/name`, both non-empty
 * (namespacedNameFromFlagValue, internal/cmd/rootcmd/config/cli_validation.go@v3.5.13). An env
 * variable that is set, even empty, is bound to its flag (internal/cmd/rootcmd/env.go@v3.5.13).
 */
export function kicAcceptsPublishService(value: string): boolean {
  const parts = value.split('/');
  return parts.length === 2 && parts.every((p) => p !== '');
}

function isTable(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
