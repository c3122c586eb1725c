// `modelctl pull [MODEL...]`: obtains the model files the config names (demo synthesis, http(s) or Hugging Face
// downloads), shows progress per model, and says what it did.
import { loadConfig } from '../../common/config/load.js';
import { ConfigError } from '../../common/errors.js';
import { hubFromEnv } from '../models/hf.js';
import { pullOrThrow } from '../models/pull.js';
import { pullView } from '../report/choose-pull-view.js';

/** The flags as commander hands them over. */
export interface PullCommandOptions {
  config: string;
  json?: boolean;
  force?: boolean;
  verify?: boolean;
  concurrency: string;
}

/** `--concurrency`: a whole number of parallel downloads, 1 to 16. */
function concurrencyFlag(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 16)
    throw new ConfigError([`--concurrency: expected a whole number from 1 to 16, got "${text}"`]);
  return n;
}

/** Pulls the named models (all when none is named); throws (exit 1) when one could not be obtained. */
export async function pull(models: string[], opts: PullCommandOptions): Promise<void> {
  const config = loadConfig(opts.config);
  const concurrency = concurrencyFlag(opts.concurrency);
  const view = pullView(config, { json: opts.json });
  try {
    await pullOrThrow(config, {
      hub: hubFromEnv(process.env),
      models,
      force: opts.force,
      verify: opts.verify,
      concurrency,
      onEvent: (e) => view.event(e),
      onResult: (r) => view.result(r),
    });
  } finally {
    view.close();
  }
}
