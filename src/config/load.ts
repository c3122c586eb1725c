// Reads models.yaml once: YAML → ${ENV} → schema → cross-checks → absolute paths. Every error names file, line, key path and value.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { configSchema, kindDefaults, knownKeysAt, type Config } from './schema.js';
import { nearest } from './suggest.js';

export const DEFAULT_CONFIG_FILE = 'models.yaml';

type Path = (string | number)[];

/** `servers.llm.models[1].path` */
export function formatKeyPath(path: PropertyKey[]): string {
  return path.reduce<string>(
    (acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)),
    '',
  );
}

function showValue(v: unknown): string {
  const s = v === undefined ? 'nothing' : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined),
    root,
  );
}

/** Replaces `${VAR}` and `${VAR:-default}` in every string value; unset variables without a default are problems. */
function substituteEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: Path,
  problems: (p: Path, msg: string) => void,
): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (whole, name: string, fallback?: string) => {
      const v = env[name] ?? fallback;
      if (v === undefined) {
        problems(path, `environment variable ${name} is not set (write \${${name}:-default} to give a default)`);
        return whole;
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, [...path, i], problems));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, [...path, k], problems)]),
    );
  }
  return value;
}

/** Turns text into a validated Config; `file` is used for messages and to resolve relative paths. */
export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const at = lines.linePos(e.pos[0]);
        return `${file}:${at.line}:${at.col}: not valid YAML: ${e.message.split('\n')[0]}`;
      }),
      file,
    );
  }
  const lineOf = (path: Path) => lineOfPath(doc, lines, path);
  const found: { line: number; text: string }[] = [];
  const report = (path: Path, message: string) => {
    const line = lineOf(path);
    found.push({
      line: line ?? 0,
      text: `${file}${line ? `:${line}` : ''}: ${formatKeyPath(path) || '(top level)'}: ${message}`,
    });
  };
  const problems = () => found.sort((a, b) => a.line - b.line).map((p) => p.text);

  const raw = substituteEnv(doc.toJS() ?? {}, env, [], report);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) reportIssue(issue, raw, report);
  }
  if (found.length > 0 || !parsed.success) throw new ConfigError(problems(), file);

  const dir = dirname(resolve(file));
  const config: Config = {
    file: resolve(file),
    dir,
    stateDir: join(dir, '.modelctl'),
    budget: parsed.data.budget,
    grace: parsed.data.grace,
    deploy: parsed.data.deploy,
    servers: Object.entries(parsed.data.servers).map(([name, s]) => ({
      ...s,
      name,
      kind: s.kind ?? 'command',
      concurrency: s.concurrency ?? kindDefaults(s.kind ?? 'llm').concurrency,
      bodyLimit: s.bodyLimit ?? kindDefaults(s.kind ?? 'llm').bodyLimit,
      models: s.models.map((m) => ({ ...m, ...(m.path ? { file: resolve(dir, m.path) } : {}) })),
    })),
  };
  checkConfig(config, report);
  if (found.length > 0) throw new ConfigError(problems(), file);
  return config;
}

function reportIssue(issue: z.core.$ZodIssue, raw: unknown, report: (p: Path, m: string) => void) {
  const path = issue.path as Path;
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) {
      const guess = nearest(key, knownKeysAt(path));
      report(
        [...path, key],
        `unknown key${guess ? ` (did you mean "${guess}"?)` : `; expected one of ${knownKeysAt(path).join(', ')}`}`,
      );
    }
    return;
  }
  const value = valueAt(raw, path);
  const said = issue.message.replace(/^Invalid input: /, '').replace(/, received \w+$/, '');
  const message =
    value === undefined && issue.code === 'invalid_type' ? 'is required' : `${said}, got ${showValue(value)}`;
  report(path, message);
}

/** Rules that span several keys: unique ports and model names, a file for every model that needs one. */
function checkConfig(config: Config, report: (p: Path, m: string) => void) {
  const ports = new Map<string, string>();
  for (const s of config.servers) {
    const where = `${s.host}:${s.port}`;
    const other = ports.get(where);
    if (other) report(['servers', s.name, 'port'], `${where} is already used by server "${other}"`);
    ports.set(where, s.name);
    const raw = s as { command?: string[] };
    if (s.kind === 'command' && !raw.command)
      report(['servers', s.name, 'kind'], 'is required: llm or asr-ocr (or give `command:` for a foreign server)');
    if (s.kind !== 'command' && raw.command)
      report(
        ['servers', s.name, 'command'],
        `a built-in ${s.kind} server takes no command; leave out kind for a foreign server`,
      );
    if (s.kind !== 'command' && s.models.length === 0)
      report(['servers', s.name, 'models'], 'expected at least one model');
    for (const [i, dep] of s.dependsOn.entries()) {
      if (!config.servers.some((o) => o.name === dep) || dep === s.name)
        report(['servers', s.name, 'dependsOn', i], `"${dep}" is not another server of this config`);
    }
    const names = new Set<string>();
    s.models.forEach((m, i) => {
      const at: Path = ['servers', s.name, 'models', i];
      if (names.has(m.name)) report([...at, 'name'], `model name "${m.name}" appears twice in server "${s.name}"`);
      names.add(m.name);
      if (s.kind === 'llm' && m.type) report([...at, 'type'], `an llm server's models have no type, got "${m.type}"`);
      if (s.kind === 'asr-ocr' && !m.type) report([...at, 'type'], 'is required for an asr-ocr model: asr or ocr');
      if (!m.path && m.type !== 'ocr' && s.kind !== 'command')
        report([...at, 'path'], 'is required: the model file, relative to the config file');
    });
  }
}

function lineOfPath(doc: Document, lines: LineCounter, path: Path): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Reads and validates a config file; a missing file is a ConfigError naming it. */
export function loadConfig(file: string = DEFAULT_CONFIG_FILE, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      [`${file}: cannot read the config (${code === 'ENOENT' ? 'no such file' : (code ?? String(err))})`],
      file,
    );
  }
  return parseConfig(text, file, env);
}
