// What a server kind (llm, asr-ocr) plugs into the shared start-up: how it loads, sizes, warms, serves and frees a
// model. In a file of its own, so that the parts that call an engine (loader, controls) need not import the start-up.
import type { FastifyInstance } from 'fastify';
import type { BuiltinServerConfig, Config } from '../../common/config/types.js';
import type { MemoryEstimate } from '../../common/memory/estimate.js';
import type { ModelHost } from './http/model-host.js';
import type { ModelRecord } from './model-states.js';

/**
 * What an engine's load is given by the loader's watch over the attempt (load/load-progress.ts): where to report bytes
 * done, a signal that aborts the load once it stalls, and a way to wait for a shared resource without it counting as
 * a stall.
 */
export interface LoadWatch {
  signal: AbortSignal;
  progress(done: number, total: number): void;
  /** Waits for a shared resource (a free engine instance): time spent here is not a stall. */
  queue<T>(wait: Promise<T>): Promise<T>;
}

/** One server kind's engine: made once per process, before the HTTP server listens. */
export interface Engine<H> {
  /** Pays the runtime's fixed start-up cost (started when the engine is made); loads begin after it. */
  prepare?(): Promise<void>;
  load(model: ModelRecord<H>, attempt: number, watch: LoadWatch): Promise<H>;
  /** What the model will need in memory; it may check the file (its errors fail the attempt). */
  estimate?(model: ModelRecord<H>): Promise<MemoryEstimate>;
  /** One small real inference: warm-up, and the first-sight check. */
  warmup(model: ModelRecord<H>, handle: H): Promise<void>;
  registerRoutes(app: FastifyInstance, host: ModelHost<H>): void;
  /** Frees one loaded copy (nothing runs on it any more): its memory goes back before the promise resolves. */
  unload(handle: H): Promise<void>;
  close(): Promise<void>;
}

/** Makes a kind's engine for its section of the config; `runServer` calls it once. */
export type EngineFactory<H> = (server: BuiltinServerConfig, config: Config) => Engine<H>;
