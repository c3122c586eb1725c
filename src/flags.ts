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
