// A foreign server's systemd unit holds its start until the server is healthy: the ExecStartPost line the export
// writes, run as systemd would run it, against a stand-in foreign server that becomes healthy late, or never.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FAKE_SERVER, modelctl } from '../helpers/modelctl.js';
import { freePort, tempDir } from '../helpers/tmp.js';

/** Exports the systemd unit of one foreign server through the CLI and returns its ExecStartPost command. */
async function execStartPost(port: number, budget: string): Promise<string[]> {
  const dir = tempDir();
  const file = join(dir, 'models.yaml');
  const command = JSON.stringify(['node', FAKE_SERVER, '--port', String(port)]);
  writeFileSync(file, `budget: ${budget}\nservers:\n  fake:\n    port: ${port}\n    command: ${command}\n`);
  const r = await modelctl(['export', 'systemd', '-c', file, '-o', join(dir, 'units')]).child;
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const unit = readFileSync(join(dir, 'units', 'modelctl-fake.service'), 'utf8');
  expect(unit).toMatch(/^Type=exec$/m);
  const line = /^ExecStartPost=(.*)$/m.exec(unit)?.[1];
  expect(line, unit).toBeDefined();
  // No argument needs systemd's quoting here: split on spaces as systemd does.
  return line!.split(' ');
}

function startFake(port: number, ...flags: string[]): ResultPromise {
  const server = execa('node', [FAKE_SERVER, '--port', String(port), ...flags], { reject: false });
  onTestFinished(async () => {
    server.kill('SIGKILL');
    await server;
  });
  return server;
}

const running = (p: ResultPromise) => p.exitCode === null && p.signalCode === null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the ExecStartPost of a foreign server’s unit', () => {
  it('waits through connection refused and 503, and exits 0 once the health URL answers 200', async () => {
    const port = await freePort();
    const [cmd, ...args] = await execStartPost(port, '60s');
    const wait = execa(cmd!, args, { reject: false });
    onTestFinished(() => void wait.kill('SIGKILL'));
    await sleep(800);
    expect(running(wait), 'exited while nothing listened').toBe(true);

    const readyFile = join(tempDir(), 'ready');
    const server = startFake(port, '--ready-when', readyFile);
    await new Promise<void>((resolve) => server.stdout!.on('data', () => resolve()));
    await sleep(800);
    expect(running(wait), 'exited while the server answered 503').toBe(true);

    const readyAt = Date.now();
    writeFileSync(readyFile, '');
    const done = await wait;
    expect(done.exitCode, String(done.stderr)).toBe(0);
    expect(Date.now()).toBeGreaterThanOrEqual(readyAt);
  });

  it('fails (exit 1) naming the URL once the budget is spent on a server that never becomes healthy', async () => {
    const port = await freePort();
    void startFake(port, '--never-ready');
    const [cmd, ...args] = await execStartPost(port, '2s');
    const started = Date.now();
    const done = await execa(cmd!, args, { reject: false, timeout: 30_000 });
    expect(done.exitCode).toBe(1);
    expect(done.stderr).toBe(`http://127.0.0.1:${port}/health was not healthy within 2 s`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  });
});
