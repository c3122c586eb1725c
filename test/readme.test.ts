// The documentation's numbers and names, checked against the code they describe, so they cannot drift apart again: the
// defaults and keys of models.yaml, the exit codes, the timing events, the metric names, the lane threshold, the
// benchmarks and the Kubernetes probes; and the documentation as a whole: every relative link leads somewhere, every
// page is reachable from the README, and the README stays a front door.
import { availableParallelism } from 'node:os';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig, parseConfig } from '../common/config/load.js';
import { knownKeysAt } from '../common/config/schema.js';
import type { BuiltinServerConfig, Config, ForeignServerConfig } from '../common/config/types.js';
import { parseDuration, parseSize } from '../common/config/units.js';
import { ExitCode } from '../common/errors.js';
import { MODEL_EVENTS, SERVER_EVENTS } from '../common/timing/events.js';
import { DEFAULT_OCR_LANGUAGE } from '../servers/asr-ocr/engine.js';
import { LANE_WORTH_BYTES } from '../servers/llm/lanes.js';
import { exportFiles } from '../src/commands/export.js';
import { anchorsOf, linksOf, section, tableAfter } from './helpers/markdown.js';
import { tempDir } from './helpers/tmp.js';

const read = (file: string) => readFileSync(file, 'utf8');
const README = read('README.md');
const DOCS = readdirSync('docs')
  .filter((f) => f.endsWith('.md'))
  .map((f) => join('docs', f));
/** The page that holds each checked text: the README is the front door, the reference lives in docs/. */
const PAGE = {
  configuration: 'docs/configuration.md',
  coldStart: 'docs/cold-start.md',
  httpApi: 'docs/http-api.md',
  memory: 'docs/memory.md',
  benchmarks: 'docs/benchmarks.md',
  deployment: 'docs/deployment.md',
};
const README_MAX_LINES = 250;

const minimal = parseConfig(
  `servers:
  llm: { kind: llm, port: 1, models: [{ name: chat, path: chat.gguf }] }
  asr-ocr: { kind: asr-ocr, port: 2, models: [{ name: ocr, type: ocr }] }
`,
  '/srv/models.yaml',
  {},
);
const llm = minimal.servers[0] as BuiltinServerConfig;
const asrOcr = minimal.servers[1] as BuiltinServerConfig;

const code = (s: string) => s.replace(/`/g, '');
const ms = (s: string) => parseDuration(code(s));
const bytes = (s: string) => parseSize(code(s).replace(/\s/g, ''));

/** Key column → what its default cell must mean, read from a config that leaves everything out. */
const DEFAULTS: Record<string, (cell: string, c: Config) => void> = {
  '`budget`': (d, c) => expect(c.budgetMs).toBe(ms(d)),
  '`grace`': (d, c) => expect(c.graceMs).toBe(ms(d)),
  '`restart`': (d) => {
    expect(d).toBe(`\`{policy: ${llm.restart.policy}, max: ${llm.restart.max}, backoff: 1s}\``);
    expect(llm.restart.backoffMs).toBe(1000);
  },
  '`host`, `port`': (d) => expect(d.split(',')[0]).toBe(`\`${llm.host}\``),
  '`concurrency`': (d) => expect(d).toBe(`${llm.concurrency} / ${asrOcr.concurrency}`),
  '`retries`, `retryDelay`': (d) => {
    const [retries, delay] = d.split(',').map((s) => s.trim());
    expect(Number(code(retries!))).toBe(llm.retries);
    expect(ms(delay!)).toBe(llm.retryDelayMs);
  },
  '`warmup`': (d) => expect(code(d)).toBe(String(llm.warmup)),
  '`mmap`': (d) => expect(code(d)).toBe(String(llm.mmap)),
  '`gpu`': (d) => expect(code(d)).toBe(String(llm.gpu)),
  '`threads`': (d) => {
    expect(d).toBe('cores − 1');
    expect(llm.threads).toBe(Math.max(1, availableParallelism() - 1));
  },
  '`contextSize`, `parallel`': (d) => expect(d).toBe(`\`${llm.contextSize}\`, \`${llm.parallel}\``),
  '`bodyLimit`': (d) => {
    const [l, a] = d.split('/').map((s) => bytes(s));
    expect([l, a]).toEqual([llm.bodyLimit, asrOcr.bodyLimit]);
  },
  '`order`': (d) => expect(code(d)).toBe(llm.order),
  '`verify`, `models[].verify`': (d) => expect(code(d)).toBe(llm.verify),
  '`liveness`': (d) => {
    const l = llm.liveness!;
    const [period, timeout, failures, inference] = /period: (\w+), timeout: (\w+), failures: (\d+), inference: (\w+)/
      .exec(d)!
      .slice(1);
    expect([ms(period!), ms(timeout!), Number(failures), inference]).toEqual([
      l.periodMs,
      l.timeoutMs,
      l.failures,
      'off',
    ]);
    expect(l.inferenceMs).toBeUndefined();
  },
  '`requestTimeout`': (d) => expect(ms(d)).toBe(llm.requestTimeoutMs),
  '`memoryLimit`': (d) => {
    expect(d).toBe('—');
    expect(llm.memoryLimitBytes).toBeUndefined();
  },
  '`stallTimeout`': (d) => expect(ms(d)).toBe(llm.stallTimeoutMs),
  '`models[].language`': (d) => expect(code(d)).toBe(DEFAULT_OCR_LANGUAGE),
  '`models[].required`': (d) => expect(code(d)).toBe(String(llm.models[0]!.required)),
  '`command`, `health`': (d) => {
    const foreign = parseConfig('servers:\n  x: { command: [x], port: 3 }\n', '/srv/m.yaml', {}).servers[0];
    expect(d.split(',')[1]!.trim()).toBe(`\`${(foreign as ForeignServerConfig).health}\``);
  },
};

