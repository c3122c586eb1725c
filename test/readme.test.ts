// The README's numbers and names, checked against the code they describe, so they cannot drift apart again: the
// defaults table, the exit codes, the timing events, the metric names and the lane threshold.
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../common/config/load.js';
import type { BuiltinServerConfig, Config, ForeignServerConfig } from '../common/config/types.js';
import { parseDuration, parseSize } from '../common/config/units.js';
import { ExitCode } from '../common/errors.js';
import { MODEL_EVENTS, SERVER_EVENTS } from '../common/timing/events.js';
import { DEFAULT_OCR_LANGUAGE } from '../servers/asr-ocr/engine.js';
import { LANE_WORTH_BYTES } from '../servers/llm/lanes.js';

const README = readFileSync('README.md', 'utf8');

/** The rows of the Markdown table that follows a line matching `heading`. */
function tableAfter(heading: RegExp): string[][] {
  const lines = README.split('\n');
  const start = lines.findIndex((l) => heading.test(l));
  const rows: string[][] = [];
  // The heading is a line before the table, or the table's own header row.
  for (const line of lines.slice(lines[start]!.startsWith('|') ? start : start + 1)) {
    if (!line.startsWith('|')) {
      if (rows.length > 0) break;
      continue;
    }
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows.slice(2);
}

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

/** README key → what its default cell must mean, read from a config that leaves everything out. */
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

describe('the README says what the code does', () => {
  it('lists every default of the models.yaml table as the config loader fills it in', () => {
    const rows = tableAfter(/^\| key\s+\| default/);
    const keys = rows.map((r) => r[0]!);
    for (const key of Object.keys(DEFAULTS)) expect(keys, `README row ${key}`).toContain(key);
    for (const [key, check] of Object.entries(DEFAULTS)) check(rows.find((r) => r[0] === key)![1]!, minimal);
  });

  it('documents exactly the exit codes there are', () => {
    const codes = tableAfter(/^### Exit codes/).map((r) => Number(r[0]));
    expect(codes.sort((a, b) => a - b)).toEqual(Object.values(ExitCode).sort((a, b) => a - b));
  });

  it('names every timing event, and no other', () => {
    const section = README.slice(README.indexOf('### Timing log'), README.indexOf('## The ASR/OCR server'));
    const listed = (label: string) => {
      const list = section.slice(section.indexOf(label), section.indexOf('.', section.indexOf(label)));
      return [...list.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
    };
    expect(listed('Server events:')).toEqual([...SERVER_EVENTS]);
    expect(listed('Model events:')).toEqual([...MODEL_EVENTS]);
  });

  it('names every metric the servers export, and no other', () => {
    const source = readFileSync('servers/core/http/metrics.ts', 'utf8');
    const inCode = [...source.matchAll(/(?:name: |'(?:gauge|counter)', )'([a-z_]+)'/g)].map((m) => m[1]).sort();
    const start = README.indexOf('**`GET /metrics`**');
    const paragraph = README.slice(start, README.indexOf('\n\n', start));
    const inReadme = [...paragraph.matchAll(/`([a-z_]+)(?:\{[^}]*\})?`/g)]
      .map((m) => m[1])
      .filter((n) => n !== 'server' && n !== 'model'); // the labels
    expect([...new Set(inReadme)].sort()).toEqual(inCode);
  });

  it('gives the lane threshold the code uses', () => {
    expect(LANE_WORTH_BYTES).toBe(2 ** 30);
    expect(README).toContain('another starts only while 1 GiB or more is\nwaiting for it');
  });
  it('lists every benchmark `npm run bench` has', () => {
    const source = readFileSync('bench/run.ts', 'utf8');
    const body = source.slice(source.indexOf('const benches'), source.indexOf('for (const [name, run]'));
    const names = [...body.matchAll(/^ {2}'?([a-z0-9-]+)'?: \(\) =>/gim)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(10);
    const listed = tableAfter(/^\| name\s+\| what it compares/).flatMap((r) =>
      [...r[0]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]),
    );
    expect(names.filter((n) => !listed.includes(n))).toEqual([]);
    expect(listed.filter((n) => !names.includes(n!))).toEqual([]);
  });
});
