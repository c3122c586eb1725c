// Makes sure every model file a config names exists: keeps what is present (trusting the record), plans what is
// missing (sizes from the origin), refuses what does not fit on disk, then makes or downloads a few at a time.
import pLimit from 'p-limit';
import type { Config, ModelConfig } from '../../common/config/types.js';
import { ConfigError, messageOf, PullError } from '../../common/errors.js';
import { assertSpace } from './disk-space.js';
import { fileSize } from './file-ops.js';
import { DEFAULT_HF_ENDPOINT } from './hf.js';
import { obtain, type Obtained, type Plan } from './obtain.js';
import { preparePull } from './prepare-pull.js';
import { readRecord, remember, saveRecord } from './pull-record.js';
import type { PullEventBody, PullOptions, PullResult } from './pull-types.js';
import { DEFAULT_RETRY } from './retry.js';

export type { PullAction, PullEvent, PullOptions, PullResult } from './pull-types.js';
export { displayPath } from './pull-record.js';

/** The models to pull: all, or those named (in every server that has one); an unknown name is a usage error. */
function selectModels(config: Config, names: string[] = []): { server: string; model: ModelConfig }[] {
  const all = config.servers.flatMap((s) => s.models.map((model) => ({ server: s.name, model })));
  const unknown = names.filter((n) => !all.some((m) => m.model.name === n));
  if (unknown.length > 0)
    throw new ConfigError([
      `no model named ${unknown.join(', ')} in ${config.file}; its models: ${all.map((m) => m.model.name).join(', ')}`,
    ]);
  return names.length === 0 ? all : all.filter((m) => names.includes(m.model.name));
}

/** Pulls the selected models; each result carries its own error. Throws only for bad names or too little disk space. */
export async function pullAll(config: Config, opts: PullOptions = {}): Promise<PullResult[]> {
  const hub = opts.hub ?? { endpoint: DEFAULT_HF_ENDPOINT };
  // Downloads wait for network slots; demo models (CPU and disk) have their own, so they never queue behind them.
  const limit = pLimit(opts.concurrency ?? 3);
  const makeLimit = pLimit(opts.concurrency ?? 3);
  const { record, migrated } = await readRecord(config);
  // Written only when it changed: a pull that finds everything present (every `up`) writes nothing.
  let saved = migrated ? '' : JSON.stringify(record);
  let saving = Promise.resolve();
  const save = () =>
    (saving = saving.then(async () => {
      const now = JSON.stringify(record);
      if (now !== saved) await saveRecord(config, record);
      saved = now;
    }));
  const results: PullResult[] = [];
  const finish = (server: string, model: ModelConfig, started: number, r: Partial<PullResult>) => {
    results.push({
      server,
      model: model.name,
      file: model.file,
      action: 'none',
      ...r,
      ms: performance.now() - started,
    });
    opts.onResult?.(results.at(-1)!);
  };

  // 1. What is present stays; the rest gets a plan with its size (HEAD requests, a few at a time).
  const flags = { hub, force: Boolean(opts.force), verify: Boolean(opts.verify) };
  const jobs: { server: string; model: ModelConfig; file: string; plan: Plan }[] = [];
  await Promise.all(
    selectModels(config, opts.models).map(({ server, model }) =>
      limit(async () => {
        const started = performance.now();
        try {
          const prepared = await preparePull(config, record, model, flags);
          if (prepared.done) finish(server, model, started, prepared);
          else jobs.push({ server, model, file: model.file!, plan: prepared.plan });
        } catch (err) {
          finish(server, model, started, { error: messageOf(err) });
        }
      }),
    ),
  );
  await save();

  // 2. Everything about to be written must fit, before any byte is (a file two models share counts once).
  const needs = new Map(jobs.map((j) => [j.file, { model: j.model.name, file: j.file, bytes: j.plan.bytes }]));
  await assertSpace([...needs.values()], opts.readDisk);

  // 3. Make and download, a few at a time; models that name the same file wait for the one that obtains it.
  const retry = { ...DEFAULT_RETRY, ...opts.retry };
  const obtaining = new Map<string, Promise<Obtained>>();
  const obtainOnce = async ({ server, model, file, plan }: (typeof jobs)[number]): Promise<Obtained> => {
    const shared = obtaining.get(file);
    if (shared) return shared;
    const say = (e: PullEventBody) => opts.onEvent?.({ server, model: model.name, ...e });
    const got = obtain(plan, file, model, {
      retry,
      fresh: opts.force,
      onStart: (i) => say({ type: 'start', ...i }),
      onProgress: (p) => say({ type: 'progress', ...p }),
      onRetry: (i) => say({ type: 'retry', ...i }),
    });
    obtaining.set(file, got);
    const done = await got;
    const commit = done.action === 'downloaded' ? done.commit : undefined;
    await remember(config, record, file, done.sha256, model.source, commit);
    await save();
    return got;
  };
  await Promise.all(
    jobs.map((job) =>
      (job.plan.kind === 'demo' ? makeLimit : limit)(async () => {
        const started = performance.now();
        try {
          const got = await obtainOnce(job);
          const resumedFrom = got.action === 'downloaded' && got.resumedFrom > 0 ? got.resumedFrom : undefined;
          const { action, sha256 } = got;
          const bytes = got.action === 'downloaded' ? got.bytes : await fileSize(job.file);
          finish(job.server, job.model, started, { action, bytes, sha256, resumedFrom });
        } catch (err) {
          finish(job.server, job.model, started, { error: messageOf(err) });
        }
      }),
    ),
  );
  await saving;
  return results;
}

/** Pulls, then throws naming the models that could not be obtained. Shared by `pull`, `up` and `coldstart-test`. */
export async function pullOrThrow(config: Config, opts: PullOptions = {}): Promise<PullResult[]> {
  const results = await pullAll(config, opts);
  const failed = results.filter((r) => r.error);
  if (failed.length > 0)
    throw new PullError(
      `${failed.length} model(s) could not be pulled: ${failed.map((r) => `${r.model} (${r.error})`).join('; ')}`,
    );
  return results;
}
