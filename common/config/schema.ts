// The models.yaml schema (zod): the one description of what a config file may say. types.ts holds what it becomes.
// The `.describe()` texts are what editors show on hover, through the JSON Schema made from this (json-schema.ts).
import { z } from 'zod';
import { BUILTIN_KINDS, type BuiltinKind } from '../protocol.js';
import { DURATION, duration, size } from './unit-fields.js';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a name of letters, digits, ".", "_" or "-"');

const modelSchema = z.strictObject({
  name: name.describe("The model's name, used in API requests (the `model` field) and in every report."),
  path: z.string().min(1).optional().describe("Model file, relative to this file's folder."),
  source: z
    .string()
    .min(1)
    .optional()
    .describe(
      'How `modelctl pull` obtains the file: `demo:llama[?size=…&seed=…]`, `demo:whisper…`, an http(s) URL, or ' +
        '`hf:OWNER/REPO/FILE[@REVISION]` (Hugging Face).',
    ),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex digits')
    .optional()
    .describe('Checksum a downloaded or present file must match (overrides the one a hub publishes).'),
  type: z.enum(['asr', 'ocr']).optional().describe('asr-ocr servers: `asr` (whisper) or `ocr` (Tesseract).'),
  language: z
    .string()
    .regex(/^[a-z_]+$/, 'expected a language code in lower-case letters and "_", such as eng or chi_sim')
    .optional()
    .describe('OCR language data (`@tesseract.js-data/<language>`); default eng.'),
  warmup: z.boolean().optional().describe("Overrides the server's `warmup` for this model."),
  verify: z.enum(['off', 'first-load']).optional().describe("Overrides the server's `verify` for this model."),
  priority: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .optional()
    .describe(
      "Lower loads first; defaults to the model's position in the list. The lowest priority decides when a server " +
        'is "serving".',
    ),
  required: z.boolean().default(true).describe('A model that is not required may fail without failing its server.'),
});

/** The shortest admin token taken: a short one can be guessed. */
const ADMIN_TOKEN_MIN = 16;

/** Keys whose values are never repeated in an error message. */
export const SECRET_KEYS = new Set(['adminToken']);

const KIND_DEFAULT_CONCURRENCY: Record<BuiltinKind, number> = { llm: 3, 'asr-ocr': 2 };
const KIND_DEFAULT_BODY_LIMIT: Record<BuiltinKind, number> = { llm: 1_000_000, 'asr-ocr': 25_000_000 };

const restartSchema = z
  .strictObject({
    policy: z
      .enum(['off', 'on-failure'])
      .default('on-failure')
      .describe('`on-failure` restarts a ready server that exits; `off` leaves it stopped and stops the stack.'),
    max: z.number().int().min(0).max(100).default(3).describe("Restarts allowed over the supervisor's life."),
    backoff: duration()
      .prefault('1s')
      .describe('Wait before the first restart; doubled for each next one, at most 30s.'),
  })
  .describe('What happens when a server that was ready exits.');

const livenessSchema = z
  .union(
    [
      z.literal('off'),
      z.literal(false),
      z.strictObject({
        period: duration().prefault('5s').describe('How often a ready server is checked.'),
        timeout: duration().prefault('2s').describe('How long one check may take.'),
        failures: z.number().int().min(1).max(100).default(3).describe('Checks missed in a row that make it hung.'),
        inference: z
          .union([z.literal('off'), duration()], { error: `expected off or ${DURATION}` })
          .prefault('off')
          .describe('Built-in servers: one tiny real inference per model at this period.'),
      }),
    ],
    { error: 'expected off, false, or a map of period, timeout, failures and inference' },
  )
  .prefault({})
  .describe(
    'After ready: how often the supervisor checks that a server still answers, and how many misses make it hung; ' +
      '`off` turns the watchdog off.',
  );

