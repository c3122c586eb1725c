import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../common/config/load.js';
import { exportFiles } from '../../src/commands/export.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const TOKEN = 'a-long-enough-secret-0123456789';

/** A config with one server of ours and one foreign, `adminToken` written as `token`. */
function configWith(name: string, token: string) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `adminToken: ${token}
servers:
  llm: { kind: llm, port: 8081, models: [{ name: chat, path: chat.gguf }] }
  other: { port: 9000, command: [sleep, "1000"] }
`,
  );
  return loadConfig(file, { MODELCTL_ADMIN_TOKEN: TOKEN, OTHER_TOKEN: TOKEN });
}

const files = (target: string, config: ReturnType<typeof configWith>) =>
  exportFiles(target, config, { config: config.file });

describe('export wires the admin token from a secret store, never writing it', () => {
  it('k8s: our containers and their pull step read the variable from the Secret; the ConfigMap keeps ${VAR}', () => {
    const config = configWith('k8s-var', '${OTHER_TOKEN}');
    const out = files('k8s', config);
    expect(out.map((f) => f.text).join('')).not.toContain(TOKEN);
    expect(out[0]!.text).toContain('adminToken: ${OTHER_TOKEN}');
    const [deployment] = parseAllDocuments(out[1]!.text).map((d) => d.toJS());
    expect(() => new Deployment(deployment).validate()).not.toThrow();
    const env = [{ name: 'OTHER_TOKEN', valueFrom: { secretKeyRef: { name: 'modelctl-admin-token', key: 'token' } } }];
    expect(deployment.spec.template.spec.containers[0].env).toEqual(env);
    expect(deployment.spec.template.spec.initContainers[0].env).toEqual(env);
    const [foreign] = parseAllDocuments(out[2]!.text).map((d) => d.toJS());
    expect(foreign.spec.template.spec.containers[0].env).toBeUndefined();
  });

  it('k8s and compose: a token written in the file itself is replaced by ${MODELCTL_ADMIN_TOKEN}', () => {
    const config = configWith('literal', TOKEN);
    for (const target of ['k8s', 'compose']) {
      const text = files(target, config)
        .map((f) => f.text)
        .join('');
      expect(text).not.toContain(TOKEN);
      expect(text).toContain('adminToken: ${MODELCTL_ADMIN_TOKEN}');
    }
    const compose = parse(files('compose', config)[0]!.text);
    expect(compose.services.llm.env_file).toEqual(['./modelctl.env']);
    expect(compose.services.other.env_file).toBeUndefined();
  });

  it('systemd: our units read the variable from a root-only EnvironmentFile; a token in the file needs none', () => {
    const units = files('systemd', configWith('units', '${MODELCTL_ADMIN_TOKEN}'));
    expect(units[0]!.text).toContain('EnvironmentFile=/etc/modelctl/modelctl.env');
    expect(units[1]!.text).not.toContain('EnvironmentFile');
    const literal = files('systemd', configWith('units-literal', TOKEN));
    expect(literal.map((u) => u.text).join('')).not.toMatch(/EnvironmentFile|a-long-enough/);
  });

  it('a token that may be unset (${VAR:-}) is wired as optional: a missing Secret or env file is no error', () => {
    const config = configWith('optional', '"${UNSET_TOKEN:-}"');
    expect(config.servers[0]).not.toHaveProperty('adminToken');
    const [deployment] = parseAllDocuments(files('k8s', config)[1]!.text).map((d) => d.toJS());
    expect(deployment.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.optional).toBe(true);
    const compose = parse(files('compose', config)[0]!.text);
    expect(compose.services.llm.env_file).toEqual([{ path: './modelctl.env', required: false }]);
    expect(files('systemd', config)[0]!.text).toContain('EnvironmentFile=-/etc/modelctl/modelctl.env');
  });

  it('writes nothing about a token when the config has none', () => {
    const file = join(dir, 'none.yaml');
    writeFileSync(file, 'servers:\n  llm: { kind: llm, port: 8081, models: [{ name: chat, path: chat.gguf }] }\n');
    const config = loadConfig(file, {});
    for (const target of ['k8s', 'compose', 'systemd']) {
      expect(
        files(target, config)
          .map((f) => f.text)
          .join(''),
      ).not.toMatch(/modelctl-admin-token|env_file|EnvironmentFile|adminToken/);
    }
  });
});
