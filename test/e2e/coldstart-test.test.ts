import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { ColdStartReport } from '../../src/coldstart/report.js';
import { killQuietly } from '../../common/processes.js';
import { modelGate } from '../helpers/gate.js';
import { needs, TOOLS } from '../helpers/needs.js';
import { processesMentioning } from '../helpers/processes.js';
import { realStack } from '../helpers/stacks.js';
import { freePort, tempDir } from '../helpers/tmp.js';
import { FAKE_SERVER, modelctl } from '../helpers/modelctl.js';

const dir = tempDir();

const stack = (name: string, llmModels: string) => realStack(dir, name, llmModels);

const CHAT = '      - { name: chat, path: models/chat.gguf, source: "demo:llama?size=500KB" }';
const twoModels = `
${CHAT}
      - { name: code, path: models/code.gguf, source: "demo:llama?size=500KB" }`;

/** A config of one fake foreign server (fast: no real model) with the given flags, and model lines if any. */
async function fakeServer(name: string, flags: string[], models = ''): Promise<string> {
  const port = await freePort();
  const file = join(dir, `${name}.yaml`);
  const command = JSON.stringify(['node', FAKE_SERVER, '--port', String(port), ...flags]);
  writeFileSync(file, `grace: 500ms\nservers:\n  fake:\n    port: ${port}\n    command: ${command}\n${models}`);
  return file;
}

/** A baseline report whose models loaded in the given times (only what the comparison reads). */
function baselineReport(file: string, loads: Record<string, Record<string, number>>) {
  const servers = Object.entries(loads).map(([name, models]) => ({
    name,
    models: Object.entries(models).map(([model, loadMs]) => ({ name: model, loadMs })),
  }));
  writeFileSync(file, JSON.stringify({ servers }));
}
/** No real load takes 1 ms, and none takes a million seconds: the first is always slower, the second never. */
const [IMPOSSIBLY_FAST, IMPOSSIBLY_SLOW] = [1, 1e9];

