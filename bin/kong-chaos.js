#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so `npx kong-chaos` works right after `npm ci`
// and always runs the checked-out source (no stale build to forget).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../harness/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
