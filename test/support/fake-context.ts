/**
 * A scripted system for scenario tests. `FakeContext` implements ScenarioContext over a virtual
 * clock: each probe round returns what the test's `world` says the system looks like at that
 * moment, log lines and stream health appear on the timeline as virtual time passes them, and
 * every call the scenario makes is recorded, so that the world can react to it (an upgrade breaks
 * the sync, deleting plugins heals it) and the test can assert what the scenario did.
 * `runFake` drives a scenario through the real lifecycle and the real judge.
 */
import { expect } from 'chai';
import type { Component, Observation, Phase, StreamEntry } from '../../harness/evidence/types.ts';
import type { UpstreamTargets } from '../../harness/judge/admin-predicates.ts';
import { expectationFor } from '../../harness/judge/expectations.ts';
import { judge, type Judgement, type Outcome } from '../../harness/judge/outcome.ts';
import { verdictOf, type Verdict } from '../../harness/judge/verdict.ts';
import { componentNames } from '../../harness/kong/names.ts';
import type { KubeObject } from '../../harness/manifests/types.ts';
import type { Clock } from '../../harness/runner/clock.ts';
import { DEFAULT_INTERVAL_MS, observeFor, observeUntilSignature, runScenarioPhases, type Timeline } from '../../harness/runner/lifecycle.ts';
import type { Signature } from '../../harness/judge/signatures.ts';
import type { Admission, AdminOperations, DatabaseFaults, GatewayApiApply, NodeFault, Scenario, ScenarioContext, UpgradeChange } from '../../harness/runner/scenario.ts';
import { resolveTarget, type Target } from '../../harness/targets/target.ts';
import { loadVersions } from '../../harness/targets/versions.ts';

/** Virtual time starts here, so that evidence carries plausible epoch timestamps. */
const RUN_START = Date.UTC(2026, 10, 23, 10, 0, 0);

/** `now()` moves only through `sleep()`, which advances it and resolves at once. */
export class VirtualClock implements Clock {
  #now: number;

  constructor(
    start: number,
    private readonly onAdvance: () => void,
  ) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.#now += ms;
    this.onAdvance();
  }
}

type WithoutAt<T> = T extends unknown ? Omit<T, 'at'> : never;
/** An observation before the fake stamps it with the virtual time it was seen at. */
export type Sighting = WithoutAt<Observation>;

type CallDetail =
  | { op: 'apply' | 'remove' | 'createConcurrently'; objects: KubeObject[] }
  | { op: 'deletePods'; component: Component }
  | { op: 'restartGatewayContainers' }
  | { op: 'terminateNodeOf'; component: Component; how: NodeFault }
  | { op: 'restartWorkerNodes' }
  | { op: 'restartDeployment'; namespace: string; name: string }
  | { op: 'upgrade'; change: UpgradeChange }
  | { op: 'listPlugins' }
  | { op: 'deletePlugin'; id: string }
  | { op: 'createPlugin'; scope: string; name: string }
  | { op: 'list'; path: string }
  | { op: 'database'; action: 'cut' | 'restore' | 'stop' | 'start' | 'latency'; ms?: number }
  | { op: 'dropConnections'; port: number }
  | { op: 'tlsSecret'; namespace: string; name: string; hosts: string[] }
  | { op: 'applyGatewayApi'; version: string };
/** A call the scenario made through its context, with when and in which phase it made it. */
export type Call = CallDetail & { at: number; phase: Phase | undefined };
export type Operation = Call['op'];

/** What the world function sees: the time of the round and everything the scenario did so far. */
export interface WorldView {
  now: number;
  calls: readonly Call[];
  /** milliseconds since the scenario first called `op`; undefined while it has not */
  since(op: Operation): number | undefined;
}

/** What one probe round observes. */
export type World = (w: WorldView) => Sighting[];

/** A moment relative to the scenario's first call of an operation. */
export interface After {
  after: Operation;
  ms?: number;
}

/**
 * Evidence that is not probed but streamed (log lines, Events, stream health): it lands on the
 * timeline when virtual time passes `at`, and again every `every` ms until `until`, if given.
 */
export interface Happening {
  at: After;
  every?: number;
  until?: After;
  entry: Sighting;
}

/** A plugin row as the Admin API lists it. */
export type AdminPlugin = Awaited<ReturnType<AdminOperations['listPlugins']>>[number];

