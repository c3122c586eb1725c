// How a server is started: which Node script with which arguments and environment (our servers run their own main; a
// foreign command runs under the guard), and the spawner that starts it (execa; a fake one in unit tests).
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { execaNode } from 'execa';
import { isBuiltin, type Config, type ServerConfig } from '../../common/config/types.js';
import { serverArgs, serverEntryPath } from '../../common/protocol.js';

/** What to run: always a Node script with IPC (our servers, or the guard that runs a foreign command). */
export interface LaunchSpec {
  script: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/** Starts a launch spec: swappable, so unit tests play the server themselves. */
export type Spawner = (spec: LaunchSpec) => ChildProcess;

/** The real one: execa, with IPC for the ready signal and every timing event. */
export const execaSpawner: Spawner = (spec) =>
  execaNode(spec.script, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    ipc: true,
    serialization: 'json',
  }) as unknown as ChildProcess;

const distPath = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));

/**
 * What our servers run with unless the config says otherwise: room in libuv's pool for prefetching, header checks and
 * a read stuck on a dead mount at once (it can only be set before the process starts).
 */
const BUILTIN_ENV = { UV_THREADPOOL_SIZE: '8' };

/** Built-in servers run their own main; a foreign command runs under the guard, which ends it when we go. */
export function launchSpec(server: ServerConfig, config: Config, opts: { warmup?: boolean } = {}): LaunchSpec {
  const env = { ...server.env, MODELCTL_SERVER: server.name };
  if (!isBuiltin(server)) {
    return {
      script: distPath('./guard.js'),
      args: [String(config.graceMs), '--', ...server.command],
      env,
      cwd: config.dir,
    };
  }
  const args = [...serverArgs(config.file, server.name), ...(opts.warmup ? ['--warmup'] : [])];
  return { script: serverEntryPath(server.kind), args, env: { ...BUILTIN_ENV, ...env }, cwd: config.dir };
}
