import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { TimingEvent } from '../../common/timing/events.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const modelctl = (...args: string[]) =>
  execa('node', ['bin/modelctl.js', ...args], { reject: false, env: { NO_COLOR: '1' } });

describe('modelctl logs', () => {
  it('prints the timing logs in plain words, one server or all, or as raw JSON lines', async () => {
    const cfg = join(dir, 'logs.yaml');
    writeFileSync(
      cfg,
      `servers:
  llm:
    kind: llm
    port: 9
    models: [{ name: chat, path: c.gguf }]
  asr:
    kind: asr-ocr
    port: 10
    models: [{ name: ocr, type: ocr }]
`,
    );
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, '.modelctl/logs'), { recursive: true });
    const line = (e: TimingEvent) => `${JSON.stringify(e)}\n`;
    writeFileSync(
      join(dir, '.modelctl/logs/llm.jsonl'),
      line({ ts: '2026-01-01T00:00:01.000Z', server: 'llm', model: 'chat', event: 'ready', attempt: 1, ms: 212 }),
    );
    writeFileSync(
      join(dir, '.modelctl/logs/asr.jsonl'),
      line({ ts: '2026-01-01T00:00:00.500Z', server: 'asr', model: 'ocr', event: 'load_end', attempt: 2, ms: 480 }),
    );
    const all = await modelctl('logs', '-c', cfg);
    expect(all.stdout.split('\n')).toEqual([
      '2026-01-01T00:00:00.500Z asr        ocr loaded in 480 ms (attempt 2)',
      '2026-01-01T00:00:01.000Z llm        chat ready in 212 ms (attempt 1)',
    ]);
    const one = await modelctl('logs', '-c', cfg, '--json', 'llm');
    expect(JSON.parse(one.stdout)).toMatchObject({ server: 'llm', event: 'ready', ms: 212 });
  });
});
