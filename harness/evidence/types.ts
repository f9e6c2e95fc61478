/**
 * The evidence timeline: everything a run saw, in the order it saw it. Every entry carries
 * `at` (epoch milliseconds). A bundle is these entries as JSON Lines, so that the judge can be
 * re-run offline (`replay`) on exactly what a run recorded.
 */

export type Phase =
  | 'provision'
  | 'install'
  | 'setup'
  | 'steady-state'
  | 'fault'
  | 'observe'
  | 'remediate'
  | 'recover'
  | 'cleanup'
  | 'judge'
  | 'diagnostics'
  | 'teardown';

export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
}

/** Which part of the Kong install a container belongs to, so signatures can name it. */
export type Component = 'controller' | 'gateway';

export interface StepEntry {
  kind: 'step';
  at: number;
  phase: Phase;
  state: 'start' | 'end' | 'fail';
  message?: string;
}

export interface LogEntry {
  kind: 'log';
  at: number;
  component: Component;
  pod: string;
  container: string;
  line: string;
}

export interface EventEntry {
  kind: 'event';
  at: number;
  type: string;
  reason: string;
  message: string;
  object: ObjectRef;
  count?: number;
}

/** One status condition as read from an object; `scope` narrows it, e.g. `listener/http`. */
export interface ConditionEntry {
  kind: 'condition';
  at: number;
  object: ObjectRef;
  scope?: string;
  type: string;
  status: string;
  reason: string;
  message?: string;
}

/** One request through the proxy to a route the scenario cares about. */
export interface RouteEntry {
  kind: 'route';
  at: number;
  route: string;
  ok: boolean;
  status?: number;
  error?: string;
  latencyMs: number;
}

/** A snapshot of Admin API state, named by the query that produced it. */
export interface AdminEntry {
  kind: 'admin';
  at: number;
  query: string;
  data: unknown;
}

/**
 * How one request of the traffic probe ended. HTTP failures keep their code (`http-503`);
 * the class is then `http-4xx` / `http-5xx`. `unanswered`: still waiting for an answer when the
 * probe was stopped (Ctrl-C), so a target that hangs shows as failing, not as nothing sent.
 * `unreachable`: no route to the host or network; `protocol`: the answer was not valid HTTP;
 * `local`: the probe's own machine ran out of ports, file descriptors or buffers (a probe limit,
 * not the target's); `other`: anything else (the README lists the codes behind each class).
 */
export type ErrorClass =
  | 'connect-refused'
  | 'reset'
  | 'timeout'
  | 'dns'
  | 'tls'
  | 'unreachable'
  | 'protocol'
  | 'local'
  | 'unanswered'
  | 'http-4xx'
  | 'http-5xx'
  | 'other';

/** One interval of the probe (default 100 ms), by scheduled time. */
export interface TrafficBucket {
  start: number;
  sent: number;
  ok: number;
  /** error counts by key: an ErrorClass, or `http-<code>` for HTTP failures */
  errors: Record<string, number>;
  p99Ms: number | null;
}

/**
 * A contiguous failing stretch, from its first to its last failed request; one still failing
 * when the probe (or the window) stopped is `open` and ends at that stop.
 */
export interface OutageWindow {
  start: number;
  end: number;
  /** absent in bundles written before it was recorded */
  open?: boolean;
  durationMs: number;
  errors: Record<string, number>;
}

/** What the traffic probe measured over [from, to]. Times are epoch milliseconds. */
export interface TrafficSummary {
  from: number;
  to: number;
  targetRate: number;
  achievedRate: number;
  sent: number;
  ok: number;
  successRatio: number;
  /** of the successful requests; null when none succeeded */
  latencyMs: { p50: number | null; p90: number | null; p99: number | null; max: number | null };
  errors: Record<string, number>;
  outages: OutageWindow[];
  buckets: TrafficBucket[];
}

/**
 * How the traffic probe itself held up over the same stretch. `saturated`: it fell behind its
 * schedule (lag or event-loop delay p99 over 100 ms, requests it never sent, or its machine out of
 * ports or file descriptors), so the stretch's success, latency and outages are not evidence about
 * the target; the judge reads such an entry as inconclusive.
 */
