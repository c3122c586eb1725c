import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../common/config/load.js';
import { knownKeysAt } from '../../../common/config/schema.js';
import { ConfigError } from '../../../common/errors.js';
import { BAD_CONFIGS as BAD, foreign, good, serverWith } from '../../fixtures/bad-configs.js';

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(text, 'models.yaml', env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected the config to be rejected');
}

describe('config', () => {
  it('fills in every default a minimal config leaves out', () => {
    const minimal = `servers:
  llm: { kind: llm, port: 1, models: [{ name: chat, path: chat.gguf }] }
  asr-ocr: { kind: asr-ocr, port: 2, models: [{ name: ocr, type: ocr }] }
  ext: { command: [llama-server], port: 3 }
`;
    const config = parseConfig(minimal, '/srv/models.yaml', {});
    expect(config).toMatchObject({
      budgetMs: 120_000,
      graceMs: 5000,
      deploy: { image: 'modelctl:latest', modelsVolume: 'modelctl-models', cpu: '1', memory: '2Gi' },
    });
    const [llm, asrOcr, ext] = config.servers;
    expect(llm).toEqual({
      name: 'llm',
      kind: 'llm',
      host: '127.0.0.1',
      port: 1,
      env: {},
      dependsOn: [],
      restart: { policy: 'on-failure', max: 3, backoffMs: 1000 },
      liveness: { periodMs: 5000, timeoutMs: 2000, failures: 3, inferenceMs: undefined },
      concurrency: 3,
      retries: 1,
      retryDelayMs: 500,
      order: 'priority',
      warmup: false,
      verify: 'off',
      mmap: false,
      gpu: false,
      threads: Math.max(1, availableParallelism() - 1),
      contextSize: 1024,
      parallel: 2,
      bodyLimit: 1_000_000,
      requestTimeoutMs: 300_000,
      memoryLimitBytes: undefined,
      stallTimeoutMs: 30_000,
      models: [{ name: 'chat', path: 'chat.gguf', file: '/srv/chat.gguf', required: true }],
    });
    expect(asrOcr).toMatchObject({ concurrency: 2, bodyLimit: 25_000_000, retries: 1, retryDelayMs: 500 });
    expect(asrOcr!.models).toEqual([{ name: 'ocr', type: 'ocr', required: true }]);
    expect(ext).toMatchObject({ kind: 'command', health: '/health', host: '127.0.0.1', models: [] });
  });

  it('parses the shipped models.yaml: its two servers, their settings and models', () => {
    const config = loadConfig('models.yaml');
    const llm = config.servers.find((s) => s.name === 'llm')!;
    expect(config.budgetMs).toBe(120_000);
    expect(llm).toMatchObject({ kind: 'llm', concurrency: 3, retries: 1, retryDelayMs: 500, warmup: false });
    expect(llm.models.map((m) => m.name)).toEqual(['chat', 'code', 'summarize']);
    expect(llm.models[0]!.file).toMatch(/\/models\/demo-chat\.gguf$/);
    const asrOcr = config.servers.find((s) => s.name === 'asr-ocr')!;
    expect(asrOcr).toMatchObject({
      kind: 'asr-ocr',
      concurrency: 2,
      retries: 1,
      retryDelayMs: 500,
      warmup: false,
      bodyLimit: 25_000_000,
    });
    expect(asrOcr.models.map((m) => [m.name, m.type])).toEqual([
      ['speech', 'asr'],
      ['ocr', 'ocr'],
    ]);
  });

  it('refuses a malformed hf: source, naming the key path and the value', () => {
    expect(problemsOf(BAD.incompleteHfSource.text)).toEqual([
      'models.yaml:6: servers.x.models[0].source: expected hf:OWNER/REPO/FILE[@REVISION]: ' +
        'owner, repository and file are all needed, got "hf:owner/repo"',
    ]);
  });

  it('requires a type for asr-ocr models and a path for all but OCR models', () => {
    expect(problemsOf(BAD.asrOcrModelsWithoutTypeOrPath.text)).toEqual([
      'models.yaml:6: servers.x.models[0].type: is required for an asr-ocr model: asr or ocr',
      'models.yaml:6: servers.x.models[0].path: is required: the model file, relative to the config file',
      'models.yaml:7: servers.x.models[1].path: is required: the model file, relative to the config file',
    ]);
  });

  it('fills kind defaults: concurrency 3 for llm, durations in ms', () => {
    const config = parseConfig(good, '/tmp/x/models.yaml', {});
    expect(config.budgetMs).toBe(90_000);
    expect(config.servers[0]).toMatchObject({ name: 'llm', host: '127.0.0.1', concurrency: 3, retryDelayMs: 500 });
    expect(config.servers[0]!.models[0]!.file).toBe('/tmp/x/models/chat.gguf');
    expect(config.stateDir).toBe('/tmp/x/.modelctl');
  });

  it('accepts 500ms, 0.5s and 2m as durations', () => {
    for (const [text, ms] of [
      ['500ms', 500],
      ['0.5s', 500],
      ['2m', 120_000],
    ] as const) {
      expect(parseConfig(good.replace('90s', text), 'models.yaml', {}).budgetMs).toBe(ms);
    }
  });

  it('names the key path and the value of a bad duration', () => {
    expect(problemsOf(BAD.durationWithoutUnit.text)).toEqual([
      'models.yaml:2: budget: expected a duration such as 500ms, 0.5s or 2m, got 12',
    ]);
  });

  it('suggests the nearest key for a typo', () => {
    const [problem] = problemsOf(BAD.keyTypo.text);
    expect(problem).toBe('models.yaml:7: servers.llm.conurrency: unknown key (did you mean "concurrency"?)');
  });

  it('reports every problem, not just the first, in file order', () => {
    const problems = problemsOf(BAD.wrongTypes.text);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('servers.llm.port: expected number, got "abc"');
    expect(problems[1]).toContain('servers.llm.retryDelay: expected a duration');
    expect(problems[2]).toContain('servers.llm.models[0].path: expected string, got 42');
  });

  it('rejects a missing required key and an unknown kind', () => {
    const problems = problemsOf(BAD.noPortUnknownKind.text);
    expect(problems.some((p) => p.includes('servers.llm.kind:') && p.includes('"gpt"'))).toBe(true);
    expect(problems.some((p) => p.endsWith('servers.llm.port: is required'))).toBe(true);
  });

  it('takes a foreign server by its command, and refuses a server with neither kind nor command', () => {
    expect(parseConfig(foreign, 'm.yaml', {}).servers[0]).toMatchObject({
      name: 'ext',
      kind: 'command',
      command: ['llama-server', '--port', '9000'],
      models: [],
    });
    expect(problemsOf(BAD.neitherKindNorCommand.text)).toEqual([
      expect.stringContaining('servers.ext.kind: is required'),
    ]);
    expect(problemsOf(BAD.builtInWithoutModels.text)).toEqual([
      expect.stringContaining('servers.llm.models: expected at least one model'),
    ]);
  });

  it('rejects duplicate model names and a port used twice', () => {
    const problems = problemsOf(BAD.modelTwicePortTwice.text);
    expect(problems).toContainEqual(
      expect.stringContaining('servers.llm.models[1].name: model name "chat" appears twice'),
    );
    expect(problems).toContainEqual(
      expect.stringContaining('servers.other.port: 127.0.0.1:8081 is already used by server "llm"'),
    );
  });

  it('substitutes ${ENV} and ${ENV:-default}, and names an unset variable', () => {
    const text = BAD.unsetVariable.text;
    expect(parseConfig(text, '/m.yaml', { MODELS: '/data' }).servers[0]).toMatchObject({
      host: '0.0.0.0',
      models: [{ file: '/data/chat.gguf' }],
    });
    expect(problemsOf(text)).toEqual([
      expect.stringContaining('servers.llm.models[0].path: environment variable MODELS is not set'),
    ]);
  });

  it('gives the line and column of a YAML syntax error', () => {
    expect(problemsOf('servers:\n  llm: [\n')[0]).toMatch(/^models\.yaml:\d+:\d+: not valid YAML/);
  });

  it('lists the keys allowed under restart, liveness and deploy when an unknown key is no near typo', () => {
    expect(problemsOf(BAD.unknownKeysInRestartAndLiveness.text)).toEqual([
      'models.yaml:5: servers.a.restart.when: unknown key; expected one of policy, max, backoff',
      'models.yaml:6: servers.a.liveness.every: unknown key; expected one of period, timeout, failures, inference',
    ]);
    expect(problemsOf(BAD.unknownKeyInDeploy.text)).toEqual([
      'models.yaml:1: deploy.tag: unknown key; expected one of image, modelsVolume, cpu, memory',
    ]);
    expect(problemsOf(BAD.restartKeyTypo.text)).toEqual([
      'models.yaml:5: servers.a.restart.polcy: unknown key (did you mean "policy"?)',
    ]);
  });

  it('knows the keys at any depth of the schema, and none under a map of free keys or a plain value', () => {
    expect(knownKeysAt(['servers', 'a', 'restart'])).toEqual(['policy', 'max', 'backoff']);
    expect(knownKeysAt(['servers', 'a', 'models', 0])).toContain('language');
    expect(knownKeysAt(['servers', 'a', 'env'])).toEqual([]);
    expect(knownKeysAt(['servers', 'a', 'port'])).toEqual([]);
  });

  it('names the key inside liveness that is wrong, and what each key of several forms takes', () => {
    expect(problemsOf(BAD.badLivenessPeriod.text)).toEqual([
      'models.yaml:5: servers.a.liveness.period: expected a duration such as 500ms, 0.5s or 2m, got "5x"',
    ]);
    expect(problemsOf(BAD.badLivenessInference.text)).toEqual([
      'models.yaml:5: servers.a.liveness.inference: expected off or a duration such as 500ms, 0.5s or 2m, got "5x"',
    ]);
    expect(problemsOf(BAD.livenessNeitherOffNorMap.text)).toEqual([
      'models.yaml:5: servers.a.liveness: expected off, false, or a map of period, timeout, failures and inference, ' +
        'got "5s"',
    ]);
    expect(problemsOf(BAD.unknownGpu.text)).toEqual([
      'models.yaml:5: servers.a.gpu: expected false, auto, cuda, vulkan or metal, got "cdua"',
    ]);
  });

  it('says what an OCR language looks like', () => {
    expect(problemsOf(BAD.upperCaseLanguage.text)).toEqual([
      'models.yaml:5: servers.a.models[0].language: expected a language code in lower-case letters and "_", ' +
        'such as eng or chi_sim, got "Eng"',
    ]);
  });

  it('refuses sizes under one byte and fractions of a byte', () => {
    const expected = 'expected a size of at least 1 byte such as 512KB, 200MB or 1GB (or a whole number of bytes)';
    expect(problemsOf(BAD.sizesUnderOneByte.text)).toEqual([
      `models.yaml:5: servers.a.bodyLimit: ${expected}, got 0`,
      `models.yaml:6: servers.a.memoryLimit: ${expected}, got 0.5`,
    ]);
    expect(problemsOf(BAD.zeroSizeText.text)).toEqual([`models.yaml:5: servers.a.memoryLimit: ${expected}, got "0MB"`]);
    const server = parseConfig(serverWith(['bodyLimit: 1', 'memoryLimit: 2GB']), 'models.yaml', {}).servers[0];
    expect(server).toMatchObject({ bodyLimit: 1, memoryLimitBytes: 2e9 });
  });

  it('names a config file that does not exist', () => {
    expect(() => loadConfig('/nonexistent/models.yaml')).toThrow(
      '/nonexistent/models.yaml: cannot read the config (no such file)',
    );
  });
});
