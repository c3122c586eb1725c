// Where a server's timing events go: its timing log always, and the supervisor over IPC or, started by hand, the
// console in plain words.
import type { TimingEvent, TimingEventInput } from '../../common/timing/events.js';
import { describeEvent } from '../../common/timing/events.js';
import { openTimingLog, timingLogFile } from '../../common/timing/writer.js';
import { signalParent } from './ready-signal.js';

export type Emit = (e: TimingEventInput) => void;

/** Returns `emit`; `onEvent` sees every event after it is written (the server's own bookkeeping). */
export function createEmitter(stateDir: string, server: string, onEvent: (e: TimingEvent) => void): Emit {
  const write = openTimingLog(timingLogFile(stateDir, server));
  return (input) => {
    const e: TimingEvent = { ts: new Date().toISOString(), server, ...input };
    write(e);
    if (process.send) signalParent({ type: 'timing', event: e });
    else console.log(describeEvent(e));
    onEvent(e);
  };
}
