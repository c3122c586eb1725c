import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../common/config/load.js';
import type { SupervisorEvent } from '../../src/supervisor/events.js';
import { readStackState, trackStackState } from '../../src/supervisor/state-file.js';
import { tempDir } from '../helpers/tmp.js';

/** A .modelctl folder holding `text` as its state.json. */
function stateDirWith(text: string): string {
  const dir = join(tempDir(), '.modelctl');
  mkdirSync(dir);
  writeFileSync(join(dir, 'state.json'), text);
  return dir;
}

describe('state file', () => {
  it('says no stack runs when there is no state file', () => {
    expect(readStackState(join(tempDir(), '.modelctl'))).toBeUndefined();
  });

  it('reads a stack’s state', () => {
    const state = { supervisorPid: 12, config: '/m.yaml', startedAt: '', detached: false, servers: [] };
    expect(readStackState(stateDirWith(JSON.stringify(state)))).toEqual(state);
  });

  it('calls a corrupt or foreign file what it is, with what to do, never "no stack"', () => {
    expect(() => readStackState(stateDirWith('{"supervisorPid": 1'))).toThrow(
      /state\.json is corrupt \(.*\); if no modelctl supervisor is running, delete it$/,
    );
    expect(() => readStackState(stateDirWith('{"hello": "world"}'))).toThrow(
      /state\.json is not a modelctl state file \(no supervisorPid or servers\); if no modelctl supervisor/,
    );
  });
});

describe('state file kept from supervisor events', () => {
  it('writes what the events told: each server’s pids, its last answer on the wall clock, the version applied', () => {
    const dir = tempDir();
    const config = parseConfig(`servers:\n  web: { command: [web], port: 18201 }\n`, join(dir, 'models.yaml'), {});
    const stackStartedAt = Date.parse('2026-01-02T03:04:05.000Z');
    const tracker = trackStackState(config, { detached: true, control: '/tmp/c.sock', stackStartedAt });
    expect(readStackState(config.stateDir)!.servers[0]).toMatchObject({ name: 'web', state: 'pending', pids: [] });
    const events: SupervisorEvent[] = [
      { type: 'state', server: 'web', state: 'starting', at: 1 },
      { type: 'spawned', server: 'web', pid: 4100, at: 2 },
      { type: 'child', server: 'web', pid: 4101, at: 3 },
      { type: 'state', server: 'web', state: 'ready', at: 300 },
      { type: 'answered', server: 'web', at: 5000 },
      { type: 'reloaded', at: 6000, ok: true, version: 'b2b2b2b2b2b2', ms: 10, exitCode: 0 },
    ];
    for (const e of events) tracker.event(e);
    const state = readStackState(config.stateDir)!;
    expect(state).toMatchObject({ detached: true, control: '/tmp/c.sock', configVersion: 'b2b2b2b2b2b2' });
    expect(state.servers[0]).toMatchObject({
      pids: [4100, 4101],
      state: 'ready',
      readyAt: 300,
      lastAnswerAt: '2026-01-02T03:04:10.000Z',
    });
    tracker.remove();
    expect(readStackState(config.stateDir)).toBeUndefined();
  });
});
