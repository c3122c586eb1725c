// The names of a model's states, apart from the table of moves (servers/core/model-states.ts), so that the timing
// events that carry a state and the protocol that reports one can both name them without importing each other.

/** Every model state, in lifecycle order (metrics export one sample per state). */
export const MODEL_STATES = [
  'queued',
  'loading',
  'waiting',
  'retrying',
  'ready',
  'unhealthy',
  'swapping',
  'unloading',
  'unloaded',
  'failed',
  'quarantined',
] as const;

/**
 * A model's lifecycle (the allowed moves are in servers/core/model-states.ts). `quarantined`: it crashed its server
 * and is not loaded again until its file changes or the quarantine is lifted. `unhealthy`: loaded, but it failed its
 * deep liveness check twice in a row (it is back to ready once a check passes). `waiting`: its load waits for memory.
 * `swapping`: it serves while its new copy loads. `unloading`: it takes no new requests and waits for those in flight
 * before it is freed; `unloaded`: freed (by `POST /admin/models/{name}/unload`, or on its way out of the config).
 */
export type ModelState = (typeof MODEL_STATES)[number];
