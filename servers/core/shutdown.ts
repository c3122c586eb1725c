// How a server process ends once its stop has closed what it could: exit, or kill itself when native work or a file
// operation would keep exit() waiting for ever.

/**
 * A stop must end even when native work cannot: a load blocked in read(2) on a dead mount or a FIFO holds a libuv
 * thread, and `process.exit()` joins the thread pool, so it would wait for that read forever. With work still in the
 * pool the server kills itself instead (the crash journal was emptied first, so the next start blames no model); so it
 * does, too, when closing the engine takes longer than the grace period. Either way no orphan outlives a supervisor
 * that was killed itself.
 */
export function exit(code: number, nativeBusy: boolean): void {
  const pending = process.getActiveResourcesInfo().filter((r) => r.startsWith('FSReq'));
  if (!nativeBusy && pending.length === 0) process.exit(code);
  const what = nativeBusy ? 'native work' : `${pending.length} file operation${pending.length === 1 ? '' : 's'}`;
  process.stderr.write(`modelctl server: ${what} still running; exiting without waiting for it\n`);
  process.kill(process.pid, 'SIGKILL');
}

/** The last resort of a stop that hangs: the process kills itself after `ms`. */
export function killSelfAfter(ms: number): void {
  setTimeout(() => {
    process.stderr.write(`modelctl server: did not stop within ${ms} ms; killing itself\n`);
    process.kill(process.pid, 'SIGKILL');
  }, ms).unref();
}
