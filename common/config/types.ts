// The config every part of modelctl reads: validated, defaults filled, paths absolute, durations in milliseconds
// (the `Ms` names), and each server either one of ours or a foreign command, never a mix.
import type { BuiltinKind } from '../protocol.js';
import type { RawConfig, RawModel, RawServer } from './schema.js';
import type { Secret } from './secret.js';

export type { BuiltinKind };

/** The config file every command and server reads when not told another (`--config`). */
export const DEFAULT_CONFIG_FILE = 'models.yaml';

export interface ModelConfig extends RawModel {
  /** Absolute path of the model file, when it has one. */
  file?: string;
}

/** What happens when a server that was ready exits. */
export interface RestartPolicy {
  policy: RawServer['restart']['policy'];
  /** Restarts allowed over the supervisor's life. */
  max: number;
  /** Wait before the first restart; doubled for each next one, at most 30 s. */
  backoffMs: number;
}

/** After ready, the supervisor checks every `periodMs` that the server answers within `timeoutMs`. */
export interface LivenessSettings {
  periodMs: number;
  timeoutMs: number;
  /** Misses in a row that make the server hung: it is killed and restarted. */
  failures: number;
  /** Built-in servers: one tiny real inference per model at this period; undefined when off. */
  inferenceMs?: number;
}

interface ServerBase {
  name: string;
  host: string;
  port: number;
  env: Record<string, string>;
  restart: RestartPolicy;
  /** Undefined when `liveness: off`. */
  liveness?: LivenessSettings;
  dependsOn: string[];
  models: ModelConfig[];
}

/** One of our servers (servers/llm, servers/asr-ocr): its loader settings and engine settings. */
export interface BuiltinServerConfig extends ServerBase {
  kind: BuiltinKind;
  concurrency: number;
  retries: number;
  retryDelayMs: number;
  order: RawServer['order'];
  warmup: boolean;
  verify: RawServer['verify'];
  mmap: boolean;
  gpu: RawServer['gpu'];
  /** CPU threads per inference: the config's, or the cores less one. */
  threads: number;
  contextSize: number;
  parallel: number;
  bodyLimit: number;
  requestTimeoutMs: number;
  /** `memoryLimit`, in bytes, when set. */
  memoryLimitBytes?: number;
  stallTimeoutMs: number;
  /** The stack's `adminToken`: required as a bearer token on `/admin/*` when set. */
  adminToken?: Secret;
}

/** A foreign server: started from its command line, ready when its health URL answers 2xx. */
export interface ForeignServerConfig extends ServerBase {
  kind: 'command';
  command: string[];
  health: string;
}

export type ServerConfig = BuiltinServerConfig | ForeignServerConfig;

/** The one test for "is this one of our servers"; it narrows the type. */
export function isBuiltin(s: ServerConfig): s is BuiltinServerConfig {
  return s.kind !== 'command';
}

export interface Config {
  file: string;
  /** A short hash of the file's text: which version of the config this is (`status`, `reload`). */
  version: string;
  dir: string;
  /** Where logs and state live: `.modelctl/` beside the config file. */
  stateDir: string;
  budgetMs: number;
  /** How long a server gets to exit after SIGTERM before SIGKILL. */
  graceMs: number;
  deploy: RawConfig['deploy'];
  servers: ServerConfig[];
}
