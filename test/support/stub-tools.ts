/**
 * Stub executables for tests of code that spawns tools through harness/tools/exec.ts: each stub
 * records its argv and by default exits 0 silently. They live in a temp dir that becomes
 * KONG_CHAOS_BIN_DIR, where runTool looks before PATH, so the real tool is never run as long as
 * every tool the code under test calls has a stub. What a stub does can be changed per test
 * (fail, print, hang) through environment variables read at call time, so even a child process
 * of the test process behaves as told.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a stub does when called; unset fields keep the default (exit 0, no output). */
export interface StubBehaviour {
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  /** never exits on its own: for deadlines and cancellation (the stub execs `sleep`, so a signal ends it) */
  hang?: boolean;
  /** only calls whose first argument is this behave so; the others keep the default */
  whenFirstArg?: string;
}

export interface StubCall {
  tool: string;
  args: string[];
}

// Control characters as separators: arguments may hold spaces, newlines and quotes, not these.
const FIELD = '\x1f';
const RECORD = '\x1e';
const ENV_PREFIX = 'KONG_CHAOS_STUB_';
const BEHAVIOUR_FIELDS = ['EXIT', 'STDOUT', 'STDERR', 'HANG', 'WHEN'] as const;

function envName(tool: string, field: (typeof BEHAVIOUR_FIELDS)[number]): string {
  return `${ENV_PREFIX}${tool.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${field}`;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The record is built in one variable and appended with a single write, so calls made at the
 * same moment (concurrent faults) do not interleave within a record. A call that behaviour
 * (env) does not steer runs the tool's hook, if a test wrote one, then exits 0.
 */
function script(tool: string, dir: string, log: string): string {
  const v = (field: (typeof BEHAVIOUR_FIELDS)[number]) => `\${${envName(tool, field)}:-}`;
  return [
    '#!/bin/sh',
    `rec=${shellQuote(tool)}`,
    `sep=$(printf '\\037')`,
    'for a in "$@"; do rec="$rec$sep$a"; done',
    `printf '%s\\036' "$rec" >> ${shellQuote(log)}`,
    `if [ -z "${v('WHEN')}" ] || [ "$1" = "${v('WHEN')}" ]; then`,
    `  if [ -n "${v('STDOUT')}${v('STDERR')}${v('HANG')}${v('EXIT')}" ]; then`,
    `    if [ -n "${v('STDOUT')}" ]; then printf '%s\\n' "${v('STDOUT')}"; fi`,
    `    if [ -n "${v('STDERR')}" ]; then printf '%s\\n' "${v('STDERR')}" >&2; fi`,
    // exec keeps the pid, so the recorded pid is the process a test expects to be gone
    `    if [ -n "${v('HANG')}" ]; then printf '%s%s%s\\036' "$$" "$sep" "$rec" >> ${shellQuote(join(dir, HUNG_LOG))}; exec sleep 3600; fi`,
    `    exit "\${${envName(tool, 'EXIT')}:-0}"`,
    '  fi',
    'fi',
    `if [ -f ${shellQuote(hookPath(dir, tool))} ]; then . ${shellQuote(hookPath(dir, tool))}; fi`,
    'exit 0',
    '',
  ].join('\n');
}

const HUNG_LOG = 'hung.log';

function hookPath(dir: string, tool: string): string {
  return join(dir, `${tool}.hook.sh`);
}

/** A call that was told to hang, with the pid it hangs as. */
export interface HungCall extends StubCall {
  pid: number;
}

export class StubTools {
  private readonly previousBinDir: string | undefined;
  private readonly touched = new Map<string, string | undefined>();

  private constructor(
    readonly dir: string,
    private readonly log: string,
  ) {
    this.previousBinDir = process.env.KONG_CHAOS_BIN_DIR;
    process.env.KONG_CHAOS_BIN_DIR = dir;
  }

  /** Writes one stub per tool name and points KONG_CHAOS_BIN_DIR at them until restore(). */
  static async install(tools: readonly string[]): Promise<StubTools> {
    const dir = await mkdtemp(join(tmpdir(), 'kong-chaos-stubs-'));
    const log = join(dir, 'calls.log');
    await writeFile(log, '');
    for (const tool of tools) await writeFile(join(dir, tool), script(tool, dir, log), { mode: 0o755 });
    return new StubTools(dir, log);
  }

  /** Every call so far, in the order the stubs started. */
  async calls(): Promise<StubCall[]> {
    const text = await readFile(this.log, 'utf8');
    return text
      .split(RECORD)
      .filter((record) => record !== '')
      .map((record) => {
        const [tool = '', ...args] = record.split(FIELD);
        return { tool, args };
      });
  }

  /** The calls as command lines, `tool arg arg`, for compact assertions. */
  async lines(): Promise<string[]> {
    return (await this.calls()).map((c) => [c.tool, ...c.args].join(' '));
  }

  /** Calls that hung (behaviour `hang`), oldest first, with their pids. */
  async hung(): Promise<HungCall[]> {
    const text = await readFile(join(this.dir, HUNG_LOG), 'utf8').catch(() => '');
    return text
      .split(RECORD)
      .filter((record) => record !== '')
      .map((record) => {
        const [pid = '', tool = '', ...args] = record.split(FIELD);
        return { pid: Number(pid), tool, args };
      });
  }

  /**
   * Shell (sh) run by `tool` for every call that no behaviour steers, with the call's "$@";
   * it may print and `exit`. Lets a stub answer `version`, or write the file a real tool would.
   */
  async hook(tool: string, shell: string): Promise<void> {
    await writeFile(hookPath(this.dir, tool), shell);
  }

  /** Sets how `tool` behaves from now on (replacing what was set before) until restore(). */
  behave(tool: string, behaviour: StubBehaviour): void {
    const values: Record<(typeof BEHAVIOUR_FIELDS)[number], string | undefined> = {
      EXIT: behaviour.exitCode === undefined ? undefined : String(behaviour.exitCode),
      STDOUT: behaviour.stdout,
      STDERR: behaviour.stderr,
      HANG: behaviour.hang ? '1' : undefined,
      WHEN: behaviour.whenFirstArg,
    };
    for (const field of BEHAVIOUR_FIELDS) {
      const name = envName(tool, field);
      if (!this.touched.has(name)) this.touched.set(name, process.env[name]);
      const value = values[field];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }

  /** Puts the environment back as it was and removes the stubs. */
  async restore(): Promise<void> {
    for (const [name, previous] of this.touched) {
      if (previous === undefined) delete process.env[name];
      else process.env[name] = previous;
    }
    if (this.previousBinDir === undefined) delete process.env.KONG_CHAOS_BIN_DIR;
    else process.env.KONG_CHAOS_BIN_DIR = this.previousBinDir;
    await rm(this.dir, { recursive: true, force: true });
  }
}
