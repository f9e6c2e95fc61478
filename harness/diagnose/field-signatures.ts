import type { ConditionSignature, EventSignature, LogSignature } from '../judge/signatures.ts';

/**
 * How each failure mode shows itself in the wild, across KIC 0.x (klog), 1.x/2.x (logrus),
 * 3.x (zap JSON or console) and Kong 2.x/3.x (nginx error log), as data: the one definition of a
 * symptom that `diagnose` matches. A run's signature for the same symptom may be narrower (its
 * own names, its own window), never different: test/unit/diagnose/field-signatures.test.ts
 * checks that every line a scenario's log or Event signature matches, a field signature of the
 * same failure mode matches too.
 *
 * Patterns are written against the normal form of a line (judge/log-message.ts normaliseText):
 * plain `"` and `'`, escapes and line breaks as one space. They name shapes, never the names a
 * user chose: a release, a namespace or a Service is `"[^"]+"`.
 */
export type FieldSignature = (LogSignature | (EventSignature & { involvedKinds?: RegExp }) | ConditionSignature) & { provenance: string[] };

/** `{Create}` in go-kong/decK before go-database-reconciler, `Create` since (pkg/crud/types.go@v1.22.7) */
const action = (verb: string) => `\\{?${verb}\\}?`;

/** Kong's credential and consumer tables, and vaults: the entities two racing objects can both claim. */
const CREDENTIAL_TABLES = "(?:keyauth_credentials|basicauth_credentials|hmacauth_credentials|jwt_secrets|oauth2_credentials|mtls_auth_credentials|acls|consumers|consumer_groups|vaults)";

/**
 * decK's kinds for the credentials and vaults with a unique field (go-database-reconciler
 * pkg/types/core.go@v1.40.3); not ACLs nor mTLS credentials, which have none to clash on
 * (internal/dataplane/kongstate/credentials_conflicts.go@v3.4.20)
 */
const CREDENTIAL_KINDS = '(?:key-auth|basic-auth|hmac-auth|jwt-auth|oauth2-cred|vault)';

/**
 * A whole-config rejection that is really two objects claiming one credential. Quote-agnostic: the
 * judge tries the raw line too (judge/signatures.ts), where a paste may hold `‘keyauth_credentials’`.
 */
const NOT_A_CREDENTIAL_CLASH = `(?!.*uniqueness violation: \\W?${CREDENTIAL_TABLES}\\W)`;

/** A 409 on a plugin: Kong's unique key of plugins names the plugin (kong/db/schema/entities/plugins.lua@3.9.1). */
const PLUGIN_409 = `(?:HTTP status 409|UNIQUE violation detected on '\\{[^']*name=)`;

/** Network failures of an Admin API call as Go's net/http and KIC report them. */
const UNREACHABLE = '(?:connection refused|i/o timeout|no route to host|context deadline exceeded|Client\\.Timeout exceeded|no such host|connection reset by peer|EOF|dial tcp)';

const pluginApplyFailed: FieldSignature = {
  id: 'plugin-apply-failed-event',
  kind: 'event',
  description: 'Kong answered 409 for a KongPlugin KIC pushed; the Event does not say whether KIC created or updated it',
  reason: 'KongConfigurationApplyFailed',
  // the 409 itself, not any `invalid plugin:`: DB mode's message is `invalid plugin:<name>: <error>`
  // for every error (resourceErrorFromEntityAction, dbmode.go@v3.4.20), a schema violation too, and
  // DB-less says `invalid plugin:<name>: uniqueness violation: 'plugins' entity …` for a whole-config
  // rejection (https://github.com/Kong/kubernetes-ingress-controller/issues/6761)
  message: new RegExp(PLUGIN_409),
  involvedKinds: /^Kong(?:Cluster)?Plugin$/,
  provenance: ['internal/dataplane/sendconfig/error_handling.go@v3.4.20', 'internal/dataplane/sendconfig/dbmode.go@v3.4.20', 'internal/dataplane/kong_client.go@v3.4.20'],
};

/** The same Event pasted as text: a `kubectl get events` or `kubectl describe` row, or KIC's debug line recording it. */
const pluginApplyFailedText: FieldSignature = {
  id: 'plugin-apply-failed-event-text',
  kind: 'log',
  component: 'controller',
  description: 'the 409 Event on a KongPlugin as text; it does not say whether KIC created or updated the plugin',
  // DB mode's message `invalid plugin:<name>: <error>` (dbmode.go@v3.4.20) after the reason, which every
  // such row and the debug line carry
  pattern: new RegExp(`KongConfigurationApplyFailed\\b.*\\binvalid plugin:.*${PLUGIN_409}`),
  provenance: ['internal/dataplane/sendconfig/dbmode.go@v3.4.20', 'internal/dataplane/kong_client.go@v3.4.20'],
};