export interface Script {
  world: World;
  happenings?: Happening[];
  /** the plugins Kong holds, for the Admin API operations */
  plugins?: AdminPlugin[];
  /** operations that throw this error whenever the scenario calls them (after being recorded) */
  fail?: Partial<Record<Operation, Error>>;
  /** Admin API collections other than plugins, keyed by path (e.g. `/services`) */
  entities?: Record<string, { id: string; name?: string; tags?: string[] | null }[]>;
  /** how the API server answers concurrent creations; by default everything is admitted */
  admit?: (objects: KubeObject[]) => Admission[];
  /** the pods `deletePods` deletes, per component; by default one pod of its Deployment (two gateway pods for `restartGatewayContainers`) */
  pods?: Partial<Record<Component, string[]>>;
  /**
   * how the API server answers a Gateway API release's install, given the calls so far (this
   * one last); by default it is admitted
   */
  admitGatewayApi?: (version: string, calls: readonly Call[]) => GatewayApiApply;
}

export class FakeContext implements ScenarioContext {
  readonly namespace = 'kong-chaos';
  readonly calls: Call[] = [];
  readonly progressMessages: string[] = [];
  readonly clock: VirtualClock;
  readonly admin: AdminOperations;
  readonly database: DatabaseFaults;
  readonly #plugins: AdminPlugin[];
  /** how many occurrences of each happening are already on the timeline */
  readonly #emitted: number[];

