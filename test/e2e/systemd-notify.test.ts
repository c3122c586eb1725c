import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { modelGate } from '../helpers/gate.js';
import { needs, TOOLS } from '../helpers/needs.js';
import { health, startServer, until } from '../helpers/server.js';
import { freePort, tempDir } from '../helpers/tmp.js';

/** A systemd stand-in: binds NOTIFY_SOCKET, says "listening", then prints the first message with when it came. */
const listenerScript = (socket: string) =>
  [
    'import socket,time',
    's=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)',
    `s.bind(${JSON.stringify(socket)})`,
    's.settimeout(60)',
    'print("listening",flush=True)',
    'm=s.recv(4096).decode()',
    'print(f"{time.time()*1000:.3f} {m}",flush=True)',
  ].join('\n');

describe('systemd readiness', () => {
  it('sends READY=1 to NOTIFY_SOCKET only once every model is ready', async (ctx) => {
    await needs(ctx, TOOLS.python3);
    const dir = tempDir();
    const socket = join(dir, 'notify.sock');
    const listener = execa('python3', ['-c', listenerScript(socket)], { reject: false });
    onTestFinished(() => {
      listener.kill();
    });
    let heard = '';
    await new Promise<void>((resolve) =>
      listener.stdout!.on('data', (d: Buffer) => {
        heard += d.toString();
        if (heard.includes('listening')) resolve();
      }),
    );
    await writeDemoLlama(join(dir, 'm.real.gguf'), { name: 'm', bytes: 300_000, seed: 'm' });
    // The model stays loading until the test opens its gate: READY=1 must wait for it.
    const gate = modelGate(join(dir, 'm.gguf'));
    const port = await freePort();
    const config = `servers:
  llm: { kind: llm, port: ${port}, retryDelay: 100ms, models: [{ name: m, path: m.gguf }] }
`;
    const server = startServer('llm', config, dir, port, { NOTIFY_SOCKET: socket });
    await until(async () => ((await health(server)).body.models[0]?.state === 'loading' ? true : undefined), server);
    expect(heard).not.toContain('READY=1');
    const releasedAt = Date.now();
    gate.release(join(dir, 'm.real.gguf'));
    // The message may carry more fields than READY=1 (systemd-notify adds MAINPID), one per line.
    const [, at, message] = /^([\d.]+) ([\s\S]*)$/m.exec((await listener).stdout)!;
    expect(message!.split('\n')).toContain('READY=1');
    expect(Number(at)).toBeGreaterThanOrEqual(releasedAt);
    expect((await health(server)).code).toBe(200);
  });
});
