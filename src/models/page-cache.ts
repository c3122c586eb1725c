// Drops model files from the page cache so the next read comes from disk: a truly cold start, without root
// (GNU dd's iflag=nocache asks the kernel to forget the file's pages).
import { execa } from 'execa';

export async function evictFromCache(files: string[]): Promise<void> {
  await Promise.all(
    files.map((f) => execa('dd', [`if=${f}`, 'iflag=nocache', 'count=0', 'status=none'], { reject: false })),
  );
}
