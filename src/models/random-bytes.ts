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

/** f16 sign + exponent bits 2 and 3 + mantissa: |x| ≤ 0.25, never inf or NaN. */
const F16_SMALL_MASK = 0xb3ffb3ff;

/** Fills buffers with small random f16 weights (buffer lengths are multiples of 4 bytes, or the tail stays zero). */
export function f16Random(random: (buf: Buffer) => void): (buf: Buffer) => void {
  return (buf) => {
    random(buf);
    const words = new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
    for (let i = 0; i < words.length; i++) words[i]! &= F16_SMALL_MASK;
    for (let i = words.length * 4; i < buf.length; i++) buf[i] = 0;
  };
}

export function f32Ones(buf: Buffer): void {
  for (let i = 0; i + 4 <= buf.length; i += 4) buf.writeFloatLE(1, i);
}
