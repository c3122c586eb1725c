import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildTimeline } from '../../../src/report/timeline/build.js';
import { timelineHtml } from '../../../src/report/timeline/html.js';
import type { Timeline } from '../../../src/report/timeline/model.js';
import { timelineSvg } from '../../../src/report/timeline/svg.js';
import { matchGoldenFile } from '../../helpers/golden.js';
import { EVENTFUL_SERVERS, eventfulStartup, loads, serverStart, state } from '../../helpers/timeline-events.js';

/** The elements of our own SVG that carry `attr`, with their attributes. */
function elements(svg: string, attr: string): Record<string, string>[] {
  return [...svg.matchAll(/<(\w+)\b([^>]*?)\/?>/g)]
    .map(([, tag, body]) => ({
      tag: tag!,
      ...Object.fromEntries([...body!.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, k, v]) => [k!, v!])),
    }))
    .filter((e) => attr in e);
}

/** Pixels per millisecond and the x of 0, from the axis's own ticks. */
function axisOf(svg: string) {
  const ticks = elements(svg, 'data-tick-ms').map((t) => ({ ms: Number(t['data-tick-ms']), x: Number(t.x1) }));
  const [first, last] = [ticks[0]!, ticks.at(-1)!];
  const perMs = (last.x - first.x) / (last.ms - first.ms);
  return { ticks, x: (ms: number) => first.x + (ms - first.ms) * perMs, perMs };
}

/** One server with chat loading for 1.5 s from 2 s. */
function oneLoad(budgetMs: number, fileBytes?: number): Timeline {
  return buildTimeline(
    [
      ...serverStart('llm', 0, 500),
      ...loads('llm', 'chat', 2000, 1500),
      state('llm', 3600, 'ready'),
      state('llm', 3610, 'stopping'),
    ],
    { budgetMs, servers: [{ name: 'llm', models: ['chat'] }], fileBytes: () => fileBytes },
  );
}

