import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { modelLine, progressText, stateWord } from '../../src/report/model-line.js';

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 1 });

describe('model line', () => {
  it('shows name, state and load time, lined up', () => {
    expect(modelLine(plain, { name: 'chat', state: 'ready', loadMs: 212, attempts: 1 })).toBe(
      '  chat           ready      212 ms',
    );
    expect(modelLine(plain, { name: 'code', state: 'queued', loadMs: null, attempts: 0 })).toBe(
      '  code           queued     ',
    );
  });

  it('adds the attempt after the first, and the error while the model is not ready', () => {
    expect(modelLine(plain, { name: 'chat', state: 'retrying', loadMs: 212, attempts: 2, error: 'boom' })).toBe(
      '  chat           retrying   212 ms attempt 2 boom',
    );
    expect(modelLine(plain, { name: 'chat', state: 'ready', loadMs: 90, attempts: 2, error: 'boom' })).toBe(
      '  chat           ready      90 ms attempt 2',
    );
  });

  it('shows a load under way as a bar, the share, the speed and the time left at that speed', () => {
    const progress = { fraction: 0.41, bytes: 410_000_000, total: 1_000_000_000, rate: 412_000_000 };
    expect(progressText(progress)).toBe('[████████░░░░░░░░░░░░]  41%  412 MB/s  ETA 2 s');
    expect(progressText({ ...progress, rate: 4_120_000 })).toBe(
      '[████████░░░░░░░░░░░░]  41%  4.1 MB/s  ETA 2 min 24 s',
    );
    expect(
      modelLine(plain, { name: 'chat', state: 'loading', attempts: 1, progress: { ...progress, rate: undefined } }),
    ).toBe('  chat           loading    [████████░░░░░░░░░░░░]  41%');
  });

  it('colours each state word: ready green, loading yellow, failed red, anything else gray', () => {
    expect(stateWord(colour, 'ready')).toBe(colour.green('ready     '));
    expect(stateWord(colour, 'loading')).toBe(colour.yellow('loading   '));
    expect(stateWord(colour, 'failed')).toBe(colour.red('failed    '));
    expect(stateWord(colour, 'mystery')).toBe(colour.gray('mystery   '));
  });
});
