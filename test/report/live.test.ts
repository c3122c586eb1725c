import { Chalk } from 'chalk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { liveReporter } from '../../src/report/live.js';
import { foldAll, type StackView } from '../../src/supervisor/view/stack-view.js';
import { output, timing } from '../helpers/events.js';

const plain = new Chalk({ level: 0 });
const CLEAR_3_LINES = '\x1b[3A\x1b[0J';
const BLOCK = ['llm      starting   1.2 s', '  chat           loading    ', 'asr-ocr  starting   1.2 s', ''].join('\n');

/** What the live view starts from: two servers starting, llm loading its model chat (as their events told it). */
function startingStack(): StackView {
  const pending = (name: string) => ({ name, kind: 'llm', host: '127.0.0.1', port: 1, state: 'pending' as const });
  const none = { restarts: 0, pids: [], models: [] };
  return foldAll(
    {
      version: 'a',
      servers: [
        { ...pending('llm'), ...none },
        { ...pending('asr-ocr'), ...none },
      ],
    },
    [
      { type: 'state', server: 'llm', state: 'starting', at: 1 },
      { type: 'state', server: 'asr-ocr', state: 'starting', at: 1 },
      timing('llm', 'load_start', { model: 'chat', attempt: 1, state: 'loading' }, 2),
    ],
  );
}

/** A live view on a fake terminal; `take()` returns what was written since the last call. */
function onFakeTerminal(paint = plain) {
  let written: string[] = [];
  const stream = { write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
  const reporter = liveReporter(paint, startingStack(), () => 1234, stream);
  const take = () => {
    const out = written.join('');
    written = [];
    return out;
  };
  return { reporter, take };
}

describe('live view', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('draws one block of servers and models, and redraws it in place on each event', () => {
    const { reporter, take } = onFakeTerminal();
    reporter.event(timing('llm', 'runtime_ready', {}, 5));
    expect(take()).toBe(BLOCK);
    reporter.event(timing('llm', 'load_progress', { model: 'chat', attempt: 1, fraction: 0.5, bytes: 5, total: 10 }));
    expect(take()).toBe(
      CLEAR_3_LINES + BLOCK.replace('loading    ', `loading    [${'█'.repeat(10)}${'░'.repeat(10)}]  50%`),
    );
  });

  it('redraws every 100 ms while the stack comes up, so elapsed times move', () => {
    const { reporter, take } = onFakeTerminal();
    vi.advanceTimersByTime(99);
    expect(take()).toBe('');
    vi.advanceTimersByTime(1);
    expect(take()).toBe(BLOCK);
    reporter.close();
    vi.advanceTimersByTime(1000);
    expect(take()).toBe('');
  });

  it('prints server output, restarts and failures above the block, then draws the block again below', () => {
    const { reporter, take } = onFakeTerminal();
    reporter.event(output('llm', 'hello'));
    expect(take()).toBe(`llm      | hello\n${BLOCK}`);
    reporter.event({
      type: 'restart',
      server: 'asr-ocr',
      attempt: 1,
      delayMs: 1000,
      at: 9,
      reason: 'killed by SIGSEGV',
    });
    expect(take()).toBe(`${CLEAR_3_LINES}asr-ocr  killed by SIGSEGV, in 1.0 s\n${BLOCK}`);
  });

  it('on ready: removes the block, prints the summary, stops redrawing, then prints only what matters', () => {
    const { reporter, take } = onFakeTerminal();
    reporter.event(timing('llm', 'runtime_ready', {}, 5));
    take();
    reporter.ready([{ server: 'llm', model: 'chat', loadMs: 59, attempts: 1, readyAt: 1400 }], 1458, 120_000);
    const shown = take();
    expect(shown.startsWith(`${CLEAR_3_LINES}SERVER  MODEL`)).toBe(true);
    expect(shown.endsWith('cold start 1.5 s (budget 120 s)\nserving; Ctrl-C stops every server\n')).toBe(true);
    vi.advanceTimersByTime(1000);
    reporter.event(timing('llm', 'load_start', { model: 'code', attempt: 1 }));
    expect(take()).toBe('');
    reporter.event(timing('llm', 'ready', { model: 'code', attempt: 1, ms: 80 }));
    reporter.event(output('asr-ocr', 'still here'));
    expect(take()).toBe('llm      code ready in 80 ms (attempt 1)\nasr-ocr  | still here\n');
  });

  it('on failure: draws the block a last time and the reason in red', () => {
    const colour = new Chalk({ level: 1 });
    const { reporter, take } = onFakeTerminal(colour);
    reporter.failed('server llm: chat: wrong magic', 1);
    const shown = take();
    expect(shown).toContain('chat');
    expect(shown.endsWith(`${colour.red('failed: server llm: chat: wrong magic')}\n`)).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(take()).toBe('');
  });
});
