// The supervisor's control channel: a unix socket beside the state file (owner-only), on which `modelctl reload` asks
// for a reload and follows it: every supervisor event while it runs, then one `result`, one JSON object per line. A
// socket, not a signal and a file: the caller gets the plan, each step as it happens and an exit code, from a detached
// supervisor and a foreground `up` alike, and a second caller waits its turn instead of racing the first.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { EventEmitter } from 'node:events';
import { messageOf } from '../../common/errors.js';
import { isHeartbeat, type SupervisorEvent } from '../supervisor/events.js';
import type { ReloadResult, StackReloader } from './apply.js';

/** What a client asks for. */
export interface ControlRequest {
  type: 'reload';
  dryRun?: boolean;
}

/** What the supervisor writes back: the events, then the result. */
export type ControlLine = SupervisorEvent | ({ type: 'result' } & ReloadResult);

/** `.modelctl/control.sock`, or one under the temp folder when that would pass the ~107-byte limit of unix sockets. */
export function controlSocketPath(stateDir: string): string {
  const path = join(stateDir, 'control.sock');
  if (Buffer.byteLength(path) <= 100) return path;
  return join(tmpdir(), `modelctl-${createHash('sha256').update(stateDir).digest('hex').slice(0, 16)}.sock`);
}

const writeLine = (socket: Socket, line: ControlLine | { type: 'error'; error: string }) => {
  if (!socket.destroyed) socket.write(`${JSON.stringify(line)}\n`);
};

async function serve(socket: Socket, line: string, sup: EventEmitter, reloader: StackReloader): Promise<void> {
  let request: ControlRequest;
  try {
    request = JSON.parse(line) as ControlRequest;
  } catch (err) {
    writeLine(socket, { type: 'error', error: `not a JSON request: ${messageOf(err)}` });
    return void socket.end();
  }
  if (request?.type !== 'reload') {
    writeLine(socket, { type: 'error', error: `unknown request type ${JSON.stringify(request?.type)}` });
    return void socket.end();
  }
  const forward = (e: SupervisorEvent) => {
    if (!isHeartbeat(e)) writeLine(socket, e);
  };
  // The caller going away does not stop the reload: it runs to its end either way.
  const result = await reloader
    .reload({ dryRun: request.dryRun, onTurn: () => sup.on('event', forward) })
    .finally(() => sup.off('event', forward));
  writeLine(socket, { type: 'result', ...result });
  socket.end();
}

/**
 * Listens on `path` (a socket left by a supervisor that died is replaced) for reloads of the stack whose events `sup`
 * emits; resolves with how to close it.
 */
export async function listenForControl(path: string, sup: EventEmitter, reloader: StackReloader): Promise<() => void> {
  mkdirSync(dirname(path), { recursive: true });
  rmSync(path, { force: true });
  const server = createServer((socket) => {
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    let buffer = '';
    const onData = (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end < 0) return;
      socket.off('data', onData);
      void serve(socket, buffer.slice(0, end), sup, reloader);
    };
    socket.on('data', onData);
  });
  // Made owner-only from its first moment (umask), not after: no other user can connect in between.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(path, 0o600);
  return () => {
    server.close();
    rmSync(path, { force: true });
  };
}
