// Restart-on-crash: a server that was ready and then exits is started again after a growing wait, up to a maximum.

import type { RestartPolicy } from '../../../common/config/types.js';

export const MAX_BACKOFF_MS = 30_000;

/** The wait before restart number `attempt` (1-based), or undefined when the policy allows no more. */
export function restartDelay(p: RestartPolicy, attempt: number): number | undefined {
  if (p.policy === 'off' || attempt > p.max) return undefined;
  return Math.min(MAX_BACKOFF_MS, p.backoffMs * 2 ** (attempt - 1));
}
