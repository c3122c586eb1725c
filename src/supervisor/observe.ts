// What a server is, from what can be seen now: its pid, whether it answers, and what its supervisor last wrote. Used by
// `modelctl status`, so that it never says "ready" for a server that does not answer.
import type { HealthBody } from '../../common/protocol.js';
import { isBuiltinKind } from '../../common/protocol.js';
import type { StackState } from './state-file.js';

/** What a probe of the server got: an HTTP answer (any status) or silence within the timeout. */
export interface ProbeAnswer {
  status?: number;
  /** /livez's reason when it answered 503 (event loop blocked, engine wedged). */
  reason?: string;
}

export interface ServerObservation {
  /** The one word status prints: the supervisor's state when the server answers, else what is seen. */
  state: string;
  /** Why, when `state` differs from the supervisor's. */
  detail?: string;
  answered: boolean;
  /** Milliseconds since the server last answered its watchdog (when the supervisor recorded one). */
  silentMs?: number;
}

type ServerEntry = StackState['servers'][number];

export function observeServer(
  s: ServerEntry,
  alive: boolean,
  probe: ProbeAnswer | undefined,
  now = Date.now(),
): ServerObservation {
  const silentMs = s.lastAnswerAt ? now - Date.parse(s.lastAnswerAt) : undefined;
  if (!alive) {
    if (s.state === 'restarting' || s.state === 'failed' || s.state === 'stopped')
      return { state: s.state, answered: false };
    return { state: 'down', detail: 'no process', answered: false };
  }
  if (probe?.status === undefined) {
    if (s.state === 'starting' || s.state === 'pending')
      return { state: s.state, detail: 'not answering yet', answered: false };
    const since = silentMs === undefined ? '' : ` for ${Math.round(silentMs / 1000)} s`;
    return { state: 'hung', detail: `no answer${since}`, answered: false, silentMs };
  }
  if (isBuiltinKind(s.kind) && probe.status === 503) {
    return { state: 'stalled', detail: probe.reason ?? '/livez answered 503', answered: true, silentMs };
  }
  return { state: s.state, answered: true, silentMs };
}

/** The status line's health word: what /health says, or that it did not answer. */
export const healthWord = (health: HealthBody | undefined): string => health?.status ?? 'unreachable';
