// The start-up both servers share: config → listen at once → load models → report; stop cleanly on a signal or when the parent goes.
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/load.js';
import type { ServerConfig, Config } from '../../src/config/schema.js';
import { messageOf } from '../../src/errors.js';
import { describeEvent, type TimingEvent, type TimingEventInput } from '../../src/timing/events.js';
import { openTimingLog, timingLogFile } from '../../src/timing/writer.js';
import { buildApp, type ModelTable } from './http.js';
import { loadModels } from './loader.js';
import { ModelRecord, serverStatus } from './model-states.js';
import { exitWhenParentGoes, signalParent } from './ready-signal.js';

/** What a server kind plugs into the shared start-up. */
export interface Engine<H> {
  /** Pays the runtime's fixed start-up cost (started when the engine is made); loads begin after it, so their times are the loads' own. */
  prepare?(): Promise<void>;
  load(model: ModelRecord<H>, attempt: number): Promise<H>;
  /** One small real inference, run only when warm-up is turned on. */
  warmup(model: ModelRecord<H>, handle: H): Promise<void>;
  registerRoutes(app: FastifyInstance, models: ModelTable<H>): void;
  close(): Promise<void>;
}

/** Warm-up is off unless the model or its server turns it on. */
function wantsWarmup(server: ServerConfig, model: string): boolean {
  return server.models.find((m) => m.name === model)?.warmup ?? server.warmup;
}

export type EngineFactory<H> = (server: ServerConfig, config: Config) => Engine<H>;

/** Reads `--config FILE --server NAME` and the server's section; exits 2 with the reason when they are wrong. */
function readServerConfig(kind: ServerConfig['kind']): { config: Config; server: ServerConfig } {
  try {
    const { values } = parseArgs({ options: { config: { type: 'string', default: 'models.yaml' }, server: { type: 'string' } } });
    const config = loadConfig(values.config);
    const server = config.servers.find((s) => s.name === (values.server ?? config.servers.find((x) => x.kind === kind)?.name));
    if (!server) throw new Error(`${values.config}: no server named "${values.server}"; it has ${config.servers.map((s) => s.name).join(', ')}`);
    if (server.kind !== kind) throw new Error(`server "${server.name}" is of kind ${server.kind}, not ${kind}`);
    return { config, server };
  } catch (err) {
    console.error(`error: ${messageOf(err)}`);
    process.exit(2);
  }
}

export async function runServer<H>(kind: ServerConfig['kind'], createEngine: EngineFactory<H>): Promise<void> {
  const { config, server } = readServerConfig(kind);
  const writeLog = openTimingLog(timingLogFile(config.stateDir, server.name));
  const emit = (input: TimingEventInput) => {
    const e: TimingEvent = { ts: new Date().toISOString(), server: server.name, ...input };
    writeLog(e);
    // Under a supervisor the events travel over IPC; by hand they are printed in plain words.
    if (process.send) signalParent({ type: 'timing', event: e });
    else console.log(describeEvent(e));
  };
  emit({ event: 'server_start', ms: performance.now() });

  // The engine starts its fixed costs (runtime init) now, while the HTTP server comes up.
  const engine = createEngine(server, config);
  const models: ModelTable<H> = new Map(server.models.map((m) => [m.name, new ModelRecord<H>(m.name, m.file)]));
  const app = buildApp({ server: server.name, bodyLimit: server.bodyLimit, models });
  engine.registerRoutes(app, models);

  let stopping: Promise<void> | undefined;
  const stop = (code = 0) => (stopping ??= (async () => {
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
    const reason = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${server.port} on ${server.host} is already in use` : messageOf(err);
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

  await loadModels([...models.values()], {
    concurrency: server.concurrency,
    retries: server.retries,
    retryDelayMs: server.retryDelay,
    load: (m, attempt) => engine.load(m, attempt),
    warm: (m, handle) => (wantsWarmup(server, m.name) ? engine.warmup(m, handle) : undefined),
    emit,
  });
  if (serverStatus(models.values()) === 'ok') {
    emit({ event: 'server_ready', ms: performance.now() });
    signalParent({ type: 'ready', ms: performance.now() });
  } else {
    const failed = [...models.values()].filter((m) => m.state === 'failed').map((m) => `${m.name}: ${m.error}`);
    emit({ event: 'server_failed', error: failed.join('; ') });
    signalParent({ type: 'failed', error: failed.join('; ') });
  }
}
