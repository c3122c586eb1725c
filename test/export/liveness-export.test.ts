import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { loadConfig } from '../../common/config/load.js';
import { exportFiles } from '../../src/commands/export.js';
import { localSystemdVersion } from '../../src/export/systemd-version.js';
import { needs, TOOLS } from '../helpers/needs.js';
import { tempDir } from '../helpers/tmp.js';

const configFile = join(tempDir('export-'), 'models.yaml');
writeFileSync(
  configFile,
  `servers:
  llm:
    kind: llm
    port: 8081
    liveness: { period: 7s, timeout: 3s, failures: 4 }
    models: [{ name: chat, path: chat.gguf }]
  quiet:
    kind: asr-ocr
    port: 8082
    liveness: off
    models: [{ name: ocr, type: ocr }]
  foreign:
    port: 9000
    command: [python3, -m, http.server, "9000"]
    health: /status
`,
);
const config = loadConfig(configFile, {});
const text = (target: string, extra = {}) => exportFiles(target, config, { config: 'models.yaml', ...extra });

describe('export maps the watchdog numbers', () => {
  it('into Kubernetes livenessProbes: /livez for ours, the health URL for a foreign server, none when off', () => {
    const objects = text('k8s').flatMap((f) => parseAllDocuments(f.text).map((d) => d.toJS()));
    const containerOf = (name: string) =>
      objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `modelctl-${name}`).spec.template.spec
        .containers[0];
    const probeOf = (name: string) => containerOf(name).livenessProbe;
    expect(probeOf('llm')).toEqual({
      httpGet: { path: '/livez', port: 'http' },
      periodSeconds: 7,
      timeoutSeconds: 3,
      failureThreshold: 4,
    });
    // A foreign server's liveness is an HTTP GET of its health path (its defaults: 5 s, 2 s, 3), never a TCP check.
    expect(probeOf('foreign')).toEqual({
      httpGet: { path: '/status', port: 'http' },
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 3,
    });
    expect(JSON.stringify(containerOf('foreign'))).not.toContain('tcpSocket');
    expect(probeOf('quiet')).toBeUndefined();
  });

  it('into the Compose healthcheck', () => {
    const compose = parse(text('compose')[0]!.text);
    expect(compose.services.llm.healthcheck).toMatchObject({ interval: '7s', timeout: '3s', retries: 4 });
  });

  it('into systemd WatchdogSec (period × failures) for ours only', () => {
    const units = text('systemd', { systemdVersion: '252' });
    const unit = (name: string) => units.find((u) => u.file === `modelctl-${name}.service`)!.text;
    expect(unit('llm')).toContain('\nWatchdogSec=28\n');
    expect(unit('quiet')).not.toContain('WatchdogSec');
    expect(unit('foreign')).not.toContain('WatchdogSec');
  });
});

describe('systemd units for the systemd that will run them', () => {
  it('leave out RestartSteps and RestartMaxDelaySec before 254 and say what is lost', () => {
    const old = text('systemd', { systemdVersion: '252' })[0]!.text;
    expect(old).not.toMatch(/^RestartSteps=/m);
    expect(old).toContain('# systemd 252 has no RestartSteps/RestartMaxDelaySec');
    const recent = text('systemd', { systemdVersion: '256' })[0]!.text;
    expect(recent).toMatch(/^RestartSteps=3$/m);
    expect(recent).toMatch(/^RestartMaxDelaySec=30$/m);
  });

  it('pass systemd-analyze verify on this machine without a warning (and a newer target would warn)', async (ctx) => {
    await needs(ctx, TOOLS.systemdAnalyze);
    const write = (version: number) => {
      const dir = tempDir('units-');
      for (const u of text('systemd', { systemdVersion: String(version) })) writeFileSync(join(dir, u.file), u.text);
      return text('systemd').map((u) => join(dir, u.file));
    };
    const local = localSystemdVersion();
    const verify = (files: string[]) => execa('systemd-analyze', ['verify', ...files], { reject: false });
    const clean = await verify(write(local));
    expect(clean.stderr).toBe('');
    expect(clean.exitCode).toBe(0);
    if (local < 254) expect((await verify(write(256))).stderr).toMatch(/Unknown key 'RestartSteps'/);
  });
});
