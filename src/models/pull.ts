// Makes sure every model file a config names exists: synthesizes demo models, downloads URLs, leaves good files alone.
import { relative } from 'node:path';
import type { Config, ModelConfig } from '../../common/config/types.js';
import { messageOf, PullError } from '../../common/errors.js';
import type { DownloadProgress } from './download.js';
import { fileSize, sha256File, writeAtomically } from './file-ops.js';
import { parseSource, type Source } from './source.js';

export type PullAction = 'present' | 'made' | 'downloaded' | 'none';

export interface PullResult {
  server: string;
  model: string;
  file?: string;
  action: PullAction;
  bytes?: number;
  ms: number;
  error?: string;
}

/**
 * Demo model synthesizers by engine name: `demo:<engine>`. Imported on use: a pull that finds every file present stays
 * cheap.
 */
const DEMO_WRITERS: Record<
  string,
  (file: string, name: string, source: Extract<Source, { kind: 'demo' }>) => Promise<number>
> = {
  llama: async (file, name, s) =>
    (await import('./demo-llama.js')).writeDemoLlama(file, { name, bytes: s.bytes ?? 2_000_000, seed: s.seed }),
  whisper: async (file, _name, s) =>
    (await import('./demo-whisper.js')).writeDemoWhisper(file, { bytes: s.bytes, seed: s.seed }),
};

async function obtain(
  model: ModelConfig,
  file: string,
  onProgress?: (p: DownloadProgress) => void,
): Promise<PullAction> {
  if (!model.source) throw new PullError(`${file} does not exist and the model has no source: to obtain it from`);
  const source = parseSource(model.source, model.name);
  if (source.kind === 'url') {
    const { download } = await import('./download.js');
    await download(source.url, file, { sha256: model.sha256, onProgress });
    return 'downloaded';
  }
  const write = DEMO_WRITERS[source.engine];
  if (!write)
    throw new PullError(
      `demo:${source.engine} is not a demo model kind; known: ${Object.keys(DEMO_WRITERS)
        .map((k) => `demo:${k}`)
        .join(', ')}`,
    );
  await writeAtomically(file, (tmp) => write(tmp, model.name, source));
  return 'made';
}

/** Pulls one model; never throws: the result carries the error so every model is tried. */
export async function pullModel(
  server: string,
  model: ModelConfig,
  onProgress?: (p: DownloadProgress) => void,
): Promise<PullResult> {
  const started = performance.now();
  const result = (action: PullAction, extra: Partial<PullResult> = {}): PullResult => ({
    server,
    model: model.name,
    file: model.file,
    action,
    ms: performance.now() - started,
    ...extra,
  });
  if (!model.file) return result('none');
  try {
    const existing = await fileSize(model.file);
    if (existing !== undefined && (!model.sha256 || (await sha256File(model.file)) === model.sha256.toLowerCase())) {
      return result('present', { bytes: existing });
    }
    if (existing !== undefined && model.source?.startsWith('demo:')) {
      throw new PullError(`${model.file}: sha256 does not match the config; delete the file to make it again`);
    }
    const action = await obtain(model, model.file, onProgress);
    return result(action, { bytes: await fileSize(model.file) });
  } catch (err) {
    return result('none', { error: messageOf(err) });
  }
}

/** Pulls every model of every server, a few at a time. */
export async function pullAll(
  config: Config,
  onResult: (r: PullResult) => void,
  onProgress?: (model: string, p: DownloadProgress) => void,
): Promise<PullResult[]> {
  const all = config.servers.flatMap((s) => s.models.map((m) => ({ server: s.name, model: m })));
  const results = await Promise.all(
    all.map(async ({ server, model }) => {
      const r = await pullModel(server, model, onProgress && ((p) => onProgress(model.name, p)));
      onResult(r);
      return r;
    }),
  );
  return results;
}

export function displayPath(config: Config, file: string): string {
  return relative(config.dir, file) || file;
}

/**
 * Pulls every model; throws naming the models that could not be obtained. Shared by `pull`, `up` and `coldstart-test`.
 */
export async function pullOrThrow(
  config: Config,
  onResult: (r: PullResult) => void,
  onProgress?: Parameters<typeof pullAll>[2],
): Promise<void> {
  const results = await pullAll(config, onResult, onProgress);
  const failed = results.filter((r) => r.error);
  if (failed.length > 0)
    throw new PullError(
      `${failed.length} model(s) could not be pulled: ${failed.map((r) => `${r.model} (${r.error})`).join('; ')}`,
    );
}
