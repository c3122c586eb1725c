import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastColdStartMs, offCriticalPath } from '../../../src/supervisor/policies/critical-path.js';
import { tempDir } from '../../helpers/tmp.js';

const dir = tempDir();

describe('start-up scheduling by critical path', () => {
  it('lowers every server but the slowest of the last cold start', () => {
    const last = new Map([
      ['llm', 1900],
      ['asr-ocr', 1100],
      ['tts', 800],
    ]);
    expect([...offCriticalPath(last)].sort()).toEqual(['asr-ocr', 'tts']);
  });

  it('lowers none without a last cold start of every server (a new server, a fresh machine)', () => {
    expect(
      offCriticalPath(
        new Map([
          ['llm', 1900],
          ['asr-ocr', undefined],
        ]),
      ),
    ).toEqual(new Set());
    expect(offCriticalPath(new Map([['llm', 1900]]))).toEqual(new Set());
  });

  it('reads the last cold start from the end of a timing log', () => {
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const lines = [
      { event: 'server_ready', ms: 2500 },
      { event: 'load_end', model: 'chat', ms: 300 },
      { event: 'server_ready', ms: 1800 },
      { event: 'server_stop', ms: 9000 },
    ].map((e) => JSON.stringify({ ts: '2026-11-23T00:00:00.000Z', server: 'llm', ...e }));
    writeFileSync(join(dir, 'logs', 'llm.jsonl'), `${lines.join('\n')}\n`);
    expect(lastColdStartMs(dir, 'llm')).toBe(1800);
    expect(lastColdStartMs(dir, 'nobody')).toBeUndefined();
  });
});
