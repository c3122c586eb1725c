import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../common/config/load.js';
import { formatPullResult as colouredLine } from '../../src/report/pull-line.js';

const config = parseConfig(
  'servers:\n  llm: { kind: llm, port: 1, models: [{ name: chat, path: models/chat.gguf }] }\n',
  '/srv/models.yaml',
  {},
);
/** The line without colour (it is coloured when the tests run on a terminal). */
const formatPullResult = (...args: Parameters<typeof colouredLine>) => stripVTControlCharacters(colouredLine(...args));
const result = { server: 'llm', model: 'chat', file: '/srv/models/chat.gguf', ms: 49.2 };

describe('pull line', () => {
  it('says what was done to each model file, with its path beside the config, size and time', () => {
    expect(formatPullResult(config, { ...result, action: 'made', bytes: 2_100_000 })).toBe(
      '✔ chat  models/chat.gguf  made 2.1 MB in 49 ms',
    );
    expect(formatPullResult(config, { ...result, action: 'present', bytes: 2_100_000 })).toBe(
      '✔ chat  models/chat.gguf  present 2.1 MB',
    );
    expect(formatPullResult(config, { ...result, model: 'ocr', file: undefined, action: 'none' })).toBe(
      '✔ ocr  (package data)  nothing to pull',
    );
  });

  it('gives the error of a model that could not be pulled', () => {
    expect(formatPullResult(config, { ...result, action: 'none', error: 'no source' })).toBe(
      '✘ chat  models/chat.gguf  no source',
    );
  });
});
