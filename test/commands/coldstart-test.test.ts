import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

describe('modelctl coldstart-test', () => {
  it('flags models 20% slower than the baseline unless told otherwise', async () => {
    // What 20% (and the 25 ms floor) means is tested on compareWithBaseline; this is the default the CLI passes it.
    const help = await execa('node', ['bin/modelctl.js', 'coldstart-test', '--help']);
    expect(help.stdout).toMatch(/--threshold <percent>\s+flag models whose load got slower[^(]*\(default: "20%"\)/);
  });
});

describe('modelctl coldstart-test with a baseline that is not a report', () => {
  it('says what is wrong with it and exits 2 before starting anything (it used to turn comparing off)', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'baseline-'));
    const config = join(dir, 'models.yaml');
    writeFileSync(config, 'servers:\n  x: { command: [sleep, "60"], port: 9 }\n');
    for (const [content, reason] of [
      ['{"passed": tr', /baseline .*broken\.json: not valid JSON/],
      ['{"passed": true}', /baseline .*broken\.json: not a coldstart-test report \(it has no "servers" list\)/],
    ] as const) {
      writeFileSync(join(dir, 'broken.json'), content);
      const run = await execa(
        'node',
        ['bin/modelctl.js', 'coldstart-test', '-c', config, '--baseline', join(dir, 'broken.json')],
        {
          reject: false,
        },
      );
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(reason);
    }
  });
});
