// systemd units: one per server. Ours are Type=notify (READY=1 once every required model is ready, sent with
// systemd-notify, hence NotifyAccess=all) with WatchdogSec= from `liveness` (they send WATCHDOG=1 while healthy); a
// foreign one is Type=exec with an ExecStartPost that waits for its health URL. Only keys the target systemd knows.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../common/config/types.js';
import { SYSTEMD_ENV_FILE, type TokenWiring } from './admin-token.js';
import { serverDeployments } from './deployment.js';
import { DEFAULT_SYSTEMD_VERSION, RESTART_STEPS_SINCE } from './systemd-version.js';

/** The installed modelctl (the folder holding its package.json): units run the built servers in place. */
function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/**
 * One unit per server. A foreign server's unit has no watchdog: systemd has no HTTP probe to run, so a hung foreign
 * server is not restarted by systemd (under `modelctl up` the supervisor's watchdog does it).
 */
export function systemdUnits(
  config: Config,
  opts: { root?: string; systemdVersion?: number; token?: TokenWiring } = {},
): { file: string; text: string }[] {
  const root = opts.root ?? appRoot();
  const version = opts.systemdVersion ?? DEFAULT_SYSTEMD_VERSION;
  const launch = { node: ['/usr/bin/env', 'node'], dist: `${root}/dist`, configFile: config.file };
  return serverDeployments(config, launch).map((p) => {
    const ours = p.builtin;
    const deps = p.dependsOn.map((d) => `modelctl-${d}.service`);
    const lines = [
      '[Unit]',
      `Description=modelctl ${p.name} (${p.kind}) model server`,
      `After=network-online.target${deps.length ? ` ${deps.join(' ')}` : ''}`,
      'Wants=network-online.target',
      ...(deps.length ? [`Requires=${deps.join(' ')}`] : []),
      `StartLimitIntervalSec=${Math.max(60, p.budgetSeconds * 2)}`,
      `StartLimitBurst=${p.restart.max + 1}`,
      '',
      '[Service]',
      ours ? 'Type=notify' : 'Type=exec',
      ...(ours ? ['NotifyAccess=all'] : []),
      `WorkingDirectory=${config.dir}`,
      // The admin token's variable (`adminToken: \${…}`), from a root-only file, never from the unit itself; a token
      // written in the config file needs none (units read that file in place).
      ...(ours && opts.token && !opts.token.literal
        ? [`EnvironmentFile=${opts.token.optional ? '-' : ''}${SYSTEMD_ENV_FILE}`]
        : []),
      `ExecStart=${p.command.map(quote).join(' ')}`,
      ...(ours
        ? []
        : [
            `ExecStartPost=/usr/bin/env node ${root}/dist/src/export/wait-healthy.js http://${p.host}:${p.port}${p.startupPath} ${p.budgetSeconds}`,
          ]),
      `TimeoutStartSec=${p.budgetSeconds}`,
      `TimeoutStopSec=${p.graceSeconds}`,
      'KillMode=mixed',
      'KillSignal=SIGTERM',
      `Restart=${p.restart.policy === 'off' ? 'no' : 'on-failure'}`,
      `RestartSec=${Math.max(1, Math.round(p.restart.backoffMs / 1000))}`,
      ...restartSteps(p.restart.max, version),
      ...(ours && p.liveness ? [`WatchdogSec=${p.liveness.periodSeconds * p.liveness.failureThreshold}`] : []),
      '',
      '[Install]',
      'WantedBy=multi-user.target',
      '',
    ];
    return { file: `modelctl-${p.name}.service`, text: lines.join('\n') };
  });
}

/** Growing restart delays where the target systemd has them; a comment saying what is lost where it does not. */
function restartSteps(max: number, version: number): string[] {
  if (version >= RESTART_STEPS_SINCE) return [`RestartSteps=${Math.max(1, max)}`, 'RestartMaxDelaySec=30'];
  return [
    `# systemd ${version} has no RestartSteps/RestartMaxDelaySec (${RESTART_STEPS_SINCE}+): ` +
      'every restart waits RestartSec',
  ];
}

/** systemd's quoting for ExecStart arguments. */
function quote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/(["\\])/g, '\\$1')}"`;
}
