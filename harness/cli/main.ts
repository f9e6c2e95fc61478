import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EnvironmentError, oneLine, UserError } from '../errors.ts';
import type { BisectFlags } from './bisect.ts';
import type { GateFlags } from './gate.ts';
import type { MatrixFlags } from './matrix.ts';
import type { RunFlags } from './run.ts';
import { DEFAULT_TRAFFIC_RATE } from '../runner/defaults.ts';
import { LICENSE_ENV } from '../targets/edition.ts';

/** The target flags; bisect picks the KIC versions itself, so it leaves out `--kic`. */
function targetOptions(cmd: Command, { kic = true } = {}): Command {
  if (kic) cmd.option('--kic <version>', 'Kong Ingress Controller version from versions.yaml, or a line (3.5) for its newest');
  return cmd
    .option('--k8s <version>', 'Kubernetes version: a pinned release (1.33.7) or a line (1.33)')
    .option('--gateway <version>', 'Kong Gateway version from versions.yaml, or a line for its newest: 3.9 (OSS kong), 3.14 (Enterprise kong/kong-gateway, needs a license)')
    .option('--gateway-api <version>', 'Gateway API release (standard channel) for scenarios that install it: 1.3.0 (default), 1.5.1, 1.6.1, or a line (1.6)')
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
    .option('--license-file <file>', `the Kong Gateway Enterprise license for kong/kong-gateway targets (else ${LICENSE_ENV})`)
    .option('--diagnostics', 'collect diagnostics even when the verdict is pass');
}

/**
 * Commander checks required options before arguments, so `bisect` alone would name `--good`
 * before the scenario it needs first; these options are checked once the arguments are in.
 */
function requiredAfterArguments(cmd: Command, ...flags: string[]): void {
  cmd.hook('preAction', (c) => {
    for (const option of c.options.filter((o) => o.long !== undefined && flags.includes(o.long))) {
      if (c.getOptionValue(option.attributeName()) === undefined) c.error(`error: required option '${option.flags}' not specified`, { code: 'commander.missingMandatoryOptionValue' });
    }
  });
}

const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

// Each command loads its modules only when it runs (in the bundle, a chunk of its own), so that
// `--version` or `diagnose` does not pay for the Kubernetes client, ajv or the scenario catalog.
function program(setExit: (code: number) => void): Command {
  const root = new Command('kong-chaos')
    .description('Chaos and regression harness for Kong Gateway and the Kong Ingress Controller')
    .version(PACKAGE.version, '-V, --version', 'print the kong-chaos version')
    .exitOverride()
    .showHelpAfterError(false)
    // one line even when commander adds a suggestion line or echoes an argument with a newline in it
    .configureOutput({ outputError: (text, write) => write(`kong-chaos: ${text.replace(/^error: /, '').replace(/\s+/g, ' ').trim()}\n`) });

  root
    .command('list')
    .description('list the scenarios of the failure-mode catalog')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => setExit((await import('./list.ts')).list(Boolean(o.json))));

  targetOptions(root.command('plan').argument('<scenario>').description('show what a run would do, offline'))
    .option('--license-file <file>', `the Kong Gateway Enterprise license for kong/kong-gateway targets (else ${LICENSE_ENV})`)
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: Record<string, string | boolean>) => setExit((await import('./plan.ts')).plan(id, o)));

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
    .option('--kic <versions>', 'comma-separated KIC versions or lines (3.5: its newest) (default: newest per line + expectation boundaries)')
    .option('--modes <modes>', 'comma-separated: dbless,postgres')
    .option('--k8s <versions>', 'comma-separated Kubernetes versions: pinned releases (1.33.7) or lines (1.33)')
    .option('--gateway <versions>', 'comma-separated Kong Gateway versions or lines, OSS or Enterprise (3.14: needs a license) (default: the pinned OSS default)')
    .option('--gateway-api <versions>', 'comma-separated Gateway API releases or lines (1.6) for the scenarios that install it (default: 1.3.0 and the newest pinned)')
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
    .requiredOption('--from <version>', 'KIC, Kong, or KIC/KONG with --component both; a line (3.4) means its newest')
    .requiredOption('--to <version>', 'same form as --from; an older version or build is refused')
    .option('--component <c>', 'kic, gateway or both', 'kic')
    .option('--mode <mode>', 'dbless or postgres')
    .option('--dry-run', 'print the plan; run nothing');
  runnerOptions(gate, 'run directories and gate.md').action(async (o: GateFlags) => setExit(await (await import('./gate.ts')).gate(o)));

  const bisect = targetOptions(root.command('bisect').argument('<scenario>').description('the first KIC version between good and bad whose outcome differs'), { kic: false })
    .option('--good <version>', 'KIC version with the reference outcome (required)')
    .option('--bad <version>', 'KIC version with the changed outcome (required)')
    .option('--dry-run', 'print versions and first probes; run nothing')
    .option('--json', 'dry run as JSON');
  requiredAfterArguments(bisect, '--good', '--bad');
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
    .action(async (dir: string, o: { json?: boolean }) => setExit((await import('./replay.ts')).replay(dir, Boolean(o.json))));

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

  for (const cmd of [root, ...root.commands]) {
    const examples = EXAMPLES[cmd === root ? '' : cmd.name()];
    if (examples) cmd.addHelpText('after', `\nExample${examples.length === 1 ? '' : 's'}:\n${examples.map((e) => `  $ kong-chaos ${e}`).join('\n')}`);
  }
  return root;
}

/** What each `--help` ends with: a command line that works as written (a test runs the offline ones). */
export const EXAMPLES: Record<string, string[]> = {
  '': ['list', 'plan gateway-listener-stuck --kic 3.4.3', 'run gateway-listener-stuck --kic 3.4.3 --install-tools'],
  list: ['list', 'list --json'],
  plan: ['plan gateway-listener-stuck --kic 3.4.3', 'plan gateway-listener-stuck --k8s 1.36 --gateway-api 1.6', 'plan plugin-id-drift --mode postgres --kic 3.4.5 --json'],
  run: ['run gateway-listener-stuck --kic 3.4.3 --install-tools', 'run plugin-id-drift --mode postgres --kic 3.4 --k8s 1.33 --keep-cluster'],
  matrix: ['matrix --dry-run --scenarios gateway-listener-stuck,plugin-id-drift --kic 3.4,3.5', 'matrix --dry-run --gateway 3.10,3.14,3.15 --kic 3.5 --modes dbless', 'matrix --shard 1/4 --install-tools --out runs'],
  gate: ['gate --from 3.5.12 --to 3.5.13 --dry-run', `gate --component both --from 3.5.12/3.9.0 --to 3.5.13/3.9.1 --mode postgres`],
  bisect: ['bisect gateway-listener-stuck --good 3.4.3 --bad 3.4.5 --dry-run', 'bisect gateway-listener-stuck --good 3.4.3 --bad 3.4.5'],
  doctor: ['doctor', 'doctor --json'],
  cleanup: ['cleanup --dry-run', 'cleanup --older-than 30m'],
  replay: ['replay runs/20251123t0853-a1b2-gateway-listener-stuck', 'replay runs/20251123t0853-a1b2-gateway-listener-stuck --json'],
  probe: [`probe --url http://127.0.0.1:8000/echo --rate 50 --duration 10`, 'probe --url https://127.0.0.1:8443/echo --host example.test --insecure --json'],
  diagnose: ['diagnose kic.log kong.log events.json', 'diagnose gateway.yaml --json'],
};

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