describe('timeline page', () => {
  it('puts the bar of a 1.5 s load at 2 s where the axis says 2 s, 1.5 s long', () => {
    const svg = timelineSvg(oneLoad(120_000));
    const axis = axisOf(svg);
    const tick2s = axis.ticks.find((t) => t.ms === 2000)!;
    const bar = elements(svg, 'data-kind').find((e) => e['data-row'] === 'llm/chat' && e['data-kind'] === 'load')!;
    expect(Number(bar.x)).toBeCloseTo(tick2s.x, 1);
    expect(Number(bar.width)).toBeCloseTo(1500 * axis.perMs, 0);
    expect(svg).toMatch(new RegExp(`<text x="${tick2s.x}" y="\\d+" [^>]*>2 s</text>`));
    const ready = elements(svg, 'data-at-ms').find((e) => e['data-row'] === 'llm/chat')!;
    expect(Number(ready['data-at-ms'])).toBe(3500);
  });

  it('draws the budget line where the axis puts the budget, and names a budget far beyond the axis', () => {
    const near = timelineSvg(oneLoad(4000));
    const line = elements(near, 'data-ms').find((e) => e.class === 'budget')!;
    expect(Number(line.x1)).toBeCloseTo(axisOf(near).x(4000), 1);
    const far = timelineSvg(oneLoad(120_000));
    expect(elements(far, 'data-ms').filter((e) => e.class === 'budget')).toEqual([]);
    expect(far).toContain('budget 120 s: beyond the axis →');
    const coldStart = elements(far, 'data-ms').find((e) => e.class === 'cold-start')!;
    expect(Number(coldStart.x1)).toBeCloseTo(axisOf(far).x(3600), 1);
  });

  it("shows an attempt's figures on hover: attempt, duration, start and end, size and rate", () => {
    const svg = timelineSvg(oneLoad(120_000, 3_000_000));
    expect(svg).toContain(
      '<title>llm/chat\nload, attempt 1: 1500 ms\nfrom 2.000 s to 3.500 s\n3.0 MB at 2.0 MB/s</title>',
    );
    expect(svg).toContain('<title>llm\nready at 3.600 s</title>');
  });

  it('stripes a failed attempt, fades what a crash cut off, and names the error and the cut in the hover text', () => {
    const svg = timelineSvg(buildTimeline(eventfulStartup(), { budgetMs: 5000, servers: EVENTFUL_SERVERS }));
    const kinds = elements(svg, 'data-kind');
    const failed = kinds.filter((e) => e['data-kind'] === 'load-failed');
    expect(failed.map((e) => [e['data-row'], e.fill, e.class])).toEqual([
      ['llm/chat', 'url(#failed-stripes)', 'seg'],
      ['asr/speech', 'url(#failed-stripes)', 'seg cut'],
      ['asr/ocr', 'url(#failed-stripes)', 'seg cut'],
    ]);
    expect(svg).toContain('error: truncated &lt;file&gt;');
    expect(svg).toContain('cut off: the server process exited: asr died of SIGSEGV while loading speech');
    expect(kinds.filter((e) => e.tag === 'g').map((e) => [e['data-row'], e['data-kind']])).toContainEqual([
      'asr/speech',
      'quarantined',
    ]);
  });

  it('leaves out of the legend a kind too short to see: a wait of 1 ms on a 4 s axis', () => {
    const t = buildTimeline([...serverStart('llm', 0, 500), ...loads('llm', 'chat', 1501, 2000)], {
      budgetMs: 120_000,
      servers: [{ name: 'llm', models: ['chat'] }],
    });
    expect(t.rows[1]!.segments[0]).toMatchObject({ kind: 'queued', startMs: 1500, endMs: 1501 });
    expect(timelineSvg(t)).toContain('data-kind="queued"');
    expect(timelineSvg(t)).not.toContain('>queued for a load slot</text>');
  });

  it('has a legend of just the kinds the picture holds', () => {
    const legend = (t: Timeline) =>
      [...timelineSvg(t).matchAll(/<g class="legend">.*?<text[^>]*>([^<]*)<\/text><\/g>/g)].map((m) => m[1]);
    expect(legend(oneLoad(120_000))).toEqual([
      'process start-up',
      'server start-up',
      'runtime start-up',
      'server loading its models',
      'queued for a load slot',
      'load',
      'ready',
      'cold start',
    ]);
    expect(legend(buildTimeline(eventfulStartup(), { budgetMs: 5000, servers: EVENTFUL_SERVERS }))).toEqual([
      'process start-up',
      'server start-up',
      'runtime start-up',
      'server loading its models',
      'queued for a load slot',
      'waiting for memory',
      'load',
      'failed attempt',
      'first-sight check',
      'warm-up',
      'retry wait',
      'ready',
      'process exited',
      'quarantined',
      'cut off',
      'cold start',
      'budget',
    ]);
  });

  it('keeps twenty models readable: a row each, long names shortened with the full name on hover', () => {
    const models = Array.from({ length: 20 }, (_, i) => `model-${i}-with-a-rather-long-name-q4_k_m`);
    const t = buildTimeline(
      [...serverStart('llm', 0), ...models.flatMap((m, i) => loads('llm', m, 300 + i * 50, 100))],
      { budgetMs: 120_000, servers: [{ name: 'llm', models }] },
    );
    const svg = timelineSvg(t);
    const height = Number(/<svg [^>]*height="(\d+)"/.exec(svg)![1]);
    expect(height).toBeGreaterThan(21 * 24);
    expect(svg).toContain('<title>llm/model-0-with-a-rather-long-name-q4_k_m</title>model-0-with-a-rather-lon…</text>');
  });

  it('is one self-contained, well-formed page: no scripts, nothing fetched', () => {
    const html = timelineHtml(oneLoad(120_000));
    expect(html).not.toMatch(/<script|<link|<img|src=|href=|@import|url\((?!#)/);
    const svg = /<svg[\s\S]*<\/svg>/.exec(html)![0];
    expect(XMLValidator.validate(svg)).toBe(true);
  });

  it('gives the same bytes for the same events, as in its golden file', () => {
    const t = buildTimeline(eventfulStartup(), { budgetMs: 5000, servers: EVENTFUL_SERVERS, note: 'run 1 of 1' });
    matchGoldenFile('timeline/eventful.html', timelineHtml(t));
  });
});
