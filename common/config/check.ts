// Rules that span several keys of a config, checked on the validated YAML before it becomes a Config.
import { HF_PREFIX, parseHfRef } from './hf-ref.js';
import type { RawConfig } from './schema.js';

export type KeyPath = (string | number)[];
export type Report = (path: KeyPath, message: string) => void;

/**
 * Unique ports and model names, `kind` xor `command`, a file for every model that needs one, known dependencies,
 * well-formed `hf:` sources.
 */
export function checkConfig(raw: RawConfig, report: Report): void {
  const ports = new Map<string, string>();
  const names = Object.keys(raw.servers);
  for (const [name, s] of Object.entries(raw.servers)) {
    const at = (...rest: KeyPath): KeyPath => ['servers', name, ...rest];
    const where = `${s.host}:${s.port}`;
    const other = ports.get(where);
    if (other) report(at('port'), `${where} is already used by server "${other}"`);
    ports.set(where, name);
    if (!s.kind && !s.command)
      report(at('kind'), 'is required: llm or asr-ocr (or give `command:` for a foreign server)');
    if (s.kind && s.command) {
      report(at('command'), `a built-in ${s.kind} server takes no command; leave out kind for a foreign server`);
    }
    if (s.kind && s.models.length === 0) report(at('models'), 'expected at least one model');
    s.dependsOn.forEach((dep, i) => {
      if (!names.includes(dep) || dep === name)
        report(at('dependsOn', i), `"${dep}" is not another server of this config`);
    });
    const seen = new Set<string>();
    s.models.forEach((m, i) => {
      const model = (...rest: KeyPath) => at('models', i, ...rest);
      if (seen.has(m.name)) report(model('name'), `model name "${m.name}" appears twice in server "${name}"`);
      seen.add(m.name);
      if (s.kind === 'llm' && m.type) report(model('type'), `an llm server's models have no type, got "${m.type}"`);
      if (s.kind === 'asr-ocr' && !m.type) report(model('type'), 'is required for an asr-ocr model: asr or ocr');
      if (s.kind && !m.path && m.type !== 'ocr') {
        report(model('path'), 'is required: the model file, relative to the config file');
      }
      const hf = m.source?.startsWith(HF_PREFIX) ? parseHfRef(m.source) : undefined;
      if (hf && 'problem' in hf) report(model('source'), `${hf.problem}, got "${m.source}"`);
    });
  }
}
