import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realStack } from '../helpers/stacks.js';
import { tempDir } from '../helpers/tmp.js';
import { allGone, modelctl, spawnedPids } from '../helpers/modelctl.js';

const dir = tempDir();

const stack = (name: string, llmModels: string) => realStack(dir, name, llmModels);
// Every test pulls what it needs (up pulls by default): none relies on files another test made.
const CHAT = '      - { name: chat, path: models/chat.gguf, source: "demo:llama?size=500KB" }';

describe('modelctl up with the real servers', () => {
  it('pulls the demo models, brings both servers to ready with a summary, and Ctrl-C leaves no process', async () => {
    const config = await stack(
      'real',
      `${CHAT}
      - { name: code, path: models/code.gguf, source: "demo:llama?size=500KB" }`,
    );
    const run = modelctl(['up', '-c', config, '--json']);
    const r = await run.waitFor((e) => e.type === 'result', 60_000);
    expect(r).toMatchObject({ ok: true });
    expect(
      (r.summary as { server: string; model: string; attempts: number }[]).map((s) => [s.server, s.model, s.attempts]),
    ).toEqual([
      ['llm', 'chat', 1],
      ['llm', 'code', 1],
      ['asr-ocr', 'speech', 1],
      ['asr-ocr', 'ocr', 1],
    ]);
    expect(run.events.filter((e) => e.type === 'note').map((e) => e.text)).toEqual(
      expect.arrayContaining([expect.stringMatching(/chat {2}models\/chat\.gguf {2}made/)]),
    );
    expect(run.events.some((e) => e.type === 'timing' && (e.event as { event: string }).event === 'load_end')).toBe(
      true,
    );
    const pids = spawnedPids(run.events);
    run.child.kill('SIGINT');
    expect((await run.child).exitCode).toBe(0);
    expect(await allGone(pids)).toBe(true);
  });

  it('fails with the model file and reason when a model is corrupt, stopping the other server', async () => {
    mkdirSync(join(dir, 'models'), { recursive: true });
    writeFileSync(join(dir, 'models', 'broken.gguf'), 'GGUF but not really');
    const config = await stack('broken', `${CHAT}\n      - { name: broken, path: models/broken.gguf }`);
    const run = modelctl(['up', '-c', config, '--json']);
    const r = await run.waitFor((e) => e.type === 'result', 60_000);
    expect(r).toMatchObject({ ok: false, exitCode: 1 });
    expect(r.error).toMatch(/server llm: broken: .*models\/broken\.gguf: (truncated|unsupported GGUF version)/);
    expect((await run.child).exitCode).toBe(1);
    expect(await allGone(spawnedPids(run.events))).toBe(true);
  });

  it('leaves no server behind after modelctl is SIGKILLed: our servers exit when the IPC channel closes', async () => {
    const config = await stack('killed', CHAT);
    const run = modelctl(['up', '-c', config, '--json']);
    await run.waitFor((e) => e.type === 'result', 60_000);
    const pids = spawnedPids(run.events);
    expect(pids).toHaveLength(2);
    run.child.kill('SIGKILL');
    await run.child;
    expect(await allGone(pids)).toBe(true);
  });
});
