// The zod fields for human units in models.yaml: text in (`0.5s`, `2 GiB`) as the file says it, a number out. Their
// input is typed, not `unknown`, so the JSON Schema made from them (json-schema.ts) tells editors the same.
import { z } from 'zod';
import { DURATION_TEXT, parseDuration, parseSize, SIZE_TEXT } from './units.js';

/** How an error describes a duration; also the text of `liveness.inference`'s message. */
export const DURATION = 'a duration such as 500ms, 0.5s or 2m';
const SIZE = 'a size of at least 1 byte such as 512KB, 200MB or 1GB (or a whole number of bytes)';

/** A size text that is nothing but zeros (`0MB`, `0.0 GiB`): refused by the pattern, so editors refuse it too. */
const ZERO_SIZE = '(?!^\\s*[0.]*\\s*[a-zA-Z]*\\s*$)';

/** Durations always need their unit: a bare `5` could mean seconds or milliseconds. */
export const duration = () =>
  z
    .string({ error: `expected ${DURATION}` })
    .regex(DURATION_TEXT, `expected ${DURATION}`)
    .transform((text) => parseDuration(text)!);

/** A size is at least one byte (0 would refuse every body); a bare number is a whole number of bytes. */
export const size = () => {
  const expected = `expected ${SIZE}`;
  const text = z.string().regex(new RegExp(`${ZERO_SIZE}${SIZE_TEXT.source}`), expected);
  return z.union([z.int().min(1, expected), text], { error: expected }).transform((value, ctx) => {
    const n = typeof value === 'number' ? value : parseSize(value)!;
    if (n < 1) ctx.addIssue({ code: 'custom', message: expected });
    return n;
  });
};
