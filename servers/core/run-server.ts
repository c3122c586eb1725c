// The start-up both servers share: config → listen at once → runtime → load models (by priority) → report serving and
// ready; warm-up on demand; stop cleanly on a signal or when the parent goes.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../common/config/load.js';
import { isBuiltin, type BuiltinServerConfig, type Config } from '../../common/config/types.js';
import type { BuiltinKind } from '../../common/protocol.js';
import { messageOf } from '../../common/errors.js';
import { describeEvent, type TimingEvent, type TimingEventInput } from '../../common/timing/events.js';
import { readTimingEvents } from '../../common/timing/reader.js';
import { openTimingLog, timingLogFile } from '../../common/timing/writer.js';
import { HttpError } from './http-error.js';
import { buildApp, type ModelTable } from './http.js';
import { loadModels } from './loader.js';
import { registerMetrics } from './metrics.js';
import { ModelRecord, serverStatus } from './model-states.js';
import { lastLoadTimes, orderForLoading } from './ordering.js';
import { exitWhenParentGoes, notifySystemd, signalParent } from './ready-signal.js';
import { warmModels } from './warmup.js';

/** What a server kind plugs into the shared start-up. */
export interface Engine<H> {
  /**
   * Pays the runtime's fixed start-up cost (started when the engine is made); loads begin after it, so their times are
   * the loads' own.
   */
  prepare?(): Promise<void>;
  load(model: ModelRecord<H>, attempt: number): Promise<H>;
  /** One small real inference, run only when warm-up is turned on or asked for. */
  warmup(model: ModelRecord<H>, handle: H): Promise<void>;
  registerRoutes(app: FastifyInstance, models: ModelTable<H>): void;
  close(): Promise<void>;
}

export type EngineFactory<H> = (server: BuiltinServerConfig, config: Config) => Engine<H>;

/**
 * Reads `--config FILE --server NAME [--warmup]` and the server's section; exits 2 with the reason when they are wrong.
 */
function readServerConfig(kind: BuiltinKind): { config: Config; server: BuiltinServerConfig; forceWarmup: boolean } {
  try {
    const { values } = parseArgs({
      options: {
        config: { type: 'string', default: 'models.yaml' },
        server: { type: 'string' },
        warmup: { type: 'boolean' },
      },
    });
    const config = loadConfig(values.config);
    const server = config.servers.find(
      (s) => s.name === (values.server ?? config.servers.find((x) => x.kind === kind)?.name),
    );
    if (!server)
      throw new Error(
        `${values.config}: no server named "${values.server}"; it has ${config.servers.map((s) => s.name).join(', ')}`,
      );
    if (!isBuiltin(server) || server.kind !== kind)
      throw new Error(`server "${server.name}" is of kind ${server.kind}, not ${kind}`);
    return { config, server, forceWarmup: Boolean(values.warmup) };
  } catch (err) {
    console.error(`error: ${messageOf(err)}`);
    process.exit(2);
  }
}

export async function runServer<H>(kind: BuiltinKind, createEngine: EngineFactory<H>): Promise<void> {
  const { config, server, forceWarmup } = readServerConfig(kind);
  const logFile = timingLogFile(config.stateDir, server.name);
  const previousLoads =
    server.order === 'longest-first' && existsSync(logFile)
      ? lastLoadTimes(readTimingEvents([logFile]))
      : new Map<string, number>();
  const writeLog = openTimingLog(logFile);
  const emit = (input: TimingEventInput) => {
    const e: TimingEvent = { ts: new Date().toISOString(), server: server.name, ...input };
    writeLog(e);
    // Under a supervisor the events travel over IPC; by hand they are printed in plain words.
    if (process.send) signalParent({ type: 'timing', event: e });
    else console.log(describeEvent(e));
    if (e.event === 'ready' || e.event === 'failed') reportProgress();
  };
  emit({ event: 'server_start', ms: performance.now() });

  // The engine starts its fixed costs (runtime init) now, while the HTTP server comes up.
  const engine = createEngine(server, config);
  const models: ModelTable<H> = new Map(
    server.models.map((m, i) => [m.name, new ModelRecord<H>(m.name, m.file, m.priority ?? i, m.required)]),
  );
  let coldStartMs: number | undefined;
  let servingSent = false;
  /**
   * Pushes `serving` once, as soon as the first-priority models are ready (`ready` / `failed` follow when loading
   * ends).
   */
  function reportProgress() {
    const status = serverStatus(models.values());
    if ((status === 'serving' || status === 'ok') && !servingSent) {
      servingSent = true;
      signalParent({ type: 'serving', ms: performance.now() });
    }
  }

  const app = buildApp({ server: server.name, bodyLimit: server.bodyLimit, models });
  const metrics = registerMetrics(app, server.name, models, () => coldStartMs);
  app.post<{ Querystring: { force?: string; model?: string } }>('/admin/warmup', async (req) => {
    const chosen = req.query.model ? [models.get(req.query.model)] : [...models.values()];
    if (chosen[0] === undefined)
      throw new HttpError(404, `model "${req.query.model}" does not exist on this server`, 'not_found_error');
    return {
      models: await warmModels(chosen as ModelRecord<H>[], (m, h) => engine.warmup(m, h), req.query.force === 'true'),
    };
  });
  engine.registerRoutes(app, models);

  let stopping: Promise<void> | undefined;
  const stop = (code = 0) =>
    (stopping ??= (async () => {
      emit({ event: 'server_stop', ms: performance.now() });
      await app.close().catch(() => {});
      await engine.close().catch(() => {});
      process.exit(code);
    })());
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  exitWhenParentGoes(() => stop());

  try {
    await app.listen({ host: server.host, port: server.port });
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'EADDRINUSE'
        ? `port ${server.port} on ${server.host} is already in use`
        : messageOf(err);
    emit({ event: 'server_failed', error: reason });
    signalParent({ type: 'failed', error: reason });
    await stop(1);
    return;
  }
  emit({ event: 'listening', ms: performance.now(), file: `http://${server.host}:${server.port}` });
  try {
    await engine.prepare?.();
    emit({ event: 'runtime_ready', ms: performance.now() });
  } catch (err) {
    // A runtime that cannot start fails every model: the loader reports each with this reason.
    emit({ event: 'server_failed', error: `runtime failed to start: ${messageOf(err)}` });
  }

  const wantsWarmup = (name: string) =>
    forceWarmup || (server.models.find((m) => m.name === name)?.warmup ?? server.warmup);
  await loadModels(orderForLoading([...models.values()], server.order, previousLoads), {
    concurrency: server.concurrency,
    retries: server.retries,
    retryDelayMs: server.retryDelayMs,
    load: (m, attempt) => engine.load(m, attempt),
    warm: (m, handle) => (wantsWarmup(m.name) ? engine.warmup(m, handle) : undefined),
    emit,
  });
  metrics.preload();
  const status = serverStatus(models.values());
  if (status === 'ok') {
    coldStartMs = performance.now();
    emit({ event: 'server_ready', ms: coldStartMs });
    signalParent({ type: 'ready', ms: coldStartMs });
    await notifySystemd();
  } else {
    const failed = [...models.values()]
      .filter((m) => m.state === 'failed' && m.required)
      .map((m) => `${m.name}: ${m.error}`);
    emit({ event: 'server_failed', error: failed.join('; ') });
    signalParent({ type: 'failed', error: failed.join('; ') });
  }
}