const pluginCacheKey: FieldSignature = {
  id: 'plugin-cache-key-violation',
  kind: 'log',
  component: 'gateway',
  description: 'Kong rejects a plugin on the cache_key unique constraint (a create and an update read the same since KIC 3.4.5)',
  pattern: /duplicate key value violates unique constraint "plugins_cache_key_key"/,
  provenance: ['kong/db/migrations/core/000_base.lua@3.9.1', 'kong/db/strategies/postgres/init.lua@3.9.1', 'https://github.com/Kong/kubernetes-ingress-controller/issues/7440'],
};

/** KIC's sync loop with no gateway client to send to; gateway-listener-stuck waits for it as its no-client window. */
export const noReadyGatewayClients: FieldSignature = {
  id: 'no-ready-gateway-clients',
  kind: 'log',
  component: 'controller',
  description: 'KIC has no ready gateway client to send configuration to',
  pattern: /Could not send configuration to gateways.*no ready gateway clients/,
  provenance: ['internal/dataplane/kong_client.go@v3.4.3', 'internal/dataplane/kong_client.go@v3.5.13'],
};

/** KIC could not read Kong's listens and marked a Gateway listener unsupported (#7015). */
export const listenerUnsupportedProtocol: FieldSignature = {
  id: 'listener-unsupported-protocol',
  kind: 'condition',
  description: 'Gateway listener Accepted=False with reason UnsupportedProtocol',
  objectKind: 'Gateway',
  scope: 'listener/',
  type: 'Accepted',
  reason: 'UnsupportedProtocol',
  provenance: ['internal/controllers/gateway/gateway_utils.go@v3.4.3', 'https://github.com/Kong/kubernetes-ingress-controller/issues/7015', 'KIC CHANGELOG 3.4.4'],
};

/**
 * KIC re-creating a gateway client without its TLS server name (#7950): Go then verifies the
 * Admin API's certificate against the pod IP of the client's URL (net/http's Transport fills an
 * empty ServerName with the URL's host, persistConn.addTLS) and fails with crypto/x509's
 * HostnameError, `cannot validate
 * certificate for <ip> because it doesn't contain any IP SANs` for a certificate without IP
 * addresses, `certificate is valid for <names>, not <ip>` otherwise; Go 1.20 and later prefix
 * `tls: failed to verify certificate: ` (KIC 3.4/3.5 build with Go 1.23-1.25: go.mod@v3.4.1,
 * @v3.5.8). KIC wraps the `GET /status` error in KongClientNotReadyError (`client not ready: `)
 * or, with a workspace, `looking up workspace: ` (NewKongClientForWorkspace,
 * internal/adminapi/kong.go@v3.5.8), and logs it as the reason of `Pending client is not ready
 * yet` at debug level only (checkPendingClient, internal/clients/readiness.go@v3.5.8 and
 * @v3.4.15): at the default info level KIC says nothing about it.
 */
