import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../common/config/load.js';
import { timingLogFile } from '../../../common/timing/writer.js';
import {
  lastColdStartMs,
  lowerPriority,
  offCriticalPath,
  restorePriority,
} from '../../../src/supervisor/policies/critical-path.js';
import type { SupervisorEvent } from '../../../src/supervisor/events.js';
import { Supervisor } from '../../../src/supervisor/supervisor.js';
import { needs, PRIORITY_RIGHT } from '../../helpers/needs.js';
import { tempDir } from '../../helpers/tmp.js';

const dir = tempDir();

/** The niceness of every thread of a process (field 19 of /proc/<pid>/task/<tid>/stat). */
function niceness(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

/** A real child that says it is ready over IPC after 100 ms, as our servers do. */
const readySoon = () =>
  spawn(
    process.execPath,
    [
      '-e',
      `setTimeout(() => process.send({ type: 'ready', ms: 1, quarantined: [] }), 100);
setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );

describe('start-up scheduling by critical path', () => {
  it('lowers every server but the slowest of the last cold start', () => {
    const last = new Map([
      ['llm', 1900],
      ['asr-ocr', 1100],
      ['tts', 800],
    ]);
    expect([...offCriticalPath(last)].sort()).toEqual(['asr-ocr', 'tts']);
  });

  it('lowers none without a last cold start of every server (a new server, a fresh machine)', () => {
    expect(
      offCriticalPath(
        new Map([
          ['llm', 1900],
          ['asr-ocr', undefined],
        ]),
      ),
    ).toEqual(new Set());
    expect(offCriticalPath(new Map([['llm', 1900]]))).toEqual(new Set());
  });

  it('reads the last cold start from the end of a timing log', () => {
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const lines = [
      { event: 'server_ready', ms: 2500 },
      { event: 'load_end', model: 'chat', ms: 300 },
      { event: 'server_ready', ms: 1800 },
      { event: 'server_stop', ms: 9000 },
    ].map((e) => JSON.stringify({ ts: '2026-11-23T00:00:00.000Z', server: 'llm', ...e }));
    writeFileSync(join(dir, 'logs', 'llm.jsonl'), `${lines.join('\n')}\n`);
    expect(lastColdStartMs(dir, 'llm')).toBe(1800);
    expect(lastColdStartMs(dir, 'nobody')).toBeUndefined();
  });

  it('lowers a server 10 below the supervisor, never past nice 19', async (ctx) => {
    await needs(ctx, PRIORITY_RIGHT);
    const own = getPriority();
    const child = spawn('sleep', ['30']);
    try {
      lowerPriority(child.pid!);
      expect(niceness(child.pid!)).toEqual([own + 10]);
      setPriority(own + 12);
      lowerPriority(child.pid!);
      expect(niceness(child.pid!)).toEqual([19]);
      restorePriority(child.pid!);
      expect(niceness(child.pid!)).toEqual([own + 12]);
    } finally {
      setPriority(own);
      child.kill('SIGKILL');
    }
  });

  it("puts a server lowered while it started back to the supervisor's own priority, not to 0", async (ctx) => {
    await needs(ctx, PRIORITY_RIGHT);
    const home = join(dir, 'niced');
    const config = parseConfig(
      `grace: 50ms
servers:
  fast: { kind: llm, port: 18101, models: [{ name: m, path: m.gguf }] }
  slow: { kind: llm, port: 18102, models: [{ name: m, path: m.gguf }] }
`,
      join(home, 'models.yaml'),
      {},
    );
    // Last time `slow` was the critical path: `fast` starts lowered now.
    for (const [server, ms] of [
      ['fast', 100],
      ['slow', 900],
    ] as const) {
      mkdirSync(join(config.stateDir, 'logs'), { recursive: true });
      writeFileSync(
        timingLogFile(config.stateDir, server),
        `${JSON.stringify({ server, event: 'server_ready', ms })}\n`,
      );
    }
    const own = getPriority();
    const children: ChildProcess[] = [];
    const sup = new Supervisor(config, {
      budgetMs: 5000,
      spawner: () => children[children.push(readySoon()) - 1]!,
    });
    const spawned = new Map<string, number>();
    sup.on('event', (e: SupervisorEvent) => e.type === 'spawned' && spawned.set(e.server, e.pid!));
    // The supervisor runs below normal priority (under `nice`, say); its servers start with its niceness.
    setPriority(own + 3);
    try {
      await sup.up();
      expect(new Set(niceness(spawned.get('fast')!))).toEqual(new Set([own + 3]));
      expect(new Set(niceness(spawned.get('slow')!))).toEqual(new Set([own + 3]));
    } finally {
      setPriority(own);
      await sup.shutdown();
    }
  });
});
