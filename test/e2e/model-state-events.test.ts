// The timing events a real server writes carry each model's state, so that a reader (the supervisor) copies it: the
// state folded from the events is the one /health lists, at start-up, through a side-by-side swap and an unload.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TimingEvent } from '../../common/timing/events.js';
import { readTimingEvents } from '../../common/timing/reader.js';
import { timingLogFile } from '../../common/timing/writer.js';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { health, settled, startServer, type RunningServer } from '../helpers/server.js';
import { freePort, tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const config = (port: number, chatFile: string) => `
servers:
  llm:
    kind: llm
    port: ${port}
    retries: 1
    retryDelay: 50ms
    models:
      - { name: chat, path: ${chatFile} }
      - { name: broken, path: broken.gguf }
`;

beforeAll(async () => {
  await writeDemoLlama(join(dir, 'chat.gguf'), { name: 'chat', bytes: 400_000, seed: 'chat' });
  await writeDemoLlama(join(dir, 'chat-v2.gguf'), { name: 'chat', bytes: 400_000, seed: 'chat-v2' });
  writeFileSync(join(dir, 'broken.gguf'), 'GGML this is not a gguf file');
});

const modelEvents = () =>
  readTimingEvents([timingLogFile(join(dir, '.modelctl'), 'llm')]).filter((e): e is TimingEvent & { model: string } =>
    Boolean(e.model),
  );

/** Each model's state as a reader that only copies `state` sees it after every event so far. */
function folded(events: TimingEvent[]): Record<string, string | undefined> {
  const states: Record<string, string | undefined> = {};
  for (const e of events) {
    if (e.event === 'removed') delete states[e.model!];
    else states[e.model!] = e.state;
  }
  return states;
}

async function listed(server: RunningServer): Promise<Record<string, string>> {
  const { body } = await health(server);
  return Object.fromEntries(body.models.map((m) => [m.name, m.state]));
}

const post = (url: string) => fetch(url, { method: 'POST' });
const shown = (events: TimingEvent[]) => events.map((e) => `${e.event}:${e.state}`);

describe('model states on the timing events of a real server', () => {
  it('fold to what /health lists, at start-up, through a side-by-side swap and an unload', async () => {
    const port = await freePort();
    const server = startServer('llm', config(port, 'chat.gguf'), dir, port);
    await settled(server);
    const atStart = modelEvents();
    expect(atStart.every((e) => e.state !== undefined)).toBe(true);
    expect(folded(atStart)).toEqual({ chat: 'ready', broken: 'failed' });
    expect(folded(atStart)).toEqual(await listed(server));
    expect(shown(atStart.filter((e) => e.model === 'broken' && e.event !== 'load_progress'))).toEqual([
      'load_start:loading',
      'load_failed:loading',
      'retry:retrying',
      'load_start:loading',
      'load_failed:loading',
      'failed:failed',
    ]);

    // The config file the server was started with (startServer's) now names another file for chat: a swap.
    writeFileSync(join(dir, `llm-${port}.yaml`), config(port, 'chat-v2.gguf'));
    expect(await (await post(`${server.url}/admin/models/chat/load`)).json()).toMatchObject({
      action: 'swap',
      ok: true,
    });
    const swap = modelEvents().slice(atStart.length);
    // The new copy loads beside the old one: the model shows swapping until the new copy takes its place.
    expect(shown(swap.filter((e) => !['load_progress', 'admitted'].includes(e.event)))).toEqual([
      'swap_start:swapping',
      'load_start:swapping',
      'load_end:swapping',
      'ready:swapping',
      'swap_end:ready',
      'unload_start:ready',
      'unload_end:ready',
    ]);
    expect(folded([...atStart, ...swap])).toEqual(await listed(server));

    expect((await post(`${server.url}/admin/models/broken/unload`)).status).toBe(200);
    const all = modelEvents();
    expect(shown(all.slice(atStart.length + swap.length))).toEqual(['unload_end:unloaded']);
    expect(folded(all)).toEqual({ chat: 'ready', broken: 'unloaded' });
    expect(folded(all)).toEqual(await listed(server));
  });
});
