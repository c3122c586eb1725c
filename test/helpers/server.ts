// Starts a real built server (dist/servers/<kind>/main.js) on a free port and always stops it after the test file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll } from 'vitest';
import { loadConfig } from '../../common/config/load.js';

// Registered here, at import: vitest ignores an afterAll called inside a hook or a test, where servers are started.
const children: ResultPromise[] = [];
afterAll(async () => {
  await Promise.all(
    children.map(async (child) => {
      child.kill('SIGTERM');
      // A server whose load is stuck in a system call (a gated model) cannot finish exiting: SIGKILL it, as up does.
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      await child;
      clearTimeout(kill);
    }),
  );
});

export interface RunningServer {
  url: string;
  port: number;
  child: ResultPromise;
  output: () => string;
}

export function startServer(
  kind: 'llm' | 'asr-ocr',
  configText: string,
  dir: string,
  port: number,
  env: Record<string, string> = {},
): RunningServer {
  const config = join(dir, `${kind}-${port}.yaml`);
  writeFileSync(config, configText);
  return spawnServer(kind, config, port, env);
}

/** Starts the server of `kind` over a config file already written, on the port that file gives it. */
export function startServerFrom(
  kind: 'llm' | 'asr-ocr',
  configFile: string,
  env: Record<string, string> = {},
): RunningServer {
  const server = loadConfig(configFile, { ...process.env, ...env }).servers.find((s) => s.kind === kind);
  if (!server) throw new Error(`${configFile} has no ${kind} server`);
  return spawnServer(kind, configFile, server.port, env);
}

function spawnServer(kind: string, config: string, port: number, env: Record<string, string>): RunningServer {
  const child = execa('node', [`dist/servers/${kind}/main.js`, '--config', config], {
    env,
    all: true,
    reject: false,
    buffer: true,
  });
  let out = '';
  child.all?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  children.push(child);
  return { url: `http://127.0.0.1:${port}`, port, child, output: () => out };
}

/** Polls until `check` returns a value; fails with the server output when time runs out. */
export async function until<T>(
  check: () => Promise<T | undefined>,
  server: RunningServer,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out; server output:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** GETs /health and returns status code and body once the server answers at all. */
export async function health(server: RunningServer): Promise<{
  code: number;
  body: {
    status: string;
    models: { name: string; state: string; attempts: number; loadMs: number | null; error: string | null }[];
  };
}> {
  const res = await fetch(`${server.url}/health`);
  return { code: res.status, body: (await res.json()) as never };
}

/** Waits until every model of the server has landed (ready or failed) and returns that /health. */
export function settled(server: RunningServer): ReturnType<typeof health> {
  return until(async () => {
    const r = await health(server);
    return r.body.models.every((m) => ['ready', 'failed'].includes(m.state)) ? r : undefined;
  }, server);
}

/**
 * Waits until /health answers 200 or the server process ends, whichever comes first (a server that crashes while
 * starting ends the wait at once); fails with the server output when time runs out.
 */
export function healthyOrExit(
  server: RunningServer,
  timeoutMs = 30_000,
): Promise<{ health: Awaited<ReturnType<typeof health>> } | { exit: string | number }> {
  return until(
    async () => {
      const { exitCode, signalCode } = server.child;
      if (exitCode !== null || signalCode !== null) return { exit: signalCode ?? exitCode! };
      const h = await health(server);
      return h.code === 200 ? { health: h } : undefined;
    },
    server,
    timeoutMs,
  );
}

/** Waits until /health answers 200; fails at once, with the server output, if the server exits first. */
export async function healthy(server: RunningServer, timeoutMs = 30_000): ReturnType<typeof health> {
  const outcome = await healthyOrExit(server, timeoutMs);
  if ('exit' in outcome) throw new Error(`server exited (${outcome.exit}) before it was healthy:\n${server.output()}`);
  return outcome.health;
}
