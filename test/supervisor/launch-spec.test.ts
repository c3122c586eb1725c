// What a server process is started with: our servers get a larger libuv pool (prefetch, header checks and a read stuck
// on a dead mount must not starve each other), which the config's env can override; a foreign server gets neither.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../common/config/load.js';
import { launchSpec } from '../../src/supervisor/launch-spec.js';

const config = (env: string) =>
  parseConfig(
    [
      'servers:',
      `  llm: { kind: llm, port: 3001, ${env} models: [{ name: m, path: m.gguf }] }`,
      '  other: { command: [llama-server, --port, "9000"], port: 9000 }',
    ].join('\n'),
    '/srv/models.yaml',
    {},
  );

describe('launch spec', () => {
  it('gives our servers UV_THREADPOOL_SIZE=8 and their name, a foreign server only its name', () => {
    const c = config('');
    const [llm, other] = c.servers.map((s) => launchSpec(s, c));
    expect(llm!.env).toMatchObject({ UV_THREADPOOL_SIZE: '8', MODELCTL_SERVER: 'llm' });
    expect(other!.env).toEqual({ MODELCTL_SERVER: 'other' });
    expect(llm!.cwd).toBe('/srv');
  });

  it('lets the config env override the pool size', () => {
    const c = config('env: { UV_THREADPOOL_SIZE: "16" },');
    expect(launchSpec(c.servers[0]!, c).env.UV_THREADPOOL_SIZE).toBe('16');
  });
});
