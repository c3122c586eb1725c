// Numbers for people: durations and sizes as the reports print them.

/** Formats milliseconds for people: `212 ms`, `1.4 s`, `120 s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** Formats bytes for people: `1.0 MB`, `206 MB`. */
export function formatBytes(n: number): string {
  if (n < 1e3) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

/** A download's speed: `85.2 MB/s`. */
export function formatRate(bytesPerSecond: number): string {
  return `${(bytesPerSecond / 1e6).toFixed(bytesPerSecond < 1e8 ? 1 : 0)} MB/s`;
}

/** Milliseconds until `bytesLeft` are through at `rate` bytes per second: what `formatEta` is given. */
export const etaMs = (bytesLeft: number, rate: number): number => (bytesLeft * 1000) / rate;

/** Time left, coarse on purpose: `12 s`, `4 min 05 s`, `1 h 07 min`. */
export function formatEta(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor(s / 60) % 60).padStart(2, '0')} min`;
}
