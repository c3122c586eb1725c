import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { descendantsOf } from '../../src/coldstart/descendants.js';
import { killQuietly } from '../../common/processes.js';

describe('descendants', () => {
  it('finds the children of a process and their children, and nothing of other processes', async () => {
    // A child that starts a grandchild and prints its pid, as a server wrapper starts the real server.
    const script = `const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'],
      { stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    let grandchild = 0;
    try {
      grandchild = Number(await new Promise<string>((resolve) => child.stdout.once('data', (d) => resolve(`${d}`))));
      expect(descendantsOf([child.pid!])).toEqual([grandchild]);
      expect(descendantsOf([process.pid])).toEqual(expect.arrayContaining([child.pid, grandchild]));
      expect(descendantsOf([grandchild])).toEqual([]);
    } finally {
      if (grandchild) killQuietly(grandchild, 'SIGKILL');
      child.kill('SIGKILL');
    }
  });
});