describe('the documentation says what the code does', () => {
  it('lists every default of the models.yaml table as the config loader fills it in', () => {
    const rows = tableAfter(read(PAGE.configuration), /^\| key\s+\| default/);
    const keys = rows.map((r) => r[0]!);
    for (const key of Object.keys(DEFAULTS)) expect(keys, `row ${key} of ${PAGE.configuration}`).toContain(key);
    for (const [key, check] of Object.entries(DEFAULTS)) check(rows.find((r) => r[0] === key)![1]!, minimal);
  });

  it('documents exactly the exit codes there are', () => {
    const codes = tableAfter(section(README, /^## Exit codes$/), /^\| code/).map((r) => Number(r[0]));
    expect(codes.sort((a, b) => a - b)).toEqual(Object.values(ExitCode).sort((a, b) => a - b));
  });

  it('names every timing event, and no other', () => {
    const log = section(read(PAGE.coldStart), /^## Timing log$/);
    const listed = (label: string) => {
      expect(log, label).toContain(label);
      const list = log.slice(log.indexOf(label), log.indexOf('.', log.indexOf(label)));
      return [...list.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
    };
    expect(listed('Server events:')).toEqual([...SERVER_EVENTS]);
    expect(listed('Model events:')).toEqual([...MODEL_EVENTS]);
  });

  it('names every metric the servers export, and no other', () => {
    const source = read(metricsSource());
    const inCode = [...source.matchAll(/(?:name: |'(?:gauge|counter)', )'([a-z_]+)'/g)].map((m) => m[1]).sort();
    const page = read(PAGE.httpApi);
    const start = page.indexOf('**`GET /metrics`**');
    expect(start).toBeGreaterThan(-1);
    const paragraph = page.slice(start, page.indexOf('\n\n', start));
    const inDocs = [...paragraph.matchAll(/`([a-z_]+)(?:\{[^}]*\})?`/g)]
      .map((m) => m[1])
      .filter((n) => n !== 'server' && n !== 'model'); // the labels
    expect([...new Set(inDocs)].sort()).toEqual(inCode);
  });

  it('documents every key of models.yaml the schema has', () => {
    const cells = tableAfter(read(PAGE.configuration), /^\| key\s+\| default/).map((r) => r[0]!);
    const named = new Set(
      cells.flatMap((c) =>
        [...c.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/^(servers\.<name>\.|models\[\]\.)/, '')),
      ),
    );
    // `servers` and `models` are the maps whose keys the rows name (`servers.<name>.kind`, `models[].name`).
    const levels = {
      file: knownKeysAt([]),
      server: knownKeysAt(['servers', 'x']),
      model: knownKeysAt(['servers', 'x', 'models', 0]),
    };
    for (const [level, keys] of Object.entries(levels)) {
      expect(keys.length, level).toBeGreaterThan(3);
      expect(
        keys.filter((k) => !named.has(k) && k !== 'servers' && k !== 'models'),
        `${level} keys missing`,
      ).toEqual([]);
    }
    const deployment = read(PAGE.deployment);
    for (const key of knownKeysAt(['deploy'])) expect(deployment, `deploy.${key}`).toMatch(new RegExp(`\`${key}: `));
  });

  it('describes the Kubernetes probes of a foreign server as the export writes them: HTTP on its health URL', () => {
    const file = join(tempDir('readme-'), 'models.yaml');
    writeFileSync(file, 'servers:\n  x: { command: [x], port: 3, health: /status }\n');
    const config = loadConfig(file, {});
    const objects = exportFiles('k8s', config, { config: 'models.yaml' }).flatMap((f) =>
      parseAllDocuments(f.text).map((d) => d.toJS()),
    );
    const container = objects.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0];
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'])
      expect(container[probe], probe).toMatchObject({ httpGet: { path: '/status' } });
    const deployment = read(PAGE.deployment);
    expect(deployment).toContain('A foreign server gets all three probes on its health URL');
    expect(deployment).not.toMatch(/\bTCP\b/);
  });

  it('gives the lane threshold the code uses', () => {
    expect(LANE_WORTH_BYTES).toBe(2 ** 30);
    expect(read(PAGE.memory)).toContain('another starts only while 1 GiB or more is\nwaiting for it');
  });
  it('lists every benchmark `npm run bench` has', () => {
    const source = readFileSync('bench/run.ts', 'utf8');
    const body = source.slice(source.indexOf('const benches'), source.indexOf('for (const [name, run]'));
    const names = [...body.matchAll(/^ {2}'?([a-z0-9-]+)'?: \(\) =>/gim)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(10);
    const listed = tableAfter(read(PAGE.benchmarks), /^\| name\s+\| what it compares/).flatMap((r) =>
      [...r[0]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]),
    );
    expect(names.filter((n) => !listed.includes(n))).toEqual([]);
    expect(listed.filter((n) => !names.includes(n!))).toEqual([]);
  });
});

/** The file under servers/ that registers the Prometheus metrics (it may move between rooms; the metrics do not). */
function metricsSource(): string {
  const files = readdirSync('servers', { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join('servers', f))
    .filter((f) => read(f).includes("from 'prom-client'"));
  expect(files).toHaveLength(1);
  return files[0]!;
}

/** Every relative link of a page, resolved: the file it names and the anchor it points at, if any. */
function relativeLinks(page: string) {
  return linksOf(read(page))
    .filter(({ target }) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
    .map(({ target, line }) => {
      const [path = '', anchor] = target.split('#', 2);
      return { where: `${page}:${line} → ${target}`, file: path ? join(dirname(page), path) : page, anchor };
    });
}

describe('the documentation holds together', () => {
  const pages = ['README.md', ...DOCS];

  it(`keeps the README a front door: at most ${README_MAX_LINES} lines`, () => {
    expect(README.split('\n').length - (README.endsWith('\n') ? 1 : 0)).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('has pages in docs/ to check', () => {
    expect(DOCS.length).toBeGreaterThanOrEqual(10);
  });

  it('resolves every relative link of README.md and docs/*.md to a file, and every #anchor to a heading there', () => {
    const links = pages.flatMap(relativeLinks);
    expect(links.length).toBeGreaterThan(20);
    const missingFiles = links.filter((l) => !existsSync(l.file)).map((l) => l.where);
    expect(missingFiles).toEqual([]);
    const missingAnchors = links
      .filter((l) => l.anchor !== undefined && existsSync(l.file))
      .filter((l) => !l.file.endsWith('.md') || !anchorsOf(read(l.file)).has(l.anchor!))
      .map((l) => l.where);
    expect(missingAnchors).toEqual([]);
  });

  it('links every page of docs/ from the README, and each page back to it in its opening lines', () => {
    const fromReadme = new Set(relativeLinks('README.md').map((l) => l.file));
    for (const page of DOCS) {
      expect(fromReadme, `README links ${page}`).toContain(page);
      const opening = read(page).split('\n\n').slice(0, 2).join('\n\n');
      expect(opening, `${page} opens with what it covers and a link back`).toContain('](../README.md)');
    }
  });
});
