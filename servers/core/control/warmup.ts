// Warm-up, once: a model that is warm is never warmed again by later connections or requests; `force` warms it on
// purpose.
import type { WarmupResult } from '../../../common/protocol.js';
import type { ModelRecord } from '../model-states.js';

/** Warms the ready models (all, or the one named); skips warm ones unless forced. */
export async function warmModels<H>(
  models: ModelRecord<H>[],
  warm: (m: ModelRecord<H>, h: H) => Promise<void>,
  force: boolean,
): Promise<WarmupResult[]> {
  const results: WarmupResult[] = [];
  for (const m of models) {
    if (m.state !== 'ready' || m.handle === undefined) {
      results.push({ name: m.name, warmed: false, skipped: false, ms: null, error: `model is ${m.state}` });
    } else if (m.warmupMs !== undefined && !force) {
      m.warmupsSkipped += 1;
      results.push({ name: m.name, warmed: false, skipped: true, ms: null, error: null });
    } else {
      const started = performance.now();
      await warm(m, m.handle);
      m.warmupMs = performance.now() - started;
      m.warmups += 1;
      results.push({ name: m.name, warmed: true, skipped: false, ms: m.warmupMs, error: null });
    }
  }
  return results;
}
