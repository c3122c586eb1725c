import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../../../common/config/load.js';
import type { BuiltinServerConfig } from '../../../../common/config/types.js';
import type { TimingEventInput } from '../../../../common/timing/events.js';
import type { Engine } from '../../../../servers/core/engine.js';
import { createServerLoader } from '../../../../servers/core/load/server-loader.js';
import { ModelRecord } from '../../../../servers/core/model-states.js';
import { ModelMemory, modelMemoryFile } from '../../../../servers/core/native/model-memory.js';
import { NativeWork } from '../../../../servers/core/native/native-work.js';
import { stageWith } from '../../../helpers/models.js';
import { tempDir } from '../../../helpers/tmp.js';

const dir = tempDir();

function serverWith(settings: string): BuiltinServerConfig {
  const models = `    models:\n      - { name: chat, path: chat.gguf }\n`;
  const text = `servers:\n  llm:\n    kind: llm\n    port: 8081\n${settings}${models}`;
  return parseConfig(text, join(dir, 'models.yaml'), {}).servers[0] as BuiltinServerConfig;
}

describe('the server loader', () => {
  afterEach(() => vi.useRealTimers());

  it('does not count waiting for a suspect that runs alone in native code as a stalled load', async () => {
    vi.useFakeTimers();
    const events: TimingEventInput[] = [];
    const engine = {
      load: async () => 'handle',
      warmup: async () => {},
      registerRoutes: () => {},
      unload: async () => {},
      close: async () => {},
    } satisfies Engine<string>;
    const native = new NativeWork('llm', join(dir, 'queued'));
    const { loader } = createServerLoader<string>({
      server: serverWith('    stallTimeout: 1s\n    retries: 0\n'),
      engine,
      native,
      memory: new ModelMemory(modelMemoryFile(join(dir, 'queued'), 'llm')),
      identityOf: () => 'id',
      forceWarmup: false,
    });
    const suspect = native.run('suspect', 'request', () => new Promise((r) => setTimeout(r, 5000)), { alone: true });
    const chat = ModelRecord.of<string>(
      { name: 'chat', file: '/models/chat.gguf', required: true },
      0,
      stageWith(events),
    );
    const loading = loader.load([chat]);
    await vi.advanceTimersByTimeAsync(6000);
    await Promise.all([suspect, loading]);
    expect(events.filter((e) => e.event === 'load_failed')).toEqual([]);
    expect(chat.state).toBe('ready');
  });
});
