// Step one of a pull, per model: a file that is present (and good) stays; a missing or bad one gets a plan, with the
// size it will take. Nothing is written here but the record of files it hashed.
import type { Config, ModelConfig } from '../../common/config/types.js';
import { PullError } from '../../common/errors.js';
import { checkPresent } from './check-present.js';
import type { Hub } from './hf.js';
import { type Plan, planObtain } from './obtain.js';
import { entryOf, type PullRecord, remember, sourceChanged } from './pull-record.js';
import { parseSource } from './source.js';

/** A model needs nothing more (done), or a plan to obtain its file. */
export type Prepared =
  | { done: true; action: 'present' | 'verified' | 'none'; bytes?: number; sha256?: string }
  | { done: false; plan: Plan };

/** Decides what a model needs; throws (naming the file) when it cannot be obtained at all. */
export async function preparePull(
  config: Config,
  record: PullRecord,
  model: ModelConfig,
  opts: { hub: Hub; force: boolean; verify: boolean },
): Promise<Prepared> {
  const file = model.file;
  if (!file) return { done: true, action: 'none' };
  // --force re-obtains what has a source, and so does a new source for a file pulled from another one; a file with
  // none (brought by hand) stays as it is.
  const presence =
    (opts.force && model.source) || sourceChanged(config, record, file, model.source)
      ? ({ state: 'missing' } as const)
      : await checkPresent(file, model.sha256, entryOf(config, record, file, model.source), opts.verify);
  if (presence.state === 'present') {
    if (presence.hashed && presence.sha256) await remember(config, record, file, presence.sha256, model.source);
    const action = presence.verified ? 'verified' : 'present';
    return { done: true, action, bytes: presence.size, sha256: presence.sha256 };
  }
  if (!model.source) throw new PullError(`${file} does not exist and the model has no source: to obtain it from`);
  const source = parseSource(model.source, model.name);
  if (presence.state === 'mismatch' && source.kind === 'demo')
    throw new PullError(
      `${file}: sha256 ${presence.actual} does not match ${presence.expected}; ` +
        `\`modelctl pull --force ${model.name}\` makes it again`,
    );
  return { done: false, plan: await planObtain(source, file, opts.hub, opts.force) };
}
