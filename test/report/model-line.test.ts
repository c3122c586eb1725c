import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { modelLine, stateWord } from '../../src/report/model-line.js';

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

  it('colours each state word: ready green, loading yellow, failed red, anything else gray', () => {
    expect(stateWord(colour, 'ready')).toBe(colour.green('ready     '));
    expect(stateWord(colour, 'loading')).toBe(colour.yellow('loading   '));
    expect(stateWord(colour, 'failed')).toBe(colour.red('failed    '));
    expect(stateWord(colour, 'mystery')).toBe(colour.gray('mystery   '));
  });
});
