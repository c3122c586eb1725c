import { describe, expect, it } from 'vitest';
import { exported, matchGolden } from '../helpers/golden.js';

/** A minimal INI reader: section → key → values (systemd allows repeated keys). */
function parseIni(text: string): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  let section = '';
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      out[section] = {};
      continue;
    }
    const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!kv || !section) throw new Error(`not INI: ${line}`);
    (out[section]![kv[1]!] ??= []).push(kv[2]!);
  }
  return out;
}

describe('export systemd', () => {
  it('matches its golden files and parses as INI with the budget, grace and restart policy', () => {
    matchGolden('systemd');
    const units = exported('systemd');
    expect(units.map((u) => u.file)).toEqual(['modelctl-llm.service', 'modelctl-asr-ocr.service']);
    const llm = parseIni(units[0]!.text);
    expect(llm.Service).toMatchObject({
      Type: ['notify'],
      NotifyAccess: ['all'],
      TimeoutStartSec: ['120'],
      TimeoutStopSec: ['5'],
      Restart: ['on-failure'],
      KillMode: ['mixed'],
    });
    expect(llm.Service!.ExecStart![0]).toBe(
      '/usr/bin/env node /opt/modelctl/dist/servers/llm/main.js --config /opt/modelctl/models.yaml --server llm',
    );
  });
});
