// The start-up both servers share: config → hold the models of the last crash to account → listen at once → runtime →
// load (suspects alone, last) → report serving and ready; warm-up, quarantine release, per-model load/unload and the
// config's section applied again on demand (control/); stop cleanly on a signal or when the parent goes. The one place
// where a server's objects are made, each given the collaborators it needs.
import type { Config, ModelConfig } from '../../common/config/types.js';
import { readCrashJournal } from '../../common/crash-journal.js';
import { messageOf } from '../../common/errors.js';
import { fileIdentity } from '../../common/file-identity.js';
import { isAlive } from '../../common/processes.js';
import type { BuiltinKind } from '../../common/protocol.js';
import { ConfigApplier } from './control/config-applier.js';
import { wireControls } from './control/control-wiring.js';
import { ModelControl } from './control/model-control.js';
import type { EngineFactory } from './engine.js';
import { buildApp } from './http/app.js';
import { ServerLiveness } from './http/liveness.js';
import { registerMetrics } from './http/metrics.js';
import { ModelHost } from './http/model-host.js';
import { ServerLifecycle } from './lifecycle.js';
import { LoadPlan } from './load/load-plan.js';
import { previousLoadTimes } from './load/ordering.js';
import { prefetch } from './load/prefetch.js';
import { createServerLoader } from './load/server-loader.js';
import { ModelRecord, type ModelTable } from './model-states.js';
import { judgeCrash } from './native/crash-verdict.js';
import { ModelMemory, modelMemoryFile } from './native/model-memory.js';
import { NativeWork } from './native/native-work.js';
import { answerPings, exitWhenParentGoes, feedSystemdWatchdog, signalParent } from './ready-signal.js';
import { readServerArgs } from './server-args.js';
import { exit, killSelfAfter } from './shutdown.js';
import { createEmitter } from './timing-emitter.js';

/** A model without a file (OCR language data from a package) is known by its name. */
const identityOfModel = (m: ModelConfig): string | undefined => (m.file ? fileIdentity(m.file) : `package:${m.name}`);

/** The journal the last process of this server left; a journal that cannot be read is reported and ignored. */
function previousJournal(config: Config, server: string) {
  try {
    return readCrashJournal(config.stateDir, server);
  } catch (err) {
    console.error(`warning: ${messageOf(err)}; earlier crashes are not held to account`);
    return undefined;
  }
}

export async function runServer<H>(kind: BuiltinKind, createEngine: EngineFactory<H>): Promise<void> {
  const { config, server, forceWarmup } = readServerArgs(kind);
  // The table is filled once the emitter its records emit through exists.
  const models: ModelTable<H> = new Map();
  const memory = new ModelMemory(modelMemoryFile(config.stateDir, server.name));
  const identityOf = (m: ModelRecord<H>) => identityOfModel(m.settings);
  // The last process's journal is read before this one starts its own.
  const journal = previousJournal(config, server.name);
  const native = new NativeWork(server.name, config.stateDir);

  const host = new ModelHost(models, native, memory, server.requestTimeoutMs);
  const liveness = new ServerLiveness(server.liveness, models, host);
  const livez = () => liveness.report();
  const app = buildApp({ server: server.name, bodyLimit: server.bodyLimit, models, livez });
  const metrics = registerMetrics(app, server.name, models, () => lifecycle.coldStartMs, liveness.checks);
  const lifecycle = new ServerLifecycle(models, () => metrics.preload());
  const emit = createEmitter(config.stateDir, server.name, (e) => lifecycle.observe(e));
  lifecycle.attach(emit);
  server.models.forEach((m, i) => models.set(m.name, ModelRecord.of<H>(m, i, { models, emit })));
  emit({ event: 'server_start', ms: performance.now() });
  // The journal may name a model the config no longer has: that one is not held to account.
  const identityByName = (name: string) => {
    const m = models.get(name);
    return m && identityOf(m);
  };
  const verdicts = judgeCrash(journal, memory, identityByName, isAlive, (name) => models.get(name)?.file);

  // The engine starts its fixed costs (runtime init) now, while the HTTP server comes up.
  const engine = createEngine(server, config);
  const { loader, alone, gate } = createServerLoader({ server, engine, native, memory, identityOf, forceWarmup });
  const control = new ModelControl<H>({ models, host, loader, gate, engine, native, memory, emit, identityOf, alone });
  const applier = new ConfigApplier<H>({ server, configFile: config.file, models, control, emit });
  wireControls(app, server.adminToken, {
    models,
    // Through the host, so that an unload or swap waits for it instead of freeing the copy under it.
    warmup: (m) => host.use(m, 'warmup', (h) => engine.warmup(m, h)),
    release: (m) => control.release(m),
    applier,
  });
  engine.registerRoutes(app, host);
  const previousLoadMs = previousLoadTimes(server.order, config.stateDir, server.name);
  const plan = new LoadPlan<H>({ order: server.order, previousLoadMs, memory, identityOf });

  const stopPrefetch = new AbortController();
  let prefetching = Promise.resolve();
  let stopping: Promise<void> | undefined;
  const stop = (code = 0) =>
    (stopping ??= (async () => {
      const nativeBusy = native.models.length > 0;
      native.stopping();
      emit({ event: 'server_stop', ms: performance.now() });
      killSelfAfter(config.graceMs);
      liveness.stop();
      // A read of prefetch's own still in flight would make exit() kill the process: it ends at its next chunk.
      stopPrefetch.abort();
      await app.close().catch(() => {});
      await engine.close().catch(() => {});
      await prefetching;
      exit(code, nativeBusy);
    })());
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  exitWhenParentGoes(() => stop());
  answerPings(liveness.healthy);
  feedSystemdWatchdog(liveness.healthy);
  liveness.startDeepChecks((m) => host.use(m, 'check', (h) => engine.warmup(m, h)));

  try {
    await app.listen({ host: server.host, port: server.port });
  } catch (err) {
    const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
    const reason = inUse ? `port ${server.port} on ${server.host} is already in use` : messageOf(err);
    emit({ event: 'server_failed', error: reason });
    signalParent({ type: 'failed', error: reason });
    await stop(1);
    return;
  }
  emit({ event: 'listening', ms: performance.now(), file: `http://${server.host}:${server.port}` });
  // The model files go into the page cache while the runtime starts (on a cold disk the two overlap), in the order the
  // loads will ask for them. Only now, once the port is bound: a server that cannot bind it reads nothing, and the
  // stat of each file (its identity, for its quarantine), which a dead mount blocks, no longer holds up the bind.
  const files = plan.loadingOrder(models).flatMap((m) => (m.file ? [m.file] : []));
  prefetching = prefetch(files, stopPrefetch.signal);
  try {
    await engine.prepare?.();
    emit({ event: 'runtime_ready', ms: performance.now() });
  } catch (err) {
    // A runtime that cannot start fails every model: the loader reports each with this reason.
    emit({ event: 'server_failed', error: `runtime failed to start: ${messageOf(err)}` });
  }
  const { normal, suspects } = plan.sort(models, verdicts);
  // Suspects load after the others, one at a time, so that a crash now convicts exactly one file.
  await loader.load(normal);
  for (const m of suspects) {
    alone.add(m.name);
    await loader.load([m]);
  }
}
