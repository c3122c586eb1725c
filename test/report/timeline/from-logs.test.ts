import { describe, expect, it } from 'vitest';
import type { TimingEvent } from '../../../common/timing/events.js';
import { buildTimeline } from '../../../src/report/timeline/build.js';
import { eventsOfLatestStartup, latestRuns } from '../../../src/report/timeline/from-logs.js';

const T0 = Date.parse('2026-01-02T03:04:05.000Z');
const line = (server: string, at: number, event: TimingEvent['event'], fields: Partial<TimingEvent> = {}) => ({
  ts: new Date(T0 + at).toISOString(),
  server,
  event,
  ...fields,
});

/** A run as a server logs it: its process started at `start` (ms after T0); `ms` counts from there. */
const run = (server: string, start: number, model: string, loadMs: number): TimingEvent[] => [
  line(server, start + 40, 'server_start', { ms: 40 }),
  line(server, start + 60, 'listening', { ms: 60 }),
  line(server, start + 100, 'runtime_ready', { ms: 100 }),
  line(server, start + 100, 'load_start', { model, attempt: 1 }),
  line(server, start + 100 + loadMs, 'load_end', { model, attempt: 1, ms: loadMs }),
  line(server, start + 100 + loadMs, 'ready', { model, attempt: 1, ms: 100 + loadMs }),
  line(server, start + 100 + loadMs, 'server_ready', { ms: 100 + loadMs }),
];

describe('timeline from the timing logs', () => {
  it("takes each server's latest run, from its last server_start on", () => {
    const runs = latestRuns([...run('llm', 0, 'chat', 500), ...run('llm', 60_000, 'chat', 300)]);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.startedAt).toBe(T0 + 60_000);
    expect(runs[0]!.events.filter((e) => e.event === 'load_end').map((e) => e.ms)).toEqual([300]);
  });

  it("ends a server's run at its first reload: a reload is not a start-up", () => {
    const reload = [
      line('llm', 5000, 'reload_start', { version: 'abc', detail: 'add code' }),
      line('llm', 5010, 'load_start', { model: 'code', attempt: 1 }),
      line('llm', 5100, 'load_end', { model: 'code', attempt: 1, ms: 90 }),
      line('llm', 5100, 'reload_end', { version: 'abc', ms: 100 }),
    ];
    const [runs] = latestRuns([...run('llm', 0, 'chat', 500), ...reload]);
    expect(runs!.events.map((e) => e.model ?? e.event)).toEqual([
      'server_start',
      'listening',
      'runtime_ready',
      'chat',
      'chat',
      'chat',
      'server_ready',
    ]);
    const restarted = latestRuns([...run('llm', 0, 'chat', 500), ...reload, ...run('llm', 9000, 'chat', 200)]);
    expect(restarted[0]!.events.filter((e) => e.event === 'load_end').map((e) => e.ms)).toEqual([200]);
  });

  it('aligns the servers by wall clock from the earliest process start, which counts as its spawn', () => {
    const { events, leftOut } = eventsOfLatestStartup(
      latestRuns([...run('llm', 1000, 'chat', 500), ...run('asr', 1250, 'speech', 200)]),
      120_000,
    );
    expect(leftOut).toEqual([]);
    const t = buildTimeline(events, {
      budgetMs: 120_000,
      servers: [
        { name: 'llm', models: ['chat'] },
        { name: 'asr', models: ['speech'] },
      ],
    });
    const asr = t.rows.find((r) => r.server === 'asr' && r.model === undefined)!;
    const speech = t.rows.find((r) => r.model === 'speech')!;
    expect(t.rows[0]!.segments.map((s) => [s.kind, s.startMs, s.endMs])).toEqual([
      ['boot', 0, 40],
      ['start', 40, 60],
      ['runtime', 60, 100],
      ['models', 100, 600],
    ]);
    expect(asr.segments[0]).toMatchObject({ kind: 'boot', startMs: 250, endMs: 290 });
    expect(speech.segments).toMatchObject([{ kind: 'load', startMs: 350, endMs: 550 }]);
    expect(t.rows.map((r) => r.readyMs)).toEqual([600, 600, 550, 550]);
    expect(t.coldStartMs).toBe(600);
  });

  it("leaves out a server whose latest run began longer than the window before the newest one's", () => {
    const { events, leftOut } = eventsOfLatestStartup(
      latestRuns([...run('asr', 0, 'speech', 200), ...run('llm', 3_600_000, 'chat', 500)]),
      120_000,
    );
    expect(leftOut).toEqual(['asr']);
    expect(new Set(events.map((e) => ('server' in e ? e.server : undefined)))).toEqual(new Set(['llm']));
    expect(events[0]).toEqual({ type: 'spawned', server: 'llm', pid: undefined, at: 0 });
  });

  it("turns a server's failure into the supervisor's failed state, with its reason", () => {
    const { events } = eventsOfLatestStartup(
      latestRuns([line('llm', 40, 'server_start', { ms: 40 }), line('llm', 90, 'server_failed', { error: 'no GPU' })]),
      120_000,
    );
    expect(events.at(-1)).toEqual({ type: 'state', server: 'llm', state: 'failed', at: 90, detail: 'no GPU' });
  });
});
