import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killQuietly } from '../../common/processes.js';
import type { ColdStartReport } from '../../src/coldstart/report.js';
import { FAKE_SERVER, modelctl } from '../helpers/modelctl.js';
import { freePort, tempDir } from '../helpers/tmp.js';

const dir = tempDir();

/** A fake foreign server's section of models.yaml, with the given flags. */
async function fake(name: string, flags: string[]): Promise<string> {
  const port = await freePort();
  const command = JSON.stringify(['node', FAKE_SERVER, '--port', String(port), ...flags]);
  return `  ${name}:\n    port: ${port}\n    command: ${command}\n`;
}

describe('coldstart-test after a failed run', () => {
  it('names a process a server started that outlived the stop, even when another server failed the run', async () => {
    const orphanFile = join(dir, 'orphan.pid');
    const config = join(dir, 'models.yaml');
    const leaky = await fake('leaky', ['--orphan-to', orphanFile]);
    // It fails the run only once the other has left its process behind, however slowly the machine starts them.
    const early = await fake('early', ['--exit-early', '3', '--exit-when', orphanFile]);
    writeFileSync(config, `grace: 500ms\nservers:\n${leaky}${early}`);
    const r = await modelctl(['coldstart-test', '-c', config, '--json']).child;
    const orphan = Number(readFileSync(orphanFile, 'utf8'));
    killQuietly(orphan, 'SIGKILL');
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(String(r.stdout)) as ColdStartReport;
    expect(report.reason).toMatch(/^server early exited before it was ready \(exit code 3\)/);
    expect(report.reason).toContain(`processes left running after stop: ${orphan}`);
  });
});
