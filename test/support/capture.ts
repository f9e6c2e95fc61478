import { expect } from 'chai';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process through its real entry, capturing console output and direct stderr
 * writes (commander's own errors), and restoring them afterwards whatever happens.
 */
export async function cli(...argv: string[]): Promise<CliResult> {
  // Mocha loads test files through tsx's CommonJS path, while main's lazy `import()`s of run,
  // matrix, diagnose... load ES modules: a statically imported main would see two copies of
  // harness/errors.ts and fail its `instanceof UserError`. Imported like bin/kong-chaos.js does,
  // main and everything it loads share one module graph, as in production.
  const { main } = await import('../../harness/cli/main.ts');
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  const write = process.stderr.write;
  console.log = (...args: unknown[]) => void out.push(args.map(String).join(' ') + '\n');
  console.error = (...args: unknown[]) => void err.push(args.map((a) => (a instanceof Error ? String(a.stack) : String(a))).join(' ') + '\n');
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    console.log = log;
    console.error = error;
    process.stderr.write = write;
  }
}

/** Exit 2 and exactly one stderr line, no stack trace, nothing on stdout; returns that line. */
export function expectOneLineRefusal(r: CliResult, pattern: RegExp): string {
  expect(r.code, r.stderr).to.equal(2);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, r.stderr).to.have.length(1);
  expect(lines[0]).to.match(/^kong-chaos: /).and.match(pattern);
  expect(r.stderr).not.to.include('    at ');
  expect(r.stdout).to.equal('');
  return lines[0]!;
}
