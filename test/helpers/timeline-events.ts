// Supervisor events for timeline tests, written as a script: `at` is ms since the stack started, and each timing
// event's wall clock is that moment after a fixed start, as a real server would have stamped it.
import type { TimingEvent } from '../../common/timing/events.js';
import type { SupervisorEvent } from '../../src/supervisor/events.js';
import type { ServerState } from '../../src/supervisor/states.js';
import { timing as timingEvent } from './events.js';

export const spawned = (server: string, at: number): SupervisorEvent => ({ type: 'spawned', server, pid: 4242, at });

export const state = (server: string, at: number, s: ServerState, detail?: string): SupervisorEvent => ({
  type: 'state',
  server,
  state: s,
  at,
  ...(detail === undefined ? {} : { detail }),
});

/** helpers/events.ts's timing event, its moment first as a script reads. */
export const timing = (
  server: string,
  at: number,
  event: TimingEvent['event'],
  fields: Partial<TimingEvent> = {},
): SupervisorEvent => timingEvent(server, event, fields, at);

/** A server that starts as ours do: spawned at `at`, code running, listening, runtime ready, each `step` ms apart. */
export function serverStart(server: string, at: number, step = 100): SupervisorEvent[] {
  return [
    spawned(server, at),
    timing(server, at + step, 'server_start', { ms: step }),
    timing(server, at + 2 * step, 'listening', { ms: 2 * step }),
    timing(server, at + 3 * step, 'runtime_ready', { ms: 3 * step }),
  ];
}

/** One model that loads at the first try: load_start at `at`, `ms` long, ready at once. */
export function loads(server: string, model: string, at: number, ms: number): SupervisorEvent[] {
  return [
    timing(server, at, 'load_start', { model, attempt: 1 }),
    timing(server, at + ms, 'load_end', { model, attempt: 1, ms }),
    timing(server, at + ms, 'ready', { model, attempt: 1, ms: at + ms }),
  ];
}

/**
 * A start-up with a bit of everything: llm's chat fails once and retries, code waits for memory and is checked and
 * warmed up, a crash restart of asr cuts off speech, which is quarantined in the new process while ocr loads.
 */
export function eventfulStartup(): SupervisorEvent[] {
  const mb = 1_000_000;
  const crash = 'asr died of SIGSEGV while loading speech';
  return [
    ...serverStart('llm', 5, 400),
    ...serverStart('asr', 10),
    timing('llm', 1205, 'load_start', { model: 'chat', attempt: 1 }),
    timing('llm', 1205, 'memory_wait', { model: 'code', needs: 300 * mb, free: 100 * mb }),
    timing('llm', 1500, 'load_failed', { model: 'chat', attempt: 1, ms: 295, error: 'truncated <file>' }),
    timing('llm', 1500, 'retry', { model: 'chat', attempt: 1, ms: 500 }),
    timing('llm', 1700, 'admitted', { model: 'code', needs: 300 * mb, free: 400 * mb }),
    timing('llm', 1700, 'load_start', { model: 'code', attempt: 1 }),
    timing('llm', 2000, 'load_start', { model: 'chat', attempt: 2 }),
    timing('llm', 2200, 'load_progress', { model: 'code', bytes: 100 * mb, total: 300 * mb, rate: 200 * mb }),
    timing('llm', 2700, 'load_end', { model: 'code', attempt: 1, ms: 1000 }),
    timing('llm', 2700, 'verify_start', { model: 'code', attempt: 1 }),
    timing('llm', 2900, 'verify_end', { model: 'code', attempt: 1, ms: 200 }),
    timing('llm', 2900, 'warmup_start', { model: 'code', attempt: 1 }),
    timing('llm', 3100, 'warmup_end', { model: 'code', attempt: 1, ms: 200 }),
    timing('llm', 3100, 'ready', { model: 'code', attempt: 1, ms: 3095 }),
    timing('asr', 320, 'load_start', { model: 'speech', attempt: 1 }),
    timing('asr', 320, 'load_start', { model: 'ocr', attempt: 1 }),
    state('asr', 900, 'restarting', crash),
    state('asr', 900, 'starting'),
    ...serverStart('asr', 905),
    timing('asr', 1205, 'quarantined', { model: 'speech', attempt: 1, error: `${crash}; quarantined` }),
    timing('asr', 1210, 'load_start', { model: 'ocr', attempt: 1 }),
    timing('asr', 1810, 'load_end', { model: 'ocr', attempt: 1, ms: 600 }),
    timing('asr', 1810, 'ready', { model: 'ocr', attempt: 1, ms: 905 }),
    state('asr', 1811, 'ready'),
    timing('llm', 3500, 'load_end', { model: 'chat', attempt: 2, ms: 1500 }),
    timing('llm', 3500, 'ready', { model: 'chat', attempt: 2, ms: 3495 }),
    state('llm', 3501, 'ready'),
    state('llm', 3502, 'stopping'),
  ];
}

/** The servers and models of `eventfulStartup`, as a config lists them. */
export const EVENTFUL_SERVERS = [
  { name: 'llm', models: ['chat', 'code'] },
  { name: 'asr', models: ['speech', 'ocr'] },
];
