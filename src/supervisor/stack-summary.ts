// What the supervisor says about its servers as a whole: what is still loading (for the budget error), the summary
// table's rows, and the required models left out by quarantine.
import { etaMs, formatEta, formatRate } from '../format.js';
import type { ModelView, SummaryRow } from './events.js';
import type { ManagedServer } from './supervisor.js';

/** `, 41% at 120 MB/s, about 12 s to go` for a model that reported progress. */
function progressNote(m: ModelView): string {
  const p = m.progress;
  if (!p) return '';
  const pct = `${Math.floor(p.fraction * 100)}%`;
  if (!p.rate) return `, ${pct}`;
  return `, ${pct} at ${formatRate(p.rate)}, about ${formatEta(etaMs(p.total - p.bytes, p.rate))} to go`;
}

/** `llm/chat (loading, attempt 1, 41% …)` for every model not ready yet, or the server when none reported. */
export function stillLoading(servers: ManagedServer[]): string[] {
  return servers
    .filter((s) => s.state !== 'ready')
    .flatMap((s) => {
      const models = [...s.models.values()].filter((m) => m.state !== 'ready' && m.state !== 'quarantined');
      return models.length > 0
        ? models.map((m) => `${s.config.name}/${m.name} (${m.state}, attempt ${m.attempts}${progressNote(m)})`)
        : [`${s.config.name} (no model reported yet)`];
    });
}

export function summaryOf(servers: ManagedServer[]): SummaryRow[] {
  return servers.flatMap((s) =>
    s.models.size === 0
      ? [{ server: s.config.name, readyAt: s.readyAt }]
      : [...s.models.values()].map((m) => ({
          server: s.config.name,
          model: m.name,
          loadMs: m.loadMs,
          attempts: m.attempts,
          readyAt: m.readyAt,
          state: m.state,
        })),
  );
}

/** Required models that are quarantined, as `server llm: chat: reason` (they make `up --wait all` end with 1). */
export function quarantinedRequired(servers: ManagedServer[]): string[] {
  return servers.flatMap((s) =>
    [...s.models.values()]
      .filter((m) => m.state === 'quarantined' && s.config.models.find((c) => c.name === m.name)?.required !== false)
      .map((m) => `server ${s.config.name}: ${m.error}`),
  );
}