  constructor(
    readonly target: Target,
    readonly variant: string | undefined,
    private readonly timeline: Timeline,
    private readonly script: Script,
    private readonly probeIntervalMs = DEFAULT_INTERVAL_MS,
  ) {
    this.clock = new VirtualClock(RUN_START, () => this.#emitHappenings());
    this.#plugins = [...(script.plugins ?? [])];
    this.#emitted = (script.happenings ?? []).map(() => 0);
    this.admin = {
      listPlugins: async () => {
        this.#call({ op: 'listPlugins' });
        return this.#plugins.map((p) => ({ ...p }));
      },
      deletePlugin: async (id) => {
        this.#call({ op: 'deletePlugin', id });
        const index = this.#plugins.findIndex((p) => p.id === id);
        if (index >= 0) this.#plugins.splice(index, 1);
      },
      createPlugin: async (scope, body) => {
        this.#call({ op: 'createPlugin', scope, name: body.name });
        const plugin = { id: `hand-made-${this.#plugins.length + 1}`, name: body.name, tags: body.tags ?? null };
        this.#plugins.push(plugin);
        return plugin;
      },
      list: async (path) => {
        this.#call({ op: 'list', path });
        return (path === '/plugins' ? this.#plugins : (script.entities?.[path] ?? [])).map((e) => ({ ...e }));
      },
    };
    const database = (action: 'cut' | 'restore' | 'stop' | 'start') => async () => this.#call({ op: 'database', action });
    this.database = {
      cut: database('cut'),
      restore: database('restore'),
      stop: database('stop'),
      start: database('start'),
      latency: async (ms) => this.#call({ op: 'database', action: 'latency', ms }),
    };
  }

  progress(message: string): void {
    this.progressMessages.push(message);
  }

  async apply(objects: KubeObject[]): Promise<void> {
    this.#call({ op: 'apply', objects });
  }

  async remove(objects: KubeObject[]): Promise<void> {
    this.#call({ op: 'remove', objects });
  }

  async tlsSecret(namespace: string, name: string, hosts: string[]): Promise<void> {
    this.#call({ op: 'tlsSecret', namespace, name, hosts });
  }

  async deletePods(component: Component): Promise<string[]> {
    this.#call({ op: 'deletePods', component });
    return this.script.pods?.[component] ?? [`${componentNames(this.target.topology)[component].deployment}-7c9f6d8b5d-4kq2x`];
  }

  async restartGatewayContainers(): Promise<string[]> {
    this.#call({ op: 'restartGatewayContainers' });
    const { deployment } = componentNames(this.target.topology).gateway;
    return this.script.pods?.gateway ?? [`${deployment}-7c9f6d8b5d-4kq2x`, `${deployment}-7c9f6d8b5d-9wz5t`];
  }

  async restartDeployment(namespace: string, name: string): Promise<void> {
    this.#call({ op: 'restartDeployment', namespace, name });
  }

  async upgrade(change: UpgradeChange): Promise<void> {
    this.#call({ op: 'upgrade', change });
  }

  async createConcurrently(objects: KubeObject[]): Promise<Admission[]> {
    this.#call({ op: 'createConcurrently', objects });
    return this.script.admit?.(objects) ?? objects.map((o) => ({ object: `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, admitted: true }));
  }

  async applyGatewayApi(version: string): Promise<GatewayApiApply> {
    this.#call({ op: 'applyGatewayApi', version });
    return this.script.admitGatewayApi?.(version, this.calls) ?? { version, admitted: true };
  }

  async terminateNodeOf(component: Component, how: NodeFault = 'kill'): Promise<string> {
    this.#call({ op: 'terminateNodeOf', component, how });
    return 'kong-chaos-worker2';
  }

  async restartWorkerNodes(): Promise<string[]> {
    this.#call({ op: 'restartWorkerNodes' });
    return ['kong-chaos-worker', 'kong-chaos-worker2'];
  }

  async probe(): Promise<Observation[]> {
    this.#emitHappenings();
    const at = this.clock.now();
    const round = this.script.world(this.#view()).map((s) => ({ ...s, at }) as Observation);
    for (const o of round) this.timeline.record(o);
    return round;
  }

  /** Scenario code stamps what it records with the real clock (Date.now()); the fake runs on virtual time. */
  record(entry: Observation): void {
    this.timeline.record({ ...entry, at: this.clock.now() });
  }

  /** Virtual time passes with probe rounds, as the real context keeps probing while it waits. */
  wait(ms: number): Promise<void> {
    return observeFor(ms, { ctx: this, clock: this.clock }, this.probeIntervalMs);
  }

  /** Virtual time passes with probe rounds until the signature reads bad on something new. */
  waitForSignature(signature: Signature, withinMs: number): Promise<boolean> {
    return observeUntilSignature(signature, withinMs, { ctx: this, clock: this.clock, timeline: this.timeline }, this.probeIntervalMs);
  }

  async dropConnections(port: number): Promise<string[]> {
    this.#call({ op: 'dropConnections', port });
    return ['kong-chaos-control-plane', 'kong-chaos-worker', 'kong-chaos-worker2'];
  }

  #call(call: CallDetail): void {
    const phase = this.timeline.entries.findLast((e) => e.kind === 'step' && e.state === 'start');
    this.calls.push({ ...call, at: this.clock.now(), phase: phase?.kind === 'step' ? phase.phase : undefined });
    const error = this.script.fail?.[call.op];
    if (error) throw error;
  }

  #view(): WorldView {
    const now = this.clock.now();
    return {
      now,
      calls: this.calls,
      since: (op) => {
        const first = this.#firstCallAt(op);
        return first === undefined ? undefined : now - first;
      },
    };
  }

  #firstCallAt(op: Operation): number | undefined {
    return this.calls.find((c) => c.op === op)?.at;
  }

  #resolve(moment: After): number | undefined {
    const first = this.#firstCallAt(moment.after);
    return first === undefined ? undefined : first + (moment.ms ?? 0);
  }

  /** Puts every occurrence of every happening that virtual time has reached onto the timeline, in time order. */
  #emitHappenings(): void {
    const now = this.clock.now();
    const due: Observation[] = [];
    (this.script.happenings ?? []).forEach((h, i) => {
      const start = this.#resolve(h.at);
      if (start === undefined) return;
      const stop = (h.until ? this.#resolve(h.until) : undefined) ?? Number.POSITIVE_INFINITY;
      for (;;) {
        const at = start + this.#emitted[i]! * (h.every ?? 0);
        if (at > now || at >= stop || (h.every === undefined && this.#emitted[i]! > 0)) break;
        due.push({ ...h.entry, at } as Observation);
        this.#emitted[i]! += 1;
      }
    });
    for (const o of due.sort((a, b) => a.at - b.at)) this.timeline.record(o);
  }
}

export interface FakeRunOptions extends Script {
  kic: string;
  mode?: string;
  topology?: string;
  /** the target's Gateway API release; the scenario's default otherwise */
  gatewayApi?: string;
  variant?: string;
}

export interface FakeRun {
  target: Target;
  entries: readonly Observation[];
  judgement: Judgement;
  verdict: Verdict;
  calls: readonly Call[];
  progress: readonly string[];
}

/**
 * Runs a scenario through the real lifecycle (setup → steady state → fault → observe →
 * remediate → recover) against a scripted system, then judges the timeline with the real judge
 * and the expectation table of the variant, if one is set.
 */
export async function runFake(scenario: Scenario, options: FakeRunOptions): Promise<FakeRun> {
  const { kic, mode, topology, gatewayApi, variant: variantName, ...script } = options;
  const variant = variantName === undefined ? undefined : scenario.variants[variantName];
  if (variantName !== undefined && !variant) throw new Error(`${scenario.id} has no variant "${variantName}"`);
  const target = resolveTarget(loadVersions(), { ...scenario.requires, ...variant?.requires }, { kic, mode, topology, ...(gatewayApi ? { gatewayApi } : {}) }, scenario.id);

  const entries: Observation[] = [];
  const timeline: Timeline = { entries, record: (o) => entries.push(o) };
  const ctx = new FakeContext(target, variantName, timeline, script, scenario.probes.intervalMs);
  await runScenarioPhases(scenario, { ctx, timeline, clock: ctx.clock });

  const judgement = judge(scenario.signatures, entries);
  const table = variant?.expectations ?? scenario.expectations;
  return {
    target,
    entries,
    judgement,
    verdict: verdictOf(expectationFor(table, target.kic), judgement.outcome),
    calls: ctx.calls,
    progress: ctx.progressMessages,
  };
}

/** Asserts the outcome and the verdict together; on a mismatch the message carries the judge's reason. */
export function expectJudged(run: FakeRun, expected: { outcome: Outcome; verdict: Verdict }): void {
  expect({ outcome: run.judgement.outcome, verdict: run.verdict }, `judge said: ${run.judgement.reason}`).to.deep.equal(expected);
}

/** One call as a line, objects as Kind/name or Kind/namespace/name: `remove GatewayClass/kong Gateway/ns/kong`. */
export function show(call: Call): string {
  switch (call.op) {
    case 'apply':
    case 'remove':
    case 'createConcurrently':
      return [call.op, ...call.objects.map((o) => [o.kind, o.metadata.namespace, o.metadata.name].filter(Boolean).join('/'))].join(' ');
    case 'deletePods':
      return `${call.op} ${call.component}`;
    case 'terminateNodeOf':
      return `${call.op} ${call.component}${call.how === 'kill' ? '' : ` ${call.how}`}`;
    case 'restartDeployment':
      return `${call.op} ${call.namespace}/${call.name}`;
    case 'upgrade':
      return `${call.op} ${Object.entries(call.change).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')}`;
    case 'listPlugins':
    case 'restartGatewayContainers':
    case 'restartWorkerNodes':
      return call.op;
    case 'deletePlugin':
      return `${call.op} ${call.id}`;
    case 'createPlugin':
      return `${call.op} ${call.name} at ${call.scope || '(global)'}`;
    case 'list':
      return `${call.op} ${call.path}`;
    case 'database':
      return `database ${call.action}${call.ms === undefined ? '' : ` ${call.ms}ms`}`;
    case 'dropConnections':
      return `${call.op} ${call.port}`;
    case 'tlsSecret':
      return `${call.op} ${call.namespace}/${call.name} ${call.hosts.join(',')}`;
    case 'applyGatewayApi':
      return `${call.op} ${call.version}`;
  }
}

/** The calls the scenario made during one phase, as lines. */
export function callsIn(run: Pick<FakeRun, 'calls'>, phase: Phase): string[] {
  return run.calls.filter((c) => c.phase === phase).map(show);
}

// ---- realistic evidence ----------------------------------------------------------------------

/** A traffic-probe request that got an HTTP answer; only `expectStatus` (200) counts as ok. */
export function routeAnswer(route: string, status: number, latencyMs = 4): Sighting {
  return { kind: 'route', route, ok: status === 200, status, latencyMs };
}

/** One status condition of a Gateway (or, with `listener`, of one of its listeners). */
export function gatewayCondition(
  gateway: { namespace: string; name: string },
  condition: { type: string; status: 'True' | 'False' | 'Unknown'; reason: string; message?: string; listener?: string },
): Sighting {
  const { listener, ...rest } = condition;
  return { kind: 'condition', object: { kind: 'Gateway', ...gateway }, ...(listener ? { scope: `listener/${listener}` } : {}), ...rest };
}

/** The `upstream-targets` Admin API snapshot (see harness/judge/admin-predicates.ts). */
export function upstreamTargets(rows: UpstreamTargets[]): Sighting {
  return { kind: 'admin', query: 'upstream-targets', data: rows };
}

const DEFAULT_CONTAINER: Record<Component, string> = { controller: 'ingress-controller', gateway: 'proxy' };

/** A line from a component's container; the pod defaults to the single-topology `kong-kong` Deployment. */
export function logLine(component: Component, line: string, pod = 'kong-kong-6b8d9c7f5-q2w4e'): Sighting {
  return { kind: 'log', component, pod, container: DEFAULT_CONTAINER[component], line };
}

export function streamState(stream: string, state: StreamEntry['state'], message?: string): Sighting {
  return { kind: 'stream', stream, state, ...(message ? { message } : {}) };
}

/**
 * One gateway pod read directly in a probe round (harness/probes/convergence.ts): its Kong
 * `configuration_hash` (omit it for DB mode) and the status each route answered on that pod.
 */
export function podConfig(pod: string, configHash: string | undefined, routes: Record<string, { status: number; ok: boolean }>, ready = true): Sighting {
  return {
    kind: 'pod-config',
    pod,
    ready,
    ...(configHash !== undefined ? { configHash } : {}),
    routes: Object.entries(routes).map(([route, answer]) => ({ route, ...answer })),
  };
}
