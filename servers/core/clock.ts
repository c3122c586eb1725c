// The loader's sense of time, injected so that unit tests run retries and stall watches on fake timers.

/** Now in milliseconds, and a wait. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** performance.now() and setTimeout. */
export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
