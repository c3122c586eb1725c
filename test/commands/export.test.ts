import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { exportFiles } from '../../src/commands/export.js';
import { exported, ROOT, shippedConfig as config } from '../helpers/golden.js';
import { tempDir } from '../helpers/tmp.js';

const modelctl = (...args: string[]) =>
  execa('node', ['bin/modelctl.js', ...args], { reject: false, env: { NO_COLOR: '1' } });

describe('modelctl export', () => {
  it('takes image and resources from flags', () => {
    const [, llm] = exportFiles('k8s', config, {
      config: 'models.yaml',
      image: 'registry.example/modelctl:1.2',
      memory: '8Gi',
    });
    expect(llm!.text).toContain('image: registry.example/modelctl:1.2');
    expect(llm!.text).toContain('memory: 8Gi');
  });

  it.each(['k8s', 'compose', 'systemd'])(
    '-o writes the %s files into a new folder, the files it prints',
    async (target) => {
      const out = join(tempDir(), 'deploy', target);
      const r = await modelctl('export', target, '-c', 'models.yaml', '-o', out);
      expect(r.exitCode, r.stderr).toBe(0);
      const expected = exported(target);
      expect(readdirSync(out).sort()).toEqual(expected.map((f) => f.file).sort());
      for (const f of expected) {
        expect(readFileSync(join(out, f.file), 'utf8').replaceAll(ROOT, '/opt/modelctl'), f.file).toBe(f.text);
      }
      expect(r.stdout).toBe(`wrote ${expected.map((f) => join(out, f.file)).join(', ')}`);
    },
  );
});
