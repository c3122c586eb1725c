// The Dockerfile's build without a Docker engine: its COPY lines (less .dockerignore) into an empty folder, then its
// RUN steps there. Only what this file knows how to replay is taken; anything else fails, so a new instruction cannot
// slip by untested.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { basename, join, relative } from 'node:path';
import { execa } from 'execa';

export interface DockerStep {
  instruction: string;
  args: string;
  /** The WORKDIR it runs in. */
  workdir: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
export function dockerSteps(text: string): DockerStep[] {
  const steps: DockerStep[] = [];
  let workdir = '/';
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    const step = { instruction: m[1]!.toUpperCase(), args: m[2]!.trim(), workdir };
    if (step.instruction === 'WORKDIR') workdir = step.args;
    steps.push(step);
  }
  return steps;
}

/** .dockerignore's entries: paths from the context's root (the only form used here; anything else is refused). */
function ignoredPaths(root: string): string[] {
  const file = join(root, '.dockerignore');
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const entries = lines.map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const odd = entries.find((e) => /[*?![\]]/.test(e));
  if (odd) throw new Error(`.dockerignore: "${odd}" is a pattern this test does not model; extend test/helpers`);
  return entries.map((e) => e.replace(/^\/+|\/+$/g, ''));
}

/** Copies each source of `COPY a b … dest` from `context` into `folder`, as Docker would (a folder's contents). */
function copyStep(args: string, context: string, folder: string, ignored: string[]) {
  if (args.startsWith('--') || args.startsWith('[')) throw new Error(`COPY ${args}: a form this test does not model`);
  const parts = args.split(/\s+/);
  const dest = parts.pop()!;
  for (const source of parts) {
    if (/[*?]/.test(source)) throw new Error(`COPY ${args}: wildcards are not modelled`);
    const from = join(context, source);
    const to = dest.endsWith('/') || parts.length > 1 ? join(folder, dest, basename(source)) : join(folder, dest);
    const kept = (path: string) => {
      const rel = relative(context, path);
      return !ignored.some((i) => rel === i || rel.startsWith(`${i}/`));
    };
    if (!kept(from)) continue;
    mkdirSync(join(to, '..'), { recursive: true });
    cpSync(from, to, { recursive: true, filter: kept });
  }
}

/** The lifecycle scripts of the package itself that `npm ci` runs after installing, in npm's order. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];

/**
 * `npm ci` with the checkout's node_modules linked in (a real install would take minutes and ~1 GB here; it is the
 * lock file's packages either way): the package's own install scripts, which is where the build runs.
 */
async function npmCi(folder: string, checkout: string) {
  if (!existsSync(join(folder, 'node_modules')))
    symlinkSync(join(checkout, 'node_modules'), join(folder, 'node_modules'));
  const { scripts = {} } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  for (const script of INSTALL_SCRIPTS.filter((s) => s in scripts)) {
    await execa('npm', ['run', script], { cwd: folder, all: true }).catch((err: { all?: string }) => {
      throw new Error(`npm run ${script} failed in the image:\n${err.all ?? String(err)}`, { cause: err });
    });
  }
}

/** A package named by an import, an export … from, or a dynamic import() in built code (relative paths left out). */
const IMPORTED = /(?:^import\s*|^(?:import|export)\b[^'"]*?\sfrom\s*|\bimport\(\s*)['"]([^'"./][^'"]*)['"]/gm;

/**
 * `npm prune --omit=dev` cannot run on linked node_modules (it would prune the checkout's); what it must not break is
 * checked instead: the built code imports no package outside `dependencies`.
 */
export function devOnlyImports(folder: string): string[] {
  const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { dependencies?: object };
  const deps = new Set(Object.keys(pkg.dependencies ?? {}));
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.js')) {
        const code = readFileSync(path, 'utf8');
        for (const [, spec] of code.matchAll(IMPORTED)) {
          const pkgName = spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!;
          if (!isBuiltin(spec!) && !deps.has(pkgName)) found.add(`${relative(folder, path)}: ${spec}`);
        }
      }
    }
  };
  walk(join(folder, 'dist'));
  return [...found];
}

/** Replays the Dockerfile of `checkout` (its text may be given instead) into the empty `folder`. */
export async function replayDockerBuild(checkout: string, folder: string, text?: string): Promise<void> {
  const steps = dockerSteps(text ?? readFileSync(join(checkout, 'Dockerfile'), 'utf8'));
  const app = steps.find((s) => s.instruction === 'WORKDIR')?.args;
  const ignored = ignoredPaths(checkout);
  for (const step of steps) {
    const inApp = step.workdir === app;
    switch (step.instruction) {
      case 'FROM':
      case 'WORKDIR':
      case 'CMD':
      case 'ENTRYPOINT':
      case 'EXPOSE':
      case 'LABEL':
        break;
      case 'COPY':
        if (!inApp) throw new Error(`COPY ${step.args}: outside the first WORKDIR, which this test does not model`);
        copyStep(step.args, checkout, folder, ignored);
        break;
      case 'RUN':
        if (!inApp) throw new Error(`RUN ${step.args}: outside the first WORKDIR, which this test does not model`);
        for (const command of step.args.split('&&').map((c) => c.trim())) {
          if (/^npm ci(\s|$)/.test(command)) await npmCi(folder, checkout);
          else if (/^npm prune --omit=dev(\s|$)/.test(command)) {
            const dev = devOnlyImports(folder);
            if (dev.length > 0) throw new Error(`after npm prune, the build still imports:\n${dev.join('\n')}`);
          } else throw new Error(`RUN ${command}: a step this test does not know how to replay`);
        }
        break;
      default:
        throw new Error(`${step.instruction} ${step.args}: an instruction this test does not model`);
    }
  }
}
