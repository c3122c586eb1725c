// Stacks for e2e tests: a config of both real servers on free ports, and a stack started with `up -d` that is stopped
// (down, every process gone) when the test that started it ends, passed or failed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { allGone, modelctl } from './modelctl.js';
import { freePort } from './tmp.js';

/** The LLM server with the given model lines, and the ASR/OCR server (demo whisper and OCR). */
export async function realStack(dir: string, name: string, llmModels: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `
servers:
  llm:
    kind: llm
    port: ${await freePort()}
    models:
${llmModels}
  asr-ocr:
    kind: asr-ocr
    port: ${await freePort()}
    models:
      - { name: speech, type: asr, path: models/whisper.bin, source: "demo:whisper" }
      - { name: ocr, type: ocr }
`,
  );
  return file;
}

/** What `status --json` says of a running stack (the parts tests read). */
export interface StackStatus {
  supervisorPid: number;
  configVersion: string;
  appliedAt: string;
  servers: { name: string; pids: number[]; port: number; state: string }[];
}

export async function stackStatus(file: string): Promise<StackStatus> {
  const r = await modelctl(['status', '-c', file, '--json']).child;
  return JSON.parse(String(r.stdout)) as StackStatus;
}

/**
 * Starts the stack of `file` with `up -d` and fails unless it is ready; when the calling test ends, stops it with
 * `down` and checks that the supervisor and every server process are gone.
 */
export async function detachedStack(file: string, ...flags: string[]): Promise<void> {
  onTestFinished(async () => {
    const running = await stackStatus(file).catch(() => undefined);
    await modelctl(['down', '-c', file]).child;
    if (!running?.supervisorPid) return;
    const pids = [running.supervisorPid, ...running.servers.flatMap((s) => s.pids)];
    expect(await allGone(pids), `processes of ${file} left after down`).toBe(true);
  });
  const up = await modelctl(['up', '-d', '-c', file, ...flags]).child;
  expect(up.exitCode, `up -d: ${String(up.stderr)}`).toBe(0);
}
