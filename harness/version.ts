import { readFileSync } from 'node:fs';

/** The harness version recorded in every bundle, so a replay can tell which harness made it. */
export const HARNESS_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
