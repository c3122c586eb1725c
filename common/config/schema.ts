// The models.yaml schema (zod): the one description of what a config file may say. types.ts holds what it becomes.
import { z } from 'zod';
import { BUILTIN_KINDS, type BuiltinKind } from '../protocol.js';
import { parseDuration, parseSize } from './units.js';

/** A field that takes human text and yields a number of at least `min`, with one clear message when it cannot. */
function humanUnit(read: (value: unknown) => number | undefined, expected: string, min = 0) {
  return z.unknown().transform((value, ctx) => {
    const n = read(value);
    if (n === undefined || n < min) {
      ctx.addIssue({ code: 'custom', message: `expected ${expected}` });
      return z.NEVER;
    }
    return n;
  });
}

const DURATION = 'a duration such as 500ms, 0.5s or 2m';
const fromText = (parse: (s: string) => number | undefined) => (v: unknown) =>
  typeof v === 'string' ? parse(v) : undefined;

/** Durations always need their unit: a bare `5` could mean seconds or milliseconds. */
const duration = () => humanUnit(fromText(parseDuration), DURATION);
/** A size is at least one byte (0 would refuse every body); a bare number is a whole number of bytes. */
const size = () =>
  humanUnit(
    (v) => (Number.isSafeInteger(v) ? (v as number) : fromText(parseSize)(v)),
    'a size of at least 1 byte such as 512KB, 200MB or 1GB (or a whole number of bytes)',
    1,
  );

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a name of letters, digits, ".", "_" or "-"');

const modelSchema = z.strictObject({
  name,
  /** Model file, relative to the config file's folder. */
  path: z.string().min(1).optional(),
  /**
   * How `modelctl pull` obtains the file: `demo:llama[?size=…&seed=…]`, `demo:whisper…`, an http(s) URL, or
   * `hf:OWNER/REPO/FILE[@REVISION]` (Hugging Face).
   */
  source: z.string().min(1).optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'expected 64 hex digits')
    .optional(),
  /** For the asr-ocr server: what the model does. */
  type: z.enum(['asr', 'ocr']).optional(),
  /** OCR language data (`@tesseract.js-data/<language>`). */
  language: z
    .string()
    .regex(/^[a-z_]+$/, 'expected a language code in lower-case letters and "_", such as eng or chi_sim')
    .optional(),
  /** Overrides the server's `warmup` for this model. */
  warmup: z.boolean().optional(),
  /** Overrides the server's `verify` for this model. */
  verify: z.enum(['off', 'first-load']).optional(),
  /**
   * Lower loads first; defaults to the model's position in the list. The lowest priority decides when a server is
   * "serving".
   */
  priority: z.number().int().min(0).max(1000).optional(),
  /** A model that is not required may fail without failing its server. */
  required: z.boolean().default(true),
});

/** The shortest admin token taken: a short one can be guessed. */
const ADMIN_TOKEN_MIN = 16;

/** Keys whose values are never repeated in an error message. */
export const SECRET_KEYS = new Set(['adminToken']);

const KIND_DEFAULT_CONCURRENCY: Record<BuiltinKind, number> = { llm: 3, 'asr-ocr': 2 };
const KIND_DEFAULT_BODY_LIMIT: Record<BuiltinKind, number> = { llm: 1_000_000, 'asr-ocr': 25_000_000 };

const restartSchema = z.strictObject({
  /**
   * What to do when a server that was ready exits: restart it (on-failure) or leave it stopped and stop the stack
   * (off).
   */
  policy: z.enum(['off', 'on-failure']).default('on-failure'),
  /** Restarts allowed over the supervisor's life. */
  max: z.number().int().min(0).max(100).default(3),
  /** Wait before the first restart; doubled for each next one, at most 30 s. */
  backoff: duration().default(1000),
});

/** After ready: how often the supervisor checks that a server still answers, and how many misses make it hung. */
const livenessSchema = z
  .union(
    [
      z.literal('off'),
      z.literal(false),
      z.strictObject({
        period: duration().default(5000),
        timeout: duration().default(2000),
        failures: z.number().int().min(1).max(100).default(3),
        /** Built-in servers: one tiny real inference per model at this period (`off` by default). */
        inference: z.union([z.literal('off'), duration()], { error: `expected off or ${DURATION}` }).default('off'),
      }),
    ],
    { error: 'expected off, false, or a map of period, timeout, failures and inference' },
  )
  .prefault({});

