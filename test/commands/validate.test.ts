import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
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
});
