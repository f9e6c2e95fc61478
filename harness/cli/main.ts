import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EnvironmentError, oneLine, UserError } from '../errors.ts';
import { list } from './list.ts';
import { plan } from './plan.ts';
import { replay } from './replay.ts';
import type { BisectFlags } from './bisect.ts';
import type { GateFlags } from './gate.ts';
import type { MatrixFlags } from './matrix.ts';
import type { RunFlags } from './run.ts';
import { DEFAULT_TRAFFIC_RATE } from '../runner/defaults.ts';

function targetOptions(cmd: Command): Command {
  return cmd
    .option('--k8s <version>', 'Kubernetes version (minor, e.g. 1.33)')
    .option('--kic <version>', 'Kong Ingress Controller version, from versions.yaml')
    .option('--gateway <version>', 'Kong Gateway version, from versions.yaml')
    .addOption(new Option('--mode <mode>', 'database mode: dbless or postgres'))
    .addOption(new Option('--topology <topology>', 'single, split or hybrid'))
    .option('--feature-gates <gates>', 'KIC feature gates, e.g. FallbackConfiguration=true')
    .option('--variant <name>', 'a variant of the scenario (see list)');
}

/** Commander quotes the argument it rejects; `Number` alone would turn "abc" into a silent NaN. */
function positive(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

/** The options of every command that runs on kind: where results go, tools, diagnostics. */
function runnerOptions(cmd: Command, outWhat: string): Command {
  return cmd
    .option('--out <dir>', `where ${outWhat} go`, 'runs')
    .option('--install-tools', 'install missing kind, kubectl and helm into .cache/bin (pinned, sha256-checked)')
    .option('--diagnostics', 'collect diagnostics even when the verdict is pass');
}

// Commands that need Docker, the network or the Kubernetes client load their modules only when
// they run, so that `list`, `plan` and `replay` start fast.
function program(setExit: (code: number) => void): Command {
  const root = new Command('kong-chaos')
    .description('Chaos and regression harness for Kong Gateway and the Kong Ingress Controller')
    .exitOverride()
    .showHelpAfterError(false)
    // one line even when commander adds a suggestion line or echoes an argument with a newline in it
    .configureOutput({ outputError: (text, write) => write(`kong-chaos: ${text.replace(/^error: /, '').replace(/\s+/g, ' ').trim()}\n`) });

  root
    .command('list')
    .description('list the scenarios of the failure-mode catalog')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => setExit(list(Boolean(o.json))));

  targetOptions(root.command('plan').argument('<scenario>').description('show what a run would do, offline'))
    .option('--json', 'machine-readable output')
    .action((id: string, o: Record<string, string | boolean>) => setExit(plan(id, o)));

  runnerOptions(targetOptions(root.command('run').argument('<scenario...>').description('run scenarios on a kind cluster (needs Docker)')), 'run directories')
    .option('--keep-cluster', 'leave the cluster (and Postgres) running after the run')
    .option('--reuse-cluster <name>', 'run on an existing kind cluster made by kong-chaos instead of creating one')
    .option('--kubeconfig <file>', 'run on an existing cluster given by a kubeconfig')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('--traffic-rate <rps>', 'steady traffic through the scenario routes during the run, requests per second (0: none)', String(DEFAULT_TRAFFIC_RATE))
    .action(async (ids: string[], o: RunFlags) => setExit(await (await import('./run.ts')).run(ids, o)));

  const matrix = root
    .command('matrix')
    .description('run scenarios × targets on kind, sharded, with shared clusters')
    .option('--scenarios <ids>', 'comma-separated scenario ids (default: all)')
    .option('--kic <versions>', 'comma-separated KIC versions (default: newest per minor + expectation boundaries)')
    .option('--modes <modes>', 'comma-separated: dbless,postgres')
    .option('--k8s <versions>', 'comma-separated Kubernetes minors')
    .option('--shard <i/n>', 'run only shard i of n')
    .option('--shards <n>', 'shard count for --emit-github-matrix')
    .option('--repeat <n>', 'runs per case, for flake rates', '1')
    .option('--dry-run', 'print cases, cluster groups and shards; run nothing')
    .option('--emit-github-matrix', 'print the strategy.matrix JSON')
    .option('--collect <dir>', 'merge shard reports found under dir')
    .option('--json', 'dry run as JSON');
  runnerOptions(matrix, 'run directories and reports').action(async (o: MatrixFlags) => setExit(await (await import('./matrix.ts')).matrix(o)));

  const gate = root
    .command('gate')
    .description('upgrade gate: A → B under traffic, then the catalog scenarios on B')
    .requiredOption('--from <version>', 'KIC, Kong, or KIC/KONG with --component both')
    .requiredOption('--to <version>', 'same form as --from')
    .option('--component <c>', 'kic, gateway or both', 'kic')
    .option('--mode <mode>', 'dbless or postgres')
    .option('--dry-run', 'print the plan; run nothing');
  runnerOptions(gate, 'run directories and gate.md').action(async (o: GateFlags) => setExit(await (await import('./gate.ts')).gate(o)));

  const bisect = targetOptions(root.command('bisect').argument('<scenario>').description('the first KIC version between good and bad whose outcome differs'))
    .requiredOption('--good <version>', 'KIC version with the reference outcome')
    .requiredOption('--bad <version>', 'KIC version with the changed outcome')
    .option('--dry-run', 'print versions and first probes; run nothing')
    .option('--json', 'dry run as JSON');
  runnerOptions(bisect, 'run directories').action(async (id: string, o: BisectFlags) => setExit(await (await import('./bisect.ts')).bisect(id, o)));

  root
    .command('doctor')
    .description('check Docker, tools, memory and ports')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => setExit(await (await import('./doctor.ts')).doctor(Boolean(o.json))));

  root
    .command('cleanup')
    .description('remove clusters and containers that kong-chaos runs left behind')
    .option('--older-than <age>', 'only what is older than this (90s, 30m, 2h, 1d)', '2h')
    .option('--dry-run', 'list what would be removed, remove nothing')
    .action(async (o: { olderThan: string; dryRun?: boolean }) => setExit(await (await import('./cleanup.ts')).cleanup({ olderThan: o.olderThan, dryRun: Boolean(o.dryRun) })));

  root
    .command('replay')
    .argument('<run-dir>')
    .description('re-judge a run directory offline with the current scenario definitions')
    .option('--json', 'machine-readable output')
    .action((dir: string, o: { json?: boolean }) => setExit(replay(dir, Boolean(o.json))));

  root
    .command('probe')
    .description('open-model HTTP traffic against a URL: rate, success, latency percentiles, outage windows')
    .requiredOption('--url <url>', 'where to send requests')
    .option('--rate <n>', 'requests per second', positive, 100)
    .option('--duration <s>', 'seconds', positive, 30)
    .option('--timeout <s>', 'per-request deadline in seconds (default 5)', positive)
    .option('--host <host>', 'Host header')
    .option('--insecure', 'accept any TLS certificate')
    .option('--json', 'machine-readable output')
    .action(async (o: { url: string; rate: number; duration: number; timeout?: number; host?: string; insecure?: boolean; json?: boolean }) =>
      setExit(
        await (await import('./probe.ts')).probe({
          url: o.url,
          rate: o.rate,
          durationS: o.duration,
          ...(o.timeout !== undefined ? { timeoutS: o.timeout } : {}),
          ...(o.host ? { host: o.host } : {}),
          json: Boolean(o.json),
          insecure: Boolean(o.insecure),
        }),
      ),
    );

  root
    .command('diagnose')
    .argument('<file...>')
    .description('match your own KIC/Kong logs, Events and Gateway objects against the catalog, offline')
    .option('--json', 'machine-readable output')
    .action(async (files: string[], o: { json?: boolean }) => setExit(await (await import('./diagnose.ts')).diagnose(files, Boolean(o.json))));

  return root;
}

/**
 * Runs the CLI and returns the exit code: 0 all pass or observed, 1 a verdict mismatch,
 * 2 bad input, 3 an environment or prerequisite problem. Expected failures print one line,
 * never a stack trace.
 */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  try {
    await program((c) => (code = c)).parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UserError || error instanceof EnvironmentError) {
      console.error(`kong-chaos: ${oneLine(error)}`);
      return error.exitCode;
    }
    console.error('kong-chaos: internal error (a bug in kong-chaos; please report it):');
    console.error(error);
    return 70;
  }
}
