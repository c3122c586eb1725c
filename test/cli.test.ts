import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const modelctl = (...args: string[]) =>
  execa('node', ['bin/modelctl.js', ...args], { reject: false, env: { NO_COLOR: '1' } });

describe('modelctl CLI', () => {
  it('exits 2 on an unknown command or option, with help', async () => {
    expect((await modelctl('frobnicate')).exitCode).toBe(2);
    expect((await modelctl('validate', '--nope')).exitCode).toBe(2);
  });
});
