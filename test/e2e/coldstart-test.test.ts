import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { realStack } from '../helpers/stacks.js';
import { tempDir } from '../helpers/tmp.js';
import { modelctl } from '../helpers/modelctl.js';

const dir = tempDir();

const stack = (name: string, llmModels: string) => realStack(dir, name, llmModels);

/** No process of this config is left: our servers carry the config path in their arguments. */
async function processesOf(config: string): Promise<string> {
  return (await execa('pgrep', ['-af', config], { reject: false })).stdout
    .split('\n')
    .filter((l) => l && !l.includes('pgrep'))
    .join('\n');
}

const twoModels = `
      - { name: chat, path: models/chat.gguf, source: "demo:llama?size=500KB" }
      - { name: code, path: models/code.gguf, source: "demo:llama?size=500KB" }`;

describe('modelctl coldstart-test', () => {
  it('passes on the demo stack, with a JSON report and a JUnit file CI can read', async () => {
    const config = await stack('pass', twoModels);
    const junit = join(dir, 'report.xml');
    const reportFile = join(dir, 'report.json');
    const r = await modelctl([
      'coldstart-test',
      '-c',
      config,
      '--json',
      '--junit',
      junit,
      '--report',
      reportFile,
      '--runs',
      '2',
    ]).child;
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(String(r.stdout));
    expect(report).toMatchObject({ passed: true, budgetMs: 120_000, runs: 2, statistic: 'median', regressions: [] });
    expect(report.coldStartMs).toBeGreaterThan(0);
    expect(
      report.servers.map((s: { name: string; models: { name: string; state: string; attempts: number }[] }) => [
        s.name,
        s.models.map((m) => [m.name, m.state, m.attempts]),
      ]),
    ).toEqual([
      [
        'llm',
        [
          ['chat', 'ready', 1],
          ['code', 'ready', 1],
        ],
      ],
      [
        'asr-ocr',
        [
          ['speech', 'ready', 1],
          ['ocr', 'ready', 1],
        ],
      ],
    ]);
    expect(report.criticalPath.server).toMatch(/^(llm|asr-ocr)$/);
    expect(JSON.parse(readFileSync(reportFile, 'utf8'))).toEqual(report);
    const xml = readFileSync(junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const cases = new XMLParser({ ignoreAttributes: false }).parse(xml).testsuites.testsuite.testcase as {
      '@_name': string;
      failure?: unknown;
    }[];
    expect(cases.map((c) => c['@_name'])).toEqual([
      'server llm ready within 120000 ms',
      'model chat loaded',
      'model code loaded',
      'server asr-ocr ready within 120000 ms',
      'model speech loaded',
      'model ocr loaded',
    ]);
    expect(cases.every((c) => c.failure === undefined)).toBe(true);
    expect(await processesOf(config)).toBe('');

    // A second run compares with the report already at --report.
    const again = await modelctl(['coldstart-test', '-c', config, '--report', reportFile, '--threshold', '1000%'])
      .child;
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/PASS: cold start .* within the budget of 120 s/);
  });

  it('fails with exit 1 when the budget is too small, naming the slow server and model', async () => {
    const config = await stack('tight', twoModels);
    const junit = join(dir, 'tight.xml');
    const r = await modelctl(['coldstart-test', '-c', config, '--budget', '700ms', '--junit', junit]).child;
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/FAIL: cold-start budget of 700 ms exceeded; still loading: llm/);
    expect(XMLValidator.validate(readFileSync(junit, 'utf8'))).toBe(true);
    expect(readFileSync(junit, 'utf8')).toContain('<failure message="');
    expect(await processesOf(config)).toBe('');
  });

  it('fails with exit 1 and the reason when a model is corrupt', async () => {
    writeFileSync(join(dir, 'models', 'corrupt.gguf'), Buffer.alloc(1000, 7));
    const config = await stack(
      'corrupt',
      '      - { name: chat, path: models/chat.gguf }\n      - { name: corrupt, path: models/corrupt.gguf }',
    );
    const r = await modelctl(['coldstart-test', '-c', config, '--json']).child;
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(String(r.stdout));
    expect(report.passed).toBe(false);
    expect(report.reason).toMatch(/server llm: corrupt: .*corrupt\.gguf: not a GGUF file \(wrong magic bytes\)/);
    expect(report.servers[0].models.find((m: { name: string }) => m.name === 'corrupt')).toMatchObject({
      state: 'failed',
      attempts: 2,
    });
    expect(await processesOf(config)).toBe('');
  });

  it('refuses to measure a server already listening on a configured port', async () => {
    const config = await stack('occupied', twoModels);
    const port = Number(/port: (\d+)/.exec(readFileSync(config, 'utf8'))![1]);
    const { createServer } = await import('node:net');
    const blocker = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const r = await modelctl(['coldstart-test', '-c', config]).child;
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });
});
