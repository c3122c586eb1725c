import { describe, expect, it } from 'vitest';
import { etaMs, formatBytes, formatEta, formatMs, formatRate } from '../src/format.js';

describe('numbers for people', () => {
  it('writes durations in ms below a second, tenths of seconds below ten, whole seconds above', () => {
    expect([0.4, 212.5, 999.4, 1000, 1449, 9949, 10_000, 120_000].map(formatMs)).toEqual([
      '0 ms',
      '213 ms',
      '999 ms',
      '1.0 s',
      '1.4 s',
      '9.9 s',
      '10 s',
      '120 s',
    ]);
  });

  it('writes sizes in B, kB, MB (one decimal below 10 MB) and GB', () => {
    expect([999, 1000, 2_100_000, 206_000_000, 1_500_000_000].map(formatBytes)).toEqual([
      '999 B',
      '1.0 kB',
      '2.1 MB',
      '206 MB',
      '1.50 GB',
    ]);
  });

  it('writes speeds in MB/s (one decimal below 100 MB/s) and time left coarsely, from bytes left and speed', () => {
    expect([500_000, 41_200_000, 412_000_000].map(formatRate)).toEqual(['0.5 MB/s', '41.2 MB/s', '412 MB/s']);
    expect(etaMs(300_000_000, 100_000_000)).toBe(3000);
    expect([etaMs(1, 1), 11_200, 245_000, 4_020_000].map(formatEta)).toEqual([
      '1 s',
      '12 s',
      '4 min 05 s',
      '1 h 07 min',
    ]);
  });
});
