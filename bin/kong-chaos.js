#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so `npx kong-chaos` works right after `npm ci`
// and always runs the checked-out source (no stale build to forget).
import { register } from 'tsx/esm/api';

register();
const { dropWritesAfterClosedPipe } = await import('../harness/cli/closed-pipe.ts');
dropWritesAfterClosedPipe(process.stdout);
dropWritesAfterClosedPipe(process.stderr);
const { main } = await import('../harness/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// After an interrupted run, a request abandoned mid-flight may hold the event loop until its own
// deadline; the work is done, so leave once output has had time to flush. The timer does not keep
// a process alive that would end sooner.
setTimeout(() => process.exit(code), 2_000).unref();
