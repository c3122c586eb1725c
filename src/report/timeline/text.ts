// The waterfall for a terminal: a compact bar per server and model that fits the width, drawn with the glyphs of the
// palette (colour on a terminal only), the cold-start column, a ruler in seconds, the figures and a legend line.
import type { ChalkInstance } from 'chalk';
import { formatMs } from '../../format.js';
import type { Timeline } from './model.js';
import { LINE_LOOKS, MARK_LOOKS, SEGMENT_LOOKS, type Look } from './palette.js';
import { axisFor, tickLabel, type Axis } from './scale.js';
import { rowFigure } from './words.js';

const MIN_BAR = 20;

export function timelineText(t: Timeline, columns: number, paint: ChalkInstance): string {
  const labels = t.rows.map((r) => (r.model === undefined ? r.server : `  ${r.model}`).slice(0, 24));
  const figures = t.rows.map(rowFigure);
  const labelW = Math.max(...labels.map((l) => l.length), 6) + 2;
  const figureW = Math.max(...figures.map((f) => f.length)) + 2;
  const barW = Math.max(MIN_BAR, columns - labelW - figureW - 1);
  const axis = axisFor(t, Math.max(2, Math.floor(barW / 10)));
  const col = (ms: number) => Math.min(barW - 1, Math.floor((ms / axis.maxMs) * barW));
  const round = (ms: number) => Math.round((ms / axis.maxMs) * barW);
  const color = (look: Look) => (isGrey(look.color) ? (s: string) => s : paint.hex(look.color));

  const lines = [' '.repeat(labelW) + ruler(axis, barW)];
  /** The kinds some cell shows, for the legend. */
  const shown = new Set<string>();
  t.rows.forEach((r, i) => {
    const cells: { kind?: string; text: string }[] = Array.from({ length: barW }, () => ({ text: ' ' }));
    if (t.coldStartMs !== null) cells[col(t.coldStartMs)] = { text: paint.dim('│') };
    if (axis.budgetOnAxis) cells[col(t.budgetMs)] = { text: paint.hex(LINE_LOOKS.budget.color)('┆') };
    const thinFirst = [...r.segments].sort((a, b) => SEGMENT_LOOKS[a.kind].height - SEGMENT_LOOKS[b.kind].height);
    for (const s of thinFirst) {
      const look = SEGMENT_LOOKS[s.kind];
      // Work shows even when shorter than a cell; a wait shows only for the cells it mostly covers.
      const [from, to] = isWait(look) ? [round(s.startMs), round(s.endMs)] : [col(s.startMs), col(s.endMs) + 1];
      for (let c = from; c < Math.min(to, barW); c++) cells[c] = { kind: s.kind, text: color(look)(look.glyph) };
    }
    for (const m of r.marks) {
      const look = MARK_LOOKS[m.kind];
      cells[col(m.atMs)] = { kind: m.kind, text: color(look)(look.glyph) };
    }
    for (const c of cells) if (c.kind) shown.add(c.kind);
    const label = labels[i]!.padEnd(labelW);
    const bar = cells.map((c) => c.text).join('');
    lines.push(`${r.model === undefined ? paint.bold(label) : label}${bar} ${figures[i]}`);
  });
  lines.push('', ...legend(t, axis, shown, columns, color));
  lines.push(summary(t, axis));
  return lines.join('\n');
}

const isWait = (look: Look) => look.height < 0.45;

/** Greys and black stay the terminal's own colour: a 16-colour terminal would paint them black on black. */
const isGrey = (hex: string) => hex.slice(1, 3) === hex.slice(3, 5) && hex.slice(3, 5) === hex.slice(5, 7);

/** Tick labels at their columns, each where it does not run into the one before. */
function ruler(axis: Axis, barW: number): string {
  const step = axis.ticks[1] ?? axis.maxMs;
  let out = '';
  for (const ms of axis.ticks) {
    const at = Math.min(barW - 1, Math.floor((ms / axis.maxMs) * barW));
    const label = tickLabel(ms, step);
    if (at < out.length + (out ? 1 : 0)) continue;
    out = out.padEnd(at) + label;
  }
  return out.trimEnd();
}

function legend(
  t: Timeline,
  axis: Axis,
  shown: Set<string>,
  columns: number,
  color: (look: Look) => (s: string) => string,
): string[] {
  const looks = [...Object.entries(SEGMENT_LOOKS), ...Object.entries(MARK_LOOKS)].filter(([k]) => shown.has(k));
  const items = looks.map(([, look]) => ({
    text: `${color(look)(look.glyph)} ${look.words}`,
    width: look.words.length + 2,
  }));
  if (t.coldStartMs !== null) items.push({ text: `│ ${LINE_LOOKS.coldStart.words}`, width: 12 });
  if (axis.budgetOnAxis) items.push({ text: `┆ ${LINE_LOOKS.budget.words}`, width: 8 });
  const out: string[] = [];
  let line = '';
  let width = 0;
  for (const item of items) {
    if (width > 0 && width + 3 + item.width > columns) {
      out.push(line);
      line = '';
      width = 0;
    }
    line += (width > 0 ? '   ' : '') + item.text;
    width += (width > 0 ? 3 : 0) + item.width;
  }
  if (line) out.push(line);
  return out;
}

function summary(t: Timeline, axis: Axis): string {
  const budget = `budget ${formatMs(t.budgetMs)}${axis.budgetOnAxis ? '' : ', beyond the axis'}`;
  const outcome =
    t.coldStartMs === null ? 'no cold start: not every server was ready' : `cold start ${formatMs(t.coldStartMs)}`;
  return [`${outcome} (${budget})`, t.note].filter(Boolean).join(' · ');
}
