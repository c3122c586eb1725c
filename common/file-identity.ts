// A model file's identity without reading it: size, modification time and inode. What the servers remember about a
// file (crash strikes, quarantine, first-sight check) holds for this identity only, so replacing the file forgets it.
import { statSync } from 'node:fs';

/** `size:mtimeMs:inode`, or undefined when the file does not exist. */
export function fileIdentity(file: string): string | undefined {
  try {
    const s = statSync(file);
    return `${s.size}:${Math.round(s.mtimeMs)}:${s.ino}`;
  } catch {
    return undefined;
  }
}
