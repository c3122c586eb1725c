import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { modelsJsonSchema } from '../../../common/config/json-schema.js';
import { parseConfig } from '../../../common/config/load.js';
import { ConfigError } from '../../../common/errors.js';
import { schemaText } from '../../../src/commands/schema.js';
import { BAD_CONFIGS, serverWith } from '../../fixtures/bad-configs.js';

const SHIPPED = 'schema/models.schema.json';
// Strict: an unknown keyword or format, or a type mixup, fails here, not silently in an editor (a `required` key
// may sit in an `if`/`oneOf` apart from its property: that is how "kind or command" is said).
const validate = new Ajv2020({ strict: true, strictRequired: false, allErrors: true }).compile(modelsJsonSchema());

/** The schema's complaints about a YAML text, one line each; none when it takes the text. */
function schemaProblems(text: string): string[] {
  if (validate(parse(text))) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** Whether the loader takes the text under `env`. */
function loaderTakes(text: string, env: NodeJS.ProcessEnv = {}): boolean {
  try {
    parseConfig(text, 'models.yaml', env);
    return true;
  } catch (err) {
    if (err instanceof ConfigError) return false;
    throw err;
  }
}

/** The fenced code blocks of a Markdown file that hold a models.yaml: a top-level `servers:` key. */
function configExamples(file: string): { where: string; text: string }[] {
  const markdown = readFileSync(file, 'utf8');
  return [...markdown.matchAll(/^```[a-z]*\n([\s\S]*?)^```/gm)]
    .filter((m) => /^servers:/m.test(m[1]!))
    .map((m) => ({ where: `${file}:${markdown.slice(0, m.index).split('\n').length}`, text: m[1]! }));
}

const docs = [
  'README.md',
  ...readdirSync('docs', { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
];

describe('the JSON Schema of models.yaml', () => {
  it('ships as schema/models.schema.json, equal to what `modelctl schema` prints (`npm run schema` writes it)', () => {
    expect(readFileSync(SHIPPED, 'utf8')).toBe(schemaText());
  });

  it('takes the default models.yaml, whose first line points editors at the shipped schema', () => {
    const text = readFileSync('models.yaml', 'utf8');
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=./${SHIPPED}`);
    expect(schemaProblems(text)).toEqual([]);
  });

  it('takes every models.yaml example in README.md and docs/', () => {
    const examples = docs.flatMap(configExamples);
    // README.md shows two today (a server's settings, a Hugging Face stack); docs may take them over.
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const { where, text } of examples) expect(schemaProblems(text), where).toEqual([]);
  });

  it('agrees with the loader on durations, sizes, tokens and ${VAR} values, taken or refused', () => {
    const env = { BUDGET: '90s', KIND: 'llm', PORT: '8081', TOKEN: 'correct-horse-battery-staple', MB: '200MB' };
    const cases = [
      ...['10m', '0.5s', '500ms', ' 2 h ', '${BUDGET}', '${UNSET:-2m}', '12', '5x', '10 min', '1.5'].map(
        (v) => `budget: "${v}"\n${serverWith([])}`,
      ),
      `budget: 12\n${serverWith([])}`,
      ...['2 GiB', '512kb', '1000', '1.5GB', '${MB}', '0MB', '0.0 GiB', '2 GB/s', '-1MB'].map((v) =>
        serverWith([`memoryLimit: "${v}"`]),
      ),
      ...['1', '1000000', '0', '0.5', '-5'].map((v) => serverWith([`bodyLimit: ${v}`])),
      ...['llm', '${KIND}', 'gpt'].map((v) => serverWith([]).replace('kind: llm', `kind: "${v}"`)),
      ...['"${PORT}"', '"8081"', '70000'].map((v) => serverWith([]).replace('port: 9', `port: ${v}`)),
      ...['""', '"${TOKEN}"', '"${MODELCTL_ADMIN_TOKEN:-}"', 'short-secret', 'correct-horse-battery-staple'].map(
        (v) => `adminToken: ${v}\n${serverWith([])}`,
      ),
      ...['ABCDEF'.repeat(10) + '0123', 'abc'].map((v) => serverWith([], `{ name: m, path: m.gguf, sha256: "${v}" }`)),
      serverWith(['liveness: { inference: "${DEEP:-10m}" }']),
    ];
    const verdicts = cases.map((text) => ({ text, schema: schemaProblems(text).length === 0 }));
    expect(verdicts).toEqual(cases.map((text) => ({ text, schema: loaderTakes(text, env) })));
    // Both sides of the line are tried: this is not a list the schema and the loader merely both take.
    expect(new Set(verdicts.map((v) => v.schema))).toEqual(new Set([true, false]));
  });

  it("refuses every bad config of the loader's tests that is wrong in shape, leaves rules across keys to it", () => {
    for (const [name, bad] of Object.entries(BAD_CONFIGS)) {
      expect(loaderTakes(bad.text), `${name}: the loader refuses it`).toBe(false);
      expect(schemaProblems(bad.text).length > 0, `${name}: the schema refuses it`).toBe(bad.shape);
    }
  });
});
