// Flag values several commands share, parsed once with the same message when they are wrong.
import { parseDuration } from '../common/config/units.js';
import type { Config } from '../common/config/types.js';
import { ConfigError } from '../common/errors.js';

/** The budget from --budget, or the config's. */
export function budgetFlag(config: Config, flag: string | undefined): number {
  if (flag === undefined) return config.budgetMs;
  const ms = parseDuration(flag);
  if (ms === undefined)
    throw new ConfigError([`--budget: expected a duration such as 500ms, 0.5s or 2m, got "${flag}"`]);
  return ms;
}

/** --threshold as a fraction: `20%` or `20` is 0.2. */
export function thresholdFlag(flag: string): number {
  const percent = /^(\d+(?:\.\d+)?)%?$/.exec(flag.trim())?.[1];
  if (percent === undefined) throw new ConfigError([`--threshold: expected a percentage such as 20%, got "${flag}"`]);
  return Number(percent) / 100;
}
