// The budget error of a real stack says where each model stood: a 400 MB model is frozen mid-load (its server stopped
// with SIGSTOP once it reported progress), so however fast the machine, it is still loading when the budget runs out.
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
  await writeDemoLlama(join(dir, 'models/big.gguf'), { name: 'big', bytes: 400e6, seed: 'big' });
  await writeDemoLlama(join(dir, 'models/next.gguf'), { name: 'next', bytes: 1e6, seed: 'next' });
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
    models:
      - { name: big, path: models/big.gguf }
      - { name: next, path: models/next.gguf }
`,
    );
    // Long enough for a busy machine to start the server and begin the load; the frozen load never ends anyway.
    const run = modelctl(['up', '-c', file, '--json', '--no-pull', '--budget', '15s']);
    const pid = Number((await run.waitFor((e) => e.type === 'spawned')).pid);
    onTestFinished(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already: up stopped it
      }
    });
    await run.waitFor((e) => {
      const t = e.event as TimingEvent | undefined;
      return e.type === 'timing' && t?.event === 'load_progress' && (t.rate ?? 0) > 0 && (t.fraction ?? 1) < 0.7;
    });
    process.kill(pid, 'SIGSTOP');

    const result = await run.waitFor((e) => e.type === 'result', 60_000);
    expect(result).toMatchObject({ ok: false, exitCode: 3 });
    const still = /^cold-start budget of 15000 ms exceeded; still loading: (.*)$/.exec(String(result.error))?.[1];
    expect(still, String(result.error)).toBeDefined();
    expect(still!.split(/, (?=llm\/)/)).toEqual([
      expect.stringMatching(/^llm\/big \(loading, attempt 1, \d+% at [\d.]+ [kMG]?B\/s, about \d[\w .]* to go\)$/),
      // Its load waits for a free engine instance: loading, with no progress yet.
      'llm/next (loading, attempt 1)',
    ]);
    expect((await run.child).exitCode).toBe(3);
  });
});
