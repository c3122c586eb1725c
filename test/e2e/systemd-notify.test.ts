import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { modelGate } from '../helpers/gate.js';
import { needs, TOOLS } from '../helpers/needs.js';
import { health, healthy, startServer, until } from '../helpers/server.js';
import { freePort, tempDir } from '../helpers/tmp.js';

/** A systemd stand-in: binds NOTIFY_SOCKET (a unix datagram socket) and prints each message as a JSON line. */
const listenerScript = (socket: string) =>
  [
    'import json,socket,time',
    's=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)',
    `s.bind(${JSON.stringify(socket)})`,
    'print("listening",flush=True)',
    'while True:',
    '  m=s.recv(4096).decode()',
    '  print(json.dumps({"at":time.time()*1000,"fields":m.split("\\n")}),flush=True)',
  ].join('\n');

interface Message {
  /** When it arrived (ms since the epoch). */
  at: number;
  /** One `KEY=value` each (systemd-notify adds MAINPID to what was sent). */
  fields: string[];
}

/** Starts the stand-in on a socket in a folder of its own; resolves once it listens. Stopped when the test ends. */
async function notifySocket(): Promise<{ socket: string; dir: string; messages: Message[] }> {
  const dir = tempDir();
  const socket = join(dir, 'notify.sock');
  const listener = execa('python3', ['-c', listenerScript(socket)], { reject: false });
  onTestFinished(() => {
    listener.kill();
  });
  const messages: Message[] = [];
  let partial = '';
  await new Promise<void>((resolve) =>
    listener.stdout!.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (line === 'listening') resolve();
        else messages.push(JSON.parse(line) as Message);
      }
    }),
  );
  return { socket, dir, messages };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pings = (messages: Message[], from = 0) =>
  messages.filter((m) => m.at >= from && m.fields.includes('WATCHDOG=1')).map((m) => m.at);

describe('systemd readiness', () => {
  it('sends READY=1 to NOTIFY_SOCKET only once every model is ready', async (ctx) => {
    await needs(ctx, TOOLS.python3);
    const { socket, dir, messages } = await notifySocket();
    await writeDemoLlama(join(dir, 'm.real.gguf'), { name: 'm', bytes: 300_000, seed: 'm' });
    // The model stays loading until the test opens its gate: READY=1 must wait for it.
    const gate = modelGate(join(dir, 'm.gguf'));
    const port = await freePort();
    const config = `servers:
  llm: { kind: llm, port: ${port}, retryDelay: 100ms, models: [{ name: m, path: m.gguf }] }
`;
    const server = startServer('llm', config, dir, port, { NOTIFY_SOCKET: socket });
    await until(async () => ((await health(server)).body.models[0]?.state === 'loading' ? true : undefined), server);
    expect(messages.filter((m) => m.fields.includes('READY=1'))).toEqual([]);
    const releasedAt = Date.now();
    gate.release(join(dir, 'm.real.gguf'));
    const ready = await until(async () => messages.find((m) => m.fields.includes('READY=1')), server);
    expect(ready.at).toBeGreaterThanOrEqual(releasedAt);
    expect((await health(server)).code).toBe(200);
  });
});

describe('systemd watchdog', () => {
  it('sends WATCHDOG=1 at half of WATCHDOG_USEC while it runs, and none while it is frozen', async (ctx) => {
    await needs(ctx, TOOLS.python3);
    const { socket, dir, messages } = await notifySocket();
    await writeDemoLlama(join(dir, 'm.gguf'), { name: 'm', bytes: 300_000, seed: 'm' });
    const port = await freePort();
    const config = `servers:
  llm: { kind: llm, port: ${port}, models: [{ name: m, path: m.gguf }] }
`;
    // What systemd sets for WatchdogSec=2: a ping every second.
    const server = startServer('llm', config, dir, port, { NOTIFY_SOCKET: socket, WATCHDOG_USEC: '2000000' });
    await healthy(server);
    const first = await until(async () => (pings(messages).length >= 3 ? pings(messages) : undefined), server, 15_000);
    const gaps = first.slice(1).map((t, i) => t - first[i]!);
    expect(Math.min(...gaps)).toBeGreaterThan(700);
    expect(Math.max(...gaps)).toBeLessThan(2000);

    // A hung server stops sending (systemd then kills and restarts it); it sends again once it runs.
    process.kill(server.child.pid!, 'SIGSTOP');
    const frozenAt = Date.now();
    await sleep(2500);
    // A ping already on its way (systemd-notify started just before) may still land.
    const whileFrozen = pings(messages, frozenAt + 500);
    process.kill(server.child.pid!, 'SIGCONT');
    expect(whileFrozen).toEqual([]);
    const thawedAt = Date.now();
    await until(async () => (pings(messages, thawedAt).length > 0 ? true : undefined), server, 5000);
  });
});
