import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { TimingEvent } from '../../common/timing/events.js';
import { tempDir } from '../helpers/tmp.js';

const cli = ['bin/modelctl.js'];
const modelctl = (...args: string[]) => execa('node', [...cli, ...args], { reject: false, env: { NO_COLOR: '1' } });

/** One log line, `seconds` after midnight on 2026-01-01. */
const line = (seconds: string, e: Omit<TimingEvent, 'ts'>) =>
  `${JSON.stringify({ ts: `2026-01-01T00:00:${seconds}Z`, ...e })}\n`;

/** A fresh folder with a config of two servers and one timing log line each; each test gets its own. */
function stackWithLogs() {
  const dir = tempDir();
  const config = join(dir, 'logs.yaml');
  writeFileSync(
    config,
    `servers:
  llm: { kind: llm, port: 9, models: [{ name: chat, path: c.gguf }] }
  asr: { kind: asr-ocr, port: 10, models: [{ name: ocr, type: ocr }] }
`,
  );
  const logs = join(dir, '.modelctl/logs');
  mkdirSync(logs, { recursive: true });
  writeFileSync(
    join(logs, 'llm.jsonl'),
    line('01.000', { server: 'llm', model: 'chat', event: 'ready', attempt: 1, ms: 212 }),
  );
  writeFileSync(
    join(logs, 'asr.jsonl'),
    line('00.500', { server: 'asr', model: 'ocr', event: 'load_end', attempt: 2, ms: 480 }),
  );
  return { config, logs };
}

/** `modelctl logs -f`, killed when the test ends whatever happened. */
function follow(config: string, logs: string) {
  const child = modelctl('logs', '-c', config, '-f');
  onTestFinished(async () => {
    child.kill('SIGKILL');
    await child;
  });
  let printed = '';
  const waiting = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => {
    printed += d.toString();
    for (const check of waiting) check();
  });
  /** Resolves once `text` has been printed; fails with what was printed if it is not within 20 s. */
  const printedSoon = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`never printed ${text}; printed:\n${printed}`)), 20_000);
      const check = () => {
        if (!printed.includes(text)) return;
        waiting.delete(check);
        clearTimeout(timer);
        resolve();
      };
      waiting.add(check);
      check();
    });
  /**
   * Resolves once it follows the logs (and so listens for Ctrl-C): a line appended in the moment between printing what
   * is there and starting to follow is never printed, so a probe line of its own server is appended until one is.
   */
  const following = async () => {
    await printedSoon('chat ready in 212 ms');
    const deadline = Date.now() + 20_000;
    while (!printed.includes(' probe ')) {
      if (Date.now() > deadline) throw new Error(`never followed; printed:\n${printed}`);
      appendFileSync(join(logs, 'probe.jsonl'), line('09.000', { server: 'probe', model: 'p', event: 'load_start' }));
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  /** What it printed, the probe lines left out. */
  const lines = () => printed.split('\n').filter((l) => l && !l.includes(' probe '));
  return { child, printedSoon, following, lines };
}

describe('modelctl logs', () => {
  it('prints the timing logs in plain words, one server or all, or as raw JSON lines', async () => {
    const { config } = stackWithLogs();
    const all = await modelctl('logs', '-c', config);
    expect(all.stdout.split('\n')).toEqual([
      '2026-01-01T00:00:00.500Z asr        ocr loaded in 480 ms (attempt 2)',
      '2026-01-01T00:00:01.000Z llm        chat ready in 212 ms (attempt 1)',
    ]);
    const one = await modelctl('logs', '-c', config, '--json', 'llm');
    expect(JSON.parse(one.stdout)).toMatchObject({ server: 'llm', event: 'ready', ms: 212 });
  });
});

describe('modelctl logs -f', () => {
  it('prints what is there, then each line appended to a log, and the logs of a server that starts later', async () => {
    const { config, logs } = stackWithLogs();
    const f = follow(config, logs);
    await f.following();
    appendFileSync(join(logs, 'llm.jsonl'), line('02.000', { server: 'llm', model: 'chat', event: 'retry', ms: 500 }));
    await f.printedSoon('2026-01-01T00:00:02.000Z llm        chat retrying in 500 ms');
    writeFileSync(
      join(logs, 'late.jsonl'),
      line('03.000', { server: 'late', model: 'x', event: 'load_start', attempt: 1 }),
    );
    await f.printedSoon('2026-01-01T00:00:03.000Z late       x loading (attempt 1)');
    expect(f.lines()).toHaveLength(4);
  });

  it('stops on Ctrl-C with exit 0', async () => {
    const { config, logs } = stackWithLogs();
    const f = follow(config, logs);
    await f.following();
    f.child.kill('SIGINT');
    expect((await f.child).exitCode).toBe(0);
  });
});
