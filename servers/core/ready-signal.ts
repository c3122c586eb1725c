// Push signals to a supervising parent over IPC (like systemd's READY=1): every timing event, serving (first-priority
// models ready), then ready or failed; answers to the parent's heartbeat; and the same to systemd where it runs us.
import type { ServerMessage, SupervisorMessage } from '../../common/protocol.js';

/** Sends when a parent listens; a server started by hand has no channel and sends nothing. */
export function signalParent(message: ServerMessage): void {
  if (process.send && process.connected) process.send(message);
}

/**
 * Answers the supervisor's pings at once: a pong proves the event loop turns. `healthy` is the whole liveness verdict
 * (http/liveness.ts): the event loop was not blocked too long, no engine is wedged, and not every model failed its deep
 * inference check.
 */
export function answerPings(healthy: () => boolean): void {
  process.on('message', (m: SupervisorMessage) => {
    if (m?.type === 'ping') signalParent({ type: 'pong', id: m.id, healthy: healthy() });
  });
}

/**
 * Under systemd with `WatchdogSec=`: sends WATCHDOG=1 at half the watchdog interval while the event loop turns and the
 * server is healthy; a hung server stops sending and systemd restarts it.
 */
export function feedSystemdWatchdog(healthy: () => boolean): void {
  const usec = Number(process.env.WATCHDOG_USEC);
  const pid = process.env.WATCHDOG_PID;
  if (!usec || (pid && Number(pid) !== process.pid)) return;
  setInterval(() => void (healthy() && notifySystemd('WATCHDOG=1')), Math.max(500, usec / 2000)).unref();
}

/** A server whose parent is gone must not live on as an orphan: exit when the IPC channel closes. */
export function exitWhenParentGoes(stop: () => Promise<void>): void {
  if (process.send) process.once('disconnect', () => void stop());
}

/**
 * Under systemd `Type=notify`: sends READY=1 to $NOTIFY_SOCKET. Node has no unix datagram sockets, so this runs
 * `systemd-notify` (the unit sets NotifyAccess=all), or python3 where systemd-notify is missing. Never throws.
 */
export async function notifySystemd(state = 'READY=1'): Promise<void> {
  const socket = process.env.NOTIFY_SOCKET;
  if (!socket) return;
  const { execFile } = await import('node:child_process');
  const run = (file: string, args: string[]) =>
    new Promise<boolean>((resolve) => execFile(file, args, (err) => resolve(!err)));
  if (await run('systemd-notify', [state, `--pid=${process.pid}`])) return;
  const script = [
    'import os,socket,sys',
    'a=os.environ["NOTIFY_SOCKET"]',
    'a="\\0"+a[1:] if a[0]=="@" else a',
    's=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)',
    's.connect(a)',
    's.send(sys.argv[1].encode())',
  ].join(';');
  await run('python3', ['-c', script, state]);
}
