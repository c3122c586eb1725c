// The waterfall as one inline SVG: the axis in seconds along the top, a row per server (its phases, shaded) and per
// model (its attempts, waits and marks), the cold-start and budget lines, the figure beside each row, and a legend.
// Every bar carries its figures as hover text (<title>) and its numbers as data attributes.
import type { Mark, Row, Segment, Timeline } from './model.js';
import { SEGMENT_LOOKS, LINE_LOOKS } from './palette.js';
import { axisFor, tickLabel, type Axis } from './scale.js';
import { legendSvg } from './legend.js';
import { formatMs } from '../../format.js';
import { escapeXml } from '../xml.js';
import { CUT_OUTLINE, DEFS, STRIPES_ID, attrs, el, markShape, title } from './svg-shapes.js';
import { atSeconds, markWords, rowFigure, rowName, segmentWords } from './words.js';

export const LAYOUT = { width: 1040, labelX: 10, plotX0: 190, plotX1: 880, figureX: 892, top: 40, rowH: 24 };
const { width, labelX, plotX0, plotX1, figureX, top, rowH } = LAYOUT;
const LABEL_CHARS = 26;

export function timelineSvg(t: Timeline): string {
  const axis = axisFor(t);
  const x = (ms: number) => plotX0 + (Math.min(ms, axis.maxMs) / axis.maxMs) * (plotX1 - plotX0);
  const bottom = top + t.rows.length * rowH;
  const legend = legendSvg(t, axis, (plotX1 - plotX0) / axis.maxMs, bottom + 52, width);
  const height = bottom + 52 + legend.height;
  const svg = { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}` };
  const about = { role: 'img', 'aria-label': 'start-up waterfall', 'font-family': 'system-ui, sans-serif' };
  return [
    `<svg${attrs({ ...svg, ...about, 'font-size': 12 })}>`,
    DEFS,
    ...t.rows.map((r, i) => band(r, top + i * rowH)),
    ...grid(axis, x, bottom),
    ...t.rows.flatMap((r, i) => row(r, top + i * rowH, x)),
    ...lines(t, axis, x, bottom),
    legend.svg,
    '</svg>',
  ].join('\n');
}

/** Server rows sit on a light band, with a rule above each server's group. */
function band(r: Row, y: number): string {
  if (r.model !== undefined) return '';
  const rule = { x1: 0, y1: y, x2: width, y2: y, stroke: '#CCCCCC' };
  return el('rect', { x: 0, y, width, height: rowH, fill: '#F3F3F3' }) + el('line', rule);
}

function grid(axis: Axis, x: (ms: number) => number, bottom: number): string[] {
  const step = axis.ticks[1] ?? axis.maxMs;
  return axis.ticks.map((ms) => {
    const tick = {
      class: 'tick',
      'data-tick-ms': ms,
      x1: x(ms),
      y1: top - 6,
      x2: x(ms),
      y2: bottom,
      stroke: '#E2E2E2',
    };
    const label = { x: x(ms), y: top - 12, 'text-anchor': 'middle', fill: '#444444' };
    return el('line', tick) + el('text', label, tickLabel(ms, step));
  });
}

function row(r: Row, y: number, x: (ms: number) => number): string[] {
  const cy = y + rowH / 2;
  const name = r.model ?? r.server;
  const short = name.length > LABEL_CHARS ? `${name.slice(0, LABEL_CHARS - 1)}…` : name;
  const server = r.model === undefined;
  const label = { x: server ? labelX : labelX + 16, y: cy + 4, 'font-weight': server ? 600 : undefined };
  return [
    el('text', label, title([rowName(r)]), escapeXml(short)),
    ...r.segments.map((s) => segment(r, s, cy, x)),
    ...r.marks.map((m) => mark(r, m, cy, x)),
    el('text', { x: figureX, y: cy + 4, fill: '#333333' }, escapeXml(rowFigure(r))),
  ];
}

function segment(r: Row, s: Segment, cy: number, x: (ms: number) => number): string {
  const look = SEGMENT_LOOKS[s.kind];
  const h = rowH * look.height;
  const fill = s.kind === 'load-failed' ? `url(#${STRIPES_ID})` : look.color;
  const box = { x: x(s.startMs), y: cy - h / 2, width: Math.max(x(s.endMs) - x(s.startMs), 1), height: h };
  const data = { 'data-row': rowName(r), 'data-kind': s.kind, 'data-start-ms': s.startMs, 'data-end-ms': s.endMs };
  const cut = s.cutOff ? { class: 'seg cut', ...CUT_OUTLINE } : { class: 'seg' };
  return el('rect', { ...cut, ...data, ...box, fill }, title(segmentWords(r, s)));
}

function mark(r: Row, m: Mark, cy: number, x: (ms: number) => number): string {
  const data = { class: 'mark', 'data-row': rowName(r), 'data-kind': m.kind, 'data-at-ms': m.atMs };
  return el('g', data, title(markWords(r, m)), markShape(m.kind, x(m.atMs), cy, 6));
}

/** The cold-start line and the budget line across every row, their labels below (two lines, so they never collide). */
function lines(t: Timeline, axis: Axis, x: (ms: number) => number, bottom: number): string[] {
  const line = (cls: string, ms: number, color: string, label: string, labelY: number, dash?: string) => {
    const anchor = x(ms) > plotX1 - 120 ? 'end' : 'start';
    const lx = anchor === 'end' ? x(ms) - 4 : x(ms) + 4;
    const stroke = { stroke: color, 'stroke-width': 1.5, 'stroke-dasharray': dash };
    return (
      el('line', { class: cls, 'data-ms': ms, x1: x(ms), y1: top - 6, x2: x(ms), y2: bottom + 6, ...stroke }) +
      el('text', { x: lx, y: labelY, 'text-anchor': anchor, fill: color }, escapeXml(label))
    );
  };
  const out: string[] = [];
  if (t.coldStartMs !== null) {
    const { words, color } = LINE_LOOKS.coldStart;
    out.push(line('cold-start', t.coldStartMs, color, `${words} ${atSeconds(t.coldStartMs)}`, bottom + 20));
  }
  const { words, color } = LINE_LOOKS.budget;
  const budget = `${words} ${formatMs(t.budgetMs)}`;
  if (axis.budgetOnAxis) out.push(line('budget', t.budgetMs, color, budget, bottom + 38, '6 4'));
  else {
    const at = { class: 'budget', x: plotX1, y: bottom + 38, 'text-anchor': 'end', fill: color };
    out.push(el('text', at, `${escapeXml(budget)}: beyond the axis →`));
  }
  return out;
}
