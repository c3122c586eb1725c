// What `up`, `coldstart-test` and `reload` do before they start anything: pull whatever is missing, saying only what
// they obtained now (the `pull` command's view, quieter), and fail naming the models they could not obtain. Each
// imports this only when it pulls (not with --no-pull).
import type { Config } from '../common/config/types.js';
import { hubFromEnv } from './models/hf.js';
import { pullOrThrow } from './models/pull.js';
import { obtainedNow, pullView } from './report/choose-pull-view.js';

export async function pullMissing(
  config: Config,
  opts: { quiet?: boolean; out: (line: string) => void },
): Promise<void> {
  const view = pullView(config, { quiet: opts.quiet, show: obtainedNow, out: opts.out });
  await pullOrThrow(config, {
    hub: hubFromEnv(process.env),
    onEvent: (e) => view.event(e),
    onResult: (r) => view.result(r),
  }).finally(() => view.close());
}
