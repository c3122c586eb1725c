import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../common/config/load.js';
import { assertPortsFree } from '../../src/supervisor/ports.js';
import { freePort } from '../helpers/tmp.js';

const configOn = (a: number, b: number) =>
  parseConfig(`servers:\n  a: { command: [x], port: ${a} }\n  b: { command: [x], port: ${b} }\n`, 'm.yaml', {});

describe('ports before start', () => {
  it('lets a stack whose ports are free start', async () => {
    await expect(assertPortsFree(configOn(await freePort(), await freePort()))).resolves.toBeUndefined();
  });

  it('refuses a port something already listens on, naming the server, host and port', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const taken = (blocker.address() as { port: number }).port;
    try {
      await expect(assertPortsFree(configOn(await freePort(), taken))).rejects.toThrow(
        `server b: port ${taken} on 127.0.0.1 is already in use`,
      );
    } finally {
      blocker.close();
    }
  });
});
