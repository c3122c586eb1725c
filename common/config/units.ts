// Human units in models.yaml: durations (`500ms`, `0.5s`, `2m`) and sizes (`200MB`).

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** `[mM][bB]`: a unit in any case, written for patterns that take no flags (JSON Schema's have none). */
const anyCase = (unit: string) => [...unit].map((c) => `[${c}${c.toUpperCase()}]`).join('');

/** What a duration looks like; the JSON Schema of models.yaml has this pattern, so editors agree with the loader. */
export const DURATION_TEXT = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/;
/** What a size looks like: a number and an optional unit in any case (`2 GiB`, `512kb`, `1000`). */
export const SIZE_TEXT = new RegExp(
  `^\\s*(\\d+(?:\\.\\d+)?)\\s*(${Object.keys(SIZE_UNITS).map(anyCase).join('|')})?\\s*$`,
);

/** Parses `500ms`, `0.5s`, `2m`, `1h` into milliseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_TEXT.exec(text);
  return m ? Math.round(Number(m[1]) * DURATION_UNITS[m[2]!]!) : undefined;
}

/** Parses `200MB`, `1.5GB`, `512KiB` or a plain byte count; undefined when the text is not a size. */
export function parseSize(text: string): number | undefined {
  const m = SIZE_TEXT.exec(text);
  return m ? Math.round(Number(m[1]) * (m[2] ? SIZE_UNITS[m[2].toLowerCase()]! : 1)) : undefined;
}
