import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ColdStartReport } from '../../src/coldstart/report.js';
import { formatMs } from '../../src/format.js';
import type { Timeline } from '../../src/report/timeline/model.js';
import { findBrowser, runInPage, screenshot } from '../helpers/browser.js';
import { modelGate } from '../helpers/gate.js';
import { modelctl } from '../helpers/modelctl.js';
import { BROWSER, needs } from '../helpers/needs.js';
import { realStack } from '../helpers/stacks.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const browser = await findBrowser();

const twoModels =
  '      - { name: chat, path: models/chat.gguf, source: "demo:llama?size=500KB" }\n' +
  '      - { name: code, path: models/code.gguf, source: "demo:llama?size=500KB" }';

/** Each tick, bar and mark of the page with its box as laid out, and the data it carries. */
const MEASURE = `
  const boxes = [...document.querySelectorAll('[data-tick-ms], [data-start-ms], [data-at-ms], [data-ms]')];
  return JSON.stringify(boxes.map((el) => {
    const r = el.getBoundingClientRect();
    return { ...el.dataset, cls: el.getAttribute('class'), left: r.left, width: r.width, centre: r.left + r.width / 2 };
  }));`;
interface Box {
  tickMs?: string;
  row?: string;
  kind?: string;
  startMs?: string;
  cls: string;
  left: number;
  width: number;
  centre: number;
}

let config: string;
let report: ColdStartReport;
const page = join(dir, 'waterfall.html');

beforeAll(async () => {
  config = await realStack(dir, 'timeline', twoModels);
  const r = await modelctl(['coldstart-test', '-c', config, '--json', '--html', page]).child;
  expect(r.exitCode, String(r.stderr)).toBe(0);
  report = JSON.parse(String(r.stdout)) as ColdStartReport;
}, 120_000);

describe('the waterfall of coldstart-test --html, in headless Chromium', () => {
  it('renders a picture: a non-blank PNG of the window size', async (ctx) => {
    await needs(ctx, BROWSER);
    const png = join(dir, 'waterfall.png');
    await screenshot(browser!, page, png, 1100, 500);
    const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([1100, 500]);
    const pixels = (test: (r: number, g: number, b: number) => boolean) => {
      let n = 0;
      for (let i = 0; i < data.length; i += 3) if (test(data[i]!, data[i + 1]!, data[i + 2]!)) n++;
      return n;
    };
    const near = (v: number, want: number) => Math.abs(v - want) < 24;
    expect(
      pixels((r, g, b) => near(r, 0x00) && near(g, 0x72) && near(b, 0xb2)),
      'blue load bars',
    ).toBeGreaterThan(200);
    expect(
      pixels((r, g, b) => r + g + b < 150),
      'dark text and marks',
    ).toBeGreaterThan(500);
  });

  it('draws the bars and marks where the JSON report says', async (ctx) => {
    await needs(ctx, BROWSER);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('run 1 of 1');
    const boxes = JSON.parse(await runInPage(browser!, join(dir, 'measured.html'), html, MEASURE, 1100)) as Box[];
    const ticks = boxes.filter((b) => b.tickMs !== undefined);
    const [first, last] = [ticks[0]!, ticks.at(-1)!];
    const perMs = (last.left - first.left) / (Number(last.tickMs) - Number(first.tickMs));
    const x = (ms: number) => first.left + (ms - Number(first.tickMs)) * perMs;
    expect(perMs).toBeGreaterThan(0);

    for (const s of report.servers) {
      const ready = boxes.find((b) => b.row === s.name && b.kind === 'ready')!;
      expect(Math.abs(ready.centre - x(s.readyMs!)), `${s.name} ready at ${s.readyMs} ms`).toBeLessThan(1.5);
      for (const m of s.models) {
        const bar = boxes.find((b) => b.row === `${s.name}/${m.name}` && b.kind === 'load')!;
        expect(Math.abs(bar.width - m.loadMs! * perMs), `${m.name} loaded in ${m.loadMs} ms`).toBeLessThan(1.5);
        expect(Math.abs(bar.left - x(Number(bar.startMs))), `${m.name} starts at its time`).toBeLessThan(1);
      }
    }
    const coldStart = boxes.find((b) => b.cls === 'cold-start')!;
    expect(Math.abs(coldStart.centre - x(report.coldStartMs!))).toBeLessThan(1.5);
  });
});

describe('the waterfall of a failed coldstart-test', () => {
  it('shows the run that failed, with the budget line and what was still under way cut off', async () => {
    // The model `late` is a gate that stays closed: however fast the machine, the budget runs out.
    const own = tempDir();
    modelGate(join(own, 'late.gguf'));
    const tight = await realStack(own, 'tight', `${twoModels}\n      - { name: late, path: late.gguf }`);
    const failedPage = join(own, 'failed.html');
    const r = await modelctl(['coldstart-test', '-c', tight, '--budget', '3s', '--html', failedPage]).child;
    expect(r.exitCode).toBe(1);
    const html = readFileSync(failedPage, 'utf8');
    expect(html).toContain(`No cold start: not every server was ready (budget ${formatMs(3000)})`);
    expect(html).toContain('run 1 of 1, which failed: cold-start budget of 3000 ms exceeded');
    expect(html).toMatch(/<line class="budget" data-ms="3000" /);
    // The server still starting at the cut-off is marked failed, and what it was doing is cut off.
    const failed = /<g class="mark" data-row="([\w-]+)" data-kind="failed" /.exec(html)?.[1];
    expect(failed).toBeDefined();
    expect(html).toMatch(new RegExp(`<rect class="seg cut" [^>]* data-row="${failed}" `));
  });
});

describe('modelctl timeline, from the timing logs of that run', () => {
  it('prints a text waterfall with a row per server and model', async () => {
    const r = await modelctl(['timeline', '-c', config]).child;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const rows = String(r.stdout).split('\n');
    for (const name of ['llm', '  chat', '  code', 'asr-ocr', '  speech', '  ocr'])
      expect(rows.some((l) => l.startsWith(`${name} `))).toBe(true);
    expect(r.stdout).toMatch(/cold start .* \(budget 120 s, beyond the axis\)/);
  });

  it('gives the same load times as the report, as JSON', async () => {
    const r = await modelctl(['timeline', '-c', config, '--json']).child;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const t = JSON.parse(String(r.stdout)) as Timeline;
    const loads = (rows: { server: string; model?: string; loadMs?: number | null }[]) =>
      rows.filter((m) => m.model !== undefined).map((m) => [m.server, m.model, m.loadMs]);
    expect(loads(t.rows)).toEqual(
      loads(report.servers.flatMap((s) => s.models.map((m) => ({ server: s.name, model: m.name, loadMs: m.loadMs })))),
    );
    expect(t.rows.every((row) => row.state === 'ready')).toBe(true);
  });

  it('writes the page to stdout with --html -', async () => {
    const r = await modelctl(['timeline', '-c', config, '--html', '-']).child;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stdout)).toMatch(/^<!DOCTYPE html>[\s\S]*<svg [\s\S]*<\/html>$/);
  });

  it('says what to do when there are no timing logs yet', async () => {
    const empty = await realStack(tempDir(), 'empty', twoModels);
    const r = await modelctl(['timeline', '-c', empty]).child;
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/no timing events in .*: run `modelctl up` or `modelctl coldstart-test` first/);
  });
});
