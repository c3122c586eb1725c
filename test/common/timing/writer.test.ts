import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TimingEvent } from '../../../common/timing/events.js';
import { openTimingLog, timingLogFile } from '../../../common/timing/writer.js';
import { tempDir } from '../../helpers/tmp.js';

const dir = tempDir();
const event = (model: string, event: TimingEvent['event']): TimingEvent => ({
  ts: '2026-01-01T00:00:00.000Z',
  server: 'llm',
  model,
  event,
  attempt: 1,
});

describe('timing log writer', () => {
  it('keeps each server’s log at .modelctl/logs/<server>.jsonl', () => {
    expect(timingLogFile('/srv/.modelctl', 'asr-ocr')).toBe('/srv/.modelctl/logs/asr-ocr.jsonl');
  });

  it('makes the folder and appends each event as one JSON line, in order, after what is there', () => {
    const file = timingLogFile(join(dir, '.modelctl'), 'llm');
    openTimingLog(file)(event('chat', 'load_start'));
    const write = openTimingLog(file);
    write(event('chat', 'load_end'));
    write(event('code', 'load_start'));
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l) as unknown)).toEqual([
      event('chat', 'load_start'),
      event('chat', 'load_end'),
      event('code', 'load_start'),
    ]);
  });
});
