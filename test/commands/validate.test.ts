import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const modelctl = (...args: string[]) =>
  execa('node', ['bin/modelctl.js', ...args], { reject: false, env: { NO_COLOR: '1' } });

describe('modelctl validate', () => {
  it('validate exits 0 on the shipped models.yaml', async () => {
    const r = await modelctl('validate');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('models.yaml: 2 server(s), 5 model(s)');
  });

  it('validate exits 2 and lists every problem with line and key path', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      `servers:
  llm:
    kind: llm
    port: 8081
    conurrency: 3
    retryDelay: 5x
    retries: -1
    models: [{ name: a, path: a.gguf }]
`,
    );
    const r = await modelctl('validate', '-c', bad);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${bad}: 3 problems`);
    expect(r.stderr).toContain(`${bad}:5: servers.llm.conurrency: unknown key (did you mean "concurrency"?)`);
    expect(r.stderr).toContain(
      `${bad}:6: servers.llm.retryDelay: expected a duration such as 500ms, 0.5s or 2m, got "5x"`,
    );
    expect(r.stderr).toContain(`${bad}:7: servers.llm.retries: Too small: expected number to be >=0, got -1`);
  });

  describe('--plan', () => {
    // Room for the small model under the limit once the runtime is counted, never for the big one.
    const config = (models: string[]) => {
      const file = join(dir, `plan-${models.join('-')}.yaml`);
      const lines = models.map((m) => `      - { name: ${m}, path: ${m}.gguf }`);
      writeFileSync(
        file,
        `servers:\n  llm:\n    kind: llm\n    port: 8081\n    memoryLimit: 250MB\n    models:\n${lines.join('\n')}\n`,
      );
      return file;
    };
    beforeAll(async () => {
      await writeDemoLlama(join(dir, 'small.gguf'), { name: 'small', bytes: 500_000, seed: 'small' });
      await writeDemoLlama(join(dir, 'big.gguf'), { name: 'big', bytes: 30_000_000, seed: 'big' });
    });

    it("prints each model's estimate and when it loads, and exits 0 when every model fits", async () => {
      const r = await modelctl('validate', '-c', config(['small']), '--plan');
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^small +\d+ MiB +\d+ MiB +\d+ MiB +\d+ MiB +0 ms → \d+ ms$/m);
    });

    it('exits 1 naming a model that can never fit', async () => {
      const r = await modelctl('validate', '-c', config(['small', 'big']), '--plan');
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/^big +\d+ MiB .*never loads: larger than the memory available to the server$/m);
      expect(r.stderr).toContain('can never load: llm/big');
    });

    it('exits 1 with --json too, the model that can never fit marked in the plan', async () => {
      const r = await modelctl('validate', '-c', config(['small', 'big']), '--plan', '--json');
      const plan = (JSON.parse(r.stdout) as { plan: { loads: { model: string; never?: string }[] }[] }).plan;
      expect(plan[0]!.loads.map((l) => [l.model, l.never])).toEqual([
        ['small', undefined],
        ['big', 'larger than the memory available to the server'],
      ]);
      expect(r.exitCode).toBe(1);
    });
  });
});
