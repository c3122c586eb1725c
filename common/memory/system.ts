// How much memory there is to load into: the system's MemAvailable, and the cgroup's limit when the process runs under
// one (cgroup v2 memory.max, v1 memory.limit_in_bytes). Read fresh each time: loading changes them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MemoryReading {
  /** MemAvailable from /proc/meminfo: what can be allocated without swapping. */
  availableBytes: number;
  /** The cgroup's limit and usage, when a real limit is set. */
  cgroup?: { limitBytes: number; usageBytes: number };
}

/** cgroup v1 reports "no limit" as a number near 2^63. */
const UNLIMITED = 2 ** 60;

const readNumber = (file: string): number | undefined => {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text === 'max' ? undefined : Number(text);
  } catch {
    return undefined;
  }
};

function cgroupLimit(): MemoryReading['cgroup'] {
  let lines: string[];
  try {
    lines = readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n');
  } catch {
    return undefined;
  }
  const v2 = lines.find((l) => l.startsWith('0::'))?.slice(3);
  const v1 = lines.find((l) => /^\d+:memory:/.test(l))?.split(':')[2];
  const candidates: [string, string][] = [];
  if (v1 !== undefined) {
    for (const base of [join('/sys/fs/cgroup/memory', v1), '/sys/fs/cgroup/memory']) {
      candidates.push([join(base, 'memory.limit_in_bytes'), join(base, 'memory.usage_in_bytes')]);
    }
  }
  if (v2 !== undefined) {
    for (const base of [join('/sys/fs/cgroup', v2), '/sys/fs/cgroup']) {
      candidates.push([join(base, 'memory.max'), join(base, 'memory.current')]);
    }
  }
  for (const [limitFile, usageFile] of candidates) {
    const limitBytes = readNumber(limitFile);
    const usageBytes = readNumber(usageFile);
    if (limitBytes !== undefined && usageBytes !== undefined && limitBytes < UNLIMITED)
      return { limitBytes, usageBytes };
  }
  return undefined;
}

export function readMemory(): MemoryReading {
  let availableBytes = Number.MAX_SAFE_INTEGER;
  try {
    const kb = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
    if (kb) availableBytes = Number(kb) * 1024;
  } catch {
    // not Linux: no reading, no limit from here
  }
  return { availableBytes, cgroup: cgroupLimit() };
}

/** Default headroom kept free under any limit. */
export const MEMORY_MARGIN = 64 * 2 ** 20;

/**
 * The most a process holding `rss` bytes may hold in all: the tightest of `memoryLimit`, the cgroup's limit (less what
 * others in it use) and MemAvailable, less a margin.
 */
export function memoryCapacity(
  reading: MemoryReading,
  rss: number,
  limitBytes?: number,
  margin = MEMORY_MARGIN,
): number {
  return tightestLimit(reading, rss, limitBytes).bytes - margin;
}

/** The tightest limit and what it is: `memoryLimit`, `the cgroup limit` or `MemAvailable`. */
export function tightestLimit(
  reading: MemoryReading,
  rss: number,
  limitBytes?: number,
): { bytes: number; name: string } {
  const limits = [{ bytes: rss + reading.availableBytes, name: 'MemAvailable' }];
  if (reading.cgroup) {
    limits.push({ bytes: rss + reading.cgroup.limitBytes - reading.cgroup.usageBytes, name: 'the cgroup limit' });
  }
  if (limitBytes !== undefined) limits.push({ bytes: limitBytes, name: 'memoryLimit' });
  return limits.reduce((a, b) => (b.bytes < a.bytes ? b : a));
}
