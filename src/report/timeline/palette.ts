// How each kind of stretch and mark looks, in one table both waterfalls and the legend read: words, colour (the
// Okabe–Ito palette, safe for colour-blind readers; greys for the server's own phases) and a terminal glyph. Work is
// drawn tall, waiting thin, so the picture reads without colour too; failed attempts are striped as well as red.
import type { MarkKind, SegmentKind } from './model.js';

export interface Look {
  words: string;
  color: string;
  glyph: string;
  /** Bar height as a share of the row: work is tall, waits are thin. */
  height: number;
}

export const SEGMENT_LOOKS: Record<SegmentKind, Look> = {
  boot: { words: 'process start-up', color: '#DDDDDD', glyph: '░', height: 0.45 },
  start: { words: 'server start-up', color: '#B0B0B0', glyph: '▒', height: 0.45 },
  runtime: { words: 'runtime start-up', color: '#7A7A7A', glyph: '▓', height: 0.45 },
  models: { words: 'server loading its models', color: '#7A7A7A', glyph: '─', height: 0.12 },
  queued: { words: 'queued for a load slot', color: '#B0B0B0', glyph: '·', height: 0.12 },
  memory: { words: 'waiting for memory', color: '#F0E442', glyph: '~', height: 0.3 },
  load: { words: 'load', color: '#0072B2', glyph: '█', height: 0.6 },
  'load-failed': { words: 'failed attempt', color: '#D55E00', glyph: 'X', height: 0.6 },
  verify: { words: 'first-sight check', color: '#56B4E9', glyph: 'v', height: 0.6 },
  warmup: { words: 'warm-up', color: '#009E73', glyph: 'w', height: 0.6 },
  retry: { words: 'retry wait', color: '#E69F00', glyph: '-', height: 0.3 },
};

export const MARK_LOOKS: Record<MarkKind, Look> = {
  ready: { words: 'ready', color: '#000000', glyph: '◆', height: 0.5 },
  failed: { words: 'failed', color: '#D55E00', glyph: '✗', height: 0.5 },
  exited: { words: 'process exited', color: '#D55E00', glyph: '↯', height: 0.5 },
  crashed: { words: 'a crash was pinned on it', color: '#CC79A7', glyph: '▲', height: 0.5 },
  quarantined: { words: 'quarantined', color: '#CC79A7', glyph: '⊘', height: 0.5 },
};

/** The lines across every row. */
export const LINE_LOOKS = {
  coldStart: { words: 'cold start', color: '#000000' },
  budget: { words: 'budget', color: '#D55E00' },
};
