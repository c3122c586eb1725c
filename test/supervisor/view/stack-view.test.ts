import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../common/config/load.js';
import type { SupervisorEvent } from '../../../src/supervisor/events.js';
import { quarantinedRequired, stillLoading, summaryOf } from '../../../src/supervisor/view/stack-summary.js';
import { foldAll, foldStack, initialView } from '../../../src/supervisor/view/stack-view.js';
import { timing } from '../../helpers/events.js';
import { tempDir } from '../../helpers/tmp.js';

const config = parseConfig(
  `servers:
  llm:
    kind: llm
    port: 18101
    models: [{ name: chat, path: chat.gguf }, { name: extra, path: x.gguf, required: false }]
  web: { command: [web], port: 18102 }
`,
  join(tempDir(), 'models.yaml'),
  {},
);
const state = (server: string, to: string, at = 1): SupervisorEvent =>
  ({ type: 'state', server, state: to, at }) as SupervisorEvent;

describe('the stack view folded from supervisor events', () => {
  it('starts with every server of the config pending, at its address', () => {
    expect(initialView(config).servers.map((s) => [s.name, s.state, s.host, s.port, s.pids])).toEqual([
      ['llm', 'pending', '127.0.0.1', 18101, []],
      ['web', 'pending', '127.0.0.1', 18102, []],
    ]);
  });

  it('follows a server through spawn, a guard’s child, ready, a restart and its watchdog', () => {
    const view = foldAll(initialView(config), [
      state('web', 'starting'),
      { type: 'spawned', server: 'web', pid: 10, at: 2 },
      { type: 'child', server: 'web', pid: 11, at: 3 },
      state('web', 'ready', 400),
      { type: 'answered', server: 'web', at: 900 },
      { type: 'restart', server: 'web', attempt: 1, delayMs: 10, at: 950, reason: 'exited (exit code 1)' },
      state('web', 'restarting', 950),
      state('web', 'starting', 960),
      { type: 'spawned', server: 'web', pid: 12, at: 961 },
    ]);
    expect(view.servers[1]).toMatchObject({
      state: 'starting',
      pids: [12],
      readyAt: 400,
      lastAnswerAt: 900,
      restarts: 1,
    });
  });

  it('forgets a spawned server’s models, and keeps them per server from its timing events', () => {
    const loaded = foldAll(initialView(config), [
      { type: 'spawned', server: 'llm', pid: 20, at: 1 },
      timing('llm', 'load_start', { model: 'chat', attempt: 1, state: 'loading' }, 5),
      timing('llm', 'ready', { model: 'chat', attempt: 1, state: 'ready' }, 50),
    ]);
    expect(loaded.servers[0]!.models).toMatchObject([{ name: 'chat', state: 'ready', readyAt: 50 }]);
    const respawned = foldStack(loaded, { type: 'spawned', server: 'llm', pid: 21, at: 60 });
    expect(respawned.servers[0]!.models).toEqual([]);
    expect(loaded.servers[0]!.models).toHaveLength(1);
  });

  it('takes a reload’s changes: new addresses and servers, dropped ones, the version only when all applied', () => {
    const start = initialView(config);
    const view = foldAll(start, [
      { type: 'configured', server: 'web', kind: 'command', host: '127.0.0.2', port: 9000, at: 1 },
      { type: 'configured', server: 'asr', kind: 'asr-ocr', host: '127.0.0.1', port: 9001, at: 2 },
      state('asr', 'starting', 3),
      { type: 'dropped', server: 'llm', at: 4 },
      { type: 'reload-step', server: 'llm', action: 'stop', phase: 'done', ok: true, at: 5 },
      { type: 'reloaded', at: 6, ok: false, version: 'bbbb', ms: 5, exitCode: 1 },
    ]);
    expect(view.servers.map((s) => [s.name, s.host, s.port, s.state])).toEqual([
      ['web', '127.0.0.2', 9000, 'pending'],
      ['asr', '127.0.0.1', 9001, 'starting'],
    ]);
    expect(view.version).toBe(start.version);
    expect(foldStack(view, { type: 'reloaded', at: 7, ok: true, version: 'cccc', ms: 5, exitCode: 0 }).version).toBe(
      'cccc',
    );
  });

  it('says what is still loading, the summary rows, and the required models quarantined', () => {
    const view = foldAll(initialView(config), [
      state('llm', 'starting'),
      timing('llm', 'load_progress', { model: 'chat', attempt: 1, fraction: 0.41, bytes: 41, total: 100 }, 5),
      timing('llm', 'quarantined', { model: 'extra', attempt: 1, error: 'extra: crashed', state: 'quarantined' }, 6),
    ]);
    expect(stillLoading(view)).toEqual(['llm/chat (queued, attempt 0, 41%)', 'web (no model reported yet)']);
    expect(summaryOf(view).map((r) => [r.server, r.model, r.state])).toEqual([
      ['llm', 'chat', 'queued'],
      ['llm', 'extra', 'quarantined'],
      ['web', undefined, undefined],
    ]);
    expect(quarantinedRequired(view, config)).toEqual([]);
    const chatOut = foldStack(
      view,
      timing('llm', 'quarantined', { model: 'chat', attempt: 2, error: 'chat: crashed', state: 'quarantined' }, 7),
    );
    expect(quarantinedRequired(chatOut, config)).toEqual(['server llm: chat: crashed']);
  });
});
