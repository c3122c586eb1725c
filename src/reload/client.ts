// The CLI's end of the control channel: sends one request to the running supervisor and hands back each line it
// writes (the reload's events as they happen) until the result.
import { connect } from 'node:net';
import { ModelctlError, messageOf } from '../../common/errors.js';
import type { SupervisorEvent } from '../supervisor/events.js';
import type { ReloadResult } from './apply.js';
import type { ControlLine, ControlRequest } from './control-socket.js';

/** Sends `request`, hands each event line to `onLine`, and resolves with the result line. */
export function askSupervisor(
  path: string,
  request: ControlRequest,
  onLine: (line: SupervisorEvent) => void,
): Promise<ReloadResult> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let buffer = '';
    let result: ReloadResult | undefined;
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const line = JSON.parse(buffer.slice(0, end)) as ControlLine | { type: 'error'; error: string };
        buffer = buffer.slice(end + 1);
        if (line.type === 'error') return reject(new ModelctlError(`the supervisor refused: ${line.error}`));
        if (line.type === 'result') {
          const { type: _result, ...rest } = line;
          result = rest;
        } else onLine(line);
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? 'nobody listens there' : messageOf(err);
      reject(new ModelctlError(`cannot reach the supervisor at ${path} (${why}); is the stack still running?`));
    });
    socket.on('close', () => {
      if (result) resolve(result);
      else reject(new ModelctlError('the supervisor closed the control channel before the reload ended'));
    });
  });
}
