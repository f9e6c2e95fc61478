/**
 * The one place in the harness that spawns processes. Every tool wrapper goes through runTool so
 * that deadlines, cancellation, binary resolution and error shape are the same everywhere.
 */
import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, ExecaError } from 'execa';
import { EnvironmentError } from '../errors.ts';
import { timeout, type TimeoutName } from '../timeouts.ts';

export interface RunOptions {
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  signal?: AbortSignal;
  /** strings (tokens, passwords) that must never show up in an error's command, message or stderr */
  redact?: string[];
}

/**
 * Which cluster a kubectl or helm call acts on. Both travel together into every argv (a Cluster
 * from cluster/provider.ts fits as is), so no call can fall back to the kubeconfig's current
 * context and act on a cluster the user did not name.
 */
export interface ClusterAccess {
  kubeconfigPath: string;
  /** absent: the kubeconfig's current context, as client-node uses it too */
  context?: string;
}

/** What the thin per-tool functions accept so that a run's abort reaches the child process. */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface ToolOutput {
  stdout: string;
  stderr: string;
}

const STDERR_TAIL_LINES = 20;
/** Grace between SIGTERM and SIGKILL: long enough for kind/helm to clean up, short enough for Ctrl-C. */
const FORCE_KILL_AFTER_MS = 5_000;
const MAX_COMMAND_IN_MESSAGE = 200;

/**
 * A tool that failed, timed out, was cancelled or could not start. `toolExitCode` is the child's
 * exit code; `exitCode` (inherited, 3) stays the harness's own exit code for the CLI.
 */
export class ToolError extends EnvironmentError {
  readonly command: string;
  readonly toolExitCode: number | undefined;
  readonly stderrTail: string;
  readonly timedOut: boolean;

  constructor(message: string, details: { command: string; toolExitCode: number | undefined; stderrTail: string; timedOut: boolean }) {
    super(message);
    this.command = details.command;
    this.toolExitCode = details.toolExitCode;
    this.stderrTail = details.stderrTail;
    this.timedOut = details.timedOut;
  }
}

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Where pinned tools are installed; KONG_CHAOS_BIN_DIR overrides it (tests point it at a temp dir). */
export function toolBinDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.KONG_CHAOS_BIN_DIR;
  return override !== undefined && override !== '' ? resolve(override) : join(repoRoot, '.cache', 'bin');
}

/** A pinned copy in the bin dir wins over PATH, so a run uses the versions it was told to use. */
export function resolveBinary(binary: string, binDir: string = toolBinDir()): string {
  if (binary.includes('/')) return binary;
  const pinned = join(binDir, binary);
  try {
    accessSync(pinned, constants.X_OK);
    return pinned;
  } catch {
    return binary;
  }
}

/**
 * Deadline for a call whose tool has its own timeout flag (`kind --wait`, `helm --timeout`): the
 * tool's own message is more useful than our kill, so ours fires only after a margin.
 */
export function deadlineAround(name: TimeoutName, toolSeconds: number): number {
  return Math.max(timeout(name), toolSeconds * 1000 + 30_000);
}

export function redactText(text: string, redact: readonly string[] = []): string {
  return redact.filter((secret) => secret !== '').reduce((out, secret) => out.split(secret).join('***'), text);
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function formatCommand(binary: string, args: readonly string[], redact: readonly string[] = []): string {
  return redactText([binary, ...args].map(quote).join(' '), redact);
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 1000)}s`;
}

function lastLines(text: string, count: number): string[] {
  return text.split(/\r?\n/).map((line) => line.trimEnd()).filter((line) => line !== '').slice(-count);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function toToolError(error: ExecaError, binary: string, command: string, options: RunOptions): ToolError {
  const redact = options.redact ?? [];
  const stderr = redactText(typeof error.stderr === 'string' ? error.stderr : '', redact);
  const stdout = redactText(typeof error.stdout === 'string' ? error.stdout : '', redact);
  const stderrTail = lastLines(stderr, STDERR_TAIL_LINES).join('\n');
  const shown = clip(command, MAX_COMMAND_IN_MESSAGE);
  // Some tools (kubectl, docker) put the reason on stdout when stderr is empty.
  const lastLine = lastLines(stderr, 1)[0] ?? lastLines(stdout, 1)[0];
  const details = { command, toolExitCode: error.exitCode, stderrTail, timedOut: error.timedOut };

  let message: string;
  if (error.code === 'ENOENT') {
    message = binary.includes('/') ? `${binary} not found` : `${binary} not found on PATH or in ${toolBinDir()}`;
  } else if (error.timedOut) {
    message = `${shown} timed out after ${formatDuration(options.timeoutMs)}`;
  } else if (error.isCanceled) {
    message = `${shown} was cancelled`;
  } else if (error.exitCode !== undefined) {
    message = `${shown} failed (exit ${error.exitCode})${lastLine === undefined ? '' : `: ${lastLine}`}`;
  } else if (error.signal !== undefined) {
    message = `${shown} was killed by ${error.signal}`;
  } else {
    message = `${shown} could not run: ${redactText(error.originalMessage, redact)}`;
  }
  return new ToolError(message.replace(/\s+/g, ' ').trim(), details);
}

/**
 * Runs `binary args` and returns its output; throws ToolError on a non-zero exit, a timeout, a
 * cancellation or a missing binary. The child is SIGTERMed on timeout/abort and SIGKILLed if it
 * lingers. Nothing is printed: callers decide what to show, so secrets stay out of the console.
 */
export async function runTool(binary: string, args: readonly string[], options: RunOptions): Promise<ToolOutput> {
  const command = formatCommand(binary, args, options.redact);
  try {
    const result = await execa(resolveBinary(binary), args, {
      timeout: options.timeoutMs,
      forceKillAfterDelay: FORCE_KILL_AFTER_MS,
      ...(options.signal === undefined ? {} : { cancelSignal: options.signal }),
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      // A tool that unexpectedly prompts must fail, not hang waiting on our stdin.
      ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
      stripFinalNewline: true,
    });
    return { stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    if (error instanceof ExecaError) throw toToolError(error, binary, command, options);
    throw error;
  }
}
