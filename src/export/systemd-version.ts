// Which systemd the units are for: what this machine runs, else Debian 12's (252). Keys newer than the target are
// left out rather than written and silently ignored.
import { execFileSync } from 'node:child_process';

/** Debian 12 (bookworm): what most servers still run. */
export const DEFAULT_SYSTEMD_VERSION = 252;

/** `RestartSteps=` and `RestartMaxDelaySec=` (growing restart delays) arrived in systemd 254. */
export const RESTART_STEPS_SINCE = 254;

export function localSystemdVersion(): number {
  for (const command of ['systemctl', 'systemd-analyze']) {
    try {
      const out = execFileSync(command, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const version = /systemd (\d+)/.exec(out)?.[1];
      if (version) return Number(version);
    } catch {
      // not installed here: try the next, then fall back
    }
  }
  return DEFAULT_SYSTEMD_VERSION;
}
