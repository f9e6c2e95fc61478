/**
 * Validation of manifests against the official CRD schemas (test/support/crd-files.ts: fetched
 * by `make test`, or an offline copy): the openAPIV3Schema of every served version, compiled
 * with ajv, plus the unknown-field check that the API server applies under strict field
 * validation. CEL rules (x-kubernetes-validations) are not checked.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../harness/manifests/types.ts';
import { crdDir } from './crd-files.ts';

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

interface Crd {
  kind: 'CustomResourceDefinition';
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; served: boolean; schema?: { openAPIV3Schema: JsonSchema } }[];
  };
}

interface CompiledSchema {
  schema: JsonSchema;
  validate: ValidateFunction;
}

export type Validation =
  /** no CRD defines this object's API group: a core or built-in kind */
  | { result: 'not-a-crd' }
  | { result: 'valid' }
  | { result: 'invalid'; errors: string[] };

export class CrdSchemas {
  constructor(
    private readonly schemas: ReadonlyMap<string, CompiledSchema>,
    private readonly groups: ReadonlySet<string>,
  ) {}

  /** `gateway.networking.k8s.io/v1 Gateway`, ... */
  get served(): string[] {
    return [...this.schemas.keys()];
  }

  validate(object: KubeObject): Validation {
    const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0]! : '';
    if (!this.groups.has(group)) return { result: 'not-a-crd' };
    const compiled = this.schemas.get(key(object.apiVersion, object.kind));
    if (!compiled) return { result: 'invalid', errors: [`no CRD serves ${key(object.apiVersion, object.kind)}`] };
    const errors = compiled.validate(object) ? [] : (compiled.validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    errors.push(...unknownFields(object, compiled.schema, '').map((path) => `${path} is not a field of ${object.kind}`));
    return errors.length ? { result: 'invalid', errors } : { result: 'valid' };
  }
}

const key = (apiVersion: string, kind: string) => `${apiVersion} ${kind}`;

/** Reads every CRD under the CRD directory; throws, never skips, when the files are not there. */
export function loadCrdSchemas(dir = crdDir()): CrdSchemas {
  if (!existsSync(dir)) {
    throw new Error(`CRD fixtures missing: ${dir} does not exist. Run make test, which fetches them (test/support/crd-files.ts).`);
  }
  const ajv = new Ajv({ strict: false, validateFormats: false, unicodeRegExp: false, allErrors: true });
  const schemas = new Map<string, CompiledSchema>();
  const groups = new Set<string>();
  for (const file of yamlFiles(dir)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const crd = doc.toJS() as Crd | null;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      groups.add(crd.spec.group);
      for (const version of crd.spec.versions) {
        if (!version.served || !version.schema) continue;
        const schema = version.schema.openAPIV3Schema;
        schemas.set(key(`${crd.spec.group}/${version.name}`, crd.spec.names.kind), { schema, validate: ajv.compile(schema) });
      }
    }
  }
  if (schemas.size === 0) throw new Error(`CRD fixtures missing: no CustomResourceDefinition found under ${dir}`);
  return new CrdSchemas(schemas, groups);
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/**
 * Fields the schema does not declare. The API server prunes them, or refuses them under
 * `fieldValidation=Strict` (kubectl's default); either way a misspelt field would be lost
 * silently, which JSON Schema alone does not catch. `metadata` is the API server's own business.
 */
function unknownFields(value: unknown, schema: JsonSchema, path: string): string[] {
  if (schema['x-kubernetes-preserve-unknown-fields'] || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return schema.items ? value.flatMap((v, i) => unknownFields(v, schema.items!, `${path}/${i}`)) : [];
  const found: string[] = [];
  for (const [field, child] of Object.entries(value)) {
    if (path === '' && field === 'metadata') continue;
    const childSchema = schema.properties?.[field] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (childSchema) found.push(...unknownFields(child, childSchema, `${path}/${field}`));
    else if (schema.properties && schema.additionalProperties === undefined) found.push(`${path}/${field}`);
  }
  return found;
}
