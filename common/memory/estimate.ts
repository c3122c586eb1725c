// What a model is expected to need in memory, and how that is said to people.

/** What a model is expected to need in RAM, in total and by part (weights, kv, compute, runtime, …). */
export interface MemoryEstimate {
  bytes: number;
  parts: Record<string, number>;
}

/** A size for people: `9.4 GiB`, `612 MiB`. */
export function formatGiB(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${Math.round(bytes / 2 ** 20)} MiB`;
}

/** `needs 9.4 GiB (weights 8.1 GiB, kv 1.0 GiB, compute 312 MiB)` */
export function describeNeed(e: MemoryEstimate): string {
  const parts = Object.entries(e.parts)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${formatGiB(v)}`)
    .join(', ');
  return `needs ${formatGiB(e.bytes)}${parts ? ` (${parts})` : ''}`;
}
