// Writes the HTML waterfall to a file, or to stdout for `-`.
import { writeFileSync } from 'node:fs';
import { timelineHtml } from './html.js';
import type { Timeline } from './model.js';

export function writeTimelineHtml(target: string, t: Timeline): void {
  if (target === '-') process.stdout.write(timelineHtml(t));
  else writeFileSync(target, timelineHtml(t));
}
