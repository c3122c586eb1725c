// Llama instances that load models side by side. node-llama-cpp serializes loads on one instance, so a real cap of N
// needs N instances. An instance costs ~0.5-0.8 s of CPU to start (node-llama-cpp forks a check of its binary), and
// on this 2-core machine a 200 MB load takes ~0.3 s: measured in `npm run bench`, extra instances for three such
// models made the cold start slower. So the first starts at once, and another starts only while enough bytes wait
// that they would outlast its start-up.
import { availableParallelism } from 'node:os';
import type { Llama } from 'node-llama-cpp';
import type { LoadWatch } from '../core/engine.js';
import { Pool } from '../core/native/pool.js';

/**
 * Waiting bytes worth one more instance: ~1.5 s of loading at the ~0.7 GB/s measured here, twice an instance's
 * start-up.
 */
export const LANE_WORTH_BYTES = 1024 ** 3;

/**
 * How many instances a server may start: its cap, no more than it has models, and no more than the cores. A load
 * without mmap is CPU work as much as reading (tensors are copied and repacked), so a third instance on two cores only
 * competes: measured by `npm run bench -- --only caps`, cap 3 was slower than cap 2 in every multi-model case on this
 * 2-core machine (3 × 2 GB: 21.3 s vs 16.8 s), while cap 2 beat cap 1 by 1.4-1.8× from 1 GB up.
 */
export function laneCount(concurrency: number, models: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(concurrency, models, cores));
}

export class Lanes {
  private pool = new Pool<Llama>();
  private all: Promise<Llama>[] = [];
  private up = 0;
  private waitingBytes = 0;
  private readonly first: Promise<Llama>;

  constructor(
    private readonly max: number,
    private readonly create: () => Promise<Llama>,
  ) {
    this.first = this.start();
  }

  private start(): Promise<Llama> {
    const lane = this.create();
    this.all.push(lane);
    lane.then(
      (l) => {
        this.up += 1;
        this.pool.add(l);
        this.grow();
      },
      () => {},
    );
    return lane;
  }

  /**
   * One more instance per LANE_WORTH_BYTES waiting that no starting instance will take, up to the cap, never before the
   * first is up.
   */
  private grow(): void {
    const starting = () => this.all.length - this.up;
    while (this.up > 0 && this.all.length < this.max && this.waitingBytes >= (starting() + 1) * LANE_WORTH_BYTES)
      void this.start();
  }

  /**
   * Runs `fn` on a free instance; throws the runtime's own error when the first instance could not start. Waiting for
   * an instance is queueing, not loading: it does not count towards the load's stall timeout.
   */
  async use<R>(bytes: number, watch: Pick<LoadWatch, 'queue'>, fn: (llama: Llama) => Promise<R>): Promise<R> {
    await this.first;
    this.waitingBytes += bytes;
    this.grow();
    const llama = await watch.queue(this.pool.acquire());
    this.waitingBytes -= bytes;
    try {
      return await fn(llama);
    } finally {
      this.pool.add(llama);
    }
  }

  /** An instance for work that needs one but loads nothing (estimates): the first. */
  any(): Promise<Llama> {
    return this.first;
  }

  /** Resolves once one instance is up: the runtime's fixed start-up cost is paid. */
  async firstReady(): Promise<void> {
    await this.first;
  }

  /** Instances started so far (for logs and benchmarks). */
  get started(): number {
    return this.all.length;
  }

  async close(): Promise<void> {
    const lanes = await Promise.allSettled(this.all);
    await Promise.all(lanes.map((l) => (l.status === 'fulfilled' ? l.value.dispose() : undefined)));
  }
}
