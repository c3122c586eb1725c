// `modelctl pull` as users run it (the built CLI), against a local hub and storage host.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FakeHub, startFakeHub } from '../helpers/fake-hub.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir();
let hub: FakeHub;

beforeAll(async () => {
  hub = await startFakeHub();
  for (const name of ['one', 'two', 'three']) hub.addFile('org/trio-GGUF', `${name}.gguf`, randomBytes(3_000_000));
  hub.addFile('corp/gated-GGUF', 'gated.gguf', randomBytes(100_000), { gated: true });
});

/** Writes a config of llm models `{ name: source }` into its own folder. */
function configOf(folder: string, models: Record<string, string>): { dir: string; file: string } {
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  const lines = Object.entries(models).map(
    ([name, source]) => `      - { name: ${name}, path: models/${name}.gguf, source: "${source}" }`,
  );
  const file = join(dir, 'models.yaml');
  writeFileSync(file, `servers:\n  llm:\n    kind: llm\n    port: 9\n    models:\n${lines.join('\n')}\n`);
  return { dir, file };
}

/** Runs the CLI with exactly the environment given (plus PATH): no HF_TOKEN unless the test sets one. */
function modelctl(args: string[], env: Record<string, string> = {}) {
  return execa('node', ['bin/modelctl.js', ...args], {
    reject: false,
    extendEnv: false,
    env: { PATH: process.env.PATH!, NO_COLOR: '1', HF_ENDPOINT: hub.endpoint, ...env },
  });
}

const jsonLines = (stdout: string) => stdout.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

/** Every file under a folder, recursively. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );

const trio = {
  one: 'hf:org/trio-GGUF/one.gguf',
  two: 'hf:org/trio-GGUF/two.gguf',
  three: 'hf:org/trio-GGUF/three.gguf',
};

describe('modelctl pull from a hub', () => {
  it('downloads three models at once: every download starts before the first one finishes', async () => {
    const { file } = configOf('parallel', trio);
    hub.holdUntilConcurrent(3);
    const r = await modelctl(['pull', '-c', file, '--json']);
    expect(r.exitCode).toBe(0);
    const events = jsonLines(r.stdout);
    const starts = events.filter((e) => e.type === 'start').map((e) => e.t as number);
    const ends = events.filter((e) => e.type === 'result').map((e) => e.t as number);
    expect(starts).toHaveLength(3);
    expect(ends).toHaveLength(3);
    expect(Math.max(...starts)).toBeLessThanOrEqual(Math.min(...ends));
    expect(hub.maxConcurrent()).toBe(3);
    expect(events.filter((e) => e.type === 'result').map((e) => e.action)).toEqual([
      'downloaded',
      'downloaded',
      'downloaded',
    ]);
  });

  it('downloads one at a time with --concurrency 1', async () => {
    const { file } = configOf('serial', trio);
    hub.holdUntilConcurrent(0);
    const r = await modelctl(['pull', '-c', file, '--json', '--concurrency', '1']);
    expect(r.exitCode).toBe(0);
    const order = jsonLines(r.stdout)
      .filter((e) => e.type === 'start' || e.type === 'result')
      .map((e) => e.type);
    expect(order).toEqual(['start', 'result', 'start', 'result', 'start', 'result']);
    expect(hub.maxConcurrent()).toBe(1);
  });

  it('fails with exit 1 on a gated file without HF_TOKEN, saying to set it', async () => {
    const { file } = configOf('gated', { g: 'hf:corp/gated-GGUF/gated.gguf' });
    const r = await modelctl(['pull', '-c', file]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(
      '✘ g  models/g.gguf  hf:corp/gated-GGUF/gated.gguf: corp/gated-GGUF is gated or private: set HF_TOKEN',
    );
    expect(r.stderr).toContain('1 model(s) could not be pulled: g (');
  });

  it('never shows or stores HF_TOKEN: not in the output, an error message or any file under .modelctl', async () => {
    const { dir, file } = configOf('secret', {
      g: 'hf:corp/gated-GGUF/gated.gguf',
      missing: 'hf:corp/gated-GGUF/missing.gguf',
    });
    for (const json of [[], ['--json']]) {
      const r = await modelctl(['pull', '-c', file, '--force', ...json], { HF_TOKEN: hub.token });
      expect(r.exitCode).toBe(1);
      expect(r.stdout + r.stderr).toContain('no such file in corp/gated-GGUF at main: missing.gguf');
      expect(r.stdout + r.stderr).not.toContain(hub.token);
    }
    const refused = await modelctl(['pull', '-c', file, '--force', 'g'], { HF_TOKEN: `${hub.token}-revoked` });
    expect(refused.stdout + refused.stderr).toContain('HF_TOKEN has not been granted access');
    expect(refused.stdout + refused.stderr).not.toContain(hub.token);
    const stored = filesUnder(join(dir, '.modelctl'));
    expect(stored.map((f) => f.slice(dir.length))).toEqual(['/.modelctl/pulled.json']);
    for (const f of stored) expect(readFileSync(f, 'utf8')).not.toContain(hub.token);
    expect(hub.requests.filter((q) => q.host === 'storage' && q.authorization)).toEqual([]);
  });

  it('pull --force NAME makes only that model again, as a new file; an unknown name is a usage error', async () => {
    const { dir, file } = configOf('force', { a: 'demo:llama?size=300KB', b: 'demo:llama?size=300KB' });
    expect((await modelctl(['pull', '-c', file])).exitCode).toBe(0);
    const ino = (n: string) => statSync(join(dir, 'models', `${n}.gguf`)).ino;
    const before = { a: ino('a'), b: ino('b') };
    const r = await modelctl(['pull', '-c', file, '--force', 'a']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^✔ a {2}models\/a\.gguf {2}made /);
    expect(ino('a')).not.toBe(before.a);
    expect(ino('b')).toBe(before.b);
    const unknown = await modelctl(['pull', '-c', file, '--force', 'nope']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain(`no model named nope in ${file}; its models: a, b`);
  });

  it('prints plain progress lines when stderr is not a terminal', async () => {
    const { file } = configOf('plain', { one: trio.one });
    const r = await modelctl(['pull', '-c', file]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('one: downloading (3.0 MB)');
    expect(r.stderr).not.toContain('\x1b[');
    expect(r.stdout).toMatch(/^✔ one {2}models\/one\.gguf {2}downloaded 3\.0 MB in \d/);
  });
});
