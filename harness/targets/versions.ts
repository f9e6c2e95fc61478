import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';
import { fileProblem, quote, UserError } from '../errors.ts';
import type { Versions } from './versions-types.ts';

export const VERSIONS_FILE = fileURLToPath(new URL('../../versions.yaml', import.meta.url));

const semverPattern = '^\\d+\\.\\d+\\.\\d+$';
const kindRelease = '^v\\d+\\.\\d+\\.\\d+$';
const pin = {
  type: 'object',
  required: ['name', 'version', 'url', 'versionArgs', 'versionPattern'],
  properties: {
    name: { enum: ['kind', 'kubectl', 'helm'] },
    binary: { type: 'string', pattern: '^[\\w.-]+$' },
    version: { type: 'string' },
    url: { type: 'string', pattern: '^https://' },
    sha256Url: { type: 'string', pattern: '^https://' },
    sha256: { type: 'object', additionalProperties: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
    archivePath: { type: 'string' },
    versionArgs: { type: 'array', items: { type: 'string' } },
    versionPattern: { type: 'string' },
  },
};
const versionList = {
  type: 'object',
  required: ['versions', 'default'],
  properties: {
    versions: { type: 'array', minItems: 1, items: { type: 'string', pattern: semverPattern } },
    default: { type: 'string', pattern: semverPattern },
    image: { type: 'string' },
  },
};
const containerImage = { type: 'object', required: ['image'], properties: { image: { type: 'string' } } };
const schema = {
  type: 'object',
  required: ['kind', 'tools', 'kic', 'gateway', 'enterprise', 'kicImage', 'charts', 'gatewayApi', 'postgres', 'toxiproxy'],
  properties: {
    kind: {
      type: 'object',
      required: ['nodeImages', 'defaultK8s'],
      properties: {
        defaultK8s: { type: 'string', pattern: '^\\d+\\.\\d+$' },
        nodeImages: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['k8s', 'image', 'digest', 'kind'],
            properties: {
              k8s: { type: 'string', pattern: '^\\d+\\.\\d+$' },
              image: { type: 'string', pattern: '^kindest/node:v\\d+\\.\\d+\\.\\d+$' },
              digest: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
              kind: { type: 'string', pattern: kindRelease },
            },
          },
        },
      },
    },
    tools: { type: 'object', required: ['kind', 'kubectl', 'helm'], properties: { kind: pin, kubectl: pin, helm: pin } },
    kic: {
      ...versionList,
      required: ['versions', 'default', 'released'],
      properties: { ...versionList.properties, released: { type: 'object', additionalProperties: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } } },
    },
    gateway: { ...versionList, required: ['versions', 'default', 'image'] },
    enterprise: {
      type: 'object',
      required: ['versions', 'image'],
      properties: { image: { type: 'string' }, versions: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+\\.\\d+$' } } },
    },
    kicImage: { type: 'string' },
    charts: {
      type: 'object',
      required: ['repo', 'kong', 'ingress'],
      properties: {
        repo: { type: 'string', pattern: '^https://' },
        kong: { type: 'object', required: ['version'], properties: { version: { type: 'string', pattern: semverPattern } } },
        ingress: { type: 'object', required: ['version'], properties: { version: { type: 'string', pattern: semverPattern } } },
      },
    },
    gatewayApi: {
      ...versionList,
      required: ['versions', 'default', 'standardInstallUrl'],
      properties: { ...versionList.properties, standardInstallUrl: { type: 'string', pattern: '^https://.*\\{version\\}' } },
    },
    postgres: containerImage,
    toxiproxy: containerImage,
  },
} as const;

// loaded and compiled on first use: commands that never read versions.yaml (diagnose) skip the
// ~150 ms of loading ajv and compiling the schema
let validator: ValidateFunction<Versions> | undefined;
function validate(data: unknown): data is Versions {
  if (validator === undefined) {
    const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };
    validator = new Ajv({ allErrors: true }).compile<Versions>(schema);
  }
  return validator(data);
}

/** Parses and checks versions.yaml; any defect is a one-line UserError naming the field. */
export function parseVersions(text: string, file = 'versions.yaml'): Versions {
  let data: unknown;
  try {
    const doc = parseDocument(text);
    // yaml's parse() would print a warning (unknown directive, unresolved tag) to stderr and go
    // on; a doubtful versions.yaml is refused in one line like a broken one instead
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) throw problem;
    data = doc.toJS();
  } catch (error) {
    throw new UserError(`${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!validate(data)) {
    const first = validator!.errors?.[0];
    throw new UserError(`${file} is malformed: ${first?.instancePath || '(root)'} ${first?.message ?? 'is invalid'}`);
  }
  for (const list of ['kic', 'gateway', 'gatewayApi'] as const) {
    if (!data[list].versions.includes(data[list].default)) {
      throw new UserError(`${file} is malformed: ${list}.default ${data[list].default} is not in ${list}.versions`);
    }
  }
  const undated = data.kic.versions.find((v) => data.kic.released[v] === undefined);
  if (undated !== undefined) throw new UserError(`${file} is malformed: kic.released has no date for ${undated}`);
  if (!data.kind.nodeImages.some((n) => n.k8s === data.kind.defaultK8s)) {
    throw new UserError(`${file} is malformed: kind.defaultK8s ${data.kind.defaultK8s} has no node image`);
  }
  return data;
}

let cached: Versions | undefined;

/** KONG_CHAOS_VERSIONS=<path> points every command at another versions.yaml (tests, forks pinning other versions). */
export function versionsFile(env: NodeJS.ProcessEnv = process.env): string {
  const override = env['KONG_CHAOS_VERSIONS'];
  return override !== undefined && override !== '' ? override : VERSIONS_FILE;
}

export function loadVersions(file = versionsFile()): Versions {
  if (file === VERSIONS_FILE && cached) return cached;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${quote(file)}: ${fileProblem(error)}`);
  }
  const versions = parseVersions(text, quote(file));
  if (file === VERSIONS_FILE) cached = versions;
  return versions;
}
