/**
 * Everything a real `kong-chaos run` meets, faked on this machine, so the CLI can be run as a
 * child process and interrupted at any phase: stub `kind`, `helm`, `kubectl` and `docker` that
 * answer `version` with the pinned versions and record every call, a fake Kubernetes API that
 * `kind create cluster` "creates" (its kubeconfig points there), and the two Kong Deployments
 * seeded Available so the install phase can finish.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { componentNames, KONG_NAMESPACE } from '../../harness/kong/names.ts';
import { GATEWAY_API } from '../../harness/manifests/gateway-api.ts';
import { loadVersions } from '../../harness/targets/versions.ts';
import { FakeKubeApi, kubeconfigFor, type Kind } from './fake-kube-api.ts';
import { StubTools, type StubCall } from './stub-tools.ts';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CLI = join(REPO, 'bin', 'kong-chaos.js');
export const TOOLS = ['kind', 'helm', 'kubectl', 'docker'] as const;
/**
 * How long a test waits for the CLI to reach a point (a phase, a call): generous, because starting
 * the CLI through tsx on a busy 2-core machine alone can take many seconds. Waiting longer for a
 * thing to happen asserts nothing less; how fast the CLI leaves after Ctrl-C is timed apart.
 */
export const WAIT_MS = 45_000;

/** What the gateway-listener-stuck scenario, an existing-cluster run and missing-crds' CRD removal touch, beyond the fake's built-in kinds. */
const EXTRA_KINDS: Kind[] = [
  { apiVersion: 'v1', kind: 'Node', plural: 'nodes', namespaced: false },
  { apiVersion: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true },
  { apiVersion: GATEWAY_API, kind: 'GatewayClass', plural: 'gatewayclasses', namespaced: false },
  { apiVersion: GATEWAY_API, kind: 'Gateway', plural: 'gateways', namespaced: true },
  { apiVersion: GATEWAY_API, kind: 'HTTPRoute', plural: 'httproutes', namespaced: true },
  { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false },
];

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A Deployment as deploymentAvailable (harness/k8s/wait.ts) accepts it: settled, every replica updated and available, no old one left. */
export function availableDeployment(namespace: string, name: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, generation: 1 },
    spec: { replicas: 1 },
    status: { observedGeneration: 1, replicas: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1, conditions: [{ type: 'Available', status: 'True' }] },
  };
}

