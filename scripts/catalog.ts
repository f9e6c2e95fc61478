/** `make catalog`: regenerates docs/catalog.md from the scenario definitions. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarios } from '../scenarios/index.ts';
import { CATALOG_FILE, catalogMarkdown } from './catalog-markdown.ts';

const path = fileURLToPath(new URL(`../${CATALOG_FILE}`, import.meta.url));
mkdirSync(dirname(path), { recursive: true });
writeFileSync(path, catalogMarkdown(scenarios));
console.error(`wrote ${CATALOG_FILE}`);
