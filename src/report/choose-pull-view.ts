// Picks the pull progress view for where the output goes: JSON on request, a live block on a terminal, plain lines
// otherwise (CI, a dumb terminal). Shared by `pull`, `up` and `coldstart-test`.
import type { Config } from '../../common/config/types.js';
import type { PullResult } from '../models/pull.js';
import { formatPullResult } from './pull-line.js';
import { jsonPullView, livePullView, plainPullView, type PullView } from './pull-views.js';
import { canRedraw, paintErr } from './style.js';

/** What the command wants shown. */
export interface PullViewChoice {
  json?: boolean;
  /** Results only, no progress (`up --json` keeps its event stream as it is). */
  quiet?: boolean;
  /** Which results get a line (`up` shows only what it made or downloaded); all by default. */
  show?: (r: PullResult) => boolean;
  /** Where result lines go; stdout by default. */
  out?: (line: string) => void;
}

/** Results made or downloaded now: what `up` and `coldstart-test` mention. */
export const obtainedNow = (r: PullResult): boolean => r.action === 'made' || r.action === 'downloaded';

/** The view for this process's stdout and stderr. */
export function pullView(config: Config, choice: PullViewChoice = {}): PullView {
  const out = choice.out ?? ((line: string) => console.log(line));
  if (choice.json) return jsonPullView({ out });
  const show = choice.show ?? (() => true);
  if (choice.quiet)
    return { event: () => {}, result: (r) => (show(r) ? out(formatPullResult(config, r)) : undefined), close() {} };
  const options = {
    out: (line: string) => (line ? out(line) : undefined),
    progress: (text: string) => process.stderr.write(text),
    formatResult: (r: PullResult) => (show(r) ? formatPullResult(config, r) : ''),
    paint: paintErr,
  };
  return canRedraw(process.stderr) ? livePullView(options) : plainPullView(options);
}
