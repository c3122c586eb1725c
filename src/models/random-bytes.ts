// Deterministic random bytes from a seed: AES-256-CTR keystream, fast enough to fill a gigabyte in about a second.
import { createCipheriv, createHash } from 'node:crypto';

/** Returns a function that fills buffers with the seed's keystream, continuing where the last call stopped. */
export function seededBytes(seed: string): (buf: Buffer) => void {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return (buf) => {
    buf.fill(0);
    const out = cipher.update(buf);
    out.copy(buf);
  };
}
