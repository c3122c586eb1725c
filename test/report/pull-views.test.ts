import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { PullEvent, PullResult } from '../../src/models/pull.js';
import { jsonPullView, livePullView, plainPullView } from '../../src/report/pull-views.js';

/** An event without its server (each `Omit`s one member of the union). */
type Body = PullEvent extends infer E ? (E extends unknown ? Omit<E, 'server'> : never) : never;

/** A view wired to a fake clock and captured output. */
function harness(make: typeof livePullView) {
  let now = 0;
  const out: string[] = [];
  let progress = '';
  const view = make({
    out: (l) => out.push(l),
    progress: (t) => (progress += t),
    formatResult: (r) => `done ${r.model}`,
    paint: new Chalk({ level: 0 }),
    now: () => now,
  });
  return {
    view,
    out,
    progress: () => progress,
    at(ms: number, e: Body) {
      now = ms;
      view.event({ server: 'llm', ...e });
    },
  };
}

const result = (model: string): PullResult => ({ server: 'llm', model, action: 'downloaded', ms: 1 });

describe('pull progress views', () => {
  it('the live view keeps one line per model (bytes, %, MB/s, ETA) and redraws them in place', () => {
    const h = harness(livePullView);
    h.at(0, { model: 'chat', type: 'start', total: 4e9, from: 0 });
    h.at(0, { model: 'whisper', type: 'start', total: 1e8, from: 0 });
    h.at(2000, { model: 'chat', type: 'progress', transferred: 1e9, total: 4e9 });
    const frames = h.progress().split('\x1b[2A');
    expect(frames).toHaveLength(2);
    expect(frames.at(-1)).toContain('chat     1.00 GB / 4.00 GB  25%  500 MB/s  ETA 6 s');
    expect(frames.at(-1)).toContain('whisper  0 B / 100 MB  0%');
    h.view.result(result('whisper'));
    expect(h.out).toEqual(['done whisper']);
    const afterResult = h.progress().split('\x1b[2A\r\x1b[J').at(-1);
    expect(afterResult!.startsWith('\rchat  1.00 GB / 4.00 GB  25%')).toBe(true);
    expect(afterResult!.endsWith('\x1b[K\n\x1b[J')).toBe(true);
    expect(afterResult).not.toContain('whisper');
  });

  it('the live view redraws at most every 100 ms however many chunks arrive', () => {
    const h = harness(livePullView);
    h.at(0, { model: 'chat', type: 'start', total: 1e6, from: 0 });
    const drawn = () => h.progress().split('\n').length;
    const before = drawn();
    for (let i = 1; i <= 250; i++) h.at(i, { model: 'chat', type: 'progress', transferred: i * 1000, total: 1e6 });
    expect(drawn() - before).toBe(2);
  });

  it('plain lines say when a download starts, then come at each 10% rather than on every chunk', () => {
    const h = harness(plainPullView);
    h.at(0, { model: 'chat', type: 'start', total: 1000, from: 400 });
    for (let b = 410; b <= 1000; b += 10) h.at(b, { model: 'chat', type: 'progress', transferred: b, total: 1000 });
    const lines = h.progress().trim().split('\n');
    expect(lines[0]).toBe('chat: downloading (1.0 kB, resuming at 400 B)');
    expect(lines.slice(1).map((l) => /(\d+)%/.exec(l)![1])).toEqual(['50', '60', '70', '80', '90']);
  });

  it('JSON carries every start, retry and result, and progress at most once a second per model', () => {
    const lines: string[] = [];
    let now = 0;
    const view = jsonPullView({ out: (l) => lines.push(l), now: () => now });
    view.event({ server: 'llm', model: 'chat', type: 'start', total: 100, from: 0 });
    for (now = 0; now < 2500; now += 100)
      view.event({ server: 'llm', model: 'chat', type: 'progress', transferred: now / 25, total: 100 });
    view.event({ server: 'llm', model: 'chat', type: 'retry', attempt: 2, delayMs: 1000, reason: 'HTTP 503' });
    view.result(result('chat'));
    const events = lines.map((l) => JSON.parse(l) as { type: string; t: number });
    expect(events.map((e) => e.type)).toEqual(['start', 'progress', 'progress', 'progress', 'retry', 'result']);
    expect(events.filter((e) => e.type === 'progress').map((e) => e.t)).toEqual([0, 1000, 2000]);
  });
});
