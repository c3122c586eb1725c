import { appendFileSync, mkdirSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TimingEvent } from '../../../common/timing/events.js';
import { followTimingEvents, readTimingEvents, timingLogFiles } from '../../../common/timing/reader.js';
import { tempDir } from '../../helpers/tmp.js';

/** A log line at second `s` of 2026-01-01 for model `model`. */
const event = (s: number, model: string, server = 'llm'): TimingEvent => ({
  ts: `2026-01-01T00:00:${String(s).padStart(2, '0')}.000Z`,
  server,
  model,
  event: 'ready',
});
const line = (e: TimingEvent) => `${JSON.stringify(e)}\n`;

/** A fresh .modelctl folder with logs/ in it. */
function stateDir(): string {
  const dir = join(tempDir(), '.modelctl');
  mkdirSync(join(dir, 'logs'), { recursive: true });
  return dir;
}

describe('timing log reader', () => {
  it('finds every server’s .jsonl log, or one server’s, and none where there is no log folder', () => {
    const dir = stateDir();
    for (const f of ['llm.jsonl', 'asr-ocr.jsonl', 'supervisor.log']) writeFileSync(join(dir, 'logs', f), '');
    expect(timingLogFiles(dir).sort()).toEqual([join(dir, 'logs/asr-ocr.jsonl'), join(dir, 'logs/llm.jsonl')]);
    expect(timingLogFiles(dir, 'llm')).toEqual([join(dir, 'logs/llm.jsonl')]);
    expect(timingLogFiles(join(tempDir(), 'nothing-here'))).toEqual([]);
  });

  it('reads the events of several logs in time order, skipping blank and broken lines', () => {
    const dir = stateDir();
    writeFileSync(join(dir, 'logs/llm.jsonl'), `${line(event(3, 'chat'))}\n{"ts": broken\n${line(event(1, 'code'))}`);
    writeFileSync(join(dir, 'logs/asr.jsonl'), line(event(2, 'ocr', 'asr')));
    expect(readTimingEvents(timingLogFiles(dir)).map((e) => e.model)).toEqual(['code', 'ocr', 'chat']);
  });
});

describe('following timing logs', () => {
  let dir: string;
  let seen: (string | undefined)[];
  let stop: () => void;
  const files = () => timingLogFiles(dir);
  const log = (server: string) => join(dir, 'logs', `${server}.jsonl`);

  beforeEach(() => {
    vi.useFakeTimers();
    dir = stateDir();
    writeFileSync(log('llm'), line(event(1, 'old')));
    seen = [];
    stop = followTimingEvents(files, (e) => seen.push(e.model), { intervalMs: 200 });
  });
  afterEach(() => {
    stop();
    vi.useRealTimers();
  });

  it('reports only lines appended after it started, at each look (every 200 ms)', () => {
    appendFileSync(log('llm'), line(event(2, 'new')));
    vi.advanceTimersByTime(199);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual(['new']);
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual(['new']);
  });

  it('waits for a line to be complete before reporting it', () => {
    const whole = line(event(2, 'split'));
    appendFileSync(log('llm'), whole.slice(0, 20));
    vi.advanceTimersByTime(200);
    expect(seen).toEqual([]);
    appendFileSync(log('llm'), whole.slice(20));
    vi.advanceTimersByTime(200);
    expect(seen).toEqual(['split']);
  });

  it('reads a log that appears later from its start', () => {
    writeFileSync(log('late'), line(event(3, 'first')) + line(event(4, 'second')));
    vi.advanceTimersByTime(200);
    expect(seen).toEqual(['first', 'second']);
  });

  it('reads a log from its start again once it was emptied', () => {
    truncateSync(log('llm'), 0);
    vi.advanceTimersByTime(200);
    appendFileSync(log('llm'), line(event(5, 'rerun')));
    vi.advanceTimersByTime(200);
    expect(seen).toEqual(['rerun']);
  });

  it('reads a log from its start again once it was deleted and written anew, longer than before', () => {
    unlinkSync(log('llm'));
    writeFileSync(log('llm'), line(event(5, 'rerun')) + line(event(6, 'again')));
    vi.advanceTimersByTime(200);
    expect(seen).toEqual(['rerun', 'again']);
  });

  it('does not fail while a followed log is deleted, and reads it from its start when it comes back', () => {
    stop();
    writeFileSync(log('asr'), '');
    stop = followTimingEvents(
      () => [log('llm'), log('asr')],
      (e) => seen.push(e.model),
      { intervalMs: 200 },
    );
    unlinkSync(log('llm'));
    appendFileSync(log('asr'), line(event(2, 'speech')));
    expect(() => vi.advanceTimersByTime(400)).not.toThrow();
    writeFileSync(log('llm'), line(event(5, 'back')));
    vi.advanceTimersByTime(200);
    expect(seen).toEqual(['speech', 'back']);
  });

  it('hands over the backlog, in time order, before anything appended later, with no line lost between', () => {
    stop();
    writeFileSync(log('asr'), line(event(0, 'earliest')));
    let backlog: (string | undefined)[] = [];
    stop = followTimingEvents(files, (e) => seen.push(e.model), {
      intervalMs: 200,
      backlog: (events) => {
        backlog = events.map((e) => e.model);
        // A line written while the backlog is printed comes next, once.
        appendFileSync(log('llm'), line(event(2, 'during')));
      },
    });
    vi.advanceTimersByTime(400);
    expect(backlog).toEqual(['earliest', 'old']);
    expect(seen).toEqual(['during']);
  });

  it('stops looking when told to', () => {
    stop();
    appendFileSync(log('llm'), line(event(2, 'unseen')));
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual([]);
  });
});
