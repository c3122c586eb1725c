// The flag parsers several commands share.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../common/errors.js';
import { thresholdFlag } from '../src/flags.js';

describe('--threshold', () => {
  it('reads a percentage, with or without the % sign, as a fraction', () => {
    expect(thresholdFlag('20%')).toBe(0.2);
    expect(thresholdFlag('30')).toBe(0.3);
    expect(thresholdFlag('12.5%')).toBe(0.125);
    expect(thresholdFlag('0%')).toBe(0);
  });

  it('refuses what is not a percentage, naming the value', () => {
    for (const bad of ['abc', '-5%', '20%%', '']) {
      expect(() => thresholdFlag(bad)).toThrow(ConfigError);
      expect(() => thresholdFlag(bad)).toThrow(`--threshold: expected a percentage such as 20%, got "${bad}"`);
    }
  });
});
