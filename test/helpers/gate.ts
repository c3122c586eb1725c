// A model file that arrives when the test says so: a FIFO at the model's path keeps a server's load waiting in open()
// until `release`, so a test can look at a server while that model loads, for as long as it needs, without sleeping.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, renameSync, rmSync } from 'node:fs';
import { afterAll } from 'vitest';

export interface ModelGate {
  /**
   * Puts `replacement` (a real model file, moved) at the path and lets any load still waiting on the FIFO go on; that
   * attempt fails ("file is empty") and the loader's retry reads the real file. A load that had not reached open() yet
   * reads the real file at once.
   */
  release(replacement?: string): void;
}

// Registered here, at import: vitest ignores an afterAll called inside a hook or a test, where gates are made.
const cleanups: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(cleanups.map((c) => c())));

export function modelGate(path: string): ModelGate {
  execFileSync('mkfifo', [path]);
  const aside = `${path}.gate`;
  let released = false;
  let readerWent = false;
  let timer: NodeJS.Timeout | undefined;
  /** Opens the FIFO for writing without blocking: it succeeds only while a reader waits, and lets that reader go. */
  const letReaderGo = () => {
    try {
      closeSync(openSync(aside, constants.O_WRONLY | constants.O_NONBLOCK));
      readerWent = true;
      clearInterval(timer);
      rmSync(aside, { force: true });
    } catch {
      // ENXIO: nobody is waiting on the FIFO (yet).
    }
  };
  const release = (replacement?: string) => {
    if (released) return;
    released = true;
    // Readers that arrive from now on find the real file; one already waiting holds the FIFO, now at `aside`.
    if (!existsSync(path)) return; // its folder is gone already (cleanup after the test file)
    renameSync(path, aside);
    if (replacement) renameSync(replacement, path);
    timer = setInterval(letReaderGo, 20);
    letReaderGo();
  };
  cleanups.push(async () => {
    // A server still waiting on the gate (a test that failed before releasing it) could not even exit: let it go.
    release();
    for (let waited = 0; !readerWent && waited < 1000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    clearInterval(timer);
    rmSync(aside, { force: true });
  });
  return { release };
}
