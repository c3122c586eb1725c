import { describe, expect, it } from 'vitest';
import { diffModels, describeDiff, needsReload, processChanges, sameValue } from '../../../common/config/diff.js';
import { parseConfig } from '../../../common/config/load.js';
import { Secret } from '../../../common/config/secret.js';
import type { ModelConfig } from '../../../common/config/types.js';

const model = (name: string, extra: Partial<ModelConfig> = {}): ModelConfig => ({
  name,
  path: `${name}.gguf`,
  file: `/m/${name}.gguf`,
  required: true,
  ...extra,
});

/** The llm section of a config whose llm server has `extra` lines. */
const section = (extra: string, env: NodeJS.ProcessEnv = {}) =>
  parseConfig(
    `servers:\n  llm:\n    kind: llm\n    port: 8081\n${extra}    models: [{ name: chat, path: chat.gguf }]\n`,
    '/srv/models.yaml',
    env,
  ).servers[0]!;

describe('config diff', () => {
  it('sorts models into added, removed, swapped (file, type, language) and updated in place', () => {
    const before = [model('chat'), model('code'), model('old'), model('tag')];
    const after = [
      model('chat', { path: 'chat-q8.gguf', file: '/m/chat-q8.gguf' }),
      model('code'),
      model('tag', { required: false, priority: 0 }),
      model('new'),
    ];
    const diff = diffModels(before, after);
    expect(diff).toEqual({
      add: ['new'],
      remove: ['old'],
      swap: [{ name: 'chat', reasons: ['path chat.gguf → chat-q8.gguf'] }],
      update: [{ name: 'tag', reasons: ['priority 3 → 0', 'required true → false'] }],
    });
    expect(describeDiff(diff)).toBe(
      'add new; swap chat (path chat.gguf → chat-q8.gguf); update tag (priority 3 → 0, required true → false); ' +
        'remove old',
    );
  });

  it('says a model needs loading again when its file, type or language changed, not for in-place settings', () => {
    expect(needsReload(model('chat'), model('chat', { file: '/m/chat-q8.gguf' }))).toBe(true);
    expect(needsReload(model('ocr'), model('ocr', { type: 'ocr' }))).toBe(true);
    expect(needsReload(model('ocr', { language: 'eng' }), model('ocr', { language: 'deu' }))).toBe(true);
    expect(needsReload(model('chat'), model('chat', { priority: 3, required: false, source: 'demo:llama' }))).toBe(
      false,
    );
  });

  it('leaves a model alone when only what pull reads changed (source, sha256), or nothing did', () => {
    const diff = diffModels([model('chat', { source: 'demo:llama' })], [model('chat', { source: 'hf:a/b/c.gguf' })]);
    expect(describeDiff(diff)).toBe('no model changes');
  });

  it('names the process settings that changed, showing values only where they cannot be secrets', () => {
    const before = section('    threads: 2\n    env: { HF_TOKEN: one }\n');
    const after = section('    threads: 4\n    env: { HF_TOKEN: two }\n    restart: { policy: off }\n');
    expect(processChanges(before, after)).toEqual(['env changed', 'threads 2 → 4']);
    expect(processChanges(before, section('    env: { HF_TOKEN: one }\n    threads: 2\n'))).toEqual([]);
  });

  it('counts a new admin token as a process change without saying what either token is', () => {
    const env = { A: 'first-token-0123456789', B: 'other-token-0123456789' };
    const withToken = (v: string) =>
      parseConfig(
        `adminToken: \${${v}}\nservers:\n  llm: { kind: llm, port: 1, models: [{ name: c, path: c.gguf }] }\n`,
        '/srv/models.yaml',
        env,
      ).servers[0]!;
    const changes = processChanges(withToken('A'), withToken('B'));
    expect(changes).toEqual(['adminToken changed']);
    expect(processChanges(withToken('A'), withToken('A'))).toEqual([]);
    expect(sameValue(new Secret('x'), undefined)).toBe(false);
  });
});
