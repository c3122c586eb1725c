// One sentence per supervisor event, shared by the plain log and the live view.
import { formatMs } from './format.js';
import type { SupervisorEvent } from '../supervisor/events.js';
import { describeEvent } from '../../common/timing/events.js';

export function describeSupervisorEvent(e: SupervisorEvent): string | undefined {
  switch (e.type) {
    case 'spawned':
      return `started (pid ${e.pid})`;
    case 'state':
      return e.state === 'ready' ? `ready after ${formatMs(e.at)}` : `${e.state}${e.detail ? `: ${e.detail}` : ''}`;
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
  }
}
