import { describe, expect, it } from 'vitest';
import { jsonReporter } from '../../src/report/json.js';
import { timing } from '../helpers/events.js';

/** A JSON reporter writing into a list; `lines()` parses what it wrote, one object per line. */
function recorded() {
  let text = '';
  const reporter = jsonReporter((s) => (text += s));
  return {
    reporter,
    text: () => text,
    lines: () =>
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
  };
}

describe('--json reporter', () => {
  it('writes every event as one JSON line, as it came', () => {
    const r = recorded();
    const event = timing('llm', 'ready', { model: 'chat', attempt: 1, ms: 212 });
    r.reporter.event(event);
    r.reporter.note('pulled chat (made)');
    expect(r.text().endsWith('\n')).toBe(true);
    expect(r.lines()).toEqual([event, { type: 'note', text: 'pulled chat (made)' }]);
  });

  it('ends with a result: ok with the cold start (whole ms), budget and summary, or the error and exit code', () => {
    const ok = recorded();
    ok.reporter.ready([{ server: 'llm', model: 'chat', loadMs: 59, attempts: 1, readyAt: 1400 }], 1458.6, 120_000);
    expect(ok.lines()).toEqual([
      {
        type: 'result',
        ok: true,
        coldStartMs: 1459,
        budgetMs: 120_000,
        summary: [{ server: 'llm', model: 'chat', loadMs: 59, attempts: 1, readyAt: 1400 }],
      },
    ]);
    const failed = recorded();
    failed.reporter.failed('server llm exited before it was ready (exit code 3)', 1);
    expect(failed.lines()).toEqual([
      { type: 'result', ok: false, exitCode: 1, error: 'server llm exited before it was ready (exit code 3)' },
    ]);
  });
});
