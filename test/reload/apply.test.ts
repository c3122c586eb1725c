import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../common/config/load.js';
import type { Config } from '../../common/config/types.js';
import { ConfigError } from '../../common/errors.js';
import type { SupervisorEvent } from '../../src/supervisor/events.js';
import { StackReloader } from '../../src/reload/apply.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import { fakeSpawner } from '../helpers/fake-child.js';
import { freePort, tempDir } from '../helpers/tmp.js';

const dir = tempDir();

/** Two built-in servers on free ports; `edit` changes the text (the file the reloader reads). */
async function stackText() {
  const [a, b] = [await freePort(), await freePort()];
  return `grace: 50ms
servers:
  a: { kind: llm, port: ${a}, models: [{ name: chat, path: chat.gguf }] }
  b: { kind: llm, port: ${b}, models: [{ name: code, path: code.gguf }] }
`;
}

async function running() {
  const text = await stackText();
  const parse = (t: string) => parseConfig(t, join(dir, 'models.yaml'), {});
  // A server started with BROKEN in its environment exits before it is ready.
  const { spawner, children } = fakeSpawner((c) => setTimeout(() => (c.spec.env.BROKEN ? c.exit(1) : c.ready()), 5));
  const sup = new Supervisor(parse(text), { budgetMs: 5000, graceMs: 50, spawner });
  const events: SupervisorEvent[] = [];
  sup.on('event', (e: SupervisorEvent) => events.push(e));
  await sup.up();
  const file = { text };
  const reloader = new StackReloader(sup, () => parse(file.text));
  reloader.accept();
  const child = (server: string) => children.filter((c) => c.spec.args.includes(server)).at(-1)!;
  return { sup, children, events, file, reloader, child, parse };
}

describe('a running stack taking a new config', () => {
  it('asks only the server whose models changed to apply its section; the other is not touched', async () => {
    const t = await running();
    t.file.text = t.file.text.replace('path: chat.gguf', 'path: chat-q8.gguf');
    const result = await t.reloader.reload();
    expect(result).toMatchObject({ ok: true, exitCode: 0 });
    expect(t.child('a').reloads).toEqual([result.version]);
    expect(t.child('b').reloads).toEqual([]);
    expect(t.children).toHaveLength(2);
    expect(t.sup.running.version).toBe(result.version);
    const states = t.events.flatMap((e) => (e.type === 'state' ? [`${e.server} ${e.state}`] : []));
    expect(states.slice(-2)).toEqual(['a reloading', 'a ready']);
  });

  it('restarts a server whose port changed, alone, on its new port', async () => {
    const t = await running();
    const before = t.child('a');
    const port = await freePort();
    t.file.text = t.file.text.replace(/b: \{ kind: llm, port: \d+/, `b: { kind: llm, port: ${port}`);
    const oldB = t.child('b');
    expect((await t.reloader.reload()).ok).toBe(true);
    expect(oldB.signals).toEqual(['SIGTERM']);
    expect(t.child('b')).not.toBe(oldB);
    expect(t.child('a')).toBe(before);
    expect(before.signals).toEqual([]);
    expect(t.sup.servers.find((s) => s.config.name === 'b')!.config.port).toBe(port);
  });

  it('brings a server whose restart failed back with its old settings, and says the step failed', async () => {
    const t = await running();
    t.file.text = t.file.text.replace(/(b: \{ kind: llm, port: \d+)/, '$1, env: { BROKEN: "1" }');
    const result = await t.reloader.reload();
    expect(result).toMatchObject({ ok: false, exitCode: 1, error: expect.stringContaining('server b exited') });
    const b = t.sup.servers.find((s) => s.config.name === 'b')!;
    expect(b.state).toBe('ready');
    expect(b.config.env).toEqual({});
    expect(t.children.filter((c) => c.spec.args.includes('b')).map((c) => Boolean(c.spec.env.BROKEN))).toEqual([
      false,
      true,
      false,
    ]);
  });

  it('changes nothing for a config that is not valid, and says why with exit code 2', async () => {
    const t = await running();
    const version = t.sup.running.version;
    t.file.text = t.file.text.replace('kind: llm', 'kind: lmm');
    const result = await t.reloader.reload();
    expect(result).toMatchObject({ ok: false, exitCode: 2, version });
    expect(result.error).toContain('servers.a.kind');
    expect(t.children.flatMap((c) => [...c.signals, ...c.reloads])).toEqual([]);
    expect(t.sup.running.version).toBe(version);
    expect(t.events.some((e) => e.type === 'reload-plan')).toBe(false);
  });

  it('keeps the old section of a server whose part failed, so the next reload plans it again', async () => {
    const t = await running();
    const first = t.sup.running;
    t.child('a').reloadAnswer = { ok: false, error: 'chat: not a GGUF file' };
    t.file.text = t.file.text.replace('path: chat.gguf', 'path: broken.gguf');
    const result = await t.reloader.reload();
    expect(result).toMatchObject({ ok: false, exitCode: 1, error: 'a: chat: not a GGUF file' });
    expect(t.sup.running.version).toBe(first.version);
    const again = await t.reloader.reload({ dryRun: true });
    expect(again.plan!.servers[0]).toMatchObject({ server: 'a', action: 'update' });
  });

  it('plans only on a dry run, and takes no reload before the stack is up', async () => {
    const t = await running();
    t.file.text = t.file.text.replace('path: chat.gguf', 'path: chat-q8.gguf');
    const dry = await t.reloader.reload({ dryRun: true });
    expect(dry.plan!.servers.map((s) => s.action)).toEqual(['update', 'unchanged']);
    expect(t.child('a').reloads).toEqual([]);
    const early = new StackReloader(t.sup, (): Config => {
      throw new ConfigError(['never read']);
    });
    expect(await early.reload()).toMatchObject({ ok: false, exitCode: 1, error: expect.stringContaining('starting') });
  });

  it('starts nothing once the stack is stopping, and refuses reloads from then on', async () => {
    const t = await running();
    t.file.text += `  c: { kind: llm, port: ${await freePort()}, models: [{ name: chat, path: chat.gguf }] }\n`;
    const stopping = t.sup.shutdown();
    // A reload under way when the stop began: its new server is not started.
    const underWay = await t.reloader.reload();
    expect(underWay).toMatchObject({
      ok: false,
      error: expect.stringContaining('c: not started: the stack is stopping'),
    });
    expect(t.children).toHaveLength(2);
    t.reloader.refuse();
    expect(await t.reloader.reload()).toMatchObject({ ok: false, error: expect.stringContaining('stopping') });
    await stopping;
    expect(t.children).toHaveLength(2);
  });
});
