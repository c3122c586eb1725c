import { describe, expect, it } from 'vitest';
import { buildTimeline, type TimelineOptions } from '../../../src/report/timeline/build.js';
import type { Row, Timeline } from '../../../src/report/timeline/model.js';
import { loads, serverStart, spawned, state, timing } from '../../helpers/timeline-events.js';

const opts: TimelineOptions = { budgetMs: 10_000, servers: [{ name: 'llm', models: ['chat', 'code'] }] };
const rowOf = (t: Timeline, model?: string): Row => t.rows.find((r) => r.model === model)!;
const shapes = (r: Row) => r.segments.map((s) => [s.kind, s.startMs, s.endMs]);

describe('timeline model', () => {
  it("shows a server's phases from spawn to ready: process, server and runtime start-up, then its models", () => {
    const t = buildTimeline(
      [
        ...serverStart('llm', 10),
        ...loads('llm', 'chat', 320, 500),
        ...loads('llm', 'code', 330, 200),
        state('llm', 830, 'ready'),
        state('llm', 835, 'stopping'),
      ],
      opts,
    );
    expect(shapes(rowOf(t))).toEqual([
      ['boot', 10, 110],
      ['start', 110, 210],
      ['runtime', 210, 310],
      ['models', 310, 830],
    ]);
    expect(rowOf(t).segments.map((s) => s.until)).toEqual([
      'server code running',
      'listening',
      'runtime ready',
      'ready',
    ]);
    expect(rowOf(t)).toMatchObject({ readyMs: 830, state: 'ready', marks: [{ kind: 'ready', atMs: 830 }] });
    expect(shapes(rowOf(t, 'chat'))).toEqual([
      ['queued', 310, 320],
      ['load', 320, 820],
    ]);
    expect(rowOf(t, 'chat')).toMatchObject({ loadMs: 500, readyMs: 820, attempts: 1, state: 'ready' });
    expect(t).toMatchObject({ coldStartMs: 830, endMs: 830, budgetMs: 10_000, startedAt: '2026-01-02T03:04:05.110Z' });
  });

  it('draws each attempt as long as the server measured it, up to when its end was heard; retry waits between', () => {
    const t = buildTimeline(
      [
        ...serverStart('llm', 0),
        timing('llm', 300, 'load_start', { model: 'chat', attempt: 1 }),
        timing('llm', 352, 'load_failed', { model: 'chat', attempt: 1, ms: 50, error: 'bad magic' }),
        timing('llm', 352, 'retry', { model: 'chat', attempt: 1, ms: 500 }),
        timing('llm', 860, 'load_start', { model: 'chat', attempt: 2 }),
        timing('llm', 1062, 'load_end', { model: 'chat', attempt: 2, ms: 200 }),
        timing('llm', 1062, 'ready', { model: 'chat', attempt: 2, ms: 1062 }),
      ],
      opts,
    );
    const chat = rowOf(t, 'chat');
    expect(shapes(chat)).toEqual([
      ['load-failed', 302, 352],
      ['retry', 352, 860],
      ['load', 862, 1062],
    ]);
    expect(chat.segments.map((s) => s.attempt)).toEqual([1, 1, 2]);
    expect(chat.segments[0]!.error).toBe('bad magic');
    expect(chat).toMatchObject({ attempts: 2, loadMs: 200, readyMs: 1062, marks: [{ kind: 'ready', attempt: 2 }] });
  });

  it('keeps a load whose start was heard late inside the start-up: it ends when its end was heard', () => {
    // The queue ended when the load began (300), not when its start was heard (350).
    const t = buildTimeline(
      [
        ...serverStart('llm', 0),
        timing('llm', 350, 'load_start', { model: 'chat', attempt: 1 }),
        timing('llm', 500, 'load_end', { model: 'chat', attempt: 1, ms: 200 }),
        timing('llm', 500, 'ready', { model: 'chat', attempt: 1, ms: 500 }),
        ...loads('llm', 'code', 300, 100),
        state('llm', 501, 'ready'),
      ],
      opts,
    );
    expect(rowOf(t, 'chat').segments).toEqual([{ kind: 'load', startMs: 300, endMs: 500, attempt: 1, process: 1 }]);
    expect(t.endMs).toBe(501);
  });

  it('marks a model that failed for good, and a quarantined one that never loads', () => {
    const t = buildTimeline(
      [
        ...serverStart('llm', 0),
        timing('llm', 300, 'quarantined', { model: 'code', attempt: 2, error: 'it crashed the server twice' }),
        timing('llm', 301, 'load_start', { model: 'chat', attempt: 1 }),
        timing('llm', 400, 'load_failed', { model: 'chat', attempt: 1, ms: 99, error: 'truncated' }),
        timing('llm', 400, 'failed', { model: 'chat', attempt: 1, error: 'truncated' }),
        state('llm', 401, 'failed', 'server llm: chat: truncated'),
        state('llm', 402, 'stopping'),
      ],
      opts,
    );
    expect(rowOf(t, 'code')).toMatchObject({
      state: 'quarantined',
      attempts: 2,
      marks: [{ kind: 'quarantined', atMs: 300, detail: 'it crashed the server twice' }],
    });
    expect(shapes(rowOf(t, 'code'))).toEqual([]);
    expect(rowOf(t, 'chat')).toMatchObject({ state: 'failed', marks: [{ kind: 'failed', atMs: 400 }] });
    expect(rowOf(t)).toMatchObject({
      state: 'failed',
      marks: [{ kind: 'failed', detail: 'server llm: chat: truncated' }],
    });
    expect(t).toMatchObject({ coldStartMs: null, endMs: 402 });
  });

  it('shows a crash restart as a second process: the attempt it cut off failed, the suspect loads again alone', () => {
    const crash = 'llm died of SIGSEGV while loading chat';
    const t = buildTimeline(
      [
        ...serverStart('llm', 0),
        timing('llm', 310, 'load_start', { model: 'chat', attempt: 1 }),
        ...loads('llm', 'code', 320, 100),
        state('llm', 800, 'restarting', crash),
        { type: 'restart', server: 'llm', attempt: 1, delayMs: 0, at: 800, reason: `${crash}; restarted at once` },
        state('llm', 800, 'starting'),
        ...serverStart('llm', 801),
        timing('llm', 1105, 'crashed', { model: 'chat', attempt: 1, error: crash }),
        ...loads('llm', 'code', 1110, 100),
        timing('llm', 1300, 'load_start', { model: 'chat', attempt: 2 }),
        timing('llm', 1400, 'load_end', { model: 'chat', attempt: 2, ms: 100 }),
        timing('llm', 1400, 'ready', { model: 'chat', attempt: 2, ms: 599 }),
        state('llm', 1401, 'ready'),
      ],
      opts,
    );
    const server = rowOf(t);
    expect(server.segments.map((s) => [s.kind, s.process, s.until])).toEqual([
      ['boot', 1, 'server code running'],
      ['start', 1, 'listening'],
      ['runtime', 1, 'runtime ready'],
      ['models', 1, 'exited'],
      ['boot', 2, 'server code running'],
      ['start', 2, 'listening'],
      ['runtime', 2, 'runtime ready'],
      ['models', 2, 'ready'],
    ]);
    expect(server.marks.map((m) => [m.kind, m.atMs, m.process])).toEqual([
      ['exited', 800, 1],
      ['ready', 1401, 2],
    ]);
    expect(server.attempts).toBe(2);
    const chat = rowOf(t, 'chat');
    expect(chat.segments.map((s) => [s.kind, s.startMs, s.endMs, s.process])).toEqual([
      ['queued', 300, 310, 1],
      ['load-failed', 310, 800, 1],
      ['queued', 1101, 1300, 2],
      ['load', 1300, 1400, 2],
    ]);
    expect(chat.segments[1]!.cutOff).toBe(`the server process exited: ${crash}`);
    expect(chat.marks.map((m) => [m.kind, m.atMs, m.process])).toEqual([
      ['crashed', 1105, 2],
      ['ready', 1400, 2],
    ]);
    expect(t.coldStartMs).toBe(1401);
  });

  it('shows memory waits, the first-sight check and warm-up, and the bytes and rate of a load', () => {
    const mib = 2 ** 20;
    const t = buildTimeline(
      [
        ...serverStart('llm', 0),
        timing('llm', 300, 'memory_wait', { model: 'chat', needs: 400 * mib, free: 100 * mib }),
        timing('llm', 500, 'admitted', { model: 'chat', needs: 400 * mib, free: 600 * mib }),
        timing('llm', 500, 'load_start', { model: 'chat', attempt: 1 }),
        timing('llm', 700, 'load_progress', { model: 'chat', bytes: 200 * mib, total: 400 * mib, rate: 1000 * mib }),
        timing('llm', 900, 'load_end', { model: 'chat', attempt: 1, ms: 400 }),
        timing('llm', 900, 'verify_start', { model: 'chat', attempt: 1 }),
        timing('llm', 950, 'verify_end', { model: 'chat', attempt: 1, ms: 50 }),
        timing('llm', 950, 'warmup_start', { model: 'chat', attempt: 1 }),
        timing('llm', 1050, 'warmup_end', { model: 'chat', attempt: 1, ms: 100 }),
        timing('llm', 1050, 'ready', { model: 'chat', attempt: 1, ms: 1050 }),
      ],
      opts,
    );
    const chat = rowOf(t, 'chat');
    expect(shapes(chat)).toEqual([
      ['memory', 300, 500],
      ['load', 500, 900],
      ['verify', 900, 950],
      ['warmup', 950, 1050],
    ]);
    expect(chat.segments[0]).toMatchObject({ needs: 400 * mib, free: 100 * mib });
    expect(chat.segments[1]).toMatchObject({ bytes: 400 * mib, totalBytes: 400 * mib, rate: 1000 * mib });
  });

  it("takes a load's bytes from the model file when the events do not carry them", () => {
    const t = buildTimeline([...serverStart('llm', 0), ...loads('llm', 'chat', 300, 250)], {
      ...opts,
      fileBytes: (server, model) => (server === 'llm' && model === 'chat' ? 5_000_000 : undefined),
    });
    expect(rowOf(t, 'chat').segments.at(-1)).toMatchObject({ kind: 'load', totalBytes: 5_000_000, rate: 20_000_000 });
    expect(rowOf(t, 'code').segments.at(-1)).toMatchObject({ kind: 'queued' });
  });

  it('ends the picture when the stack is ready, not at a health check minutes later', () => {
    const t = buildTimeline(
      [
        ...serverStart('llm', 0),
        ...loads('llm', 'chat', 300, 200),
        ...loads('llm', 'code', 300, 100),
        state('llm', 510, 'ready'),
        timing('llm', 600_000, 'unhealthy', { model: 'chat', error: 'timed out' }),
      ],
      opts,
    );
    expect(t).toMatchObject({ coldStartMs: 510, endMs: 510 });
    expect(rowOf(t, 'chat').marks.map((m) => m.kind)).toEqual(['ready']);
  });

  it('cuts off what was still loading when the budget ran out and the stack was stopped', () => {
    const t = buildTimeline(
      [
        ...serverStart('llm', 0),
        timing('llm', 300, 'load_start', { model: 'chat', attempt: 1 }),
        state('llm', 2000, 'failed', 'cold-start budget of 2 s exceeded'),
        state('llm', 2001, 'stopping'),
        timing('llm', 2005, 'server_stop', { ms: 2005 }),
      ],
      opts,
    );
    expect(t.endMs).toBe(2001);
    expect(rowOf(t, 'chat').segments.at(-1)).toMatchObject({
      kind: 'load',
      startMs: 300,
      endMs: 2001,
      cutOff: 'stopped',
    });
  });

  it('orders rows as the config lists them, then servers and models only the events name', () => {
    const t = buildTimeline(
      [
        ...serverStart('asr', 0),
        ...serverStart('llm', 5),
        ...loads('llm', 'extra', 400, 10),
        ...loads('asr', 'speech', 300, 10),
      ],
      opts,
    );
    expect(t.rows.map((r) => [r.server, r.model])).toEqual([
      ['llm', undefined],
      ['llm', 'chat'],
      ['llm', 'code'],
      ['llm', 'extra'],
      ['asr', undefined],
      ['asr', 'speech'],
    ]);
  });

  it('keeps a configured model that reported nothing, as a row without bars', () => {
    const t = buildTimeline([spawned('llm', 0), state('llm', 50, 'ready')], opts);
    expect(rowOf(t, 'chat')).toMatchObject({ segments: [], marks: [], state: 'not reported' });
    expect(shapes(rowOf(t))).toEqual([['boot', 0, 50]]);
    expect(rowOf(t).segments[0]!.until).toBe('ready');
  });
});
