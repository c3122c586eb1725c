import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir();
const modelctl = (...args: string[]) =>
  execa('node', ['bin/modelctl.js', ...args], { reject: false, env: { NO_COLOR: '1' } });

describe('modelctl CLI', () => {
  it('validate exits 0 on the shipped models.yaml', async () => {
    const r = await modelctl('validate');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('models.yaml: 2 server(s), 5 model(s)');
  });

  it('validate exits 2 and lists every problem with line and key path', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'servers:\n' +
        '  llm:\n' +
        '    kind: llm\n' +
        '    port: 8081\n' +
        '    conurrency: 3\n' +
        '    retryDelay: 5x\n' +
        '    retries: -1\n' +
        '    models: [{ name: a, path: a.gguf }]\n',
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

  it('exits 2 on an unknown command or option, with help', async () => {
    expect((await modelctl('frobnicate')).exitCode).toBe(2);
    expect((await modelctl('validate', '--nope')).exitCode).toBe(2);
  });

  it('pull makes a demo model, says so with its size, and exits 1 when a model cannot be obtained', async () => {
    const cfg = join(dir, 'm.yaml');
    writeFileSync(
      cfg,
      'servers:\n' +
        '  llm:\n' +
        '    kind: llm\n' +
        '    port: 9\n' +
        '    models:\n' +
        '      - { name: a, path: a.gguf, source: "demo:llama?size=300KB" }\n' +
        '      - { name: b, path: b.gguf }\n',
    );
    const r = await modelctl('pull', '-c', cfg);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/✔ a {2}a\.gguf {2}made \d+(\.\d)? kB in \d+ ms/);
    expect(r.stdout).toContain('✘ b  b.gguf');
    expect(r.stderr).toMatch(/1 model\(s\) could not be pulled: b \(.*b\.gguf does not exist/);
  });
});

describe('modelctl logs', () => {
  it('prints the timing logs in plain words, one server or all, or as raw JSON lines', async () => {
    const cfg = join(dir, 'logs.yaml');
    writeFileSync(
      cfg,
      'servers:\n' +
        '  llm:\n' +
        '    kind: llm\n' +
        '    port: 9\n' +
        '    models: [{ name: chat, path: c.gguf }]\n' +
        '  asr:\n' +
        '    kind: asr-ocr\n' +
        '    port: 10\n' +
        '    models: [{ name: ocr, type: ocr }]\n',
    );
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, '.modelctl/logs'), { recursive: true });
    writeFileSync(
      join(dir, '.modelctl/logs/llm.jsonl'),
      JSON.stringify({
        ts: '2026-01-01T00:00:01.000Z',
        server: 'llm',
        model: 'chat',
        event: 'ready',
        attempt: 1,
        ms: 212,
      }) + '\n',
    );
    writeFileSync(
      join(dir, '.modelctl/logs/asr.jsonl'),
      JSON.stringify({
        ts: '2026-01-01T00:00:00.500Z',
        server: 'asr',
        model: 'ocr',
        event: 'load_end',
        attempt: 2,
        ms: 480,
      }) + '\n',
    );
    const all = await modelctl('logs', '-c', cfg);
    expect(all.stdout.split('\n')).toEqual([
      '2026-01-01T00:00:00.500Z asr        ocr loaded in 480 ms (attempt 2)',
      '2026-01-01T00:00:01.000Z llm        chat ready in 212 ms (attempt 1)',
    ]);
    const one = await modelctl('logs', '-c', cfg, '--json', 'llm');
    expect(JSON.parse(one.stdout)).toMatchObject({ server: 'llm', event: 'ready', ms: 212 });
  });
});
