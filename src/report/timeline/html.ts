// The waterfall as one self-contained HTML page: a heading with the figures that matter, the inline SVG, a few lines of
// CSS. No scripts, fonts or images from anywhere; the same timeline always gives the same bytes.
import { formatMs } from '../../format.js';
import type { Timeline } from './model.js';
import { escapeXml } from '../xml.js';
import { timelineSvg } from './svg.js';

const STYLE = `
body { font: 14px system-ui, sans-serif; margin: 24px; color: #111111; background: #FFFFFF; }
h1 { font-size: 20px; margin: 0 0 4px; }
p { margin: 0 0 12px; color: #333333; }
svg { max-width: 100%; height: auto; }
.seg:hover, .mark:hover { stroke: #000000; stroke-width: 1.5; }
`;

export function timelineHtml(t: Timeline): string {
  const outcome =
    t.coldStartMs === null
      ? `No cold start: not every server was ready (budget ${formatMs(t.budgetMs)})`
      : `Cold start ${formatMs(t.coldStartMs)} (budget ${formatMs(t.budgetMs)})`;
  const about = [t.note, t.startedAt === undefined ? undefined : `started ${t.startedAt}`].filter(Boolean).join(' · ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>modelctl: where the seconds go</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Where the seconds go</h1>
<p class="outcome">${escapeXml(outcome)}${about ? ` · ${escapeXml(about)}` : ''}</p>
${timelineSvg(t)}
<p>Seconds since the stack started. Hover a bar or a mark for its figures.</p>
</body>
</html>
`;
}
