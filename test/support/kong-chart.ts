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
  const controller = (values['ingressController'] ?? {}) as { env?: Values; adminApi?: { tls?: { client?: { enabled?: boolean } } } };
  const computed: Record<string, unknown> = {
    CONTROLLER_KONG_ADMIN_TLS_SKIP_VERIFY: true,
    CONTROLLER_PUBLISH_SERVICE: `${release.namespace}/${proxy.nameOverride ?? `${release.name}-kong-proxy`}`,
    // the client certificate the chart mounts (adminApiTlsClientCertVolume below), _helpers.tpl@kong-3.2.0
    ...(controller.adminApi?.tls?.client?.enabled
      ? { CONTROLLER_KONG_ADMIN_TLS_CLIENT_CERT_FILE: `${KIC_ADMIN_CERT_MOUNT}/tls.crt`, CONTROLLER_KONG_ADMIN_TLS_CLIENT_KEY_FILE: `${KIC_ADMIN_CERT_MOUNT}/tls.key` }
      : {}),
  };
  return renderEnv(computed, 'CONTROLLER_', controller.env ?? {});
}

/** Where the chart mounts `ingressController.adminApi.tls.client.secretName` in KIC's container (`controller.adminApiCertVolumeMount`, _helpers.tpl@kong-3.2.0). */
export const KIC_ADMIN_CERT_MOUNT = '/etc/secrets/admin-api-cert';

/**
 * The Secret KIC's container mounts at KIC_ADMIN_CERT_MOUNT, if any: `ingressController.adminApi.tls.client.secretName`,
 * or `<fullname>-admin-api-keypair` when none is named (`adminApiService.certSecretName`,
 * service-kong-admin.yaml@kong-3.2.0), only with client TLS and the controller enabled.
 */
export function kicAdminCertSecret(values: Values, fullname: string): string | undefined {
  const controller = (values['ingressController'] ?? {}) as { enabled?: boolean; adminApi?: { tls?: { client?: { enabled?: boolean; secretName?: string } } } };
  const client = controller.adminApi?.tls?.client;
  if (!client?.enabled || !controller.enabled) return undefined;
  return client.secretName || `${fullname}-admin-api-keypair`;
}

/**
 * The proxy container's env as `kong.env` renders it (_helpers.tpl@kong-3.2.0): among the computed
 * variables, client verification on the Admin API when `admin.tls.client.secretName` or
 * `caBundle` is set (the CA from the ConfigMap the chart mounts at /etc/admin-client-ca), then
 * `env` as KONG_<KEY> merged over them (mergeOverwrite). Scalars only.
 */
export function gatewayEnv(values: Values): Record<string, string> {
  const admin = (values['admin'] ?? {}) as { tls?: { client?: { secretName?: string; caBundle?: string } } };
  const client = admin.tls?.client;
  const computed: Record<string, unknown> =
    client?.secretName || client?.caBundle ? { KONG_NGINX_ADMIN_SSL_VERIFY_CLIENT: 'on', KONG_NGINX_ADMIN_SSL_CLIENT_CERTIFICATE: '/etc/admin-client-ca/tls.crt' } : {};
  return renderEnv(computed, 'KONG_', (values['env'] ?? {}) as Values);
}

/** `secretVolumes` are mounted at /etc/secrets/<name> (`kong.volumeMounts`, _helpers.tpl@kong-3.2.0). */
export function secretVolumeMounts(values: Values): Record<string, string> {
  return Object.fromEntries(((values['secretVolumes'] ?? []) as string[]).map((name) => [name, `/etc/secrets/${name}`]));
}

function renderEnv(computed: Record<string, unknown>, prefix: string, user: Values): Record<string, string> {
  const merged = { ...computed, ...Object.fromEntries(Object.entries(user).map(([key, value]) => [`${prefix}${key.toUpperCase()}`, value])) };
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