export const adminTlsNameLost: FieldSignature = {
  id: 'admin-tls-name-lost',
  kind: 'log',
  component: 'controller',
  description: "KIC verifies a gateway's Admin API certificate against the pod IP: the client lost its TLS server name",
  pattern: /(?:client not ready|looking up workspace): .*x509: (?:cannot validate certificate for [0-9a-fA-F.:]+ because it doesn't contain any IP SANs|certificate is valid for .+, not [0-9a-fA-F.:]+)/,
  provenance: [
    'internal/clients/readiness.go@v3.5.8',
    'internal/clients/readiness.go@v3.4.15',
    'internal/adminapi/kong.go@v3.5.8',
    'internal/adminapi/endpoints.go@v3.5.8',
    'KIC CHANGELOG 3.5.9',
    'KIC CHANGELOG 3.4.16',
    'https://github.com/Kong/kubernetes-ingress-controller/pull/7950',
  ],
};

/**
 * A Gateway API kind KIC watches no longer served at the version KIC asks for (Gateway,
 * GatewayClass, HTTPRoute, GRPCRoute v1; ReferenceGrant v1beta1: internal/manager/controllerdef.go
 * @v3.5.13): client-go's reflector list fails with the API server's 404. No version KIC uses is
 * dropped by v1.5.1 or v1.6.1 (their standard CRDs still serve v1 and v1beta1), so a run that sees
 * this has met CRDs that did drop one.
 */
export const gatewayApiWatchFailed: FieldSignature = {
  id: 'gateway-api-watch-failed',
  kind: 'log',
  component: 'controller',
  description: 'KIC cannot list or watch a Gateway API kind at the version it uses: the CRDs no longer serve it',
  pattern: /failed to (?:list|watch) \*v1(?:beta1)?\.(?:Gateway|GatewayClass|HTTPRoute|GRPCRoute|ReferenceGrant): the server could not find the requested resource/,
  provenance: ['https://github.com/kubernetes/client-go/blob/master/tools/cache/reflector.go', 'internal/manager/controllerdef.go@v3.5.13', 'internal/manager/controllerdef.go@v3.4.20'],
};

export const FIELD_SIGNATURES: Readonly<Record<string, readonly FieldSignature[]>> = {
  'admin-api-partition': [
    {
      id: 'push-failed-unreachable',
      kind: 'log',
      component: 'controller',
      description: 'KIC cannot push configuration: the Admin API does not answer',
      // 3.x `Could not update kong admin`, 1.x/2.x `could not update kong admin`, 0.x `failed to
      // update kong configuration` and its requeue, or the push error itself (0.x prints it on the
      // line after the message)
      // KIC 2.x's JSON log (logrus JSONFormatter, keys sorted) puts `error` before `msg`: read as text
      // behind a prefix that is not stripped (CRI `stderr F`, docker compose), the error comes first
      // (https://github.com/Kong/kubernetes-ingress-controller/issues/2440)
      pattern: new RegExp(`(?:[Cc]ould not update kong admin|failed to update kong configuration|posting new config to /config|requeuing \\S+, err ).*${UNREACHABLE}|${UNREACHABLE}.*"msg": ?"could not update kong admin"`),
      provenance: ['internal/dataplane/synchronizer.go@v3.5.13', 'internal/dataplane/synchronizer.go@v2.12.3', 'railgun/internal/proxy/clientgo_cached_proxy_resolver.go@v1.3.4', 'internal/ingress/controller/controller.go@0.10.0', 'internal/ingress/controller/kong.go@0.10.0', 'internal/ingress/task/queue.go@0.9.0'],
    },
    {
      id: 'kong-api-timeout',
      kind: 'log',
      component: 'controller',
      description: 'KIC gave up waiting for the Admin API',
      pattern: /[Ee]xceeded Kong API timeout/,
      provenance: ['internal/dataplane/kong_client.go@v3.5.13', 'internal/dataplane/kong_client.go@v2.12.3'],
    },
    noReadyGatewayClients,
  ],
  'gateway-listener-stuck': [
    listenerUnsupportedProtocol,
    {
      id: 'listener-unsupported-protocol-text',
      kind: 'log',
      component: 'controller',
      description: "KIC's message for a listener stuck in UnsupportedProtocol, in `kubectl describe gateway` output or a status fragment that is not a whole object",
      // the message, not the reason: UnsupportedProtocol is also a Route's ResolvedRefs reason for a
      // backend's appProtocol (apis/v1/shared_types.go@v1.2.0 in gateway-api), a near miss
      // nor `… configured for the requested port`: reason PortUnavailable, a listener on a port Kong
      // does not listen on, which KIC reports only when it did read Kong's listens (same file)
      pattern: /no Kong listen with the requested protocol is configured(?! for the requested port)/,
      provenance: ['internal/controllers/gateway/gateway_utils.go@v3.4.3', 'https://github.com/Kong/kubernetes-ingress-controller/issues/7015'],
    },
    // not `Cannot determine listeners because no available Kong gateway clients now, retrying...`:
    // that is the 3.4.4 fix requeueing, logged at info (gateway_controller.go@v3.4.4, absent @v3.4.3)
    noReadyGatewayClients,
  ],
  'plugin-id-drift': [
    {
      id: 'kic-plugin-update-failed',
      kind: 'log',
      component: 'controller',
      description: 'KIC fails to update a plugin it owns (action update): Kong answers 409',
      // after the message the fields come in any order (JSON, console, logfmt), hence the lookaheads
      pattern: new RegExp(`failed updating gateway entity(?=.*action\\W{0,4}update\\b)(?=.*kind\\W{0,4}plugin\\b)|while processing event: ${action('Update')} plugin .*failed: HTTP status 409`),
      provenance: ['internal/dataplane/sendconfig/dbmode.go@v3.4.5', 'pkg/crud/types.go@v1.22.7', 'pkg/diff/diff.go@v1.40.3'],
    },
    pluginCacheKey,
    pluginApplyFailed,
    pluginApplyFailedText,
  ],
  'manual-plugin-conflict': [
    {
      id: 'kic-create-conflict',
      kind: 'log',
      component: 'controller',
      description: 'KIC fails to create a plugin Kong already holds (action create): HTTP 409',
      pattern: new RegExp(`failed updating gateway entity(?=.*action\\W{0,4}create\\b)(?=.*kind\\W{0,4}plugin\\b)(?=.*(?:409|UNIQUE violation detected on))|while processing event: ${action('Create')} plugin .*failed: HTTP status 409`),
      provenance: ['internal/dataplane/sendconfig/dbmode.go@v3.4.5', 'pkg/crud/types.go@v1.22.7', 'pkg/diff/diff.go@v1.40.3', 'kong/db/errors.lua@3.9.1'],
    },
    pluginCacheKey,
    pluginApplyFailed,
    pluginApplyFailedText,
  ],
  'credential-webhook-race': [
    {
      id: 'declarative-credential-conflict',
      kind: 'log',
      component: 'controller',
      description: 'Kong (DB-less) rejects the whole configuration: two objects claim one credential, consumer or vault',
      // the key is a field name or `primary key` (uniqueness_error_msg callers, same file)
      pattern: new RegExp(`uniqueness violation: '${CREDENTIAL_TABLES}' entity with [^']+ set to '[^']*' already declared`),
      // Kong answers it to KIC's POST /config; KIC logs the 400 body (and the Event carries it)
      provenance: ['kong/db/schema/others/declarative_config.lua@3.9.1', 'https://github.com/Kong/kubernetes-ingress-controller/issues/6577'],
    },
    {
      id: 'credential-conflict-db-mode',
      kind: 'log',
      component: 'controller',
      description: 'Kong (DB mode) answers 409 for a credential or vault KIC pushed: another object already holds its key',
      // decK's entity kinds (pkg/types/core.go@v1.40.3, crud.Kind of the EntityType) and the unique
      // field Kong names (kong/plugins/key-auth/daos.lua@3.9.1 `key … unique = true`, kong/db/errors.lua@3.9.1)
      pattern: new RegExp(`failed updating gateway entity(?=.*kind\\W{0,4}${CREDENTIAL_KINDS}\\b)(?=.*(?:409|UNIQUE violation detected on))|while processing event: ${action('(?:Create|Update)')} ${CREDENTIAL_KINDS} .*failed: HTTP status 409`),
      provenance: ['internal/dataplane/sendconfig/dbmode.go@v3.4.20', 'pkg/types/core.go@v1.40.3', 'pkg/crud/types.go@v1.40.3', 'kong/db/errors.lua@3.9.1'],
    },
    {
      id: 'credential-apply-failed-event',
      kind: 'event',
      description: 'Kong rejected a credential, consumer or vault KIC pushed as a duplicate',
      reason: 'KongConfigurationApplyFailed',
      // not `{username=…}`: a consumer made twice by hand in DB mode reads the same, and is no race
      message: new RegExp(`uniqueness violation: '${CREDENTIAL_TABLES}'|UNIQUE violation detected on '\\{(?:key|prefix)=`),
      provenance: ['internal/dataplane/sendconfig/error_handling.go@v3.4.20', 'kong/db/schema/others/declarative_config.lua@3.9.1', 'kong/db/errors.lua@3.9.1'],
    },
    {
      id: 'credential-translation-conflict',
      kind: 'event',
      description: 'KIC caught two objects claiming one credential or vault prefix and left them out (the race contained)',
      reason: 'KongConfigurationTranslationFailed',
      message: /has conflicting credentials?:|spec\.prefix "[^"]*" is duplicate/,
      provenance: ['internal/dataplane/kongstate/kongstate.go@v3.4.20', 'internal/dataplane/kongstate/kongstate.go@v3.5.13', 'https://github.com/Kong/kubernetes-ingress-controller/pull/6585'],
    },
    {
      id: 'credential-translation-conflict-text',
      kind: 'log',
      component: 'controller',
      description: "the same translation failure as text: KIC's debug line for the Event it records, or a `kubectl get events` / `kubectl describe` row",
      // the conflict's own message (credentials_conflicts.go@v3.4.20: `conflict detected in %q index`);
      // a duplicate vault prefix only next to its reason: the admission webhook refusing one says
      // `spec.prefix %q is duplicate with existing KongVault %q` (internal/admission/validator.go@v3.4.20),
      // the webhook doing its job
      pattern: /has conflicting credentials?: conflict detected in "[^"]+" index|KongConfigurationTranslationFailed\b.*spec\.prefix "[^"]*" is duplicate(?! with existing)/,
      provenance: ['internal/dataplane/kongstate/kongstate.go@v3.4.20', 'internal/dataplane/kongstate/credentials_conflicts.go@v3.4.20', 'internal/dataplane/kong_client.go@v3.4.20'],
    },
  ],
  'broken-object-blast-radius': [
    {
      id: 'declarative-config-invalid',
      kind: 'log',
      component: 'controller',
      description: 'Kong (DB-less) rejects the whole configuration KIC pushed because of one object',
      // KIC 2.x and 3.x without the body: go-kong's `failed posting new config to /config: got status code 400`
      // not a body that did not parse at all (`{error="failed parsing declarative configuration: …"}`):
      // KIC sends JSON it built, so that is a file or a request made by hand (the raw line is read too,
      // hence any run of backslashes and quotes, as many as the layers of quoting and pasting around it)
      // (https://github.com/Kong/docs.konghq.com/pull/6837, kong/db/schema/others/declarative_config.lua@3.9.1)
      // Kong's uniqueness error for any entity but a credential's (a line wrapped by a terminal keeps
      // it without the `declarative config is invalid` before it: https://github.com/Kong/kubernetes-ingress-controller/issues/6761),
      // and KIC 0.x's `posting new config to /config: 400 Bad Request {…"name":"invalid declarative configuration"…}`
      // (internal/ingress/controller/kong.go@0.10.0, https://github.com/Kong/kong/issues/6524)
      pattern: new RegExp(`declarative config is invalid(?!: \\{error=\\W*failed parsing declarative configuration)${NOT_A_CREDENTIAL_CLASH}|failed posting new config to /config: got status code 400${NOT_A_CREDENTIAL_CLASH}|uniqueness violation: '(?!${CREDENTIAL_TABLES}')\\w+' entity with [^']+ set to '[^']*' already declared|posting new config to /config: 400 Bad Request .*"invalid declarative configuration"${NOT_A_CREDENTIAL_CLASH}`),
      provenance: ['kong/db/errors.lua@3.9.1', 'kong/db/errors.lua@2.8.4', 'kong/db/schema/others/declarative_config.lua@3.9.1', 'internal/ingress/controller/kong.go@0.10.0', 'test/envtest/configerrorevent_envtest_test.go@v3.4.20', 'https://github.com/Kong/kong/issues/11329', 'https://github.com/Kong/kubernetes-ingress-controller/issues/5555', 'https://github.com/Kong/kubernetes-ingress-controller/issues/6761', 'https://github.com/Kong/kong/issues/6524'],
    },
    {
      id: 'entity-schema-violation',
      kind: 'log',
      component: 'controller',
      description: 'Kong (DB mode) answers 400 schema violation for an entity KIC pushed',
      // and Kong's 400 body as KIC 0.x printed it, or as a person pastes it
      pattern: new RegExp(`while processing event: ${action('(?:Create|Update)')} \\S+ .*failed: HTTP status 400 .*schema violation|failed updating gateway entity.*schema violation|400 Bad Request \\{"message":"(?:\\d+ )?schema violations?`),
      provenance: ['kong/db/errors.lua@3.9.1', 'pkg/crud/types.go@v1.22.7', 'internal/dataplane/sendconfig/dbmode.go@v3.4.20', 'https://github.com/Kong/kubernetes-ingress-controller/issues/235'],
    },
    {
      id: 'fallback-failed',
      kind: 'log',
      component: 'controller',
      description: 'KIC could not recover from a rejected configuration with its fallback configuration',
      pattern: /Failed to recover from configuration rejection with fallback configuration/,
      provenance: ['internal/dataplane/kong_client.go@v3.4.20'],
    },
    {
      id: 'fallback-applied',
      kind: 'log',
      component: 'controller',
      description: 'Kong rejected the configuration; KIC pushed its fallback without the broken objects (blast radius contained)',
      pattern: /Successfully recovered from configuration rejection with fallback configuration/,
      provenance: ['internal/dataplane/kong_client.go@v3.4.20', 'KIC CHANGELOG 3.2.0'],
    },
    {
      id: 'config-apply-failed-schema',
      kind: 'event',
      description: 'Kong rejected an object KIC pushed as invalid',
      reason: 'KongConfigurationApplyFailed',
      // a duplicate plugin, route or service in DB-less is the whole configuration rejected too
      // (https://github.com/Kong/kubernetes-ingress-controller/issues/6761); a credential's is the race
      message: new RegExp(`schema violation|invalid \\S+: (?!.*(?:uniqueness violation: '${CREDENTIAL_TABLES}'|UNIQUE violation|HTTP status 409))`),
      provenance: ['internal/dataplane/sendconfig/error_handling.go@v3.4.20', 'kong/db/errors.lua@3.9.1'],
    },
    {
      id: 'fallback-events',
      kind: 'event',
      description: 'KIC applied (or failed to apply) its fallback configuration after a rejection',
      reason: 'FallbackKongConfigurationApplyFailed',
      provenance: ['internal/dataplane/kong_client.go@v3.4.20'],
    },
  ],
  'missing-crds': [
    {
      id: 'kic-crd-not-installed',
      kind: 'log',
      component: 'controller',
      description: "controller-runtime cannot watch a Kong kind: its CRD is not installed",
      // a Kong kind only: every controller-runtime operator without its CRDs logs the same
      // and Kong's kinds without the prefix (TCPIngress, UDPIngress, IngressClassParameters) by their group
      pattern: /if kind is a CRD, it should be installed before calling Start.*(?:konghq\.com|"Kong\w+")|no matches for kind "Kong\w+"|no matches for kind "\w+" in version "configuration\.konghq\.com\//,
      provenance: ['https://github.com/Kong/kubernetes-ingress-controller/issues/5370', 'https://github.com/kubernetes-sigs/controller-runtime/blob/main/pkg/internal/source/kind.go'],
    },
    {
      id: 'kic-cache-sync-timeout',
      kind: 'log',
      component: 'controller',
      description: "a Kong kind's informer never synced",
      // the Kind that timed out, not the controller that waited: `failed to wait for
      // KongV1KongClusterPlugin caches to sync … for Kind *v1.IngressClass` is missing RBAC
      // (https://github.com/kubernetes/minikube/issues/19001), a near miss
      pattern: /timed out waiting for cache to be synced for Kind \*v1(?:alpha1|beta1)?\.Kong\w+/,
      provenance: ['https://github.com/kubernetes-sigs/controller-runtime/blob/main/pkg/internal/controller/controller.go'],
    },
    {
      id: 'kic-crd-list-failed',
      kind: 'log',
      component: 'controller',
      description: 'listing a Kong kind fails: the API server does not know it',
      // KIC 1.x names the resource it asked for: `(get tcpingresses.configuration.konghq.com)`, Kong's
      // TCPIngress and UDPIngress included (https://github.com/Kong/kubernetes-ingress-controller/issues/1917)
      pattern: /failed to list \*v1(?:alpha1|beta1)?\.Kong\w+: the server could not find the requested resource|failed to list \*v1(?:alpha1|beta1)?\.\w+: the server could not find the requested resource \(get \w+\.configuration\.konghq\.com\)/i,
      provenance: ['https://github.com/kubernetes/client-go/blob/master/tools/cache/reflector.go'],
    },
  ],
  'pending-migrations': [
    {
      id: 'kong-pending-migrations',
      kind: 'log',
      component: 'gateway',
      description: 'Kong refuses to start: the database has migrations it has not run',
      // Kong 0.11–0.14 warn `<db> database|keyspace '<name>' is missing migration: (<module>) <name>`,
      // then refuse with `the current database schema does not match this version of Kong`
      // Kong 1.0 `database needs bootstrap(ping); run 'kong migrations bootstrap'` (kong/init.lua@1.0.0,
      // kong/cmd/utils/migrations.lua@1.0.0), 1.5+ `Database needs bootstrapping …`
      pattern: /New migrations available; run 'kong migrations up' to proceed|[Dd]atabase needs bootstrap(?:ping)?\b|(?:database|keyspace) '[^']+' is missing migration: |the current database schema does not match this version of Kong/,
      provenance: ['kong/cmd/utils/migrations.lua@3.9.1', 'kong/cmd/utils/migrations.lua@2.8.4', 'kong/dao/factory.lua@0.13.1', 'kong/dao/factory.lua@0.11.2', 'kong/dao/factory.lua@0.14.1', 'kong/init.lua@1.0.0', 'kong/cmd/utils/migrations.lua@1.0.0', 'https://github.com/Kong/kong/issues/2877', 'https://github.com/Kong/kong/issues/4226'],
    },
  ],
  'database-outage': [
    {
      id: 'kong-database-unreachable',
      kind: 'log',
      component: 'gateway',
      description: 'Kong cannot reach Postgres: cluster events, upstreams or router read fails (running Kong), or the connector cannot start (starting Kong)',
      // Kong 1.x said `failed to retrieve server_version_num` (kong/db/strategies/postgres/connector.lua@1.3.0),
      // 0.10 `could not get current migrations: [postgres error] connection refused` at start, 0.13
      // `failed to reach database as part of /status endpoint` and `[postgres] could not cleanup TTLs`,
      // 0.13–0.14 at start `[postgres error] could not retrieve server_version: <network error>`
      // (kong/dao/db/postgres.lua@0.13.1, https://github.com/docker-library/docs/issues/1250).
      // Not a refused login (`password|Ident authentication failed`, `authentication exchange
      // unsuccessful`: Postgres answered), nor 3.0.0's `concurrent incremental router rebuild without
      // mutex` (kong/router/atc_compat.lua@3.0.0, a router bug: https://github.com/Kong/kong/issues/9447)
      pattern: /\[cluster_events\] (?:failed to poll: )?failed to retrieve events from DB: |could not obtain list of upstreams: |could not rebuild router: .*\(stale router will be used\)|could not rebuild router via timer: (?!.*concurrent incremental router rebuild)|could not rebuild plugins iterator: .*\[(?:postgres|cassandra)\]|failed to retrieve (?:PostgreSQL )?server_version_num: (?!.*authentication)|could not get current migrations: \[(?:postgres|cassandra) error\] (?:connection refused|timeout|no route to host|host is unreachable)|failed to reach database as part of \/status endpoint: |\[postgres\] could not cleanup TTLs: |could not retrieve server_version: (?:connection refused|timeout|no route to host|host is unreachable|\S+ could not be resolved)/,
      provenance: ['kong/cluster_events/init.lua@3.9.1', 'kong/cluster_events/init.lua@2.8.4', 'kong/runloop/balancer/upstreams.lua@3.9.1', 'kong/runloop/handler.lua@3.9.1', 'kong/runloop/handler.lua@2.8.4', 'kong/db/strategies/postgres/connector.lua@3.9.1', 'kong/db/strategies/postgres/connector.lua@1.3.0', 'kong/dao/factory.lua@0.10.3', 'kong/api/routes/kong.lua@0.13.1', 'kong/dao/db/postgres.lua@0.13.1', 'kong/dao/db/postgres.lua@0.14.1'],
    },
  ],
  // what these show in files is another mode's symptom (node-termination re-triggers
  // plugin-id-drift) or only the live system shows it (a plugin not enforced)
  'node-termination': [],
  'global-plugin-reenable': [],
  'admin-api-tls-servername': [adminTlsNameLost],
  'gateway-api-crd-upgrade': [
    gatewayApiWatchFailed,
    {
      id: 'gateway-api-downgrade-refused',
      kind: 'log',
      // not KIC's own line: kubectl, Helm or a GitOps tool prints it, in a file diagnose reads as
      // of unknown shape, which both components read
      component: 'controller',
      description: "the API server refused Gateway API CRDs older than v1.5 after v1.5+ was installed: the safe-upgrades ValidatingAdmissionPolicy",
      // the denial as k8s.io/apiserver's validating policy dispatcher words it (`ValidatingAdmissionPolicy
      // '<policy>' with binding '<binding>' denied request: <message>`) around the policy's own message
      pattern: /ValidatingAdmissionPolicy '?safe-upgrades\.gateway\.networking\.k8s\.io'?.*denied request: Installing CRDs with version before v1\.5\.0 is prohibited by default/,
      provenance: [
        'config/crd/standard/gateway.networking.k8s.io_vap_safeupgrades.yaml@v1.5.1',
        'config/crd/standard/gateway.networking.k8s.io_vap_safeupgrades.yaml@v1.6.1',
        'https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apiserver/pkg/admission/plugin/policy/validating/dispatcher.go',
      ],
    },
  ],
  'publish-service-missing': [
    {
      id: 'publish-service-not-found',
      kind: 'log',
      component: 'controller',
      description: "KIC's reconciler fails: the publish Service does not exist",
      // KIC 0.5–0.9 exit with `unexpected error getting information about service <ns/name>: <err>`
      // (cli/ingress-controller/main.go@0.5.0), 0.10 with `failed to fetch publish-service: <err>`
      // (cli/ingress-controller/main.go@0.10.0); not `… is forbidden` (RBAC, https://github.com/Kong/kong/issues/6295)
      // the lookup's NotFound is the whole error (setup.go@v3.5.13 returns it as is): another operator's
      // Reconciler error wraps its own (`while fetching referenced service: Service "…" not found`,
      // https://github.com/elastic/cloud-on-k8s/issues/5691); a parsed JSON line reads `Reconciler error
      // Service "…" not found` (judge/log-message.ts), and `\\*"` reads the raw JSON line as well
      pattern: /Reconciler error(?:.*\berr(?:or)?)?\W{1,4}[Ss]ervices? \\*"[^"\\]+\\*" not found|publish service "[^"]+" couldn't be found|(?:unexpected error getting information about service \S+|failed to fetch publish-service): [Ss]ervices? "[^"]+" not found/,
      provenance: ['internal/manager/setup.go@v3.5.13', 'internal/controllers/gateway/gateway_controller.go@v3.4.20', 'cli/ingress-controller/main.go@0.5.0', 'cli/ingress-controller/main.go@0.10.0', 'https://github.com/Kong/kubernetes-ingress-controller/issues/7822'],
    },
    {
      id: 'publish-service-malformed',
      kind: 'log',
      component: 'controller',
      description: 'KIC refuses to start: the publish Service is not namespace/name',
      // KIC 0.10: `invalid configuration: publish-service: invalid format (namespace/name) found in '<value>'`
      pattern: /the expected format is namespace\/name|publish-service: invalid format \(namespace\/name\) found in /,
      provenance: ['internal/cmd/rootcmd/config/cli_validation.go@v3.5.13', 'internal/manager/config_validation.go@v2.12.3', 'cli/ingress-controller/main.go@0.10.0', 'internal/ingress/utils/k8s.go@0.10.0'],
    },
  ],
  'config-resync-after-restart': [
    {
      id: 'gateway-holds-no-configuration',
      kind: 'log',
      component: 'gateway',
      // KIC's own trace, `No configuration change, skipping sync to Kong`, is a debug line every
      // sync writes when nothing changed (internal/dataplane/sendconfig/sendconfig.go@v3.5.13):
      // it says nothing alone, and is off at the default log level
      description: 'a DB-less Kong answers its readiness probe 503 because it holds no configuration: KIC has not (re)configured this pod; a few lines right after a start are normal, a pod that keeps logging it is left out',
      pattern: /not ready for proxying: no configuration available/,
      provenance: ['kong/status/ready.lua@3.9.3', 'kong/constants.lua@3.9.3', 'internal/dataplane/sendconfig/config_change_detector.go@v3.5.13', 'https://github.com/Kong/kubernetes-ingress-controller/issues/7685'],
    },
  ],
  'sni-certificate-backref': [
    {
      id: 'sni-certificate-missing',
      kind: 'event',
      description: 'Kong 3.9 (DB-less) rejects the whole configuration: an SNI nested in its certificate has no `certificate` (KIC 3.4.12 / 3.5.5 on Kong before 3.10)',
      reason: 'KongConfigurationApplyFailed',
      message: /snis=\{.*certificate="required field missing"/,
      provenance: ['kong/db/schema/others/declarative_config.lua@3.9.3', 'kong/db/schema/entities/snis.lua@3.9.3', 'kong/db/errors.lua@3.9.3', 'internal/dataplane/kong_client.go@v3.5.5', 'KIC CHANGELOG 3.5.6'],
    },
    {
      id: 'sni-certificate-missing-log',
      kind: 'log',
      component: 'controller',
      description: "the same rejection in KIC's log: Kong's message in a failed push, or the flattened error of the SNI, which KIC cannot tie to an object",
      // Kong's error table (pl.pretty), or its flattened entry for the SNI (entity_type `sni`)
      pattern: /snis=\{.*certificate="required field missing"|"(?:entity_)?type": ?"sni".*"field": ?"certificate".*"message": ?"required field missing"/,
      provenance: ['kong/db/errors.lua@3.9.3', 'internal/dataplane/sendconfig/inmemory_error_handling.go@v3.5.5', 'internal/dataplane/synchronizer.go@v3.5.5', 'KIC CHANGELOG 3.4.13'],
    },
  ],
  // Kong Gateway Enterprise's answer to a write it refuses without a license is not published
  // (closed source, no verbatim line found): only a refusal whose message names the license is
  // read as this mode; a bare HTTP error is any invalid object (400) or conflict (409). Kong's
  // knowledge base does publish what an absent license does to an Enterprise-only plugin.
  'unlicensed-gateway': [
    {
      id: 'enterprise-plugin-unlicensed',
      kind: 'event',
      description: 'Kong refused an Enterprise-only plugin KIC pushed: no license is loaded (an expired one does not block them)',
      reason: 'KongConfigurationApplyFailed',
      message: /\bis an enterprise only plugin\b/,
      involvedKinds: /^Kong(?:Cluster)?Plugin$/,
      provenance: ['https://developer.konghq.com/support/kong-ingress-controller-deploying-the-kic-with-an-expired-license/'],
    },
    {
      id: 'enterprise-plugin-unlicensed-webhook',
      kind: 'log',
      component: 'controller',
      description: "KIC's admission webhook refused an Enterprise-only KongPlugin: the gateway it validates against has no license",
      pattern: /denied the request: \S+ is an enterprise only plugin\b/,
      provenance: ['https://developer.konghq.com/support/kong-ingress-controller-deploying-the-kic-with-an-expired-license/', 'internal/admission/validator.go@v3.5.13'],
    },
    // not Kong's refusal of a write without a license: its status and message are not published
    // (Kong Gateway Enterprise is closed source), and a pattern guessed at would match nothing real
  ],
};

const SECURE_BY_DEFAULT_426 = 'a 426 in an access log is what any HTTPS-only route answers plain HTTP; no line says the route became HTTPS-only by a KIC upgrade';

/**
 * A scenario's signatures that diagnose does not read alone, with why: they prove the mode in a
 * run, where the harness made the fault, but say nothing about which fault in a user's files.
 */
export const RUN_ONLY: Readonly<Record<string, string>> = {
  'rollout-stuck': 'ProgressDeadlineExceeded is any Deployment that did not roll out',
  'kic-container-restarted': 'a restarted container has many causes',
  'config-apply-failed': 'KongConfigurationApplyFailed without its message or object names no failure mode; the field signatures attribute it by entity kind',
  // the only text a 426 leaves is Kong's access log line (kong_log_format, kong/templates/nginx_kong.lua@3.9.3),
  // which a route meant to be HTTPS-only writes for every plain-HTTP request (kong/runloop/handler.lua@3.9.3)
  'ingress-answers-426': SECURE_BY_DEFAULT_426,
  'httproute-answers-426': SECURE_BY_DEFAULT_426,
  'push-refused-by-kong': 'Kong answering a push with an HTTP error is any invalid object (400) or conflict (409) too; only a refusal that names the license is the unlicensed gateway',
};

/** undefined for a failure mode this table does not know yet */
export function fieldSignaturesOf(mode: string): readonly FieldSignature[] | undefined {
  return FIELD_SIGNATURES[mode];
}
