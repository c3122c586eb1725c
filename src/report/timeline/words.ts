// The timeline in words: what hovering a bar or a mark shows, and the figure beside each row. Both waterfalls use them.
import { formatBytes, formatMs, formatRate } from '../../format.js';
import type { Mark, Row, Segment } from './model.js';
import { MARK_LOOKS, SEGMENT_LOOKS } from './palette.js';

/** A moment on the axis, to the millisecond: `1.234 s`. */
export const atSeconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

/** A duration to the millisecond under 10 s (`1399 ms`), then to a tenth of a second. */
const duration = (ms: number) => (ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

export const rowName = (row: Row) => (row.model === undefined ? row.server : `${row.server}/${row.model}`);

const processNote = (process: number) => (process > 1 ? ` (process ${process})` : '');

export function segmentWords(row: Row, s: Segment): string[] {
  const what = SEGMENT_LOOKS[s.kind].words;
  const attempt = s.attempt === undefined ? '' : `, attempt ${s.attempt}`;
  const until = s.until === undefined ? '' : ` (until ${s.until})`;
  const lines = [
    `${rowName(row)}${processNote(s.process)}`,
    `${what}${attempt}${until}: ${duration(s.endMs - s.startMs)}`,
    `from ${atSeconds(s.startMs)} to ${atSeconds(s.endMs)}`,
  ];
  if (s.totalBytes !== undefined) {
    const read = s.bytes !== undefined && s.bytes !== s.totalBytes ? `${formatBytes(s.bytes)} of ` : '';
    const rate = s.rate === undefined ? '' : ` at ${formatRate(s.rate)}`;
    lines.push(`${read}${formatBytes(s.totalBytes)}${rate}`);
  }
  if (s.needs !== undefined) lines.push(`needs ${formatBytes(s.needs)}, ${formatBytes(s.free ?? 0)} free`);
  if (s.error) lines.push(`error: ${s.error}`);
  if (s.cutOff) lines.push(`cut off: ${s.cutOff}`);
  return lines;
}

export function markWords(row: Row, m: Mark): string[] {
  const attempt = m.attempt === undefined ? '' : ` after attempt ${m.attempt}`;
  return [
    `${rowName(row)}${processNote(m.process)}`,
    `${MARK_LOOKS[m.kind].words}${attempt} at ${atSeconds(m.atMs)}`,
    ...(m.detail ? [m.detail] : []),
  ];
}

/** Beside the row: `ready 3.4 s` for a server; the load time (and attempts) for a model, or its state. */
export function rowFigure(row: Row): string {
  if (row.model === undefined) return row.readyMs === undefined ? row.state : `ready ${formatMs(row.readyMs)}`;
  const attempts = row.attempts > 1 ? ` (${row.attempts} attempts)` : '';
  if (row.state === 'ready' && row.loadMs !== undefined) return `${formatMs(row.loadMs)}${attempts}`;
  return `${row.state}${attempts}`;
}
