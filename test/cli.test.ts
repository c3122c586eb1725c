import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { needs, TOOLS } from './helpers/needs.js';

const modelctl = (...args: string[]) =>
  execa('node', ['bin/modelctl.js', ...args], { reject: false, env: { NO_COLOR: '1' } });

/** Only what the test says (plus PATH): a NO_COLOR in the environment running the tests must not leak in. */
const only = (env: Record<string, string>) => ({ env: { PATH: process.env.PATH!, ...env }, extendEnv: false });
/** Runs the CLI on a real terminal (util-linux `script` gives it a pty) and returns what it wrote there. */
const onTerminal = async (env: Record<string, string>, ...args: string[]) =>
  (await execa('script', ['-qec', `node bin/modelctl.js ${args.join(' ')}`, '/dev/null'], only(env))).stdout;
const GREEN = '\x1b[32m';

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

  it('colours its output on a terminal, never with NO_COLOR, never into a pipe', async (ctx) => {
    await needs(ctx, TOOLS.script);
    expect(await onTerminal({ TERM: 'xterm' }, 'validate')).toContain(`${GREEN}✔`);
    expect(await onTerminal({ TERM: 'xterm', NO_COLOR: '1' }, 'validate')).not.toContain('\x1b[');
    const piped = await execa('node', ['bin/modelctl.js', 'validate'], only({ TERM: 'xterm' }));
    expect(piped.stdout).not.toContain('\x1b[');
  });
});
