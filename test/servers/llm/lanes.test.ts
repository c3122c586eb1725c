import { describe, expect, it } from 'vitest';
import type { Llama } from 'node-llama-cpp';
import { Lanes, LANE_WORTH_BYTES, laneCount } from '../../../servers/llm/lanes.js';

/** A load context that passes waits straight through. */
const direct = { queue: <T>(wait: Promise<T>) => wait };

/** A lane factory whose instances come up when the test says so. */
function manualLanes(max: number) {
  const pending: ((l: Llama) => void)[] = [];
  const lanes = new Lanes(max, () => new Promise<Llama>((resolve) => pending.push(resolve)));
  const bringUp = async (i: number) => {
    pending[i]!({ id: i } as unknown as Llama);
    await new Promise((r) => setImmediate(r));
  };
  return { lanes, pending, bringUp };
}

const hold = () => {
  let release!: () => void;
  const p = new Promise<void>((r) => {
    release = r;
  });
  return { p, release };
};

describe('lane count', () => {
  it('is the cap, bounded by the models and by the cores', () => {
    expect(laneCount(3, 6, 2)).toBe(2);
    expect(laneCount(3, 6, 8)).toBe(3);
    expect(laneCount(3, 1, 8)).toBe(1);
    expect(laneCount(1, 6, 8)).toBe(1);
    expect(laneCount(3, 0, 1)).toBe(1);
  });
});

describe('lanes', () => {
  it('starts one instance at once and no more while it is coming up', async () => {
    const { lanes, bringUp } = manualLanes(3);
    expect(lanes.started).toBe(1);
    // Loads worth many instances wait while the first comes up: still one, because starting another costs as much.
    const loads = [1, 2, 3].map(() => lanes.use(2 * LANE_WORTH_BYTES, direct, async () => {}));
    await new Promise((r) => setImmediate(r));
    expect(lanes.started).toBe(1);
    await bringUp(0);
    expect(lanes.started).toBe(3);
    await Promise.all(loads);
  });

  it('starts one more instance per LANE_WORTH_BYTES waiting, up to the cap, and runs loads side by side', async () => {
    const { lanes, bringUp } = manualLanes(3);
    const running = new Set<number>();
    const gates = [hold(), hold(), hold(), hold()];
    const loads = gates.map((g) =>
      lanes.use(LANE_WORTH_BYTES, direct, async (l) => {
        running.add((l as unknown as { id: number }).id);
        await g.p;
      }),
    );
    await bringUp(0);
    expect(lanes.started).toBe(3);
    await bringUp(1);
    await bringUp(2);
    expect(running).toEqual(new Set([0, 1, 2]));
    gates.forEach((g) => g.release());
    await Promise.all(loads);
    expect(lanes.started).toBe(3);
  });

  it('keeps loads that would finish before a new instance is up on the instances already up', async () => {
    const { lanes, bringUp } = manualLanes(3);
    const loads = [1, 2, 3].map(() => lanes.use(LANE_WORTH_BYTES / 4, direct, async () => {}));
    await bringUp(0);
    await Promise.all(loads);
    expect(lanes.started).toBe(1);
  });

  it('fails every load with the runtime error when the first instance cannot start', async () => {
    const lanes = new Lanes(2, () => Promise.reject(new Error('no binary')));
    await expect(lanes.use(1, direct, async () => 1)).rejects.toThrow('no binary');
  });
});
