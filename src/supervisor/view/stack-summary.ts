// What the view says about the stack as a whole: what is still loading (for the budget error), the summary table's
// rows, and the required models left out by quarantine.
import type { Config } from '../../../common/config/types.js';
import { etaMs, formatEta, formatRate } from '../../format.js';
import type { SummaryRow } from '../events.js';
import type { ModelView } from './model-view.js';
import type { StackView } from './stack-view.js';

/** `, 41% at 120 MB/s, about 12 s to go` for a model that reported progress. */
function progressNote(m: ModelView): string {
  const p = m.progress;
  if (!p) return '';
  const pct = `${Math.floor(p.fraction * 100)}%`;
  if (!p.rate) return `, ${pct}`;
  return `, ${pct} at ${formatRate(p.rate)}, about ${formatEta(etaMs(p.total - p.bytes, p.rate))} to go`;
}

/** `llm/chat (loading, attempt 1, 41% …)` for every model not ready yet, or the server when none reported. */
export function stillLoading(view: StackView): string[] {
  return view.servers
    .filter((s) => s.state !== 'ready')
    .flatMap((s) => {
      const models = s.models.filter((m) => m.state !== 'ready' && m.state !== 'quarantined');
      return models.length > 0
        ? models.map((m) => `${s.name}/${m.name} (${m.state}, attempt ${m.attempts}${progressNote(m)})`)
        : [`${s.name} (no model reported yet)`];
    });
}

/** The summary table's rows: one per model, or one for a server that reported none. */
export function summaryOf(view: StackView): SummaryRow[] {
  return view.servers.flatMap((s) =>
    s.models.length === 0
      ? [{ server: s.name, readyAt: s.readyAt }]
      : s.models.map((m) => ({
          server: s.name,
          model: m.name,
          loadMs: m.loadMs,
          attempts: m.attempts,
          readyAt: m.readyAt,
          state: m.state,
        })),
  );
}

/**
 * Required models (per the running `config`) that are quarantined, as `server llm: chat: reason`: they make
 * `up --wait all` end with 1.
 */
export function quarantinedRequired(view: StackView, config: Config): string[] {
  const required = (server: string, model: string) =>
    config.servers.find((c) => c.name === server)?.models.find((c) => c.name === model)?.required !== false;
  return view.servers.flatMap((s) =>
    s.models
      .filter((m) => m.state === 'quarantined' && required(s.name, m.name))
      .map((m) => `server ${s.name}: ${m.error}`),
  );
}
