import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../common/config/load.js';
import { isBuiltin } from '../../../common/config/types.js';
import { type ConfigError } from '../../../common/errors.js';

const TOKEN = 'correct-horse-battery-staple';
const text = (token: string) => `adminToken: ${token}
servers:
  llm: { kind: llm, port: 1, models: [{ name: c, path: c.gguf }] }
  ext: { port: 2, command: [sleep, "9"] }
`;

describe('adminToken in models.yaml', () => {
  it('reaches every built-in server from ${VAR}, and prints as (set) in JSON, strings and inspection', () => {
    const config = parseConfig(text('${MODELCTL_ADMIN_TOKEN}'), 'models.yaml', { MODELCTL_ADMIN_TOKEN: TOKEN });
    const [llm, ext] = config.servers;
    expect(isBuiltin(llm!) && llm.adminToken?.matches(TOKEN)).toBe(true);
    expect(ext).not.toHaveProperty('adminToken');
    expect(JSON.stringify(config)).toContain('"adminToken":"(set)"');
    for (const shown of [
      JSON.stringify(config),
      inspect(config, { depth: 9 }),
      String(isBuiltin(llm!) && llm.adminToken),
    ])
      expect(shown).not.toContain(TOKEN);
  });

  it('refuses a short token without repeating it, and takes an empty one (${VAR:-}) as none', () => {
    let problems: string[] = [];
    try {
      parseConfig(text('short-secret'), 'models.yaml', {});
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual([
      'models.yaml:1: adminToken: expected at least 16 characters, got a value that is not shown',
    ]);
    expect(problems.join()).not.toContain('short-secret');
    const config = parseConfig(text('"${MODELCTL_ADMIN_TOKEN:-}"'), 'models.yaml', {});
    expect(config.servers[0]).not.toHaveProperty('adminToken');
  });

  it('gives each text of the file its own version', () => {
    const a = parseConfig(text('"${T:-}"'), 'models.yaml', {});
    const b = parseConfig(`${text('"${T:-}"')}# a comment\n`, 'models.yaml', {});
    expect(a.version).toMatch(/^[0-9a-f]{12}$/);
    expect(b.version).not.toBe(a.version);
    expect(parseConfig(text('"${T:-}"'), 'other.yaml', {}).version).toBe(a.version);
  });
});
