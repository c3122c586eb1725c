import { describe, expect, it } from 'vitest';
import { describeSupervisorEvent } from '../../src/report/describe.js';
import type { SupervisorEvent } from '../../src/supervisor/events.js';
import { output, timing } from '../helpers/events.js';

describe('one sentence per supervisor event', () => {
  it('says what happened to a server', () => {
    expect(describeSupervisorEvent({ type: 'spawned', server: 'llm', pid: 12, at: 5 })).toBe('started (pid 12)');
    expect(describeSupervisorEvent({ type: 'state', server: 'llm', state: 'ready', at: 1400 })).toBe(
      'ready after 1.4 s',
    );
    expect(describeSupervisorEvent({ type: 'state', server: 'llm', state: 'failed', at: 9, detail: 'boom' })).toBe(
      'failed: boom',
    );
    expect(describeSupervisorEvent({ type: 'state', server: 'llm', state: 'stopping', at: 9 })).toBe('stopping');
    const restart: SupervisorEvent = {
      type: 'restart',
      server: 'llm',
      attempt: 2,
      delayMs: 400,
      at: 9,
      reason: 'killed',
    };
    expect(describeSupervisorEvent(restart)).toBe('killed, in 400 ms');
    expect(describeSupervisorEvent({ type: 'loaded', server: 'llm', at: 2000 })).toBe('every model loaded after 2.0 s');
    expect(describeSupervisorEvent(output('llm', 'hello'))).toBe('hello');
  });

  it('says a timing event in the words of the timing log, without the server name in front', () => {
    expect(describeSupervisorEvent(timing('llm', 'load_end', { model: 'chat', attempt: 1, ms: 97.4 }))).toBe(
      'chat loaded in 97 ms (attempt 1)',
    );
    expect(describeSupervisorEvent(timing('llm', 'runtime_ready', { ms: 512 }))).toBe('runtime ready after 512 ms');
  });

  it('says nothing for what other lines already say: server start, stop and ready, and the stack being ready', () => {
    for (const event of ['server_start', 'server_stop', 'server_ready'] as const)
      expect(describeSupervisorEvent(timing('llm', event, { ms: 1 }))).toBeUndefined();
    expect(describeSupervisorEvent({ type: 'stack-ready', at: 1, summary: [] })).toBeUndefined();
  });

  it('says a reload: each server’s part, and how it ended', () => {
    const step = { type: 'reload-step' as const, server: 'asr-ocr', action: 'restart' as const, at: 1 };
    expect(describeSupervisorEvent({ ...step, phase: 'start' })).toBeUndefined();
    expect(describeSupervisorEvent({ ...step, phase: 'done', ok: true, ms: 1200 })).toBe(
      'restarted and ready in 1.2 s',
    );
    expect(describeSupervisorEvent({ ...step, phase: 'done', ok: false, error: 'port 1 is taken' })).toBe(
      'restart failed: port 1 is taken',
    );
    const reloaded = { type: 'reloaded' as const, at: 1, version: 'abc', ms: 80 };
    expect(describeSupervisorEvent({ ...reloaded, ok: true, exitCode: 0 })).toBe('config abc applied in 80 ms');
    expect(describeSupervisorEvent({ ...reloaded, ok: false, exitCode: 2, error: 'bad port' })).toBe(
      'reload refused, nothing changed: bad port',
    );
    expect(
      describeSupervisorEvent({ type: 'state', server: 'llm', state: 'ready', at: 9, detail: 'config abc applied' }),
    ).toBe('ready: config abc applied');
  });
});
