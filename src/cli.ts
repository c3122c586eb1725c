// commander wiring; the only place where errors become messages and exit codes. Each command's code is imported only
// when that command runs, so `modelctl --version` and `--help` stay as fast as Node itself allows.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../common/config/types.js';
import { ConfigError, ExitCode, ModelctlError, messageOf } from '../common/errors.js';
import { paintErr } from './report/style.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const configOption = () => new Option('-c, --config <file>', 'config file').default(DEFAULT_CONFIG_FILE);
const json = (what: string) => new Option('--json', what);

const program = new Command('modelctl')
  .description('Bring model servers from cold to serving as fast as the hardware allows, and prove it.')
  .version(version)
  .showHelpAfterError()
  .exitOverride()
  .addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 failure (a model or server failed, a port is taken), 2 bad config or usage,
3 cold-start budget exceeded, 130 interrupted before the stack was ready.
Quick start: npx modelctl up          Docs: README.md and docs/`,
  );

program
  .command('up')
  .description('start every server in models.yaml, show where the cold start goes, and supervise until Ctrl-C')
  .addOption(configOption())
  .option('--budget <duration>', "cold-start budget, e.g. 90s (default: the config's budget, 120s)")
  .addOption(json('print machine-readable events, one JSON object per line'))
  .option('--no-pull', 'do not make or download missing model files first')
  .option(
    '-d, --detach',
    'return once the stack is ready and leave it running under a background supervisor (stop it with `modelctl down`)',
  )
  .addOption(
    new Option(
      '--wait <what>',
      "all: every required model ready; serving: each server's first-priority models ready, the rest load on",
    )
      .choices(['all', 'serving'])
      .default('all'),
  )
  .option('--warmup', 'run one small warm-up inference per model before reporting it ready')
  .addOption(new Option('--daemon', 'run as the background supervisor of `up -d`').hideHelp())
  .addHelpText(
    'after',
    `
Exit codes: 0 stopped cleanly after ready, 1 a server or model failed (or a port is taken), 2 bad config or flags,
3 the cold-start budget was exceeded, 130 interrupted before ready. Every server is stopped on any of them.`,
  )
  .action(async (opts) => (await import('./commands/up.js')).up(opts));

program
  .command('coldstart-test')
  .description('CI gate: cold-start every server from scratch, report where the time went, fail when over budget')
  .addOption(configOption())
  .option('--budget <duration>', "budget for the slowest server's cold start (default: the config's budget)")
  .option('--runs <n>', 'repeat the whole cold start n times; pass/fail uses the median', '1')
  .addOption(json('print the report as JSON on stdout'))
  .option('--junit <file>', 'write a JUnit XML file (one testcase per server and per model)')
  .option('--report <file>', 'write the JSON report to a file (an earlier report there is the baseline)')
  .option('--baseline <file>', 'compare with this earlier report instead')
  .option('--threshold <percent>', 'flag models whose load got slower than the baseline by more than this', '20%')
  .option('--drop-caches', 'evict the model files from the page cache before each run (a cold disk, no root needed)')
  .option(
    '--html <file>',
    'write a waterfall of the run that decided (the failed one, else the median) as one self-contained HTML page',
  )
  .option('--no-pull', 'do not make or download missing model files first')
  .addHelpText(
    'after',
    `
Exit codes: 0 pass, 1 fail (budget exceeded, a model failed, a server crashed, a port is taken, a process left
running), 2 bad config or flags. The JSON report's shape is documented in docs/cold-start.md.`,
  )
  .action(async (opts) => (await import('./commands/coldstart-test.js')).coldstartTest(opts));

program
  .command('warmup [model]')
  .description(
    'warm up the models of the running stack (one small inference each); ' +
      'already warm models are skipped unless --force',
  )
  .addOption(configOption())
  .option('--force', 'warm up again even models that are warm')
  .addOption(json('print the results as JSON'))
  .action(async (model, opts) => (await import('./commands/warmup.js')).warmup(model, opts));

program
  .command('reload')
  .description(
    'apply a changed models.yaml to the running stack: only what changed (models swapped in place, a server whose ' +
      'process settings changed restarted alone); a bad file changes nothing',
  )
  .addOption(configOption())
  .option('--dry-run', 'print what would change, change nothing')
  .addOption(json('print the plan and every step as JSON events, then the result'))
  .option('--no-pull', 'do not make or download missing model files first')
  .addHelpText(
    'after',
    `
Reads the config file again, plans the difference with the running stack and applies it; the servers and models it
does not touch keep running (same pids, same load times). A model whose file or type changed is loaded again beside
the old copy, which serves until the new one is ready (or, when memory does not hold both, goes first: its requests
get 503 with Retry-After meanwhile). SIGHUP to the supervisor does the same (without the pull).
Exit codes: 0 applied, 1 a step failed (it keeps running as before) or no stack runs, 2 the config is not valid
(nothing changed).`,
  )
  .action(async (opts) => (await import('./commands/reload.js')).reload(opts));

program
  .command('status')
  .description(
    'show the running stack: servers, pids, ports, states, per-model state and load times (exit 1 if none runs)',
  )
  .addOption(configOption())
  .addOption(json('print the status as JSON'))
  .action(async (opts) => (await import('./commands/status.js')).status(opts));

