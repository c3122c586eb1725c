// Drops model files from the page cache so the next read comes from disk: a truly cold start, without root
// (GNU dd's iflag=nocache asks the kernel to forget the file's pages).
import { open } from 'node:fs/promises';
import { execa } from 'execa';

/** The kernel cannot drop pages not yet written back (a file `pull` just made): write them out first. */
async function writeBack(file: string): Promise<void> {
  const fh = await open(file, 'r');
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

export async function evictFromCache(files: string[]): Promise<void> {
  await Promise.all(
    files.map(async (f) => {
      await writeBack(f).catch(() => {});
      await execa('dd', [`if=${f}`, 'iflag=nocache', 'count=0', 'status=none'], { reject: false });
    }),
  );
}
