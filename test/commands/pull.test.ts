import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const modelctl = (...args: string[]) =>
  execa('node', ['bin/modelctl.js', ...args], { reject: false, env: { NO_COLOR: '1' } });

describe('modelctl pull', () => {
  it('pull makes a demo model, says so with its size, and exits 1 when a model cannot be obtained', async () => {
    const cfg = join(dir, 'm.yaml');
    writeFileSync(
      cfg,
      `servers:
  llm:
    kind: llm
    port: 9
    models:
      - { name: a, path: a.gguf, source: "demo:llama?size=300KB" }
      - { name: b, path: b.gguf }
`,
    );
    const r = await modelctl('pull', '-c', cfg);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/✔ a {2}a\.gguf {2}made \d+(\.\d)? kB in \d+ ms/);
    expect(r.stdout).toContain('✘ b  b.gguf');
    expect(r.stderr).toMatch(/1 model\(s\) could not be pulled: b \(.*b\.gguf does not exist/);
  });
});
