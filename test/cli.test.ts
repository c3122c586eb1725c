import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const modelctl = (...args: string[]) =>
  execa('node', ['bin/modelctl.js', ...args], { reject: false, env: { NO_COLOR: '1' } });

describe('modelctl CLI', () => {
  it('exits 2 on an unknown command or option, with help', async () => {
    const command = await modelctl('frobnicate');
    expect(command.exitCode).toBe(2);
    expect(command.stderr).toContain("error: unknown command 'frobnicate'");
    expect(command.stderr).toContain('Usage: modelctl [options] [command]');
    expect(command.stderr).toContain('coldstart-test [options]');
    const option = await modelctl('validate', '--nope');
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toContain("error: unknown option '--nope'");
    expect(option.stderr).toContain('Usage: modelctl validate [options]');
  });
});