const serverSchema = z.strictObject({
  /** Built-in server; leave it out and give `command` for a foreign one. */
  kind: z.enum(BUILTIN_KINDS).optional(),
  /** A foreign server's command line (argument array, never a shell string). */
  command: z.array(z.string().min(1)).min(1).optional(),
  /** A foreign server's health path: connection refused and 503 mean "still loading", 2xx means ready. */
  health: z.string().startsWith('/').default('/health'),
  /** Extra environment for the server process. */
  env: z.record(z.string(), z.string()).default({}),
  restart: restartSchema.prefault({}),
  liveness: livenessSchema,
  /**
   * Servers this one needs healthy before it starts (used by `modelctl export`: compose depends_on, systemd
   * After/Requires).
   */
  dependsOn: z.array(name).default([]),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(1).max(65535),
  /** Models loaded at once; defaults to 3 for llm and 2 for asr-ocr. */
  concurrency: z.number().int().min(1).max(64).optional(),
  /** Extra attempts after a failed load. */
  retries: z.number().int().min(0).max(10).default(1),
  retryDelay: duration().default(500),
  /** Load order within the cap: by priority, or slowest first by the load times in the last timing log. */
  order: z.enum(['priority', 'longest-first']).default('priority'),
  /** Test inference at load time: off unless asked for. */
  warmup: z.boolean().default(false),
  /** `first-load`: one tiny inference inside the load attempt the first time a file is seen; later starts skip it. */
  verify: z.enum(['off', 'first-load']).default('off'),
  /** Map model files instead of reading them: faster to "ready", the reading moves to the first request. */
  mmap: z.boolean().default(false),
  /** LLM runtime backend: `false` for CPU (fastest start without a GPU), or `auto`, `cuda`, `vulkan`, `metal`. */
  gpu: z
    .union([z.literal(false), z.enum(['auto', 'cuda', 'vulkan', 'metal'])], {
      error: 'expected false, auto, cuda, vulkan or metal',
    })
    .default(false),
  /** CPU threads per inference; defaults to the cores less one. */
  threads: z.number().int().min(1).max(256).optional(),
  contextSize: z.number().int().min(64).default(1024),
  /** Requests served at once per model (context sequences). */
  parallel: z.number().int().min(1).max(64).default(2),
  /** Largest accepted request body or upload; defaults to 1MB for llm and 25MB (OpenAI's limit) for asr-ocr. */
  bodyLimit: size().optional(),
  /** A request the engine takes longer than this for is cancelled with 504. */
  requestTimeout: duration().default(300_000),
  /** The most memory the server may hold; loads wait for room under it (and under MemAvailable and the cgroup). */
  memoryLimit: size().optional(),
  /** A load whose progress does not advance for this long fails its attempt (and gets its retry). */
  stallTimeout: duration().default(30_000),
  models: z.array(modelSchema).default([]),
});

/** How `modelctl export` deploys the stack; flags override these. */
const deploySchema = z.strictObject({
  /** Container image holding modelctl (built from this repository). */
  image: z.string().min(1).default('modelctl:latest'),
  /** Kubernetes PersistentVolumeClaim (or compose volume) holding the model files. */
  modelsVolume: z.string().min(1).default('modelctl-models'),
  cpu: z.string().min(1).default('1'),
  memory: z.string().min(1).default('2Gi'),
});

export const configSchema = z.strictObject({
  /** Cold-start budget for the whole stack. */
  budget: duration().default(120_000),
  /** How long a server gets to exit after SIGTERM before SIGKILL. */
  grace: duration().default(5000),
  deploy: deploySchema.prefault({}),
  /**
   * Bearer token the built-in servers require on `/admin/*`; without one they answer only loopback callers. Write it
   * as `${MODELCTL_ADMIN_TOKEN}`, never in the file itself; empty (`${MODELCTL_ADMIN_TOKEN:-}` unset) means none.
   */
  adminToken: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().min(ADMIN_TOKEN_MIN, `expected at least ${ADMIN_TOKEN_MIN} characters`).optional(),
  ),
  servers: z.record(name, serverSchema).refine((s) => Object.keys(s).length > 0, 'expected at least one server'),
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