program
  .command('down')
  .description('stop the running stack (started by `up` or `up -d`) and wait until every process is gone')
  .addOption(configOption())
  .action(async (opts) => (await import('./commands/down.js')).down(opts));

program
  .command('logs [server]')
  .description('show the timing logs (every load event of every server, or of one)')
  .addOption(configOption())
  .option('-f, --follow', 'keep printing new events until Ctrl-C')
  .addOption(json('print the raw JSON lines'))
  .action(async (server, opts) => (await import('./commands/logs.js')).logs(server, opts));

program
  .command('timeline')
  .description(
    'show where the seconds of the last start-up went: a waterfall per server and model, from the timing logs',
  )
  .addOption(configOption())
  .option('--html <file>', 'also write the waterfall as one self-contained HTML page (`-`: to stdout, instead)')
  .addOption(json('print the timeline (rows, bars, marks, times in ms since the stack started) as JSON'))
  .addHelpText(
    'after',
    `
Reads .modelctl/logs/*.jsonl beside the config: each server's latest run (from its last start), aligned by the
clock. Bars: process, server and runtime start-up; per model queued, load attempts, retry waits, checks, warm-up.
Exit codes: 0 shown, 1 no timing logs yet, 2 bad config or flags.`,
  )
  .action(async (opts) => (await import('./commands/timeline.js')).timeline(opts));

program
  .command('export <target>')
  .description(
    'write deployment files: k8s (Deployment + Service per server, ConfigMap), compose, or systemd units; ' +
      'probes cover the budget',
  )
  .addOption(configOption())
  .option('-o, --out <dir>', 'write the files into this folder (default: print them)')
  .option('--image <image>', "container image holding modelctl (default: the config's deploy.image, modelctl:latest)")
  .option(
    '--models-volume <name>',
    'PersistentVolumeClaim / compose volume with the model files (default: modelctl-models)',
  )
  .option('--cpu <cpu>', 'CPU request per server (k8s), e.g. 1 or 500m')
  .option('--memory <memory>', 'memory request per server (k8s), e.g. 2Gi')
  .option(
    '--systemd-version <n>',
    "systemd units: write only what this systemd knows (default: this machine's, or 252)",
  )
  .action(async (target, opts) => (await import('./commands/export.js')).exportStack(target, opts));

program
  .command('pull [model...]')
  .description(
    'make sure every model file exists (or the named ones): synthesize demo:* models, download http(s) and ' +
      'hf:OWNER/REPO/FILE[@REVISION] sources (resumable, retried, sha256 verified), a few at a time',
  )
  .addOption(configOption())
  .option('--force', 'obtain the models again even when present (all when none is named): a fresh file')
  .option('--verify', 'rehash present files instead of trusting the recorded checksum (size, mtime and inode)')
  .option('--concurrency <n>', 'downloads at once', '3')
  .addOption(json('print JSON events (start, progress, retry) and one result per model'))
  .addHelpText(
    'after',
    `
Environment: HF_TOKEN (a Hugging Face token, for gated and private repositories; sent to HF_ENDPOINT only, never
logged or stored), HF_ENDPOINT (default https://huggingface.co; a mirror or a local hub).
Before downloading, pull asks each origin for the size and refuses when the files do not fit on their disk.
Exit codes: 0 every model is present, 1 a model could not be obtained (or too little disk space), 2 bad config,
flags or model name.`,
  )
  .action(async (models, opts) => (await import('./commands/pull.js')).pull(models, opts));

program
  .command('validate')
  .description('check models.yaml and list every problem with its line and key path (exit 0 valid, 2 invalid)')
  .addOption(configOption())
  .addOption(json('print the parsed config as JSON'))
  .option('--plan', 'also estimate what each model needs in memory and the order and overlap the loads will get')
  .action(async (opts) => (await import('./commands/validate.js')).validate(opts));

program
  .command('schema')
  .description('print the JSON Schema of models.yaml, for editors that complete and check the file')
  .addHelpText(
    'after',
    `
The schema describes the file as written: durations (500ms, 2m), sizes (2GiB) and \${VAR} values are taken as the
loader takes them. The package ships it as schema/models.schema.json; the default models.yaml names it on its first
line, which editors with the YAML language server (VS Code's YAML extension, …) follow:
  # yaml-language-server: $schema=./schema/models.schema.json
Elsewhere, write it beside your models.yaml with \`modelctl schema > models.schema.json\` and name that file.`,
  )
  .action(async () => (await import('./commands/schema.js')).schema());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else if (err instanceof ConfigError) {
    console.error(`${paintErr.red('error:')} ${err.headline}`);
    if (err.problems.length > 1) for (const p of err.problems) console.error(`  ${p}`);
    process.exitCode = err.exitCode;
  } else if (err instanceof ModelctlError) {
    if (!err.reported) console.error(`${paintErr.red('error:')} ${err.message}`);
    process.exitCode = err.exitCode;
  } else {
    console.error(`${paintErr.red('internal error:')} ${messageOf(err)}`);
    if (err instanceof Error && err.stack) console.error(paintErr.dim(err.stack));
    process.exitCode = ExitCode.failure;
  }
}
