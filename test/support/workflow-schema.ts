import { Ajv } from 'ajv';

/**
 * A compact JSON schema of the GitHub Actions workflow syntax this repository uses (on, jobs,
 * runs-on, steps with uses | run, strategy.matrix, needs, outputs, inputs), strict about unknown
 * keys so a typo fails. Not the full syntax: rhysd/actionlint is the real checker.
 */
const expression = { type: 'string', pattern: '^\\$\\{\\{[\\s\\S]*\\}\\}$' };
const stringMap = { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } };

const step = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' },
    name: { type: 'string' },
    if: { type: ['string', 'boolean'] },
    uses: { type: 'string', pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[A-Za-z0-9_.-]+$' },
    run: { type: 'string', minLength: 1 },
    shell: { type: 'string' },
    with: stringMap,
    env: stringMap,
    'working-directory': { type: 'string' },
    'continue-on-error': { type: ['boolean', 'string'] },
    'timeout-minutes': { type: ['number', 'string'] },
  },
  oneOf: [{ required: ['uses'], not: { required: ['run'] } }, { required: ['run'], not: { required: ['uses'] } }],
};

const job = {
  type: 'object',
  additionalProperties: false,
  required: ['runs-on', 'steps'],
  properties: {
    name: { type: 'string' },
    'runs-on': { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    needs: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }] },
    if: { type: ['string', 'boolean'] },
    permissions: { oneOf: [{ type: 'string' }, stringMap] },
    env: stringMap,
    'timeout-minutes': { type: ['number', 'string'] },
    'continue-on-error': { type: ['boolean', 'string'] },
    outputs: { type: 'object', additionalProperties: expression },
    strategy: {
      type: 'object',
      additionalProperties: false,
      required: ['matrix'],
      properties: {
        matrix: { oneOf: [expression, { type: 'object', minProperties: 1 }] },
        'fail-fast': { type: ['boolean', 'string'] },
        'max-parallel': { type: ['number', 'string'] },
      },
    },
    steps: { type: 'array', minItems: 1, items: step },
  },
};

const input = {
  type: 'object',
  additionalProperties: false,
  required: ['description'],
  properties: {
    description: { type: 'string' },
    required: { type: 'boolean' },
    default: { type: ['string', 'number', 'boolean'] },
    type: { enum: ['string', 'choice', 'boolean', 'number', 'environment'] },
    options: { type: 'array', items: { type: 'string' } },
  },
};

const filter = {
  oneOf: [
    { type: 'null' },
    {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(['branches', 'branches-ignore', 'tags', 'tags-ignore', 'paths', 'paths-ignore', 'types'].map((k) => [k, { type: 'array', items: { type: 'string' }, minItems: 1 }])),
    },
  ],
};

export const workflowSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'on', 'jobs'],
  properties: {
    name: { type: 'string' },
    on: {
      type: 'object',
      minProperties: 1,
      additionalProperties: false,
      properties: {
        push: filter,
        pull_request: filter,
        schedule: { type: 'array', minItems: 1, items: { type: 'object', additionalProperties: false, required: ['cron'], properties: { cron: { type: 'string', pattern: '^\\S+( \\S+){4}$' } } } },
        workflow_dispatch: { oneOf: [{ type: 'null' }, { type: 'object', additionalProperties: false, properties: { inputs: { type: 'object', additionalProperties: input } } }] },
      },
    },
    permissions: { oneOf: [{ type: 'string' }, stringMap] },
    env: stringMap,
    concurrency: { type: ['string', 'object'] },
    jobs: { type: 'object', minProperties: 1, propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' }, additionalProperties: job },
  },
};

export const validateWorkflow = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(workflowSchema);
