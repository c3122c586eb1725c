import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMemory, tightestLimit } from '../../../common/memory/system.js';
import { tempDir } from '../../helpers/tmp.js';

const MiB = 2 ** 20;

/** A fake / with the files readMemory reads: path under the root → contents. */
function fakeRoot(files: Record<string, string>): string {
  const root = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const meminfo = { 'proc/meminfo': `MemTotal: 8000000 kB\nMemAvailable: ${4096 * 1024} kB\n` };

describe('memory reading under a cgroup limit', () => {
  it('v2: reclaimable page cache (inactive_file) does not count against the limit', () => {
    const root = fakeRoot({
      ...meminfo,
      'proc/self/cgroup': '0::/kubepods/pod1\n',
      'sys/fs/cgroup/kubepods/pod1/memory.max': `${2048 * MiB}\n`,
      'sys/fs/cgroup/kubepods/pod1/memory.current': `${1500 * MiB}\n`,
      'sys/fs/cgroup/kubepods/pod1/memory.stat': `anon ${300 * MiB}\nfile ${1200 * MiB}\ninactive_file ${1000 * MiB}\n`,
    });
    const r = readMemory(root);
    expect(r).toEqual({ availableBytes: 4096 * MiB, cgroup: { limitBytes: 2048 * MiB, usageBytes: 500 * MiB } });
    // A process of 100 MiB may grow to 100 + 2048 - 500 MiB, not 100 + 2048 - 1500.
    expect(tightestLimit(r, 100 * MiB)).toEqual({ bytes: 1648 * MiB, name: 'the cgroup limit' });
  });

  it("v1: total_inactive_file is subtracted; a container sees its own cgroup at the hierarchy's root", () => {
    const root = fakeRoot({
      ...meminfo,
      'proc/self/cgroup': '4:memory:/docker/abc\n0::/\n',
      'sys/fs/cgroup/memory/memory.limit_in_bytes': `${1024 * MiB}\n`,
      'sys/fs/cgroup/memory/memory.usage_in_bytes': `${900 * MiB}\n`,
      'sys/fs/cgroup/memory/memory.stat': `inactive_file ${10 * MiB}\ntotal_inactive_file ${600 * MiB}\n`,
    });
    expect(readMemory(root).cgroup).toEqual({ limitBytes: 1024 * MiB, usageBytes: 300 * MiB });
  });

  it('counts the whole usage when memory.stat is missing, and never less than nothing', () => {
    const base = { ...meminfo, 'proc/self/cgroup': '0::/\n', 'sys/fs/cgroup/memory.max': `${1024 * MiB}\n` };
    expect(readMemory(fakeRoot({ ...base, 'sys/fs/cgroup/memory.current': `${700 * MiB}\n` })).cgroup).toEqual({
      limitBytes: 1024 * MiB,
      usageBytes: 700 * MiB,
    });
    const odd = fakeRoot({
      ...base,
      'sys/fs/cgroup/memory.current': `${100 * MiB}\n`,
      'sys/fs/cgroup/memory.stat': `inactive_file ${200 * MiB}\n`,
    });
    expect(readMemory(odd).cgroup?.usageBytes).toBe(0);
  });

  it('reports no cgroup limit for "max" (v2) or a v1 limit near 2^63', () => {
    const v2 = fakeRoot({
      ...meminfo,
      'proc/self/cgroup': '0::/\n',
      'sys/fs/cgroup/memory.max': 'max\n',
      'sys/fs/cgroup/memory.current': '5\n',
    });
    const v1 = fakeRoot({
      ...meminfo,
      'proc/self/cgroup': '4:memory:/\n',
      'sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712\n',
      'sys/fs/cgroup/memory/memory.usage_in_bytes': '5\n',
    });
    expect(readMemory(v2)).toEqual({ availableBytes: 4096 * MiB, cgroup: undefined });
    expect(readMemory(v1).cgroup).toBeUndefined();
  });

  it('reads nothing where there is no /proc (not Linux): no limit from here', () => {
    expect(readMemory(tempDir())).toEqual({ availableBytes: Number.MAX_SAFE_INTEGER, cgroup: undefined });
  });
});
