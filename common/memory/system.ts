// How much memory there is to load into: the system's MemAvailable, and the cgroup's limit when the process runs under
// one (cgroup v2 memory.max, v1 memory.limit_in_bytes). Read fresh each time: loading changes them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MemoryReading {
  /** MemAvailable from /proc/meminfo: what can be allocated without swapping. */
  availableBytes: number;
  /**
   * The cgroup's limit and what counts against it, when a real limit is set: its usage less the inactive file pages
   * (kubelet's "working set"). The usage holds the page cache prefetch fills, which the kernel reclaims at the limit.
   */
  cgroup?: { limitBytes: number; usageBytes: number };
}

/** cgroup v1 reports "no limit" as a number near 2^63. */
const UNLIMITED = 2 ** 60;

/** Each cgroup version's files: the limit, the usage, and memory.stat's count of reclaimable file pages. */
const CGROUP_FILES = {
  v1: { limit: 'memory.limit_in_bytes', usage: 'memory.usage_in_bytes', inactiveFile: 'total_inactive_file' },
  v2: { limit: 'memory.max', usage: 'memory.current', inactiveFile: 'inactive_file' },
};

const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

const readNumber = (file: string): number | undefined => {
  const text = readText(file)?.trim();
  return text === undefined || text === 'max' ? undefined : Number(text);
};

/** One field of a memory.stat file (`name bytes` per line); 0 when absent. */
const statField = (file: string, name: string): number =>
  Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(readText(file) ?? '')?.[1] ?? 0);

function cgroupLimit(root: string): MemoryReading['cgroup'] {
  const lines = readText(join(root, 'proc/self/cgroup'))?.trim().split('\n');
  if (!lines) return undefined;
  const v2 = lines.find((l) => l.startsWith('0::'))?.slice(3);
  const v1 = lines.find((l) => /^\d+:memory:/.test(l))?.split(':')[2];
  const candidates: [string, (typeof CGROUP_FILES)['v1' | 'v2']][] = [];
  // Inside a container the path the file names is the host's; the container's own cgroup is then the root.
  if (v1 !== undefined) {
    const top = join(root, 'sys/fs/cgroup/memory');
    for (const base of [join(top, v1), top]) candidates.push([base, CGROUP_FILES.v1]);
  }
  if (v2 !== undefined) {
    const top = join(root, 'sys/fs/cgroup');
    for (const base of [join(top, v2), top]) candidates.push([base, CGROUP_FILES.v2]);
  }
  for (const [base, files] of candidates) {
    const limitBytes = readNumber(join(base, files.limit));
    const usage = readNumber(join(base, files.usage));
    if (limitBytes === undefined || usage === undefined || limitBytes >= UNLIMITED) continue;
    const inactiveFile = statField(join(base, 'memory.stat'), files.inactiveFile);
    return { limitBytes, usageBytes: Math.max(0, usage - inactiveFile) };
  }
  return undefined;
}

/** Reads MemAvailable and the cgroup's limit; `root` is where /proc and /sys are (a fake tree in tests). */
export function readMemory(root = '/'): MemoryReading {
  let availableBytes = Number.MAX_SAFE_INTEGER;
  const kb = /^MemAvailable:\s+(\d+) kB/m.exec(readText(join(root, 'proc/meminfo')) ?? '')?.[1];
  // Not Linux: no reading, no limit from here.
  if (kb) availableBytes = Number(kb) * 1024;
  return { availableBytes, cgroup: cgroupLimit(root) };
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
