// The JSON Schema of models.yaml as a user writes it, made from the zod schema: what `modelctl schema` prints and
// schema/models.schema.json holds, so editors (yaml-language-server) complete and check the file. The zod schema sees
// the file after `${ENV}` substitution; so here a value with a `${VAR}` in it is let through wherever a string has a
// shape (pattern, enum, unit), since only the environment knows what it will become.
import { z } from 'zod';
import { ENV_REFERENCE } from './load.js';
import { configSchema } from './schema.js';

type JsonSchema = { [key: string]: unknown };

/** What any constrained string may be instead: a value holding `${VAR}`, checked when the file is read. */
const ENV_VALUE_DEF = 'envValue';
const ENV_VALUE_REF = { $ref: `#/$defs/${ENV_VALUE_DEF}` };
const ENV_VALUE: JsonSchema = {
  type: 'string',
  pattern: ENV_REFERENCE.source,
  description: 'Holds ${VAR} or ${VAR:-default}: replaced from the environment, then checked, when the file is read.',
};

/** zod's names for string checks that no JSON Schema draft knows (the pattern beside them says the same). */
const ZOD_ONLY_FORMATS = new Set(['starts_with', 'ends_with', 'includes']);

/** The schema of models.yaml (JSON Schema draft 2020-12). */
export function modelsJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
  const { $schema, ...rest } = allowEnvValues(schema);
  return { $schema, ...rest, $defs: { [ENV_VALUE_DEF]: ENV_VALUE } };
}

/** A string whose shape `${VAR}` may not have until it is replaced: a pattern, a set of values, a longer minimum. */
const constrainedString = (s: JsonSchema) =>
  s.type === 'string' &&
  (s.pattern !== undefined || s.enum !== undefined || s.const !== undefined || Number(s.minLength ?? 0) > 1);

/** Every constrained string below `s` also takes a `${VAR}` value; map keys (`propertyNames`) are never replaced. */
function allowEnvValues(s: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === 'format' && ZOD_ONLY_FORMATS.has(value as string)) continue;
    out[key] = subSchemas(key, value);
  }
  if (!constrainedString(out)) return out;
  // The description and default stay on the outside, where editors look for them.
  const { description, default: fallback, ...shape } = out;
  return {
    ...(description === undefined ? {} : { description }),
    ...(fallback === undefined ? {} : { default: fallback }),
    anyOf: [shape, ENV_VALUE_REF],
  };
}

/** The value of keyword `key` with every schema in it rewritten; other values as they are. */
function subSchemas(key: string, value: unknown): unknown {
  const one = (v: unknown) => allowEnvValues(v as JsonSchema);
  switch (key) {
    case 'properties':
      return Object.fromEntries(Object.entries(value as JsonSchema).map(([k, v]) => [k, one(v)]));
    case 'additionalProperties':
      return typeof value === 'object' ? one(value) : value;
    case 'items':
    case 'not':
    case 'if':
    case 'then':
    case 'else':
      return one(value);
    case 'anyOf': {
      // A union of strings each let through with `${VAR}`: one list of branches, the `${VAR}` one once.
      const branches = (value as unknown[]).map(one).flatMap((b) => (isBareAnyOf(b) ? (b.anyOf as JsonSchema[]) : [b]));
      return branches.filter((b, i) => branches.findIndex((c) => JSON.stringify(c) === JSON.stringify(b)) === i);
    }
    case 'oneOf':
    case 'allOf':
      return (value as unknown[]).map(one);
    default:
      return value;
  }
}

const isBareAnyOf = (s: JsonSchema) => Object.keys(s).length === 1 && Array.isArray(s.anyOf);
