import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

/** A stack that would take a minute to start: every case here must end before anything is spawned. */
function stack(): { dir: string; config: string } {
  const dir = tempDir('coldstart-test-');
  const config = join(dir, 'models.yaml');
  writeFileSync(config, 'servers:\n  x: { command: [sleep, "60"], port: 9 }\n');
  return { dir, config };
}

const coldstartTest = (config: string, ...args: string[]) =>
  execa('node', ['bin/modelctl.js', 'coldstart-test', '-c', config, ...args], { reject: false });

describe('modelctl coldstart-test --threshold', () => {
  it('defaults to 20%', async () => {
    // What the threshold (and the 25 ms floor) means is tested on compareWithBaseline; this is what the CLI passes.
    const help = await execa('node', ['bin/modelctl.js', 'coldstart-test', '--help']);
    expect(help.stdout).toMatch(/--threshold <percent>\s+flag models whose load got slower[^(]*\(default: "20%"\)/);
  });

  it('exits 2 before starting anything on a threshold that is not a percentage', async () => {
    const { config } = stack();
    for (const threshold of ['abc', '-5%', '20%%']) {
      const run = await coldstartTest(config, `--threshold=${threshold}`);
      expect(run.exitCode, threshold).toBe(2);
      expect(run.stderr).toContain(`--threshold: expected a percentage such as 20%, got "${threshold}"`);
    }
  });

  it('takes a percentage with or without the % sign', async () => {
    // A baseline that is not a report ends the command with exit 2 right after the threshold is read: reaching that
    // message shows the threshold was accepted, without a cold start.
    const { dir, config } = stack();
    writeFileSync(join(dir, 'broken.json'), '{"passed": true}');
    for (const threshold of ['30%', '30', '0%', '12.5%']) {
      const run = await coldstartTest(config, `--threshold=${threshold}`, '--baseline', join(dir, 'broken.json'));
      expect(run.stderr, threshold).not.toContain('--threshold');
      expect(run.stderr, threshold).toMatch(/baseline .*broken\.json: not a coldstart-test report/);
      expect(run.exitCode, threshold).toBe(2);
    }
  });
});

describe('modelctl coldstart-test with a baseline that is not a report', () => {
  it('says what is wrong with it and exits 2 before starting anything (it used to turn comparing off)', async () => {
    const { dir, config } = stack();
    for (const [content, reason] of [
      ['{"passed": tr', /baseline .*broken\.json: not valid JSON/],
      ['{"passed": true}', /baseline .*broken\.json: not a coldstart-test report \(it has no "servers" list\)/],
    ] as const) {
      writeFileSync(join(dir, 'broken.json'), content);
      const run = await coldstartTest(config, '--baseline', join(dir, 'broken.json'));
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(reason);
    }
  });
});
