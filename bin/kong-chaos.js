#!/usr/bin/env node
// The CLI runs from a bundle of the checked-out TypeScript sources that bin/cli-bundle.js rebuilds
// whenever a source changed, so `npx kong-chaos` starts fast and never runs stale code.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, currentBundle } from './cli-bundle.js';

let bundle;
try {
  bundle = await currentBundle(CLI);
} catch (error) {
  // esbuild has printed where the sources do not compile
  console.error(`kong-chaos: cannot build the CLI from its sources: ${String(error instanceof Error ? error.message : error).split('\n')[0]}`);
  process.exit(70);
}
const { dropWritesAfterClosedPipe } = await import(pathToFileURL(join(bundle, 'closed-pipe.js')).href);
dropWritesAfterClosedPipe(process.stdout);
dropWritesAfterClosedPipe(process.stderr);
const { main } = await import(pathToFileURL(join(bundle, 'main.js')).href);
const code = await main(process.argv.slice(2));
process.exitCode = code;
// After an interrupted run, a request abandoned mid-flight may hold the event loop until its own
// deadline; the work is done, so leave once output has had time to flush. The timer does not keep
// a process alive that would end sooner.
setTimeout(() => process.exit(code), 2_000).unref();
