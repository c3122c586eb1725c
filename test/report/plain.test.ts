import { Chalk } from 'chalk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { plainReporter } from '../../src/report/plain.js';
import { output, timing } from '../helpers/events.js';

const plain = new Chalk({ level: 0 });

/** A plain reporter for servers `llm` and `asr-ocr`, writing into a string. */
function recorded(paint = plain) {
  let text = '';
  return { reporter: plainReporter(paint, ['llm', 'asr-ocr'], (s) => (text += s)), text: () => text };
}

describe('plain lines (CI)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-01-01T12:34:56.789Z'), toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes one timestamped line per event, server names lined up, server output after a bar', () => {
    const r = recorded();
    r.reporter.event({ type: 'spawned', server: 'llm', pid: 12, at: 5 });
    r.reporter.event(output('asr-ocr', 'listening'));
    r.reporter.event(timing('asr-ocr', 'ready', { model: 'ocr', attempt: 1, ms: 601 }));
    r.reporter.note('SIGINT: stopping every server');
    expect(r.text().split('\n')).toEqual([
      '12:34:56.789 llm      started (pid 12)',
      '12:34:56.789 asr-ocr  | listening',
      '12:34:56.789 asr-ocr  ocr ready in 601 ms (attempt 1)',
      '12:34:56.789 SIGINT: stopping every server',
      '',
    ]);
  });

  it('leaves out the events other lines already say', () => {
    const r = recorded();
    r.reporter.event(timing('llm', 'server_start', { ms: 1 }));
    r.reporter.event({ type: 'stack-ready', at: 1, summary: [] });
    expect(r.text()).toBe('');
  });

  it('prints a failed server in red, and the failure of the stack', () => {
    const colour = new Chalk({ level: 1 });
    const r = recorded(colour);
    r.reporter.event({ type: 'state', server: 'llm', state: 'failed', at: 9, detail: 'boom' });
    expect(r.text()).toContain(colour.red('failed: boom'));
    const stack = recorded();
    stack.reporter.failed('cold-start budget of 1000 ms exceeded', 3);
    expect(stack.text()).toBe('12:34:56.789 failed: cold-start budget of 1000 ms exceeded\n');
  });

  it('prints the summary table once the stack is ready', () => {
    const r = recorded();
    r.reporter.ready([{ server: 'llm', model: 'chat', loadMs: 59, attempts: 1, readyAt: 1400 }], 1458, 120_000);
    expect(r.text()).toContain('\nSERVER  MODEL  LOAD   ATTEMPTS  READY AT\nllm     chat   59 ms  1         1.4 s\n');
    expect(r.text()).toContain('cold start 1.5 s (budget 120 s)\n');
  });
});
