// Refuses a pull that cannot fit before any byte is written: the files about to be pulled are summed per disk and
// compared with the space free there.
import { statfs, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NotEnoughSpaceError } from '../../common/errors.js';
import { formatBytes } from '../format.js';

/** A disk and its space free for an unprivileged user. */
export interface Disk {
  /** Tells disks apart (st_dev). */
  id: string;
  freeBytes: number;
}

/** Reads the disk a folder (one that exists) is on; swappable so tests can pretend a disk is full. */
export type DiskReader = (dir: string) => Promise<Disk>;

/** The folder itself, or its nearest ancestor that exists (the models folder may not exist yet). */
async function existingFolder(dir: string): Promise<string> {
  for (let d = dir; ; d = dirname(d)) {
    if (
      await stat(d).then(
        (s) => s.isDirectory(),
        () => false,
      )
    )
      return d;
    if (dirname(d) === d) return d;
  }
}

/** Free bytes for an unprivileged user (f_bavail), like `df`'s "Avail". */
export const readDisk: DiskReader = async (dir) => {
  const [fs, st] = await Promise.all([statfs(dir), stat(dir)]);
  return { id: String(st.dev), freeBytes: fs.bavail * fs.bsize };
};

/** Bytes a model's file will take on its disk. */
export interface SpaceNeed {
  model: string;
  file: string;
  bytes: number;
}

/** Throws NotEnoughSpaceError naming both numbers and the models when the needs of one disk exceed its free space. */
export async function assertSpace(needs: SpaceNeed[], readDiskOf: DiskReader = readDisk): Promise<void> {
  const byDisk = new Map<string, { disk: Disk; where: string; needs: SpaceNeed[] }>();
  // Models share folders: each folder is looked up (and its disk read) once.
  const byFolder = new Map<string, Promise<{ where: string; disk: Disk }>>();
  const diskOf = async (folder: string) => {
    const where = await existingFolder(folder);
    return { where, disk: await readDiskOf(where) };
  };
  for (const need of needs.filter((n) => n.bytes > 0)) {
    const folder = dirname(need.file);
    if (!byFolder.has(folder)) byFolder.set(folder, diskOf(folder));
    const { where, disk } = await byFolder.get(folder)!;
    const group = byDisk.get(disk.id) ?? { disk, where, needs: [] };
    group.needs.push(need);
    byDisk.set(disk.id, group);
  }
  for (const { disk, where, needs: group } of byDisk.values()) {
    const needed = group.reduce((sum, n) => sum + n.bytes, 0);
    if (needed <= disk.freeBytes) continue;
    const each = group.map((n) => `${n.model} ${formatBytes(n.bytes)}`).join(', ');
    throw new NotEnoughSpaceError(
      needed,
      disk.freeBytes,
      where,
      `needs ${formatBytes(needed)}, ${formatBytes(disk.freeBytes)} free on ${where} (${each})`,
    );
  }
}
