// The SVG pieces of the waterfall: numbers written the same way every time (the page is golden-tested), the
// shape of each mark, and the stripes that tell a failed attempt without colour.
import { escapeXml } from '../xml.js';
import type { MarkKind } from './model.js';
import { MARK_LOOKS } from './palette.js';

/** A coordinate or a figure, to one decimal, without trailing zeros. */
export const num = (x: number) => String(Math.round(x * 10) / 10);

/** Hover text: SVG's own tooltip, one line per figure. */
export const title = (lines: string[]) => `<title>${escapeXml(lines.join('\n'))}</title>`;

export const attrs = (a: Record<string, string | number | undefined>) =>
  Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(v!)}"`)
    .join('');

/** One element: `<name a="…"/>`, or with its children inside. */
export const el = (name: string, a: Record<string, string | number | undefined>, ...children: string[]) =>
  children.length > 0 ? `<${name}${attrs(a)}>${children.join('')}</${name}>` : `<${name}${attrs(a)}/>`;

/** The outline of a stretch that was cut off (by a crash, a failure, the stop) before it could end. */
export const CUT_OUTLINE = { stroke: '#000000', 'stroke-width': 1, 'stroke-dasharray': '3 2' };

export const STRIPES_ID = 'failed-stripes';

export const DEFS =
  `<defs><pattern id="${STRIPES_ID}" width="6" height="6" patternUnits="userSpaceOnUse" ` +
  `patternTransform="rotate(45)"><rect width="6" height="6" fill="#D55E00"/>` +
  `<rect width="2" height="6" fill="#FFFFFF" fill-opacity="0.55"/></pattern></defs>`;

/** A mark centred on (x, cy), `r` pixels from its centre to its edge. */
export function markShape(kind: MarkKind, x: number, cy: number, r: number): string {
  const color = MARK_LOOKS[kind].color;
  const p = (dx: number, dy: number) => `${num(x + dx)},${num(cy + dy)}`;
  const stroke = (width: number) => ({ stroke: color, 'stroke-width': width, fill: 'none' });
  switch (kind) {
    case 'ready':
      return el('polygon', { points: `${p(0, -r)} ${p(r, 0)} ${p(0, r)} ${p(-r, 0)}`, fill: color });
    case 'failed':
      return el('path', { d: `M${p(-r, -r)}L${p(r, r)}M${p(-r, r)}L${p(r, -r)}`, ...stroke(2.5) });
    case 'exited':
      return el('rect', { x: x - 1.5, y: cy - r * 1.4, width: 3, height: r * 2.8, fill: color });
    case 'crashed':
      return el('polygon', { points: `${p(0, -r)} ${p(r, r)} ${p(-r, r)}`, fill: color });
    case 'quarantined':
      return (
        el('circle', { cx: x, cy, r, ...stroke(2), fill: '#FFFFFF' }) +
        el('path', { d: `M${p(-r * 0.7, r * 0.7)}L${p(r * 0.7, -r * 0.7)}`, ...stroke(2) })
      );
  }
}
