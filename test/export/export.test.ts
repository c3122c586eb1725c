import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig, parseConfig } from '../../common/config/load.js';
import { exportFiles } from '../../src/commands/export.js';
import { startupProbeTiming } from '../../src/export/plan.js';
import { freePort, tempDir } from '../helpers/tmp.js';

const GOLDEN = new URL('../golden/export', import.meta.url).pathname;
const ROOT = process.cwd();
const config = loadConfig('models.yaml');
/** Output from the default models.yaml, with this checkout's path replaced so the golden files hold anywhere. */
const files = (target: string) =>
  exportFiles(target, config, { config: 'models.yaml' }).map((f) => ({
    ...f,
    text: f.text.replaceAll(ROOT, '/opt/modelctl'),
  }));

function matchGolden(target: string) {
  for (const f of files(target)) {
    const path = join(GOLDEN, target, f.file);
    if (process.env.UPDATE_GOLDEN || !existsSync(path)) {
      mkdirSync(join(GOLDEN, target), { recursive: true });
      writeFileSync(path, f.text);
    }
    expect(f.text, `${target}/${f.file} differs from its golden file (UPDATE_GOLDEN=1 to accept)`).toBe(
      readFileSync(path, 'utf8'),
    );
  }
}

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

describe('export k8s', () => {
  it('matches its golden files and is deterministic', () => {
    matchGolden('k8s');
    expect(files('k8s')).toEqual(files('k8s'));
  });

  it('validates against the Kubernetes schemas, with probes covering the budget', () => {
    const objects = files('k8s').flatMap((f) => parseAllDocuments(f.text).map((d) => d.toJS()));
    expect(objects.map((o) => o.kind)).toEqual(['ConfigMap', 'Deployment', 'Service', 'Deployment', 'Service']);
    for (const o of objects) {
      const model =
        o.kind === 'Deployment' ? new Deployment(o) : o.kind === 'Service' ? new Service(o) : new ConfigMap(o);
      expect(() => model.validate()).not.toThrow();
    }
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      const c = d.spec.template.spec.containers[0];
      expect(c.startupProbe.httpGet.path).toBe('/health');
      expect(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds).toBeGreaterThanOrEqual(120);
      expect(c.readinessProbe.httpGet.path).toBe('/health?ready=any');
      expect(c.livenessProbe.httpGet.path).toBe('/livez');
      expect(c.resources.requests).toEqual({ cpu: '1', memory: '2Gi' });
      expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(5);
    }
    const mounted = parse(objects[0].data['models.yaml']);
    expect(Object.values(mounted.servers).map((s) => (s as { host: string }).host)).toEqual(['0.0.0.0', '0.0.0.0']);
  });

  it('takes image and resources from flags', () => {
    const [, llm] = exportFiles('k8s', config, {
      config: 'models.yaml',
      image: 'registry.example/modelctl:1.2',
      memory: '8Gi',
    });
    expect(llm!.text).toContain('image: registry.example/modelctl:1.2');
    expect(llm!.text).toContain('memory: 8Gi');
  });
});

describe('startup probe arithmetic', () => {
  it('covers the budget for budgets short and long', () => {
    for (const seconds of [1, 7, 30, 31, 120, 121, 599, 3600]) {
      const t = startupProbeTiming(seconds);
      expect(t.failureThreshold * t.periodSeconds).toBeGreaterThanOrEqual(seconds);
      expect(t.failureThreshold * t.periodSeconds).toBeLessThanOrEqual(seconds + 2 * t.periodSeconds);
    }
  });
});

describe('export compose', () => {
  it('matches its golden files; healthcheck start_period is the budget; depends_on waits for health', () => {
    matchGolden('compose');
    const compose = parse(files('compose')[0]!.text);
    expect(Object.keys(compose.services)).toEqual(['llm', 'asr-ocr']);
    expect(compose.services.llm.healthcheck.start_period).toBe('120s');
    expect(compose.services.llm.stop_grace_period).toBe('5s');
    const withDeps = parseConfig(
      `budget: 90s\n` +
        `servers:\n` +
        `  a:\n` +
        `    kind: llm\n` +
        `    port: 1\n` +
        `    models: [{ name: m, path: m.gguf }]\n` +
        `  b:\n` +
        `    kind: llm\n` +
        `    port: 2\n` +
        `    dependsOn: [a]\n` +
        `    models: [{ name: m, path: m.gguf }]\n`,
      join(ROOT, 'models.yaml'),
      {},
    );
    const c = parse(exportFiles('compose', { ...withDeps, file: config.file }, { config: 'models.yaml' })[0]!.text);
    expect(c.services.b.depends_on).toEqual({ a: { condition: 'service_healthy' } });
    expect(c.services.a.healthcheck.start_period).toBe('90s');
  });
});

describe('export systemd', () => {
  it('matches its golden files and parses as INI with the budget, grace and restart policy', () => {
    matchGolden('systemd');
    const units = files('systemd');
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

describe('systemd readiness', () => {
  it('sends READY=1 to NOTIFY_SOCKET once the server is ready', async () => {
    const dir = tempDir();
    const socket = join(dir, 'notify.sock');
    const listener = execa(
      'python3',
      [
        '-c',
        [
          'import socket,sys',
          's=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)',
          `s.bind(${JSON.stringify(socket)})`,
          's.settimeout(60)',
          'print("listening",flush=True)',
          'print(s.recv(4096).decode(),flush=True)',
        ].join('\n'),
      ],
      { reject: false },
    );
    await new Promise<void>((resolve) =>
      listener.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('listening')) resolve();
      }),
    );
    const { writeDemoLlama } = await import('../../src/models/demo-llama.js');
    await writeDemoLlama(join(dir, 'm.gguf'), { name: 'm', bytes: 300_000, seed: 'm' });
    const port = await freePort();
    writeFileSync(
      join(dir, 'models.yaml'),
      `servers:\n  llm:\n    kind: llm\n    port: ${port}\n    models: [{ name: m, path: m.gguf }]\n`,
    );
    const server = execa('node', ['dist/servers/llm/main.js', '--config', join(dir, 'models.yaml')], {
      env: { NOTIFY_SOCKET: socket },
      reject: false,
    });
    try {
      const received = await listener;
      expect(received.stdout).toContain('READY=1');
    } finally {
      server.kill('SIGTERM');
      await server;
    }
  });
});
