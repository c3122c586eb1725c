// Reads models.yaml once: YAML → ${ENV} → schema → cross-checks → typed Config. Every error names the file, the line,
// the key path and the value, and all of them are reported at once.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { checkConfig, type KeyPath, type Report } from './check.js';
import { resolveConfig } from './resolve.js';
import { configSchema, knownKeysAt, SECRET_KEYS } from './schema.js';
import { nearest } from './suggest.js';
import { DEFAULT_CONFIG_FILE, type Config } from './types.js';

/** `servers.llm.models[1].path` */
function formatKeyPath(path: PropertyKey[]): string {
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

/** `${VAR}` or `${VAR:-default}` inside a string value; the JSON Schema lets any value that holds one through. */
export const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces `${VAR}` and `${VAR:-default}` in every string value; unset variables without a default are problems. */
function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path: KeyPath, problems: Report): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REFERENCE, (whole, name: string, fallback?: string) => {
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
  const lineOf = (path: KeyPath) => lineOfPath(doc, lines, path);
  const found: { line: number; text: string }[] = [];
  const report: Report = (path, message) => {
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

  checkConfig(parsed.data, report);
  if (found.length > 0) throw new ConfigError(problems(), file);
  return resolveConfig(parsed.data, file, configVersion(text));
}

/** The first 12 hex digits of the text's sha256: enough to tell versions of one file apart at a glance. */
export const configVersion = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** One schema issue as a problem at its key path; `at` is where the union that holds a branch's issue sits. */
function reportIssue(issue: z.core.$ZodIssue, raw: unknown, report: Report, at: KeyPath = []) {
  const path = [...at, ...issue.path] as KeyPath;
  if (issue.code === 'invalid_union') {
    const branch = mostSpecificBranch(issue.errors);
    if (branch) {
      for (const inner of branch) reportIssue(inner, raw, report, path);
      return;
    }
  }
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) report([...path, key], `unknown key${unknownKeyHint(key, knownKeysAt(path))}`);
    return;
  }
  const value = valueAt(raw, path);
  const secret = SECRET_KEYS.has(String(path.at(-1)));
  const said = issue.message.replace(/^Invalid input: /, '').replace(/, received \w+$/, '');
  const message =
    value === undefined && issue.code === 'invalid_type'
      ? 'is required'
      : `${said}, got ${secret ? 'a value that is not shown' : showValue(value)}`;
  report(path, message);
}

/** "Did you mean" the nearest known key, else the list of them; nothing where no key is known. */
function unknownKeyHint(key: string, known: string[]): string {
  const guess = nearest(key, known);
  if (guess) return ` (did you mean "${guess}"?)`;
  return known.length > 0 ? `; expected one of ${known.join(', ')}` : '';
}

/**
 * Of a union's branches, the one that got furthest into the value (`liveness: {period: 5x}` fails inside the map, not
 * at `off`): its issues name the key. Undefined when every branch failed at the top; the union's own message says it.
 */
function mostSpecificBranch(branches: z.core.$ZodIssue[][]): z.core.$ZodIssue[] | undefined {
  const depth = (issues: z.core.$ZodIssue[]) =>
    Math.max(0, ...issues.map((i) => i.path.length + (i.code === 'unrecognized_keys' ? 1 : 0)));
  const best = branches.reduce((a, b) => (depth(b) > depth(a) ? b : a), []);
  return depth(best) > 0 ? best : undefined;
}

function lineOfPath(doc: Document, lines: LineCounter, path: KeyPath): number | undefined {
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
