// One sentence per supervisor event, shared by the plain log and the live view.
import { formatMs } from '../format.js';
import type { ServerAction, SupervisorEvent } from '../supervisor/events.js';
import { describeEvent } from '../../common/timing/events.js';
import { planLines } from '../reload/plan-lines.js';

/** The start of a server's part; an update or a restart says more itself (its state change, with the reason). */
const STEP_START: Record<ServerAction, string | undefined> = {
  unchanged: undefined,
  update: undefined,
  restart: undefined,
  start: 'starting (new in the config)',
  stop: 'stopping (no longer in the config)',
};
const STEP_DONE: Record<ServerAction, string> = {
  unchanged: 'unchanged',
  update: 'models applied',
  restart: 'restarted and ready',
  start: 'started and ready',
  stop: 'stopped',
};
const STEP_FAILED: Record<ServerAction, string> = {
  unchanged: 'unchanged',
  update: 'models not all applied',
  restart: 'restart failed',
  start: 'start failed',
  stop: 'stop failed',
};

/** The sentence for one event; undefined for an event that is no news to a person. */
export function describeSupervisorEvent(e: SupervisorEvent): string | undefined {
  switch (e.type) {
    case 'spawned':
      return `started (pid ${e.pid})`;
    // Bookkeeping for the view (pids, addresses, heartbeats): the events around them say it in words.
    case 'child':
    case 'configured':
    case 'dropped':
    case 'answered':
      return undefined;
    case 'state':
      if (e.state === 'ready' && !e.detail) return `ready after ${formatMs(e.at)}`;
      return `${e.state}${e.detail ? `: ${e.detail}` : ''}`;
    case 'timing': {
      if (['server_start', 'server_stop', 'server_ready'].includes(e.event.event)) return undefined;
      const text = describeEvent(e.event);
      return text.startsWith(`${e.server} `) ? text.slice(e.server.length + 1) : text;
    }
    case 'restart':
      return e.delayMs > 0 ? `${e.reason}, in ${formatMs(e.delayMs)}` : e.reason;
    case 'missed':
      return `did not answer its watchdog (${e.misses} in a row, silent for ${formatMs(e.silentMs)})`;
    case 'output':
      return e.line;
    case 'stack-ready':
      return undefined;
    case 'loaded':
      return `every model loaded after ${formatMs(e.at)}`;
    case 'reload-plan':
      return `${e.dryRun ? 'would reload' : 'reloading'}: ${planLines(e.plan).join('\n')}`;
    case 'reload-step':
      if (e.phase === 'start') return STEP_START[e.action];
      return e.ok ? `${STEP_DONE[e.action]} in ${formatMs(e.ms ?? 0)}` : `${STEP_FAILED[e.action]}: ${e.error}`;
    case 'reloaded':
      if (e.exitCode === 2) return `reload refused, nothing changed: ${e.error}`;
      return e.ok
        ? `config ${e.version} applied in ${formatMs(e.ms)}`
        : `config ${e.version} applied in ${formatMs(e.ms)}, with problems: ${e.error}`;
  }
}
