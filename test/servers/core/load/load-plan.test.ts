import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../../../common/config/load.js';
import type { BuiltinServerConfig } from '../../../../common/config/types.js';
import type { TimingEventInput } from '../../../../common/timing/events.js';
import {
  createServerLoader,
  loadingOrder,
  planLoads,
  type LoadContext,
} from '../../../../servers/core/load/load-plan.js';
import { ModelMemory, modelMemoryFile } from '../../../../servers/core/native/model-memory.js';
import { ModelRecord } from '../../../../servers/core/model-states.js';
import { NativeWork } from '../../../../servers/core/native/native-work.js';
import type { Engine } from '../../../../servers/core/run-server.js';
import { tempDir } from '../../../helpers/tmp.js';

const dir = tempDir();

function serverWith(settings: string): BuiltinServerConfig {
  const models = `    models:\n      - { name: chat, path: chat.gguf }\n`;
  const text = `servers:\n  llm:\n    kind: llm\n    port: 8081\n${settings}${models}`;
  return parseConfig(text, join(dir, 'models.yaml'), {}).servers[0] as BuiltinServerConfig;
}

/** A load context over a fake engine whose loads take `loadMs`; every file has the identity `id`. */
function contextFor(name: string, server: BuiltinServerConfig, loadMs = 0) {
  const events: TimingEventInput[] = [];
  const engine = {
    load: () => new Promise<string>((resolve) => setTimeout(() => resolve('handle'), loadMs)),
    warmup: async () => {},
    registerRoutes: () => {},
    unload: async () => {},
    close: async () => {},
  } satisfies Engine<string>;
  const ctx: LoadContext<string> = {
    server,
    engine,
    native: new NativeWork('llm', join(dir, name)),
    memory: new ModelMemory(modelMemoryFile(join(dir, name), 'llm')),
    emit: (e) => void events.push(e),
    identityOf: () => 'id',
    forceWarmup: false,
  };
  return { ctx, events };
}

const tableOf = (...models: ModelRecord<string>[]) => new Map(models.map((m) => [m.name, m]));

describe('the server loader', () => {
  afterEach(() => vi.useRealTimers());

  it('does not count waiting for a suspect that runs alone in native code as a stalled load', async () => {
    vi.useFakeTimers();
    const { ctx, events } = contextFor('queued', serverWith('    stallTimeout: 1s\n    retries: 0\n'));
    const { loader } = createServerLoader(ctx);
    const suspect = ctx.native.run('suspect', 'request', () => new Promise((r) => setTimeout(r, 5000)), {
      alone: true,
    });
    const chat = new ModelRecord<string>('chat', '/models/chat.gguf');
    const loading = loader.load([chat]);
    await vi.advanceTimersByTimeAsync(6000);
    await Promise.all([suspect, loading]);
    expect(events.filter((e) => e.event === 'load_failed')).toEqual([]);
    expect(chat.state).toBe('ready');
  });
});

describe('the loading order', () => {
  it('is the order the loads start in: slowest first, suspects last, quarantined left out', () => {
    const { ctx } = contextFor('order', serverWith('    order: longest-first\n'));
    ctx.memory.update('suspect', 'id', (m) => Object.assign(m, { crashes: 1, crashedWhile: 'loading' }));
    ctx.memory.update('bad', 'id', (m) => (m.quarantined = 'crashed twice; quarantined'));
    const models = () =>
      tableOf(
        new ModelRecord<string>('suspect', '/m/suspect.gguf', 0),
        new ModelRecord<string>('fast', '/m/fast.gguf', 1),
        new ModelRecord<string>('bad', '/m/bad.gguf', 2),
        new ModelRecord<string>('slow', '/m/slow.gguf', 3),
      );
    const lastLoadMs = new Map([
      ['fast', 100],
      ['slow', 900],
    ]);
    const order = loadingOrder(ctx, models(), lastLoadMs).map((m) => m.name);
    const { normal, suspects } = planLoads(ctx, models(), [], lastLoadMs);
    expect(order).toEqual(['slow', 'fast', 'suspect']);
    expect(order).toEqual([...normal, ...suspects].map((m) => m.name));
  });
});