const serverSchema = z
  .strictObject({
    kind: z
      .enum(BUILTIN_KINDS)
      .optional()
      .describe('Built-in server: `llm` or `asr-ocr`. Leave it out and give `command` for a foreign server.'),
    command: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe("A foreign server's command line (an argument array, never a shell string)."),
    health: z
      .string()
      .startsWith('/')
      .default('/health')
      .describe('A foreign server\'s health path: connection refused and 503 mean "still loading", 2xx ready.'),
    env: z.record(z.string(), z.string()).default({}).describe('Extra environment for the server process.'),
    restart: restartSchema.prefault({}),
    liveness: livenessSchema,
    dependsOn: z
      .array(name)
      .default([])
      .describe(
        'Servers this one needs healthy before it starts (`modelctl export`: compose depends_on, systemd ' +
          'After/Requires).',
      ),
    host: z.string().min(1).default('127.0.0.1').describe('Address the server listens on.'),
    port: z.number().int().min(1).max(65535).describe('Port the server listens on.'),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .describe('Models loaded at once; defaults to 3 for llm and 2 for asr-ocr.'),
    retries: z.number().int().min(0).max(10).default(1).describe('Extra attempts after a failed load.'),
    retryDelay: duration().prefault('500ms').describe('Wait before each retry of a failed load.'),
    order: z
      .enum(['priority', 'longest-first'])
      .default('priority')
      .describe('Load order within the cap: by priority, or slowest first by the load times in the last timing log.'),
    warmup: z.boolean().default(false).describe('One test inference per model at load time.'),
    verify: z
      .enum(['off', 'first-load'])
      .default('off')
      .describe('`first-load`: one tiny inference inside the load attempt the first time a file is seen.'),
    mmap: z
      .boolean()
      .default(false)
      .describe('Map model files instead of reading them: faster to "ready", the reading moves to the first request.'),
    gpu: z
      .union([z.literal(false), z.enum(['auto', 'cuda', 'vulkan', 'metal'])], {
        error: 'expected false, auto, cuda, vulkan or metal',
      })
      .default(false)
      .describe('LLM runtime backend: `false` for CPU (fastest start without a GPU), or auto, cuda, vulkan, metal.'),
    threads: z
      .number()
      .int()
      .min(1)
      .max(256)
      .optional()
      .describe('CPU threads per inference; defaults to the cores less one.'),
    contextSize: z.number().int().min(64).default(1024).describe('Context size per model, in tokens.'),
    parallel: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(2)
      .describe('Requests served at once per model (context sequences).'),
    bodyLimit: size()
      .optional()
      .describe("Largest request body or upload; defaults to 1MB for llm and 25MB (OpenAI's limit) for asr-ocr."),
    requestTimeout: duration().prefault('5m').describe('A request the engine takes longer for is cancelled with 504.'),
    memoryLimit: size()
      .optional()
      .describe('The most memory the server may hold; loads wait for room under it (and MemAvailable and the cgroup).'),
    stallTimeout: duration()
      .prefault('30s')
      .describe('A load whose progress does not advance for this long fails its attempt (and gets its retry).'),
    models: z.array(modelSchema).default([]).describe('The models this server loads.'),
  })
  // Rules check.ts also enforces, repeated here for editors: kind or command; a built-in server loads a model.
  .meta({
    oneOf: [{ required: ['kind'] }, { required: ['command'] }],
    if: { required: ['kind'] },
    then: { required: ['models'], properties: { models: { type: 'array', minItems: 1 } } },
  });

const deploySchema = z
  .strictObject({
    image: z
      .string()
      .min(1)
      .default('modelctl:latest')
      .describe('Container image holding modelctl (built from this repository).'),
    modelsVolume: z
      .string()
      .min(1)
      .default('modelctl-models')
      .describe('Kubernetes PersistentVolumeClaim (or compose volume) holding the model files.'),
    cpu: z.string().min(1).default('1').describe('CPU request per server (k8s).'),
    memory: z.string().min(1).default('2Gi').describe('Memory request per server (k8s).'),
  })
  .describe('How `modelctl export` deploys the stack; flags override these.');

export const configSchema = z
  .strictObject({
    budget: duration().prefault('120s').describe('Cold-start budget for the whole stack.'),
    grace: duration().prefault('5s').describe('How long a server gets to exit after SIGTERM before SIGKILL.'),
    deploy: deploySchema.prefault({}),
    adminToken: z
      .union([z.literal(''), z.string().min(ADMIN_TOKEN_MIN, `expected at least ${ADMIN_TOKEN_MIN} characters`)], {
        error: `expected at least ${ADMIN_TOKEN_MIN} characters`,
      })
      .transform((token) => token || undefined)
      .optional()
      .describe(
        'Bearer token the built-in servers require on `/admin/*`; without one they answer only loopback callers. ' +
          'Write it as `${MODELCTL_ADMIN_TOKEN}`, never in the file itself; empty means none.',
      ),
    servers: z
      .record(name, serverSchema)
      .refine((s) => Object.keys(s).length > 0, 'expected at least one server')
      .meta({ minProperties: 1 })
      .describe('The model servers, by name.'),
  })
  .meta({
    title: 'models.yaml',
    description: 'modelctl: the model servers on this machine and the models each loads.',
  });

export type RawConfig = z.output<typeof configSchema>;
export type RawServer = z.output<typeof serverSchema>;
export type RawModel = z.output<typeof modelSchema>;

/** What a built-in server gets when its config leaves `concurrency` or `bodyLimit` out. */
export function kindDefaults(kind: BuiltinKind): { concurrency: number; bodyLimit: number } {
  return { concurrency: KIND_DEFAULT_CONCURRENCY[kind], bodyLimit: KIND_DEFAULT_BODY_LIMIT[kind] };
}

/** Keys allowed at a key path, for "did you mean" suggestions: none where the path holds no map of fixed keys. */
export function knownKeysAt(path: PropertyKey[]): string[] {
  return keysAt(configSchema, path);
}

/** Walks the schema along the path, through defaults, unions, records and arrays, to the object found there. */
function keysAt(schema: z.core.$ZodType, path: PropertyKey[]): string[] {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  const [key, ...rest] = path;
  switch (def.type) {
    case 'object':
      if (key === undefined) return Object.keys(def.shape);
      return typeof key === 'string' && Object.hasOwn(def.shape, key) ? keysAt(def.shape[key]!, rest) : [];
    case 'record':
      return key === undefined ? [] : keysAt(def.valueType, rest);
    case 'array':
      return key === undefined ? [] : keysAt(def.element, rest);
    case 'union':
      return [...new Set(def.options.flatMap((option) => keysAt(option, path)))];
    case 'default':
    case 'prefault':
    case 'optional':
      return keysAt(def.innerType, path);
    case 'pipe':
      return keysAt(def.out, path);
    default:
      return [];
  }
}
