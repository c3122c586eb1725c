import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const modelctl = (...args: string[]) =>
  execa('node', ['bin/modelctl.js', ...args], { reject: false, stripFinalNewline: false, env: { NO_COLOR: '1' } });

describe('modelctl schema', () => {
  it('prints the shipped JSON Schema of models.yaml and exits 0', async () => {
    const r = await modelctl('schema');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(readFileSync('schema/models.schema.json', 'utf8'));
  });

  it('says in --help what the schema is for and how an editor finds it', async () => {
    const { stdout } = await modelctl('schema', '--help');
    expect(stdout).toContain('print the JSON Schema of models.yaml');
    expect(stdout).toContain('# yaml-language-server: $schema=./schema/models.schema.json');
    expect(stdout).toContain('modelctl schema > models.schema.json');
  });
});