describe('modelctl coldstart-test', () => {
  it('passes on the demo stack, flags models slower than the last --report, writes JSON and JUnit', async () => {
    const config = await stack('pass', twoModels);
    const junit = join(dir, 'report.xml');
    const reportFile = join(dir, 'report.json');
    // An earlier report at --report is the baseline: in it ocr loaded impossibly fast, the others impossibly slowly.
    baselineReport(reportFile, {
      llm: { chat: IMPOSSIBLY_SLOW, code: IMPOSSIBLY_SLOW },
      'asr-ocr': { speech: IMPOSSIBLY_SLOW, ocr: IMPOSSIBLY_FAST },
    });
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
    expect(report).toMatchObject({ passed: true, budgetMs: 120_000, runs: 2, statistic: 'median' });
    expect(report.regressions).toEqual([
      { server: 'asr-ocr', model: 'ocr', baselineMs: 1, loadMs: expect.any(Number), ratio: expect.any(Number) },
    ]);
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
    const servers = (report as ColdStartReport).servers;
    const slowest = [...servers].sort((a, b) => b.readyMs! - a.readyMs!)[0]!;
    expect(report.criticalPath).toMatchObject({ server: slowest.name, readyMs: slowest.readyMs });
    expect(slowest.models.map((m) => m.name)).toContain(report.criticalPath.model);
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
    expect(await processesMentioning(config)).toEqual([]);
  });

  it('compares with --baseline instead when it is given, and says which models got slower', async () => {
    const config = await stack('baseline-flag', twoModels);
    const [reportFile, baselineFile] = [join(dir, 'not-this.json'), join(dir, 'this.json')];
    baselineReport(reportFile, { llm: { chat: IMPOSSIBLY_FAST, code: IMPOSSIBLY_FAST } });
    baselineReport(baselineFile, { 'asr-ocr': { speech: IMPOSSIBLY_FAST, ocr: IMPOSSIBLY_SLOW } });
    const r = await modelctl(['coldstart-test', '-c', config, '--report', reportFile, '--baseline', baselineFile])
      .child;
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/slower than baseline: asr-ocr\/speech 1 ms → \d+/);
    expect(String(r.stdout).match(/slower than baseline/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/PASS: cold start .* within the budget of 120 s/);
    expect((JSON.parse(readFileSync(reportFile, 'utf8')) as ColdStartReport).regressions).toHaveLength(1);
  });

  it('fails with exit 1 when the budget runs out, naming the server and the model still loading', async () => {
    // The model `late` is a gate that stays closed: however fast the machine, it is still loading at the deadline.
    const own = join(dir, 'budget');
    mkdirSync(own, { recursive: true });
    modelGate(join(own, 'late.gguf'));
    const config = join(own, 'models.yaml');
    writeFileSync(
      config,
      `grace: 500ms
servers:
  llm:
    kind: llm
    port: ${await freePort()}
    models:
${CHAT}
      - { name: late, path: late.gguf }
`,
    );
    const junit = join(own, 'budget.xml');
    // A budget long enough for a busy machine to start the server and report its models: the gate holds late anyway.
    const r = await modelctl(['coldstart-test', '-c', config, '--budget', '10s', '--junit', junit]).child;
    expect(r.exitCode).toBe(1);
    expect(String(r.stdout)).toMatch(
      /FAIL: cold-start budget of 10000 ms exceeded; still loading: .*llm\/late \(loading, attempt 1\)/,
    );
    expect(XMLValidator.validate(readFileSync(junit, 'utf8'))).toBe(true);
    expect(readFileSync(junit, 'utf8')).toContain('<failure message="cold-start budget of 10000 ms exceeded');
    expect(await processesMentioning(config)).toEqual([]);
  });

  it('fails with exit 1 and the reason when a model is corrupt', async () => {
    mkdirSync(join(dir, 'models'), { recursive: true });
    writeFileSync(join(dir, 'models', 'corrupt.gguf'), Buffer.alloc(1000, 7));
    const config = await stack('corrupt', `${CHAT}\n      - { name: corrupt, path: models/corrupt.gguf }`);
    const r = await modelctl(['coldstart-test', '-c', config, '--json']).child;
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(String(r.stdout));
    expect(report.passed).toBe(false);
    expect(report.reason).toMatch(/server llm: corrupt: .*corrupt\.gguf: not a GGUF file \(wrong magic bytes\)/);
    expect(report.servers[0].models.find((m: { name: string }) => m.name === 'corrupt')).toMatchObject({
      state: 'failed',
      attempts: 2,
    });
    expect(await processesMentioning(config)).toEqual([]);
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

  it('fails with exit 1 when a server exits before it is ready, with its exit code', async () => {
    const config = await fakeServer('crash', ['--exit-early', '3']);
    const r = await modelctl(['coldstart-test', '-c', config, '--json']).child;
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(String(r.stdout)) as ColdStartReport;
    expect(report).toMatchObject({ passed: false, coldStartMs: null });
    expect(report.reason).toMatch(/^server fake exited before it was ready \(exit code 3\)/);
  });

  it('fails with exit 1 when a process of a server is left running after the stop', async () => {
    const orphanFile = join(dir, 'orphan.pid');
    const config = await fakeServer('orphan', ['--orphan-to', orphanFile]);
    const r = await modelctl(['coldstart-test', '-c', config, '--json']).child;
    const orphan = Number(readFileSync(orphanFile, 'utf8'));
    killQuietly(orphan, 'SIGKILL');
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(String(r.stdout)) as ColdStartReport;
    expect(report.passed).toBe(false);
    expect(report.reason).toBe(`processes left running after stop: ${orphan}`);
  });

  it('--drop-caches evicts the model files from the page cache before the run', async (ctx) => {
    await needs(ctx, TOOLS.fincore);
    // The fake server asks the kernel (fincore) at its start how much of the model file is cached. The model is made
    // by the run's own pull, so its pages start out cached and not yet written back.
    const residentFile = join(dir, 'resident.txt');
    const model = join(dir, 'models', 'weights.gguf');
    const models = `    models:\n      - { name: weights, path: models/weights.gguf, source: "demo:llama?size=2MB" }\n`;
    const config = await fakeServer('caches', ['--resident', model, '--resident-to', residentFile], models);
    const resident = async (...flags: string[]) => {
      const r = await modelctl(['coldstart-test', '-c', config, ...flags]).child;
      expect(r.exitCode, String(r.stderr)).toBe(0);
      return Number(readFileSync(residentFile, 'utf8'));
    };
    expect(existsSync(model)).toBe(false);
    expect(await resident('--drop-caches')).toBe(0);
    readFileSync(model);
    expect(await resident()).toBeGreaterThan(0);
    expect(await resident('--drop-caches')).toBe(0);
  });
});
