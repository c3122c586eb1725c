import { EventEmitter } from 'node:events';
import { statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { askSupervisor } from '../../src/reload/client.js';
import { controlSocketPath, listenForControl } from '../../src/reload/control-socket.js';
import type { SupervisorEvent } from '../../src/supervisor/events.js';
import type { StackReloader } from '../../src/reload/apply.js';
import type { Supervisor } from '../../src/supervisor/supervisor.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();

/** A supervisor whose reload tells two events and succeeds; `other` is an event of something else going on. */
function stand() {
  const sup = new EventEmitter();
  const tell = (e: SupervisorEvent) => sup.emit('event', e);
  const reloader = {
    reload: async (opts: { dryRun?: boolean; onTurn?: () => void }) => {
      opts.onTurn?.();
      tell({ type: 'state', server: 'llm', state: 'reloading', at: 1 });
      tell({ type: 'state', server: 'llm', state: 'ready', at: 2, detail: 'config b applied' });
      return { ok: true, exitCode: 0, version: opts.dryRun ? 'dry' : 'b' };
    },
  };
  return { sup: sup as unknown as Supervisor, reloader: reloader as unknown as StackReloader, tell };
}

describe('the control socket', () => {
  it('streams a reload to its caller as it happens, then the result, on an owner-only socket', async () => {
    const { sup, reloader, tell } = stand();
    const path = controlSocketPath(join(dir, '.modelctl'));
    const close = await listenForControl(path, sup, reloader);
    tell({ type: 'loaded', server: 'before', at: 0 });
    const seen: SupervisorEvent[] = [];
    const result = await askSupervisor(path, { type: 'reload' }, (e) => seen.push(e));
    expect(result).toEqual({ ok: true, exitCode: 0, version: 'b' });
    expect(seen.map((e) => e.type === 'state' && e.state)).toEqual(['reloading', 'ready']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect((await askSupervisor(path, { type: 'reload', dryRun: true }, () => {})).version).toBe('dry');
    close();
    await expect(askSupervisor(path, { type: 'reload' }, () => {})).rejects.toThrow(/nobody listens there/);
  });

  it('answers an unknown request with an error, and moves a socket path too long for unix to /tmp', async () => {
    const { sup, reloader } = stand();
    const path = controlSocketPath(join(dir, 'b'));
    const close = await listenForControl(path, sup, reloader);
    const answer = await new Promise<string>((resolve) => {
      const s = connect(path, () => s.write('{"type":"shutdown"}\n'));
      let text = '';
      s.on('data', (d) => (text += d.toString()));
      s.on('end', () => resolve(text));
    });
    expect(JSON.parse(answer)).toEqual({ type: 'error', error: 'unknown request type "shutdown"' });
    close();
    const deep = join(dir, 'x'.repeat(120), '.modelctl');
    expect(controlSocketPath(deep)).toMatch(/^\/tmp\/modelctl-[0-9a-f]{16}\.sock$/);
  });
});
