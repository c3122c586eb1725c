// `modelctl export <k8s|compose|systemd>`: writes deployment files for the stack, with probes and timeouts set from
// the config's budget and grace. Output is deterministic (stable order, no timestamps) so it diffs cleanly.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { loadConfig } from '../../common/config/load.js';
import type { Config } from '../../common/config/types.js';
import { ConfigError } from '../../common/errors.js';
import { adminTokenWiring, withoutLiteralToken } from '../export/admin-token.js';
import { composeFile } from '../export/compose.js';
import { k8sManifests } from '../export/k8s.js';
import { systemdUnits } from '../export/systemd.js';
import { localSystemdVersion } from '../export/systemd-version.js';

export interface ExportOptions {
  config: string;
  out?: string;
  image?: string;
  modelsVolume?: string;
  cpu?: string;
  memory?: string;
  /** systemd units: the systemd version to write for (default: this machine's, or 252). */
  systemdVersion?: string;
}

const configDocument = (config: Config) => parseDocument(readFileSync(config.file, 'utf8'));

/**
 * The config as deployed in a container: every server listens on all interfaces, an admin token written in the file
 * becomes the variable the deployment fills from its secret; comments and order kept.
 */
export function containerConfigYaml(config: Config): string {
  const doc = configDocument(config);
  for (const s of config.servers) doc.setIn(['servers', s.name, 'host'], '0.0.0.0');
  withoutLiteralToken(doc);
  return doc.toString({ lineWidth: 0 });
}

const yamlDocs = (objects: object[]) =>
  objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');

/** The files of a target, name → text. */
export function exportFiles(target: string, config: Config, opts: ExportOptions): { file: string; text: string }[] {
  const deploy = {
    ...config.deploy,
    ...definedOnly({ image: opts.image, modelsVolume: opts.modelsVolume, cpu: opts.cpu, memory: opts.memory }),
  };
  const token = adminTokenWiring(configDocument(config));
  switch (target) {
    case 'k8s':
      return k8sManifests(config, { ...deploy, configYaml: containerConfigYaml(config), token }).map((f) => ({
        file: f.file,
        text: yamlDocs(f.objects),
      }));
    case 'compose':
      return [
        { file: 'compose.yaml', text: yamlDocs([composeFile(config, { ...deploy, token })]) },
        { file: 'models.yaml', text: containerConfigYaml(config) },
      ];
    case 'systemd':
      return systemdUnits(config, { systemdVersion: systemdVersionOf(opts.systemdVersion), token });
    default:
      throw new ConfigError([`export target must be k8s, compose or systemd, got "${target}"`]);
  }
}

/** `--systemd-version N`, or the version this machine runs (252 where it runs none). */
function systemdVersionOf(flag: string | undefined): number {
  if (flag === undefined) return localSystemdVersion();
  const version = Number(flag);
  if (!Number.isInteger(version) || version < 200) {
    throw new ConfigError([`--systemd-version: expected a systemd version such as 252, got "${flag}"`]);
  }
  return version;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function exportStack(target: string, opts: ExportOptions): void {
  const config = loadConfig(opts.config);
  const files = exportFiles(target, config, opts);
  if (!opts.out) {
    process.stdout.write(files.map((f) => `# ${f.file}\n${f.text}`).join(target === 'systemd' ? '\n' : '---\n'));
    return;
  }
  mkdirSync(opts.out, { recursive: true });
  for (const f of files) writeFileSync(join(opts.out, f.file), f.text);
  console.log(`wrote ${files.map((f) => join(opts.out!, f.file)).join(', ')}`);
}