export interface CliRun {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** resolves with the exit code (null when killed by a signal) */
  exited: Promise<number | null>;
  /** resolves once stderr has a line matching `pattern` */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export class StubWorld {
  private constructor(
    readonly api: FakeKubeApi,
    readonly stubs: StubTools,
    /** a kubeconfig pointing at the fake API, for `--kubeconfig` runs and for `kind create` to copy */
    readonly kubeconfig: string,
    readonly scratch: string,
  ) {}

  static async start(): Promise<StubWorld> {
    const api = await FakeKubeApi.start({ kinds: EXTRA_KINDS });
    const stubs = await StubTools.install(TOOLS);
    const scratch = await mkdtemp(join(tmpdir(), 'kong-chaos-world-'));
    const kubeconfig = join(scratch, 'fake-kubeconfig');
    await writeFile(kubeconfig, kubeconfigFor(api.url));
    const world = new StubWorld(api, stubs, kubeconfig, scratch);
    await world.writeHooks();
    world.seedKong();
    return world;
  }

  async stop(): Promise<void> {
    for (const tool of TOOLS) this.stubs.behave(tool, {});
    await this.stubs.restore();
    await this.api.close();
    await rm(this.scratch, { recursive: true, force: true });
  }

  /** The Kong Deployments of the split topology, ready as if the Helm install had rolled them out. */
  seedKong(): void {
    const names = componentNames('split');
    for (const d of [names.controller.deployment, names.gateway.deployment]) this.api.upsert(availableDeployment(KONG_NAMESPACE, d));
  }

  /**
   * Stub answers: each tool prints its pinned version; `kind create cluster` writes the fake
   * API's kubeconfig where --kubeconfig says; `kubectl describe` and `kubectl get events` print
   * the files `describe.txt` and `events.json` in the scratch dir when they exist.
   */
  private async writeHooks(): Promise<void> {
    const tools = loadVersions().tools;
    const describe = join(this.scratch, 'describe.txt');
    const events = join(this.scratch, 'events.json');
    await this.stubs.hook('kind', [
      `if [ "$1" = version ]; then echo ${shellQuote(`kind ${tools.kind.version} go1.24.0 linux/amd64`)}; exit 0; fi`,
      'if [ "$1" = create ]; then',
      '  prev=; for a in "$@"; do if [ "$prev" = --kubeconfig ]; then cp ' + shellQuote(this.kubeconfig) + ' "$a"; fi; prev=$a; done',
      'fi',
      '',
    ].join('\n'));
    await this.stubs.hook('helm', `if [ "$1" = version ]; then echo ${shellQuote(`${tools.helm.version}+g0000000`)}; fi\n`);
    await this.stubs.hook('kubectl', [
      `if [ "$1" = version ]; then echo ${shellQuote(`Client Version: ${tools.kubectl.version}`)}; exit 0; fi`,
      `if [ "$1" = describe ] && [ -f ${shellQuote(describe)} ]; then cat ${shellQuote(describe)}; exit 0; fi`,
      `if [ "$1" = get ]; then if [ -f ${shellQuote(events)} ]; then cat ${shellQuote(events)}; else echo '{"items":[]}'; fi; fi`,
      '',
    ].join('\n'));
    await this.stubs.hook('docker', `if [ "$1" = version ]; then echo 28.0.0; fi\n`);
  }

  /** Text `kubectl describe` prints from now on. */
  async describeOutput(text: string): Promise<void> {
    await writeFile(join(this.scratch, 'describe.txt'), text);
  }

  /** JSON `kubectl get events -o json` prints from now on. */
  async eventsOutput(list: unknown): Promise<void> {
    await writeFile(join(this.scratch, 'events.json'), JSON.stringify(list));
  }

  /** Runs `kong-chaos <args>` with the stubs first on PATH and in KONG_CHAOS_BIN_DIR. */
  /**
   * kind and docker as a run meets clusters that outlive it: kind lists the clusters named in
   * `clustersFile` (and, when `recordCreates`, adds each one `kind create` makes, with this
   * world's kubeconfig), serves this world's kubeconfig, and docker reports the node running.
   */
  async hookOutlivingClusters(clustersFile: string, recordCreates: boolean, node = 'n'): Promise<void> {
    await this.stubs.hook('kind', [
      `if [ "$1" = version ]; then echo 'kind v0.31.0 go1.24.0 linux/amd64'; exit 0; fi`,
      ...(recordCreates
        ? [
            'if [ "$1" = create ]; then',
            `  prev=; for a in "$@"; do if [ "$prev" = --kubeconfig ]; then cp '${this.kubeconfig}' "$a"; fi; if [ "$prev" = --name ]; then echo "$a" >> '${clustersFile}'; fi; prev=$a; done`,
            'fi',
          ]
        : []),
      `if [ "$1 $2" = "get clusters" ]; then cat '${clustersFile}'; exit 0; fi`,
      `if [ "$1 $2" = "get kubeconfig" ]; then cat '${this.kubeconfig}'; exit 0; fi`,
      '',
    ].join('\n'));
    await this.stubs.hook('docker', [
      `if [ "$1" = version ]; then echo 28.0.0; exit 0; fi`,
      `if [ "$1" = inspect ]; then echo '[{"Id":"x","Name":"/${node}","State":{"Status":"running","Running":true,"Pid":1},"Config":{"Labels":null},"NetworkSettings":{"Ports":{}}}]'; exit 0; fi`,
      '',
    ].join('\n'));
  }

  spawnCli(args: string[], env: Record<string, string> = {}): CliRun {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO,
      env: { ...process.env, PATH: `${this.stubs.dir}:${process.env.PATH ?? ''}`, KONG_CHAOS_BIN_DIR: this.stubs.dir, CI: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    return {
      child,
      get stdout() {
        return stdout;
      },
      get stderr() {
        return stderr;
      },
      exited,
      waitForStderr: (pattern, timeoutMs = WAIT_MS) =>
        until(() => pattern.test(stderr), `stderr to match ${pattern}`, timeoutMs, () => `stderr so far:\n${stderr}`),
    };
  }

  /** Resolves once a stub call matches, with the number of calls recorded up to and including it. */
  async waitForCall(match: (c: StubCall) => boolean, what: string, timeoutMs = WAIT_MS): Promise<number> {
    let index = -1;
    await until(async () => (index = (await this.stubs.calls()).findIndex(match)) !== -1, what, timeoutMs);
    return index + 1;
  }
}

/** Polls `check` every 50 ms; fails naming `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = WAIT_MS, detail?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${detail ? `; ${detail()}` : ''}`);
    await sleep(50);
  }
}

/** The single run directory `run --out dir` made. */
export async function runDirIn(outDir: string): Promise<string> {
  const entries = (await readdir(outDir, { withFileTypes: true })).filter((e) => e.isDirectory());
  if (entries.length !== 1) throw new Error(`expected one run directory in ${outDir}, found ${entries.map((e) => e.name).join(', ') || 'none'}`);
  return join(outDir, entries[0]!.name);
}

/** Whether a process with this pid still exists (a zombie counts as gone only once reaped). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export { CLI };

/** What a test of a file that drives the CLI against stubs works with; fresh for every test. */
export interface StubTest {
  world: StubWorld;
  out: string;
  /** the CLI the test started, killed after the test if it is still running */
  run: CliRun | undefined;
}

/**
 * beforeEach / afterEach for such a file: a new world and output directory per test, and no CLI
 * child or hung stub left behind after it, whatever the test asserted.
 */
export function withStubWorld(outPrefix: string): StubTest {
  const t = {} as StubTest;
  beforeEach(async () => {
    t.world = await StubWorld.start();
    t.out = await mkdtemp(join(tmpdir(), outPrefix));
    t.run = undefined;
  });
  afterEach(async () => {
    const { run } = t;
    if (run && run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    for (const h of await t.world.stubs.hung()) if (alive(h.pid)) process.kill(h.pid, 'SIGKILL');
    await t.world.stop();
    await rm(t.out, { recursive: true, force: true });
  });
  return t;
}
