// Llama instances that load models side by side. node-llama-cpp serializes loads on one instance, so a real cap of N needs N instances.
// An instance costs ~0.5 s of CPU to start (node-llama-cpp forks a check of its binary), so the first starts at once and
// another starts only when a large load is waiting for it: a small model finishes on a busy instance before a new one is up.
import type { Llama } from 'node-llama-cpp';
import { Pool } from '../core/pool.js';

/** Loads at least this large are worth starting another instance for (~0.5 s of reading at disk speed). */
export const LANE_WORTH_BYTES = 64 * 1024 * 1024;

export class Lanes {
  private pool = new Pool<Llama>();
  private all: Promise<Llama>[] = [];
  private up = 0;
  private bigWaiting = 0;
  private readonly first: Promise<Llama>;

  constructor(private readonly max: number, private readonly create: () => Promise<Llama>) {
    this.first = this.start();
  }

  private start(): Promise<Llama> {
    const lane = this.create();
    this.all.push(lane);
    lane.then((l) => { this.up += 1; this.pool.add(l); this.grow(); }, () => {});
    return lane;
  }

  /** One more instance per large waiting load that no starting instance will serve, up to the cap, never before the first is up. */
  private grow(): void {
    while (this.up > 0 && this.all.length < this.max && this.bigWaiting > this.all.length - this.up) this.start();
  }

  /** Runs `fn` on a free instance; throws the runtime's own error when the first instance could not start. */
  async use<R>(bytes: number, fn: (llama: Llama) => Promise<R>): Promise<R> {
    await this.first;
    const big = bytes >= LANE_WORTH_BYTES;
    if (big) { this.bigWaiting += 1; this.grow(); }
    const llama = await this.pool.acquire();
    if (big) this.bigWaiting -= 1;
    try {
      return await fn(llama);
    } finally {
      this.pool.add(llama);
    }
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
