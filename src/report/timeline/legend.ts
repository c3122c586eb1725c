// The legend under the waterfall: a swatch and words for each kind of stretch and mark the picture shows (kinds it does
// not show are left out), then the lines.
import type { MarkKind, SegmentKind, Timeline } from './model.js';
import { LINE_LOOKS, MARK_LOOKS, SEGMENT_LOOKS, type Look } from './palette.js';
import type { Axis } from './scale.js';
import { escapeXml } from '../xml.js';
import { CUT_OUTLINE, STRIPES_ID, el, markShape } from './svg-shapes.js';

const LINE_H = 20;
/** Room for an item: the swatch, and its words at a generous 7 px a character (no text is measured: same bytes). */
const itemWidth = (words: string) => 22 + words.length * 7 + 20;

/** `pxPerMs`: a kind whose every stretch is narrower than a pixel cannot be seen, so it is not listed. */
export function legendSvg(t: Timeline, axis: Axis, pxPerMs: number, y0: number, width: number) {
  const visible = t.rows.flatMap((r) => r.segments.filter((s) => (s.endMs - s.startMs) * pxPerMs >= 1));
  const segmentKinds = new Set(visible.map((s) => s.kind));
  const markKinds = new Set(t.rows.flatMap((r) => r.marks.map((m) => m.kind)));
  const swatches: { draw: (x: number, cy: number) => string; words: string }[] = [
    ...(Object.entries(SEGMENT_LOOKS) as [SegmentKind, Look][])
      .filter(([k]) => segmentKinds.has(k))
      .map(([k, look]) => {
        const fill = k === 'load-failed' ? `url(#${STRIPES_ID})` : look.color;
        const h = Math.max(16 * look.height, 2);
        return {
          words: look.words,
          draw: (x: number, cy: number) => el('rect', { x, y: cy - h / 2, width: 16, height: h, fill }),
        };
      }),
    ...(Object.entries(MARK_LOOKS) as [MarkKind, Look][])
      .filter(([k]) => markKinds.has(k))
      .map(([k, look]) => ({
        words: look.words,
        draw: (x: number, cy: number) => markShape(k, x + 8, cy, 5),
      })),
    ...(t.rows.some((r) => r.segments.some((s) => s.cutOff)) ? [CUT_SWATCH] : []),
    ...(t.coldStartMs === null ? [] : [lineSwatch(LINE_LOOKS.coldStart, {})]),
    ...(axis.budgetOnAxis ? [lineSwatch(LINE_LOOKS.budget, { 'stroke-dasharray': '4 3' })] : []),
  ];
  let x = 10;
  let cy = y0;
  const svg = swatches.map((s) => {
    if (x > 10 && x + itemWidth(s.words) > width - 10) {
      x = 10;
      cy += LINE_H;
    }
    const item = el('g', { class: 'legend' }, s.draw(x, cy), el('text', { x: x + 22, y: cy + 4 }, escapeXml(s.words)));
    x += itemWidth(s.words);
    return item;
  });
  return { svg: svg.join('\n'), height: cy - y0 + LINE_H };
}

const CUT_SWATCH = {
  words: 'cut off',
  draw: (x: number, cy: number) => el('rect', { x, y: cy - 5, width: 16, height: 10, fill: '#FFFFFF', ...CUT_OUTLINE }),
};

function lineSwatch(look: { words: string; color: string }, dash: Record<string, string>) {
  return {
    words: look.words,
    draw: (x: number, cy: number) =>
      el('line', { x1: x + 8, y1: cy - 8, x2: x + 8, y2: cy + 8, stroke: look.color, 'stroke-width': 1.5, ...dash }),
  };
}
