import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../common/config/load.js';
import { planReload } from '../../src/reload/reload-plan.js';
import { planLines } from '../../src/reload/plan-lines.js';

/** The default-shaped stack: three LLM models and the ASR/OCR server; `edit` rewrites its text. */
const stack = (edit: (text: string) => string = (t) => t) =>
  parseConfig(
    edit(`grace: 5s
servers:
  llm:
    kind: llm
    port: 8081
    models:
      - { name: chat, path: models/chat.gguf }
      - { name: code, path: models/code.gguf }
      - { name: summarize, path: models/summarize.gguf }
  asr-ocr:
    kind: asr-ocr
    port: 8082
    models:
      - { name: speech, type: asr, path: models/whisper.bin }
      - { name: ocr, type: ocr }
`),
    '/srv/models.yaml',
    {},
  );

describe('reload plan', () => {
  it('swaps one changed model in place and leaves the other server unchanged', () => {
    const plan = planReload(
      stack(),
      stack((t) => t.replace('models/chat.gguf', 'models/chat-q8.gguf')),
    );
    expect(plan.servers.map((s) => [s.server, s.action])).toEqual([
      ['llm', 'update'],
      ['asr-ocr', 'unchanged'],
    ]);
    expect(plan.servers[0]!.models.swap).toEqual([
      { name: 'chat', reasons: ['path models/chat.gguf → models/chat-q8.gguf'] },
    ]);
    expect(planLines(plan).slice(1)).toEqual([
      '  llm      swap chat (path models/chat.gguf → models/chat-q8.gguf); the process runs on',
      '  asr-ocr  unchanged',
    ]);
  });

  it('restarts a server alone when its process settings change, whatever happens to its models', () => {
    const plan = planReload(
      stack(),
      stack((t) => t.replace('port: 8082', 'port: 8083').replace('name: ocr,', 'name: ocr2,')),
    );
    expect(plan.servers.map((s) => [s.server, s.action, s.reasons])).toEqual([
      ['llm', 'unchanged', []],
      ['asr-ocr', 'restart', ['port 8082 → 8083']],
    ]);
  });

  it('adds and removes models, and starts and stops whole servers', () => {
    const plan = planReload(
      stack(),
      stack((t) =>
        t
          .replace('      - { name: code, path: models/code.gguf }\n', '      - { name: extra, path: models/x.gguf }\n')
          .replace(/ {2}asr-ocr:[\s\S]*$/, '  ext: { port: 9000, command: [sleep, "9"] }\n'),
      ),
    );
    expect(plan.servers.map((s) => [s.server, s.action])).toEqual([
      ['llm', 'update'],
      ['ext', 'start'],
      ['asr-ocr', 'stop'],
    ]);
    expect(plan.servers[0]!.models).toMatchObject({ add: ['extra'], remove: ['code'] });
  });

  it('restarts a server that is not running as it should rather than changing its models in place', () => {
    const next = stack((t) => t.replace('models/chat.gguf', 'models/chat-q8.gguf'));
    const plan = planReload(stack(), next, (server) => server !== 'llm');
    expect(plan.servers[0]).toMatchObject({ action: 'restart', reasons: ['it is not running as it should'] });
  });

  it('takes supervision and stack settings in place, and an identical file is an empty plan', () => {
    const plan = planReload(
      stack(),
      stack((t) => t.replace('grace: 5s', 'grace: 2s')),
    );
    expect(plan.stack).toEqual(['grace 5000 ms → 2000 ms (from now)']);
    const same = planReload(
      stack(),
      stack((t) => `# comment\n${t}`),
    );
    expect(same.stack).toEqual([]);
    expect(same.servers.every((s) => s.action === 'unchanged')).toBe(true);
    const restart = planReload(
      stack(),
      stack((t) => t.replace('port: 8081', 'port: 8081\n    restart: { policy: off }')),
    );
    expect(restart.servers[0]).toMatchObject({ action: 'update', reasons: ['restart changed'] });
  });
});
