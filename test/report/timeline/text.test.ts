import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { buildTimeline } from '../../../src/report/timeline/build.js';
import { timelineText } from '../../../src/report/timeline/text.js';
import { matchGoldenFile } from '../../helpers/golden.js';
import { EVENTFUL_SERVERS, eventfulStartup, loads, serverStart, state } from '../../helpers/timeline-events.js';

const plain = new Chalk({ level: 0 });
const eventful = () => buildTimeline(eventfulStartup(), { budgetMs: 5000, servers: EVENTFUL_SERVERS, note: 'run 1' });

describe('timeline in the terminal', () => {
  it('fits the terminal width, narrow or wide', () => {
    for (const columns of [60, 100, 160]) {
      const lines = timelineText(eventful(), columns, plain).split('\n');
      expect(Math.max(...lines.map((l) => [...l].length)), `${columns} columns`).toBeLessThanOrEqual(columns);
    }
  });

  it('starts the bar of a load at 2 s in the column of the ruler\'s "2 s"', () => {
    const t = buildTimeline(
      [...serverStart('llm', 0, 500), ...loads('llm', 'chat', 2000, 1500), state('llm', 3600, 'ready')],
      {
        budgetMs: 120_000,
        servers: [{ name: 'llm', models: ['chat'] }],
      },
    );
    const [ruler, , chat] = timelineText(t, 100, plain).split('\n');
    expect(chat).toMatch(/^ {2}chat +·+█+◆ │ +1\.5 s$/);
    expect(chat!.indexOf('█')).toBe(ruler!.indexOf('2 s'));
    expect(chat!.indexOf('◆')).toBeGreaterThan(ruler!.indexOf('3 s'));
    expect(chat!.indexOf('◆')).toBeLessThan(ruler!.indexOf('4 s'));
  });

  it('paints on a terminal only', () => {
    const ESC = '\u001b[';
    expect(timelineText(eventful(), 100, plain)).not.toContain(ESC);
    expect(timelineText(eventful(), 100, new Chalk({ level: 1 }))).toContain(`${ESC}34m█`);
  });

  it('matches its golden file', () => {
    matchGoldenFile('timeline/eventful.txt', `${timelineText(eventful(), 100, plain)}\n`);
  });
});
