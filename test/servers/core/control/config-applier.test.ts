import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../common/config/load.js';
import type { BuiltinServerConfig, Config, ModelConfig } from '../../../../common/config/types.js';
import type { TimingEventInput } from '../../../../common/timing/events.js';
import { ConfigApplier } from '../../../../servers/core/control/config-applier.js';
import { type HttpError } from '../../../../servers/core/http/http-error.js';
import type { ModelControl, ModelStep } from '../../../../servers/core/control/model-control.js';
import { ModelRecord } from '../../../../servers/core/model-states.js';
import { stageWith, walk } from '../../../helpers/models.js';

const config = (models: string, port = 8081) =>
  parseConfig(`servers:\n  llm:\n    kind: llm\n    port: ${port}\n    models:\n${models}`, '/srv/models.yaml', {});
const START = '      - { name: chat, path: chat.gguf }\n      - { name: code, path: code.gguf }\n';

/** An applier over ready records, with a control that only records what it is asked (the file is `file.text`). */
function applier(start: Config = config(START)) {
  const server = start.servers[0] as BuiltinServerConfig;
  const models = new Map(
    server.models.map((m, i) => {
      const r = walk(ModelRecord.of<string>(m, i, stageWith()), 'loading', 'ready');
      return [m.name, r];
    }),
  );
  const asked: string[] = [];
  const step = (name: string, action: ModelStep['action']): ModelStep => ({ name, action, ok: true, state: 'ready' });
  const control = {
    add: async (s: ModelConfig, i: number) => {
      asked.push(`add ${s.name}`);
      models.set(s.name, ModelRecord.of<string>(s, i, stageWith()));
      return step(s.name, 'add');
    },
    remove: async (name: string) => {
      asked.push(`remove ${name}`);
      models.delete(name);
      return step(name, 'remove');
    },
    swap: async (s: ModelConfig) => (asked.push(`swap ${s.name} ${s.path}`), step(s.name, 'swap')),
    update: (s: ModelConfig) => (asked.push(`update ${s.name}`), step(s.name, 'update')),
    unload: async (m: ModelRecord<string>) => void asked.push(`unload ${m.name}`),
    isCurrent: () => true,
  } as unknown as ModelControl<string>;
  const events: TimingEventInput[] = [];
  const file: { text: Config; error?: Error } = { text: start };
  const a = new ConfigApplier<string>({
    server,
    configFile: '/srv/models.yaml',
    models,
    control,
    emit: (e) => events.push(e),
    read: () => {
      if (file.error) throw file.error;
      return file.text;
    },
  });
  return { a, asked, models, events, file };
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'applied',
    (e: HttpError) => `${e.status} ${e.message}`,
  );

describe('a server applying its section of the config file again', () => {
  it('adds, swaps and removes what changed, touches nothing else, and keeps the config order', async () => {
    const t = applier();
    t.file.text = config('      - { name: new, path: new.gguf }\n      - { name: chat, path: chat-q8.gguf }\n');
    const outcome = await t.a.reload(t.file.text.version);
    expect(outcome).toMatchObject({ ok: true, version: t.file.text.version });
    expect(t.asked.sort()).toEqual(['add new', 'remove code', 'swap chat chat-q8.gguf']);
    expect([...t.models.keys()]).toEqual(['new', 'chat']);
    expect(t.events.map((e) => e.event)).toEqual(['reload_start', 'reload_end']);
    expect(t.events[0]!.detail).toBe('add new; swap chat (path chat.gguf → chat-q8.gguf); remove code');
  });

  it('refuses a section whose process settings changed, a file that changed again, and a bad file', async () => {
    const t = applier();
    t.file.text = config(START, 9999);
    expect(await refusal(t.a.reload())).toBe('409 process settings changed (port 8081 → 9999): restart this server');
    t.file.text = config(START);
    expect(await refusal(t.a.reload('0123456789ab'))).toMatch(/^409 \/srv\/models.yaml changed again/);
    t.file.error = new Error('servers.llm.port: expected number');
    expect(await refusal(t.a.reload())).toBe(
      '422 the config is not valid; nothing changed: servers.llm.port: expected number',
    );
    expect(t.asked).toEqual([]);
  });

  it('loads by name only a model of the config (404 for any other), and leaves a current copy alone', async () => {
    const t = applier();
    expect(await refusal(t.a.load('../../etc/passwd'))).toBe(
      '404 model "../../etc/passwd" is not in the llm section of the config',
    );
    expect(await t.a.load('chat')).toEqual({ name: 'chat', action: 'none', ok: true, state: 'ready' });
    expect(await t.a.unload('code')).toMatchObject({ name: 'code', action: 'unload' });
    expect(t.asked).toEqual(['unload code']);
    expect(await refusal(t.a.unload('nope'))).toBe('404 model "nope" does not exist on this server; it has chat, code');
  });
});
