// Retries with exponential backoff for transient download failures (connection errors, 5xx, 429, a cut body, a storage
// host refusing an expired signed URL); the origin's refusal (401, 403, 404) or a checksum mismatch fails at once.
import { setTimeout as sleep } from 'node:timers/promises';
import { DownloadError, messageOf } from '../../common/errors.js';

/** How often and how patiently a download is retried. */
export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  attempts: number;
  /** Wait before the second attempt; doubled for each next one, at most `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Swappable for tests. */
  sleep: (ms: number) => Promise<unknown>;
}

/** 5 attempts, waiting 1 s, 2 s, 4 s and 8 s between them. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000, sleep };

/** The wait after failed attempt `attempt` (1-based). */
export const backoffMs = (policy: RetryPolicy, attempt: number): number =>
  Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));

/** Runs `attempt(n)` until it succeeds, fails for good, or runs out of attempts; says each retry before its wait. */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T>,
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!(err instanceof DownloadError && err.transient) || n >= policy.attempts) throw err;
      const delayMs = backoffMs(policy, n);
      onRetry?.({ attempt: n + 1, delayMs, reason: messageOf(err) });
      await policy.sleep(delayMs);
    }
  }
}
