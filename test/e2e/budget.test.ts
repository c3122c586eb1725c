// The budget error of a real stack says where each model stood: two 250 MB models, each on a server of its own, are
// frozen mid-load (each server stopped with SIGSTOP once its model reported progress), so however fast the machine,
// both are still loading when the budget runs out.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { TimingEvent } from '../../common/timing/events.js';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { modelctl } from '../helpers/modelctl.js';
import { freePort, tempDir } from '../helpers/tmp.js';

const dir = tempDir();

beforeAll(async () => {
  mkdirSync(join(dir, 'models'));
  for (const name of ['chat', 'code']) {
    await writeDemoLlama(join(dir, `models/${name}.gguf`), { name, bytes: 250e6, seed: name });
  }
}, 60_000);

describe('a stack that overruns its budget', () => {
  it('exits 3 naming each model still loading, with its progress, rate and the time it would still need', async () => {
    const file = join(dir, 'models.yaml');
    writeFileSync(
      file,
      `grace: 500ms
servers:
  llm:
    kind: llm
    port: ${await freePort()}
    models: [{ name: chat, path: models/chat.gguf }]
  other:
    kind: llm
    port: ${await freePort()}
    models: [{ name: code, path: models/code.gguf }]
`,
    );
    // Long enough for a busy machine to start the server and begin the load; the frozen load never ends anyway.
    const run = modelctl(['up', '-c', file, '--json', '--no-pull', '--budget', '15s']);
    /** Stops the server of `model` as soon as that model reports progress (with a rate) short of the end. */
    const freezeMidLoad = async (server: string, model: string) => {
      const pid = Number((await run.waitFor((e) => e.type === 'spawned' && e.server === server)).pid);
      onTestFinished(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already: up stopped it
        }
      });
      await run.waitFor((e) => {
        const t = e.event as TimingEvent | undefined;
        return (
          e.type === 'timing' &&
          t?.event === 'load_progress' &&
          t.model === model &&
          (t.rate ?? 0) > 0 &&
          (t.fraction ?? 1) < 0.7
        );
      });
      process.kill(pid, 'SIGSTOP');
    };
    await Promise.all([freezeMidLoad('llm', 'chat'), freezeMidLoad('other', 'code')]);

    const result = await run.waitFor((e) => e.type === 'result', 60_000);
    expect(result).toMatchObject({ ok: false, exitCode: 3 });
    const still = /^cold-start budget of 15000 ms exceeded; still loading: (.*)$/.exec(String(result.error))?.[1];
    expect(still, String(result.error)).toBeDefined();
    const progress = (server: string, model: string) =>
      new RegExp(`^${server}/${model} \\(loading, attempt 1, \\d+% at [\\d.]+ [kMG]?B/s, about \\d[\\w .]* to go\\)$`);
    expect(still!.split(/, (?=\w+\/)/)).toEqual([
      expect.stringMatching(progress('llm', 'chat')),
      expect.stringMatching(progress('other', 'code')),
    ]);
    expect((await run.child).exitCode).toBe(3);
  });
});
