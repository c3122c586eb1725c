import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { freePort, tempDir } from '../helpers/tmp.js';

describe('systemd readiness', () => {
  it('sends READY=1 to NOTIFY_SOCKET once the server is ready', async () => {
    const dir = tempDir();
    const socket = join(dir, 'notify.sock');
    const listener = execa(
      'python3',
      [
        '-c',
        [
          'import socket,sys',
          's=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)',
          `s.bind(${JSON.stringify(socket)})`,
          's.settimeout(60)',
          'print("listening",flush=True)',
          'print(s.recv(4096).decode(),flush=True)',
        ].join('\n'),
      ],
      { reject: false },
    );
    await new Promise<void>((resolve) =>
      listener.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('listening')) resolve();
      }),
    );
    const { writeDemoLlama } = await import('../../src/models/demo-llama.js');
    await writeDemoLlama(join(dir, 'm.gguf'), { name: 'm', bytes: 300_000, seed: 'm' });
    const port = await freePort();
    writeFileSync(
      join(dir, 'models.yaml'),
      `servers:\n  llm:\n    kind: llm\n    port: ${port}\n    models: [{ name: m, path: m.gguf }]\n`,
    );
    const server = execa('node', ['dist/servers/llm/main.js', '--config', join(dir, 'models.yaml')], {
      env: { NOTIFY_SOCKET: socket },
      reject: false,
    });
    try {
      const received = await listener;
      expect(received.stdout).toContain('READY=1');
    } finally {
      server.kill('SIGTERM');
      await server;
    }
  });
});
