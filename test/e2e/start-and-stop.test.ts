// Real servers (LLM, ASR/OCR) started over what an earlier run left behind, and stopped before their start-up is
// done: a crash journal naming a model the config no longer has must not stop one from starting, and a stop while
// prefetch is still reading a cold file must end with the server's own exit code, not a SIGKILL it sent itself.
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { crashJournalFile, type CrashJournal } from '../../common/crash-journal.js';
import { writeJsonAtomically } from '../../common/json-file.js';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { evictFromCache } from '../../src/models/page-cache.js';
import { health, healthy, settled, startServer, until } from '../helpers/server.js';
import { freePort, tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const SMALL = join(dir, 'small.gguf');
const BIG = join(dir, 'big.gguf');
/** Above the highest pid Linux hands out: a process that is surely gone. */
const DEAD_PID = 2 ** 22 + 7;

const configFor = (port: number, name: string, file: string) => `servers:
  llm:
    kind: llm
    port: ${port}
    models:
      - { name: ${name}, path: ${file} }
`;

/** A folder of its own (its own `.modelctl` state) for one server. */
function home(name: string): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  return path;
}

beforeAll(async () => {
  await writeDemoLlama(SMALL, { name: 'small', bytes: 1_000_000, seed: 'small' });
  await writeDemoLlama(BIG, { name: 'big', bytes: 200e6, seed: 'big' });
});

describe('a server whose last crash journal names a model no longer in its config', () => {
  it('starts and serves the models it has', async () => {
    const folder = home('renamed');
    const journal: CrashJournal = {
      server: 'llm',
      pid: DEAD_PID,
      inflight: [{ model: 'removed', phase: 'load', alone: false, attempt: 1, identity: '1:2:3' }],
      died: { signal: 'SIGABRT', code: null },
    };
    writeJsonAtomically(crashJournalFile(join(folder, '.modelctl'), 'llm'), journal);
    const port = await freePort();
    const server = startServer('llm', configFor(port, 'chat', SMALL), folder, port);
    await healthy(server);
    const { body } = await settled(server);
    expect(body.models.map((m) => [m.name, m.state])).toEqual([['chat', 'ready']]);
  });
});

describe('a server stopped while prefetch still reads a cold model file', () => {
  // The ASR/OCR engine closes at once with nothing loaded, and a GGUF is no whisper file: its estimate fails before any
  // native work. So the stop finds prefetch, and only prefetch, still reading the file.
  const asrConfig = (port: number) => `servers:
  asr-ocr:
    kind: asr-ocr
    port: ${port}
    retries: 0
    models:
      - { name: speech, type: asr, path: ${BIG} }
`;

  it('exits 0 on SIGTERM as soon as it answers /health', async () => {
    await evictFromCache([BIG]);
    const port = await freePort();
    const server = startServer('asr-ocr', asrConfig(port), home('sigterm'), port);
    await until(() => health(server), server);
    server.child.kill('SIGTERM');
    const result = await server.child;
    expect({ code: result.exitCode, signal: result.signal }).toEqual({ code: 0, signal: undefined });
  });

  it('exits 1 when its port is taken, not killed by itself', async () => {
    await evictFromCache([BIG]);
    const taken: Server = createServer();
    const port = await new Promise<number>((resolve) =>
      taken.listen(0, '127.0.0.1', () => resolve((taken.address() as { port: number }).port)),
    );
    try {
      const server = startServer('asr-ocr', asrConfig(port), home('port-taken'), port);
      const result = await server.child;
      expect(server.output()).toContain('already in use');
      expect({ code: result.exitCode, signal: result.signal }).toEqual({ code: 1, signal: undefined });
    } finally {
      taken.close();
    }
  });
});