export interface ProbeLoad {
  saturated: boolean;
  /** start − scheduled of the requests sent, ms; null when none was sent */
  scheduleLagMs: { p50: number | null; p99: number | null; max: number | null };
  /** Node's event-loop delay, ms */
  eventLoopDelayMs: { p99: number; max: number };
  /** requests the schedule called for that the probe never sent (more than a second behind, or stopped) */
  unsent: number;
  /** where it ran more than 100 ms late or skipped requests, by scheduled time */
  windows: { start: number; end: number }[];
}

export interface TrafficEntry extends TrafficSummary {
  kind: 'traffic';
  at: number;
  /** the URL (and Host) the probe sent to */
  target: string;
  /** absent in bundles written before it was recorded */
  probe?: ProbeLoad;
}

export interface FaultEntry {
  kind: 'fault';
  at: number;
  name: string;
  detail?: string;
}

/** Health of an evidence stream (log follow, event watch): a gap makes a verdict doubtful. */
export interface StreamEntry {
  kind: 'stream';
  at: number;
  stream: string;
  state: 'open' | 'dropped' | 'reopened' | 'closed';
  message?: string;
}

/**
 * Something a scenario established itself and wants judged, e.g. how many of several objects
 * created at once were admitted. `fact` signatures read it.
 */
export interface FactEntry {
  kind: 'fact';
  at: number;
  name: string;
  value: unknown;
}

/** One of the scenario's routes sent to one gateway pod's proxy port directly, not through the Service. */
export interface PodRouteAnswer {
  route: string;
  ok: boolean;
  status?: number;
  error?: string;
}

/**
 * One gateway pod's own view of its configuration in one probe round, read from the pod itself.
 * Every pod of a round carries the same `at`, so that a round can be compared pod by pod.
 */
export interface PodConfigEntry {
  kind: 'pod-config';
  at: number;
  pod: string;
  /** Ready in Kubernetes: only a Ready pod is behind the proxy Service */
  ready: boolean;
  /**
   * Kong's `configuration_hash` on `GET /status` (DB-less and hybrid data planes only:
   * kong/api/routes/health.lua@3.9.1 and @3.9.3); absent in DB mode, where Kong reports none
   */
  configHash?: string;
  /** the scenario's routes through this pod's proxy port */
  routes: PodRouteAnswer[];
  /** why the pod could not be read this round; it then says nothing either way */
  error?: string;
}

/**
 * What one KIC instance last pushed successfully to a gateway, from its diagnostics server
 * (`--dump-config`, `GET /debug/config/successful`). KIC's hash is its own SHA-256 of the decK
 * content, not Kong's MD5 of the body Kong received, so the two are never compared; the hash
 * changing marks a push.
 */
export interface KicPushEntry {
  kind: 'kic-push';
  at: number;
  pod: string;
  /** hex of the hash as served; absent while KIC has pushed nothing successfully (204) */
  hash?: string;
  error?: string;
}

export interface NoteEntry {
  kind: 'note';
  at: number;
  message: string;
}

export type Observation =
  | StepEntry
  | LogEntry
  | EventEntry
  | ConditionEntry
  | RouteEntry
  | AdminEntry
  | TrafficEntry
  | FaultEntry
  | StreamEntry
  | FactEntry
  | PodConfigEntry
  | KicPushEntry
  | NoteEntry;

/** What a run was against; mirrors targets/Target but kept as plain data for the bundle. */
export interface RunTarget {
  k8s: string;
  kic: string;
  gateway: string;
  mode: 'dbless' | 'postgres';
  topology: 'single' | 'split' | 'hybrid';
  featureGates: string[];
  /** absent in bundles written before Gateway API became a target dimension */
  gatewayApi?: string;
}

/** First line of every bundle. */
export interface RunHeader {
  kind: 'run';
  at: number;
  runId: string;
  scenario: string;
  variant?: string;
  target: RunTarget;
  harness: string;
}
