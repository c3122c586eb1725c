// `validate --plan`: what each model will need in memory and the order and overlap admission will allow, worked out
// without loading anything. Loads are simulated in priority order under the cap; a load takes time in proportion to
// its size, and a loaded model keeps its estimate.
import type { MemoryEstimate } from '../../common/memory/estimate.js';

export interface PlanInput {
  model: string;
  estimate?: MemoryEstimate;
  /** Why there is no estimate (the file is missing or corrupt). */
  error?: string;
}

export interface PlannedLoad extends PlanInput {
  /** Seconds after the runtime is up, at the assumed read rate; undefined for a model that cannot load. */
  startS?: number;
  endS?: number;
  /** It waits for memory, not for a free slot. */
  waitsForMemory: boolean;
  /** Why it can never be admitted. */
  never?: string;
}

/** Read rate the timings assume (what a 200 MB load showed on this kind of machine). */
export const ASSUMED_BYTES_PER_S = 700e6;

export function planLoads(
  inputs: PlanInput[],
  opts: { concurrency: number; capacityBytes: number; baselineBytes: number },
): PlannedLoad[] {
  const plans: PlannedLoad[] = inputs.map((i) => ({ ...i, waitsForMemory: false }));
  const queue = plans.filter((p) => p.estimate);
  const running: { plan: PlannedLoad; end: number }[] = [];
  let held = opts.baselineBytes;
  let now = 0;
  while (queue.length > 0) {
    const head = queue[0]!;
    const need = head.estimate!.bytes;
    if (need > opts.capacityBytes - opts.baselineBytes) {
      head.never = 'larger than the memory available to the server';
      queue.shift();
      continue;
    }
    const slotFree = running.length < opts.concurrency;
    if (slotFree && held + need <= opts.capacityBytes) {
      queue.shift();
      held += need;
      head.startS = now;
      head.endS = now + Math.max(0.05, need / ASSUMED_BYTES_PER_S);
      running.push({ plan: head, end: head.endS });
      continue;
    }
    if (slotFree) head.waitsForMemory = true;
    if (running.length === 0) {
      head.never = 'does not fit beside the models loaded before it';
      queue.shift();
      continue;
    }
    running.sort((a, b) => a.end - b.end);
    now = running.shift()!.end;
  }
  return plans;
}
